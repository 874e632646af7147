/* Tree operations over a view: the main tree, or a transaction's private overlay
 * (copy on first look, written back by txn.c on commit). Permission checks, implicit
 * parents, quotas and watch firing happen here. */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

/* Finds path in the view. In a transaction the first look copies the main tree's
 * node (or records its absence) into the overlay, with its generation; refuses
 * (ENOSPC) an unprivileged transaction's look beyond lim.tx_nodes nodes. */
enum xs_err view_get(struct view *v, const char *path, struct node **out)
{
    struct node *m, *n;

    *out = NULL;
    if (v->tx == NULL) {
        *out = table_find(&v->e->nodes, path);
        return *out != NULL ? XE_OK : XE_ENOENT;
    }
    n = table_find(&v->tx->overlay, path);
    if (n == NULL) {
        if (v->domid != 0 && v->tx->overlay.count >= v->e->lim.tx_nodes)
            return XE_ENOSPC;
        m = table_find(&v->e->nodes, path);
        n = m != NULL ? node_copy(m) : node_new(path);
        if (n == NULL)
            return XE_ENOMEM;
        n->gone = m == NULL;
        n->seen_exists = m != NULL;
        n->seen_gen = m != NULL ? m->gen : 0;
        table_insert(&v->tx->overlay, n);
    }
    if (n->gone)
        return XE_ENOENT;
    *out = n;
    return XE_OK;
}

/* Records a change: the main tree bumps the generation and fires watches at once; a
 * transaction marks the copy for commit (which fires then). */
void tree_changed(struct view *v, struct node *n, enum fire fire)
{
    if (v->tx != NULL) {
        n->dirty = true;
        if (fire > n->fire)
            n->fire = (uint8_t)fire;
        return;
    }
    n->gen = ++v->e->gen;
    if (fire != FIRE_NONE)
        watch_fire(v->e, n->path, fire, n->perms, n->nperms);
}

/* ENOENT for a missing node whose nearest existing ancestor the requester may read,
 * EACCES otherwise (so a domain cannot probe what it may not read). */
enum xs_err tree_absent_error(struct view *v, const char *path)
{
    char up[PATH_BUF];
    struct node *n = NULL;
    enum xs_err err;

    strcpy(up, path);
    while (strcmp(up, "/") != 0) {
        path_parent(up, up);
        err = view_get(v, up, &n);
        if (err != XE_OK && err != XE_ENOENT)
            return err;
        if (n != NULL)
            break;
    }
    if (n == NULL)
        return XE_ENOENT;
    return (perm_for(n, v->domid) & PERM_READ) ? XE_ENOENT : XE_EACCES;
}

static int64_t quota_used(struct view *v)
{
    struct domain *d = domain_get(v->e, v->domid, false);

    return (d != NULL ? d->nnodes : 0) + (v->tx != NULL ? v->tx->node_delta : 0);
}

static void account(struct view *v, uint16_t owner, int delta)
{
    if (v->tx == NULL)
        domain_account(v->e, owner, delta);
    else if (owner == v->domid)
        v->tx->node_delta += delta;
}

/* Creates path under an existing parent, inheriting its permissions (owned by the
 * requester when unprivileged). */
static enum xs_err create_one(struct view *v, struct node *parent, const char *path,
                              struct node **out)
{
    struct node *n;
    const char *name = strrchr(path, '/') + 1;

    if (v->tx != NULL) {
        n = table_find(&v->tx->overlay, path);     /* the tombstone view_get left */
    } else {
        n = node_new(path);
        if (n != NULL)
            table_insert(&v->e->nodes, n);
    }
    if (n == NULL)
        return XE_ENOMEM;
    n->gone = false;
    if (node_set_perms(n, parent->perms, parent->nperms) < 0 || kids_add(parent, name) < 0)
        goto nomem;
    if (v->domid != 0)
        n->perms[0].domid = v->domid;
    account(v, n->perms[0].domid, 1);
    tree_changed(v, parent, FIRE_NONE);
    tree_changed(v, n, FIRE_NONE);
    *out = n;
    return XE_OK;
nomem:
    node_clear(n);
    if (v->tx != NULL) {
        n->gone = true;
    } else {
        table_unlink(&v->e->nodes, n);
        node_free(n);
    }
    return XE_ENOMEM;
}

/* Makes path exist (with missing parents), checking write permission on the nearest
 * existing ancestor and the requester's node quota. *created tells if it was new. */
static enum xs_err ensure(struct view *v, const char *path, struct node **out,
                          bool *created)
{
    char up[PATH_BUF];
    struct node *anc = NULL, *n;
    enum xs_err err;
    size_t missing = 0;

    *created = false;
    err = view_get(v, path, out);
    if (err != XE_ENOENT)
        return err;
    strcpy(up, path);
    do {
        missing++;
        path_parent(up, up);
        err = view_get(v, up, &anc);
        if (err != XE_OK && err != XE_ENOENT)
            return err;
    } while (anc == NULL);
    if (!(perm_for(anc, v->domid) & PERM_WRITE))
        return XE_EACCES;
    if (v->domid != 0 && quota_used(v) + (int64_t)missing > v->e->lim.nodes)
        return XE_ENOSPC;
    /* Walk down from the ancestor creating each missing level: path[len] is the '/'
     * after the ancestor (or its first name character for "/"), so the next slash
     * is searched from len + 1. */
    n = anc;
    for (size_t len = strlen(up); ; ) {
        const char *slash = strchr(path + len + 1, '/');

        len = slash != NULL ? (size_t)(slash - path) : strlen(path);
        memcpy(up, path, len);
        up[len] = '\0';
        err = create_one(v, n, up, &n);
        if (err != XE_OK)
            return err;
        if (slash == NULL)
            break;
    }
    *created = true;
    *out = n;
    return XE_OK;
}

