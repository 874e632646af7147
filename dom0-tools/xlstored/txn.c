/* Transactions: optimistic. Each works on a private overlay copied on first look;
 * commit checks that every node it looked at is still as it was then (same
 * generation, same existence) and answers EAGAIN otherwise, so a committed
 * transaction equals running it alone at the moment of commit. */
#include "store_int.h"

#include <stdlib.h>

enum xs_err txn_start(struct store_engine *e, struct conn *c, uint32_t *id)
{
    struct txn *t;

    if (c->cid.domid != 0 && c->ntxns >= e->lim.transactions)
        return XE_ENOSPC;
    t = calloc(1, sizeof(*t));
    if (t == NULL || table_init(&t->overlay) < 0) {
        free(t);
        return XE_ENOMEM;
    }
    /* Ids are per connection, never 0 and never one still open. */
    do {
        t->id = c->next_txid++;
    } while (t->id == 0 || txn_find(c, t->id) != NULL);
    t->next = c->txns;
    c->txns = t;
    c->ntxns++;
    *id = t->id;
    return XE_OK;
}

struct txn *txn_find(struct conn *c, uint32_t id)
{
    for (struct txn *t = c->txns; t != NULL; t = t->next) {
        if (t->id == id)
            return t;
    }
    return NULL;
}

static void txn_free(struct txn *t)
{
    table_free(&t->overlay);
    free(t);
}

static void unlink_txn(struct conn *c, struct txn *t)
{
    for (struct txn **p = &c->txns; *p != NULL; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            c->ntxns--;
            return;
        }
    }
}

void txn_free_all(struct conn *c)
{
    struct txn *t, *next;

    for (t = c->txns; t != NULL; t = next) {
        next = t->next;
        txn_free(t);
    }
    c->txns = NULL;
    c->ntxns = 0;
}

struct commit {
    struct store_engine *e;
    bool conflict;
    struct node **dirty;
    size_t ndirty;
};

static void check_one(struct node *n, void *arg)
{
    struct commit *k = arg;
    struct node *m = table_find(&k->e->nodes, n->path);

    if ((m != NULL) != n->seen_exists || (m != NULL && m->gen != n->seen_gen))
        k->conflict = true;
    if (n->dirty)
        k->dirty[k->ndirty++] = n;
}

/* Writes one overlay entry back into the main tree (moving it, so it cannot fail). */
static void apply_one(struct store_engine *e, struct txn *t, struct node *n)
{
    struct node *m = table_find(&e->nodes, n->path);

    if (n->gone) {
        if (m == NULL)
            return;
        if (n->fire != FIRE_NONE)
            watch_fire(e, m->path, (enum fire)n->fire, m->perms, m->nperms);
        domain_account(e, m->perms[0].domid, -1);
        table_unlink(&e->nodes, m);
        node_free(m);
        return;
    }
    table_unlink(&t->overlay, n);
    if (m != NULL) {
        domain_account(e, m->perms[0].domid, -1);
        table_unlink(&e->nodes, m);
        node_free(m);
    }
    n->gen = ++e->gen;
    n->dirty = false;
    table_insert(&e->nodes, n);
    domain_account(e, n->perms[0].domid, 1);
    if (n->fire != FIRE_NONE)
        watch_fire(e, n->path, (enum fire)n->fire, n->perms, n->nperms);
    n->fire = FIRE_NONE;
}

enum xs_err txn_end(struct store_engine *e, struct conn *c, struct txn *t, bool commit)
{
    struct commit k = { e, false, NULL, 0 };
    enum xs_err err = XE_OK;

    unlink_txn(c, t);
    if (commit) {
        k.dirty = malloc((t->overlay.count + 1) * sizeof(*k.dirty));
        if (k.dirty == NULL) {
            txn_free(t);
            return XE_ENOMEM;
        }
        table_each(&t->overlay, check_one, &k);
        if (k.conflict) {
            err = XE_EAGAIN;
        } else {
            for (size_t i = 0; i < k.ndirty; i++)
                apply_one(e, t, k.dirty[i]);
        }
        free(k.dirty);
    }
    txn_free(t);
    return err;
}
