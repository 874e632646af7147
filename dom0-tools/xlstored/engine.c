/* The protocol engine: framing checks, argument decoding and one handler per message
 * type. Replies always echo type (or XS_ERROR), req_id and tx_id. */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 16             /* SET_PERMS: path + perms; more is refused */

/* One request being handled. */
struct req {
    struct store_engine *e;
    struct conn *c;
    struct xsd_sockmsg h;
    const char *payload;
    uint32_t len;
    const char *argv[MAX_ARGS];
    uint32_t argc;
};

void store_default_limits(struct store_limits *l)
{
    *l = (struct store_limits){
        .nodes = 1000, .watches = 128, .outstanding = 20, .transactions = 10,
        .value_bytes = 2048, .perms = 5, .queue_bytes = 256 * 1024, .tx_nodes = 4096,
    };
}

/* The initial tree: "/" and the directories every toolstack expects, dom0's only. */
static int make_root(struct store_engine *e)
{
    static const char *const dirs[] = { "/", "/local", "/local/domain", "/tool" };
    struct store_perm p = { 0, 0 };
    char up[PATH_BUF];

    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        struct node *n = node_new(dirs[i]);

        if (n == NULL || node_set_perms(n, &p, 1) < 0) {
            node_free(n);
            return -1;
        }
        path_parent(dirs[i], up);
        if (i > 0 && kids_add(table_find(&e->nodes, up), strrchr(dirs[i], '/') + 1) < 0) {
            node_free(n);
            return -1;
        }
        n->gen = ++e->gen;
        table_insert(&e->nodes, n);
    }
    return 0;
}

struct store_engine *store_engine_create(const struct store_limits *limits)
{
    struct store_engine *e = calloc(1, sizeof(*e));

    if (e == NULL)
        return NULL;
    if (limits != NULL)
        e->lim = *limits;
    else
        store_default_limits(&e->lim);
    if (table_init(&e->nodes) < 0 || make_root(e) < 0) {
        store_engine_destroy(e);
        return NULL;
    }
    return e;
}

void store_engine_destroy(struct store_engine *e)
{
    if (e == NULL)
        return;
    while (e->conns != NULL)
        store_conn_close(e, e->conns->cid);
    if (e->nodes.bucket != NULL)
        table_free(&e->nodes);
    free(e->doms);
    free(e);
}

/* Splits the payload into NUL-terminated strings. Refuses (-1) a payload that does
 * not end in NUL, or has more than MAX_ARGS strings. */
static int split_args(struct req *r)
{
    r->argc = 0;
    if (r->len == 0 || r->payload[r->len - 1] != '\0')
        return -1;
    for (uint32_t off = 0; off < r->len;) {
        if (r->argc == MAX_ARGS)
            return -1;
        r->argv[r->argc++] = r->payload + off;
        off += (uint32_t)strlen(r->payload + off) + 1;
    }
    return 0;
}

static void reply(struct req *r, const void *data, size_t len)
{
    out_push(r->e, r->c, r->h.type, r->h.req_id, r->h.tx_id, data, len, true);
}

static void reply_ok(struct req *r)
{
    reply(r, "OK", 3);
}

static void reply_err(struct req *r, enum xs_err err)
{
    out_error(r->e, r->c, &r->h, err);
}

/* Parses a decimal domid. Refuses empty strings, non-digits, more than 5 digits and
 * values over 65535. */