enum xs_err tree_write(struct view *v, const char *path, const void *val, uint32_t len,
                       bool mkdir)
{
    struct node *n;
    bool created;
    enum xs_err err = ensure(v, path, &n, &created);

    if (err != XE_OK)
        return err;
    if (!created && !(perm_for(n, v->domid) & PERM_WRITE))
        return XE_EACCES;
    if (mkdir) {
        if (created)
            tree_changed(v, n, FIRE_TREE);
        return XE_OK;
    }
    if (node_set_value(n, val, len) < 0)
        return XE_ENOMEM;
    tree_changed(v, n, FIRE_TREE);
    return XE_OK;
}

/* Deletes n and everything below it: children first, each firing its exact watches,
 * the top one firing watches on it and above. */
static enum xs_err remove_subtree(struct view *v, struct node *top)
{
    size_t cap = 16, count = 1;
    char **paths = malloc(cap * sizeof(*paths));
    enum xs_err err = XE_OK;

    if (paths == NULL || (paths[0] = str_dup(top->path)) == NULL) {
        free(paths);
        return XE_ENOMEM;
    }
    /* Breadth-first list of the subtree's paths (copying nodes into the overlay). */
    for (size_t i = 0; i < count && err == XE_OK; i++) {
        struct node *n;

        err = view_get(v, paths[i], &n);
        for (uint32_t off = 0; err == XE_OK && off < n->kids_len;) {
            const char *kid = n->kids + off;
            size_t plen = strlen(paths[i]), klen = strlen(kid);
            char *p = malloc(plen + klen + 2);

            if (count == cap) {
                char **np = realloc(paths, cap * 2 * sizeof(*paths));

                if (np != NULL) {
                    paths = np;
                    cap *= 2;
                }
            }
            if (p == NULL || count == cap) {
                free(p);
                err = XE_ENOMEM;
                break;
            }
            memcpy(p, paths[i], plen);
            p[plen] = '/';
            memcpy(p + plen + 1, kid, klen + 1);
            paths[count++] = p;
            off += (uint32_t)klen + 1;
        }
    }
    for (size_t i = count; i-- > 0;) {
        struct node *n;

        if (err == XE_OK && view_get(v, paths[i], &n) == XE_OK) {
            tree_changed(v, n, i == 0 ? FIRE_TREE : FIRE_EXACT);
            account(v, n->perms[0].domid, -1);
            node_clear(n);
            if (v->tx != NULL) {
                n->gone = true;
            } else {
                table_unlink(&v->e->nodes, n);
                node_free(n);
            }
        }
        free(paths[i]);
    }
    free(paths);
    return err;
}

enum xs_err tree_rm(struct view *v, const char *path)
{
    char up[PATH_BUF];
    struct node *n, *parent;
    enum xs_err err;

    if (strcmp(path, "/") == 0)
        return XE_EINVAL;
    path_parent(path, up);
    err = view_get(v, path, &n);
    if (err == XE_ENOENT) {
        /* Removing what is not there succeeds if the parent is there. */
        err = view_get(v, up, &parent);
        if (err == XE_ENOENT)
            return tree_absent_error(v, up);
        if (err != XE_OK)
            return err;
        return (perm_for(parent, v->domid) & PERM_READ) ? XE_OK : XE_EACCES;
    }
    if (err != XE_OK)
        return err;
    if (!(perm_for(n, v->domid) & PERM_WRITE))
        return XE_EACCES;
    err = view_get(v, up, &parent);
    if (err != XE_OK)
        return err == XE_ENOENT ? XE_EIO : err;     /* a node without parent: corrupt */
    err = remove_subtree(v, n);
    if (err != XE_OK)
        return err;
    kids_remove(parent, strrchr(path, '/') + 1);
    tree_changed(v, parent, FIRE_NONE);
    return XE_OK;
}

enum xs_err tree_set_perms(struct view *v, const char *path, const struct store_perm *p,
                           uint32_t count)
{
    struct node *n;
    enum xs_err err = view_get(v, path, &n);
    uint16_t old_owner;

    if (err == XE_ENOENT)
        return tree_absent_error(v, path);
    if (err != XE_OK)
        return err;
    if (!(perm_for(n, v->domid) & PERM_OWNER))
        return XE_EACCES;
    if (v->domid != 0 && p[0].domid != v->domid)
        return XE_EPERM;        /* only dom0 gives a node away */
    old_owner = n->perms[0].domid;
    if (node_set_perms(n, p, count) < 0)
        return XE_ENOMEM;
    if (old_owner != p[0].domid) {
        account(v, old_owner, -1);
        account(v, p[0].domid, 1);
    }
    tree_changed(v, n, FIRE_TREE);
    return XE_OK;
}
