/* Watches: registration, and the events a change queues for every matching one. */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

enum xs_err watch_add(struct store_engine *e, struct conn *c, const char *path,
                      const char *token, bool relative, struct watch **out)
{
    struct watch *w, **tail = &c->watches;

    for (w = c->watches; w != NULL; w = w->next) {
        if (strcmp(w->path, path) == 0 && strcmp(w->token, token) == 0)
            return XE_EEXIST;
        tail = &w->next;
    }
    if (c->cid.domid != 0 && c->nwatches >= e->lim.watches)
        return XE_ENOSPC;
    w = calloc(1, sizeof(*w));
    if (w == NULL)
        return XE_ENOMEM;
    w->path = str_dup(path);
    w->token = str_dup(token);
    if (w->path == NULL || w->token == NULL) {
        free(w->path);
        free(w->token);
        free(w);
        return XE_ENOMEM;
    }
    w->relative = relative;
    *tail = w;
    c->nwatches++;
    *out = w;
    return XE_OK;
}

static void watch_free(struct watch *w)
{
    free(w->path);
    free(w->token);
    free(w);
}

enum xs_err watch_remove(struct store_engine *e, struct conn *c, const char *path,
                         const char *token)
{
    (void)e;
    for (struct watch **p = &c->watches; *p != NULL; p = &(*p)->next) {
        struct watch *w = *p;

        if (strcmp(w->path, path) == 0 && strcmp(w->token, token) == 0) {
            *p = w->next;
            watch_free(w);
            c->nwatches--;
            return XE_OK;
        }
    }
    return XE_ENOENT;
}

void watch_free_all(struct conn *c)
{
    struct watch *w, *next;

    for (w = c->watches; w != NULL; w = next) {
        next = w->next;
        watch_free(w);
    }
    c->watches = NULL;
    c->nwatches = 0;
}

/* Queues "path\0token\0" for w; a relative watch sees paths relative to its domain. */
void watch_event(struct store_engine *e, struct conn *c, const struct watch *w,
                 const char *path)
{
    char dom[32], buf[PATH_BUF + XENSTORE_PAYLOAD_MAX];
    size_t plen, tlen = strlen(w->token);
    int dlen = domain_path(c->cid.domid, dom, sizeof(dom));

    if (w->relative && path_within(path, dom) && path[dlen] == '/')
        path += dlen + 1;
    plen = strlen(path);
    if (plen + tlen + 2 > sizeof(buf))
        return;
    memcpy(buf, path, plen + 1);
    memcpy(buf + plen + 1, w->token, tlen + 1);
    out_push(e, c, XS_WATCH_EVENT, 0, 0, buf, plen + tlen + 2, false);
}

void watch_fire(struct store_engine *e, const char *path, enum fire how,
                const struct store_perm *perms, uint32_t nperms)
{
    for (struct conn *c = e->conns; c != NULL; c = c->next) {
        if (c->dead)
            continue;
        if (perms != NULL && !(perm_for_list(perms, nperms, c->cid.domid) & PERM_READ))
            continue;
        for (struct watch *w = c->watches; w != NULL; w = w->next) {
            bool hit = how == FIRE_TREE ? path_within(path, w->path)
                                        : strcmp(path, w->path) == 0;

            if (hit)
                watch_event(e, c, w, path);
        }
    }
}