static int parse_domid(const char *s, uint16_t *out)
{
    unsigned long v = 0;
    size_t i;

    for (i = 0; s[i] != '\0'; i++) {
        if (s[i] < '0' || s[i] > '9' || i >= 5)
            return -1;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (i == 0 || v > 65535)
        return -1;
    *out = (uint16_t)v;
    return 0;
}

/* Finds the request's view (main tree, or its transaction). Refuses unknown tx ids. */
static enum xs_err get_view(struct req *r, struct view *v)
{
    v->e = r->e;
    v->domid = r->c->cid.domid;
    v->tx = NULL;
    if (r->h.tx_id == 0)
        return XE_OK;
    v->tx = txn_find(r->c, r->h.tx_id);
    return v->tx != NULL ? XE_OK : XE_ENOENT;
}

/* Decodes "path\0" into an absolute path and a view. Refuses anything but exactly
 * one NUL-terminated string, bad paths (path_resolve), unknown transactions. */
static enum xs_err one_path(struct req *r, struct view *v, char *path)
{
    bool rel;
    enum xs_err err;

    if (split_args(r) < 0 || r->argc != 1)
        return XE_EINVAL;
    err = path_resolve(r->c->cid.domid, r->argv[0], false, path, &rel);
    return err != XE_OK ? err : get_view(r, v);
}

/* Looks up a node the requester must be able to read: refuses as one_path, then
 * missing nodes (ENOENT, or EACCES when the parent is unreadable) and EACCES. */
static enum xs_err readable(struct req *r, struct view *v, char *path, struct node **n)
{
    enum xs_err err = one_path(r, v, path);

    if (err == XE_OK)
        err = view_get(v, path, n);
    if (err == XE_ENOENT)
        return tree_absent_error(v, path);
    if (err == XE_OK && !(perm_for(*n, v->domid) & PERM_READ))
        return XE_EACCES;
    return err;
}

/* READ "path\0" -> the value. Refuses what one_path/readable refuse. */
static enum xs_err do_read(struct req *r)
{
    char path[PATH_BUF];
    struct view v;
    struct node *n;
    enum xs_err err = readable(r, &v, path, &n);

    if (err == XE_OK)
        reply(r, n->value, n->vlen);
    return err;
}

/* DIRECTORY "path\0" -> child names. Refuses as READ, and (E2BIG) a list over
 * XENSTORE_PAYLOAD_MAX bytes. */
static enum xs_err do_directory(struct req *r)
{
    char path[PATH_BUF];
    struct view v;
    struct node *n;
    enum xs_err err = readable(r, &v, path, &n);

    if (err != XE_OK)
        return err;
    if (n->kids_len > XENSTORE_PAYLOAD_MAX)
        return XE_E2BIG;
    reply(r, n->kids, n->kids_len);
    return XE_OK;
}

/* GET_PERMS "path\0" -> "<perm>\0"... Refuses as READ. */
static enum xs_err do_get_perms(struct req *r)
{
    char path[PATH_BUF], buf[XENSTORE_PAYLOAD_MAX];
    struct view v;
    struct node *n;
    enum xs_err err = readable(r, &v, path, &n);
    size_t len;

    if (err != XE_OK)
        return err;
    len = perms_format(n->perms, n->nperms, buf, sizeof(buf));
    if (len == 0)
        return XE_E2BIG;
    reply(r, buf, len);
    return XE_OK;
}

/* WRITE "path\0value" (the value may hold anything, NULs included). Refuses a
 * payload without a NUL, bad paths, values over lim.value_bytes for a domU (E2BIG),
 * no write access, the node quota. */
static enum xs_err do_write(struct req *r)
{
    char path[PATH_BUF];
    const char *nul = memchr(r->payload, '\0', r->len);
    struct view v;
    bool rel;
    enum xs_err err;
    uint32_t vlen;

    if (nul == NULL)
        return XE_EINVAL;
    vlen = r->len - (uint32_t)(nul + 1 - r->payload);
    err = path_resolve(r->c->cid.domid, r->payload, false, path, &rel);
    if (err == XE_OK)
        err = get_view(r, &v);
    if (err != XE_OK)
        return err;
    if (r->c->cid.domid != 0 && vlen > r->e->lim.value_bytes)
        return XE_E2BIG;
    err = tree_write(&v, path, nul + 1, vlen, false);
    if (err == XE_OK)
        reply_ok(r);
    return err;
}

/* MKDIR "path\0". Refuses bad paths, no write access, the node quota. */
static enum xs_err do_mkdir(struct req *r)
{
    char path[PATH_BUF];
    struct view v;
    enum xs_err err = one_path(r, &v, path);

    if (err == XE_OK)
        err = tree_write(&v, path, NULL, 0, true);
    if (err == XE_OK)
        reply_ok(r);
    return err;
}

/* RM "path\0". Refuses "/", bad paths, no write access to the node. */
static enum xs_err do_rm(struct req *r)
{
    char path[PATH_BUF];
    struct view v;
    enum xs_err err = one_path(r, &v, path);

    if (err == XE_OK)
        err = tree_rm(&v, path);
    if (err == XE_OK)
        reply_ok(r);
    return err;
}

/* SET_PERMS "path\0perm\0...". Refuses no perms, malformed ones, more than
 * lim.perms for a domU (ENOSPC), callers that do not own the node, giving it away. */
static enum xs_err do_set_perms(struct req *r)
{
    char path[PATH_BUF];
    struct store_perm p[MAX_ARGS];
    struct view v;
    bool rel;
    enum xs_err err;

    if (split_args(r) < 0 || r->argc < 2)
        return XE_EINVAL;
    if (r->c->cid.domid != 0 && r->argc - 1 > r->e->lim.perms)
        return XE_ENOSPC;
    err = path_resolve(r->c->cid.domid, r->argv[0], false, path, &rel);
    if (err == XE_OK)
        err = perms_parse(r->argv + 1, r->argc - 1, p);
    if (err == XE_OK)
        err = get_view(r, &v);
    if (err == XE_OK)
        err = tree_set_perms(&v, path, p, r->argc - 1);
    if (err == XE_OK)
        reply_ok(r);
    return err;
}

/* WATCH and UNWATCH "path\0token\0"; the path may be special (@introduceDomain).
 * Refuses other arities, bad paths, duplicates (EEXIST), lim.watches (ENOSPC),
 * unwatching what is not watched (ENOENT). */
static enum xs_err do_watch(struct req *r)
{
    char path[PATH_BUF];
    struct watch *w;
    bool rel;
    enum xs_err err;

    if (split_args(r) < 0 || r->argc != 2)
        return XE_EINVAL;
    err = path_resolve(r->c->cid.domid, r->argv[0], true, path, &rel);
    if (err != XE_OK)
        return err;
    if (r->h.type == XS_UNWATCH) {
        err = watch_remove(r->e, r->c, path, r->argv[1]);
        if (err == XE_OK)
            reply_ok(r);
        return err;
    }
    err = watch_add(r->e, r->c, path, r->argv[1], rel, &w);
    if (err != XE_OK)
        return err;
    reply_ok(r);
    watch_event(r->e, r->c, w, path);   /* every new watch fires once at once */
    return XE_OK;
}

/* TRANSACTION_START "\0" -> "<id>\0". Refuses other payloads, a start inside a
 * transaction (EBUSY), more than lim.transactions open (ENOSPC). */
static enum xs_err do_transaction_start(struct req *r)
{
    char buf[16];
    uint32_t id;
    enum xs_err err;

    if (split_args(r) < 0 || r->argc != 1)
        return XE_EINVAL;
    if (r->h.tx_id != 0)
        return XE_EBUSY;
    err = txn_start(r->e, r->c, &id);
    if (err != XE_OK)
        return err;
    snprintf(buf, sizeof(buf), "%u", (unsigned)id);
    reply(r, buf, strlen(buf) + 1);
    return XE_OK;
}

/* TRANSACTION_END "T\0" or "F\0". Refuses anything else, unknown ids (ENOENT);
 * a conflicting commit answers EAGAIN. */
static enum xs_err do_transaction_end(struct req *r)
{
    struct txn *t;
    enum xs_err err;
    bool commit;

    if (split_args(r) < 0 || r->argc != 1)
        return XE_EINVAL;
    if (strcmp(r->argv[0], "T") == 0)
        commit = true;
    else if (strcmp(r->argv[0], "F") == 0)
        commit = false;
    else
        return XE_EINVAL;
    t = txn_find(r->c, r->h.tx_id);
    if (t == NULL)
        return XE_ENOENT;
    err = txn_end(r->e, r->c, t, commit);
    if (err == XE_OK)
        reply_ok(r);
    return err;
}

/* Parses an unsigned decimal up to max. Refuses anything else. */
static int parse_ulong(const char *s, unsigned long long max, unsigned long long *out)
{
    unsigned long long v = 0;

    if (*s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9' || v > (max - (unsigned)(*s - '0')) / 10)
            return -1;
        v = v * 10 + (unsigned)(*s - '0');
    }
    *out = v;
    return 0;
}

/* INTRODUCE "domid\0mfn\0port\0": refuses domUs (EACCES), domids outside
 * 1..DOMID_FIRST_RESERVED-1, non-decimal mfn or port, a port over 32 bits, and
 * (EEXIST) a second introduction with another ring. */
static enum xs_err do_introduce(struct req *r)
{
    unsigned long long mfn, port;
    struct domain *d;
    uint16_t domid;

    if (r->c->cid.domid != 0)
        return XE_EACCES;
    if (split_args(r) < 0 || r->argc < 3 || r->argc > 4 ||
        parse_domid(r->argv[0], &domid) < 0 || domid == 0 || domid >= 0x7FF0 ||
        parse_ulong(r->argv[1], UINT64_MAX, &mfn) < 0 ||
        parse_ulong(r->argv[2], UINT32_MAX, &port) < 0)
        return XE_EINVAL;
    d = domain_get(r->e, domid, true);
    if (d == NULL)
        return XE_ENOMEM;
    if (d->introduced && (d->mfn != mfn || d->port != port))
        return XE_EEXIST;
    if (!d->introduced) {
        d->introduced = true;
        d->mfn = mfn;
        d->port = (uint32_t)port;
        watch_fire(r->e, "@introduceDomain", FIRE_EXACT, NULL, 0);
    }
    reply_ok(r);
    return XE_OK;
}

/* RELEASE "domid\0": the domain's connections are marked dead. Refuses domUs
 * (EACCES), domid 0 or bad ones, domains not introduced (ENOENT). */
static enum xs_err do_release(struct req *r)
{
    struct domain *d;
    uint16_t domid;

    if (r->c->cid.domid != 0)
        return XE_EACCES;
    if (split_args(r) < 0 || r->argc != 1 || parse_domid(r->argv[0], &domid) < 0 ||
        domid == 0)
        return XE_EINVAL;
    d = domain_get(r->e, domid, false);
    if (d == NULL || !d->introduced)
        return XE_ENOENT;
    d->introduced = false;
    for (struct conn *c = r->e->conns; c != NULL; c = c->next) {
        if (c->cid.domid == domid) {
            conn_reset(r->e, c);
            out_free_all(c);
            c->dead = true;
            c->kick = true;
        }
    }
    reply_ok(r);
    watch_fire(r->e, "@releaseDomain", FIRE_EXACT, NULL, 0);
    return XE_OK;
}

/* GET_DOMAIN_PATH "domid\0". Refuses domids parse_domid refuses. */
static enum xs_err do_get_domain_path(struct req *r)
{
    char buf[32];
    uint16_t domid;

    if (split_args(r) < 0 || r->argc != 1 || parse_domid(r->argv[0], &domid) < 0)
        return XE_EINVAL;
    reply(r, buf, (size_t)domain_path(domid, buf, sizeof(buf)) + 1);
    return XE_OK;
}

/* IS_DOMAIN_INTRODUCED "domid\0" -> "T\0"/"F\0". Refuses domUs and bad domids. */
static enum xs_err do_is_domain_introduced(struct req *r)
{
    struct domain *d;
    uint16_t domid;

    if (r->c->cid.domid != 0)
        return XE_EACCES;
    if (split_args(r) < 0 || r->argc != 1 || parse_domid(r->argv[0], &domid) < 0)
        return XE_EINVAL;
    d = domain_get(r->e, domid, false);
    reply(r, domid == 0 || (d != NULL && d->introduced) ? "T" : "F", 2);
    return XE_OK;
}

/* RESET_WATCHES: drops the caller's watches and transactions; takes any payload. */
static enum xs_err do_reset_watches(struct req *r)
{
    conn_reset(r->e, r->c);
    reply_ok(r);
    return XE_OK;
}

/* XS_CONTROL: only "print" (Mini-OS's test app uses it); the text is dropped. */
static enum xs_err do_control(struct req *r)
{
    if (split_args(r) < 0 || r->argc < 1)
        return XE_EINVAL;
    if (strcmp(r->argv[0], "print") != 0)
        return XE_ENOSYS;
    reply_ok(r);
    return XE_OK;
}

static enum xs_err do_unsupported(struct req *r)
{
    (void)r;
    return XE_ENOSYS;
}

static enum xs_err (*const handlers[XS_TYPE_COUNT])(struct req *r) = {
    [XS_CONTROL] = do_control,
    [XS_DIRECTORY] = do_directory,
    [XS_READ] = do_read,
    [XS_GET_PERMS] = do_get_perms,
    [XS_WATCH] = do_watch,
    [XS_UNWATCH] = do_watch,
    [XS_TRANSACTION_START] = do_transaction_start,
    [XS_TRANSACTION_END] = do_transaction_end,
    [XS_INTRODUCE] = do_introduce,
    [XS_RELEASE] = do_release,
    [XS_GET_DOMAIN_PATH] = do_get_domain_path,
    [XS_WRITE] = do_write,
    [XS_MKDIR] = do_mkdir,
    [XS_RM] = do_rm,
    [XS_SET_PERMS] = do_set_perms,
    [XS_IS_DOMAIN_INTRODUCED] = do_is_domain_introduced,
    [XS_RESUME] = do_unsupported,
    [XS_SET_TARGET] = do_unsupported,
    [XS_RESET_WATCHES] = do_reset_watches,
    [XS_DIRECTORY_PART] = do_unsupported,
    [XS_GET_FEATURE] = do_unsupported,
    [XS_SET_FEATURE] = do_unsupported,
    [XS_GET_QUOTA] = do_unsupported,
    [XS_SET_QUOTA] = do_unsupported,
};

static void notify(struct store_engine *e, const struct store_sink *sink)
{
    for (struct conn *c = e->conns; c != NULL; c = c->next) {
        if (c->kick && sink != NULL && sink->notify != NULL)
            sink->notify(sink->opaque, c->cid);
        c->kick = false;
    }
}

enum store_verdict store_handle_message(struct store_engine *e, struct store_conn_id cid,
                                        const void *msg, size_t len,
                                        const struct store_sink *sink)
{
    struct req r = { .e = e, .c = conn_find(e, cid) };
    enum xs_err err;

    if (r.c == NULL || r.c->dead || msg == NULL || len < sizeof(r.h))
        return STORE_DROP;
    memcpy(&r.h, msg, sizeof(r.h));
    if (r.h.len > XENSTORE_PAYLOAD_MAX || len != sizeof(r.h) + r.h.len)
        return STORE_DROP;
    if (cid.domid != 0 && r.c->out_replies >= e->lim.outstanding)
        return STORE_STALL;
    r.payload = (const char *)msg + sizeof(r.h);
    r.len = r.h.len;
    if (r.h.type < XS_TYPE_COUNT && handlers[r.h.type] != NULL)
        err = handlers[r.h.type](&r);
    else
        err = XE_EINVAL;        /* unknown, XS_WATCH_EVENT, XS_ERROR */
    if (err != XE_OK)
        reply_err(&r, err);
    notify(e, sink);
    return r.c->dead ? STORE_DROP : STORE_OK;
}
