/* Domains (introduced or not, their node counts) and the connection list. */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

struct domain *domain_get(struct store_engine *e, uint16_t domid, bool create)
{
    for (size_t i = 0; i < e->ndoms; i++) {
        if (e->doms[i].domid == domid)
            return &e->doms[i];
    }
    if (!create)
        return NULL;
    if (e->ndoms == e->capdoms) {
        size_t cap = e->capdoms ? e->capdoms * 2 : 8;
        struct domain *d = realloc(e->doms, cap * sizeof(*d));

        if (d == NULL)
            return NULL;
        e->doms = d;
        e->capdoms = cap;
    }
    e->doms[e->ndoms] = (struct domain){ .domid = domid };
    return &e->doms[e->ndoms++];
}

/* Counts a node for its owner. The count is only advisory if memory is short. */
void domain_account(struct store_engine *e, uint16_t owner, int delta)
{
    struct domain *d = domain_get(e, owner, delta > 0);

    if (d == NULL)
        return;
    if (delta < 0 && d->nnodes < (uint32_t)-delta)
        d->nnodes = 0;
    else
        d->nnodes += (uint32_t)delta;
}

struct conn *conn_find(const struct store_engine *e, struct store_conn_id cid)
{
    for (struct conn *c = e->conns; c != NULL; c = c->next) {
        if (c->cid.domid == cid.domid && c->cid.id == cid.id)
            return c;
    }
    return NULL;
}

void conn_reset(struct store_engine *e, struct conn *c)
{
    (void)e;
    watch_free_all(c);
    txn_free_all(c);
}

int store_conn_open(struct store_engine *e, struct store_conn_id cid)
{
    struct conn *c;

    if (conn_find(e, cid) != NULL)
        return -1;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return -1;
    c->cid = cid;
    c->next_txid = 1;
    c->next = e->conns;
    e->conns = c;
    return 0;
}

void store_conn_close(struct store_engine *e, struct store_conn_id cid)
{
    for (struct conn **p = &e->conns; *p != NULL; p = &(*p)->next) {
        struct conn *c = *p;

        if (c->cid.domid == cid.domid && c->cid.id == cid.id) {
            *p = c->next;
            conn_reset(e, c);
            out_free_all(c);
            free(c);
            return;
        }
    }
}

bool store_conn_dead(const struct store_engine *e, struct store_conn_id cid)
{
    struct conn *c = conn_find(e, cid);

    return c == NULL || c->dead;
}

int store_domain_ring(const struct store_engine *e, uint16_t domid, uint64_t *mfn,
                      uint32_t *port)
{
    for (size_t i = 0; i < e->ndoms; i++) {
        if (e->doms[i].domid == domid && e->doms[i].introduced) {
            *mfn = e->doms[i].mfn;
            *port = e->doms[i].port;
            return 0;
        }
    }
    return -1;
}

uint32_t store_domain_nodes(const struct store_engine *e, uint16_t domid)
{
    for (size_t i = 0; i < e->ndoms; i++) {
        if (e->doms[i].domid == domid)
            return e->doms[i].nnodes;
    }
    return 0;
}
