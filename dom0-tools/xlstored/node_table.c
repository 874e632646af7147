/* Nodes and the path -> node hash table (XXH3-64 of the path, chained buckets). */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#define INITIAL_BUCKETS 256

static uint64_t hash_path(const char *path)
{
    return (uint64_t)XXH3_64bits(path, strlen(path));
}

int table_init(struct node_table *t)
{
    t->bucket = calloc(INITIAL_BUCKETS, sizeof(*t->bucket));
    t->nbuckets = INITIAL_BUCKETS;
    t->count = 0;
    return t->bucket != NULL ? 0 : -1;
}

void table_free(struct node_table *t)
{
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct node *n = t->bucket[i], *next;

        for (; n != NULL; n = next) {
            next = n->hnext;
            node_free(n);
        }
    }
    free(t->bucket);
    t->bucket = NULL;
    t->nbuckets = t->count = 0;
}

struct node *table_find(const struct node_table *t, const char *path)
{
    uint64_t h = hash_path(path);
    struct node *n = t->bucket[h & (t->nbuckets - 1)];

    for (; n != NULL; n = n->hnext) {
        if (n->hash == h && strcmp(n->path, path) == 0)
            return n;
    }
    return NULL;
}

/* Doubles the buckets; keeps the old ones (longer chains) if memory is short. */
static void grow(struct node_table *t)
{
    size_t nb = t->nbuckets * 2;
    struct node **b = calloc(nb, sizeof(*b));

    if (b == NULL)
        return;
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct node *n = t->bucket[i], *next;

        for (; n != NULL; n = next) {
            next = n->hnext;
            n->hnext = b[n->hash & (nb - 1)];
            b[n->hash & (nb - 1)] = n;
        }
    }
    free(t->bucket);
    t->bucket = b;
    t->nbuckets = nb;
}

void table_insert(struct node_table *t, struct node *n)
{
    struct node **slot;

    if (t->count >= t->nbuckets)
        grow(t);
    n->hash = hash_path(n->path);
    slot = &t->bucket[n->hash & (t->nbuckets - 1)];
    n->hnext = *slot;
    *slot = n;
    t->count++;
}

void table_unlink(struct node_table *t, struct node *n)
{
    struct node **p = &t->bucket[n->hash & (t->nbuckets - 1)];

    for (; *p != NULL; p = &(*p)->hnext) {
        if (*p == n) {
            *p = n->hnext;
            n->hnext = NULL;
            t->count--;
            return;
        }
    }
}

void table_each(struct node_table *t, void (*fn)(struct node *n, void *arg), void *arg)
{
    for (size_t i = 0; i < t->nbuckets; i++) {
        for (struct node *n = t->bucket[i]; n != NULL; n = n->hnext)
            fn(n, arg);
    }
}

char *str_dup(const char *s)
{
    size_t len = strlen(s) + 1;
    char *d = malloc(len);

    if (d != NULL)
        memcpy(d, s, len);
    return d;
}

struct node *node_new(const char *path)
{
    struct node *n = calloc(1, sizeof(*n));
    size_t len = strlen(path) + 1;

    if (n == NULL)
        return NULL;
    n->path = malloc(len);
    if (n->path == NULL) {
        free(n);
        return NULL;
    }
    memcpy(n->path, path, len);
    return n;
}

static void *dup_bytes(const void *src, size_t len)
{
    void *p;

    if (len == 0)
        return NULL;
    p = malloc(len);
    if (p != NULL)
        memcpy(p, src, len);
    return p;
}

struct node *node_copy(const struct node *src)
{
    struct node *n = node_new(src->path);

    if (n == NULL)
        return NULL;
    n->vlen = src->vlen;
    n->nperms = src->nperms;
    n->kids_len = src->kids_len;
    n->gen = src->gen;
    n->value = dup_bytes(src->value, src->vlen);
    n->perms = dup_bytes(src->perms, src->nperms * sizeof(*src->perms));
    n->kids = dup_bytes(src->kids, src->kids_len);
    if ((src->vlen && n->value == NULL) || (src->nperms && n->perms == NULL) ||
        (src->kids_len && n->kids == NULL)) {
        node_free(n);
        return NULL;
    }
    return n;
}

void node_clear(struct node *n)
{
    free(n->value);
    free(n->perms);
    free(n->kids);
    n->value = NULL;
    n->perms = NULL;
    n->kids = NULL;
    n->vlen = n->nperms = n->kids_len = 0;
}

void node_free(struct node *n)
{
    if (n == NULL)
        return;
    node_clear(n);
    free(n->path);
    free(n);
}

int node_set_value(struct node *n, const void *value, uint32_t len)
{
    void *v = dup_bytes(value, len);

    if (len != 0 && v == NULL)
        return -1;
    free(n->value);
    n->value = v;
    n->vlen = len;
    return 0;
}

int node_set_perms(struct node *n, const struct store_perm *p, uint32_t count)
{
    void *v = dup_bytes(p, count * sizeof(*p));

    if (count != 0 && v == NULL)
        return -1;
    free(n->perms);
    n->perms = v;
    n->nperms = count;
    return 0;
}

int kids_add(struct node *n, const char *name)
{
    size_t len = strlen(name) + 1;
    char *k = realloc(n->kids, n->kids_len + len);

    if (k == NULL)
        return -1;
    memcpy(k + n->kids_len, name, len);
    n->kids = k;
    n->kids_len += (uint32_t)len;
    return 0;
}

void kids_remove(struct node *n, const char *name)
{
    size_t len = strlen(name) + 1;

    for (uint32_t off = 0; off < n->kids_len;) {
        size_t here = strlen(n->kids + off) + 1;

        if (here == len && memcmp(n->kids + off, name, len) == 0) {
            memmove(n->kids + off, n->kids + off + len, n->kids_len - off - len);
            n->kids_len -= (uint32_t)len;
            return;
        }
        off += (uint32_t)here;
    }
}
