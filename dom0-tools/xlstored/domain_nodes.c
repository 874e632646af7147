/* The standard node set of a new domain, and writing it through the engine. */
#include "domain_nodes.h"
#include "wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlite/io/store.h>

struct builder {
    struct domain_node *out;
    size_t max, n;
    bool overflow;
};

static void add(struct builder *b, enum domain_node_access access, const char *path,
                const char *fmt, ...)
{
    struct domain_node *d;
    va_list ap;

    if (b->n == b->max) {
        b->overflow = true;
        return;
    }
    d = &b->out[b->n++];
    snprintf(d->path, sizeof(d->path), "%s", path);
    va_start(ap, fmt);
    vsnprintf(d->value, sizeof(d->value), fmt, ap);
    va_end(ap);
    d->access = access;
}

size_t domain_nodes_build(const struct domain_nodes_info *i, struct domain_node *out,
                          size_t max)
{
    struct builder b = { out, max, 0, false };
    char base[32], p[64];

    if (i->domid == 0 || i->domid >= 0x7FF0 || i->vcpus == 0 || i->vcpus > i->maxvcpus ||
        i->maxvcpus > 128 || i->name == NULL || strlen(i->name) >= sizeof(out->value))
        return 0;
    snprintf(base, sizeof(base), "/local/domain/%u", (unsigned)i->domid);
#define AT(sub) (snprintf(p, sizeof(p), "%s/%s", base, sub), p)
    add(&b, NODE_GUEST_READ, base, "");
    add(&b, NODE_GUEST_READ, AT("name"), "%s", i->name);
    add(&b, NODE_GUEST_READ, AT("domid"), "%u", (unsigned)i->domid);
    if (i->uuid != NULL)
        add(&b, NODE_GUEST_READ, AT("vm"), "/vm/%s", i->uuid);
    add(&b, NODE_GUEST_READ, AT("memory"), "");
    add(&b, NODE_GUEST_READ, AT("memory/target"), "%llu", (unsigned long long)i->memory_kib);
    add(&b, NODE_GUEST_READ, AT("memory/static-max"), "%llu",
        (unsigned long long)i->maxmem_kib);
    add(&b, NODE_GUEST_READ, AT("cpu"), "");
    for (uint32_t c = 0; c < i->maxvcpus; c++) {
        char sub[32];

        snprintf(sub, sizeof(sub), "cpu/%u/availability", (unsigned)c);
        add(&b, NODE_GUEST_READ, AT(sub), c < i->vcpus ? "online" : "offline");
    }
    add(&b, NODE_GUEST_READ, AT("control"), "");
    add(&b, NODE_GUEST_WRITE, AT("control/shutdown"), "");
    add(&b, NODE_GUEST_WRITE, AT("control/feature-poweroff"), "");
    add(&b, NODE_GUEST_WRITE, AT("control/feature-reboot"), "");
    add(&b, NODE_GUEST_WRITE, AT("control/feature-suspend"), "");
    add(&b, NODE_GUEST_WRITE, AT("control/sysrq"), "");
    add(&b, NODE_GUEST_READ, AT("console"), "");
    add(&b, NODE_GUEST_READ, AT("console/ring-ref"), "%llu",
        (unsigned long long)i->console_mfn);
    add(&b, NODE_GUEST_READ, AT("console/port"), "%u", (unsigned)i->console_port);
    add(&b, NODE_GUEST_READ, AT("console/type"), "xenconsoled");
    add(&b, NODE_GUEST_READ, AT("console/limit"), "1048576");
    add(&b, NODE_GUEST_READ, AT("store"), "");
    add(&b, NODE_GUEST_READ, AT("store/ring-ref"), "%llu", (unsigned long long)i->store_mfn);
    add(&b, NODE_GUEST_READ, AT("store/port"), "%u", (unsigned)i->store_port);
    add(&b, NODE_GUEST_OWNS, AT("data"), "");
    add(&b, NODE_GUEST_OWNS, AT("device"), "");
#undef AT
    return b.overflow ? 0 : b.n;
}

/* Sends one request and takes its reply (dropping watch events queued before it).
 * Returns 0 on a non-error reply, 1 on EAGAIN, -1 otherwise; the reply's payload
 * (NUL-terminated, truncated) goes to out when given. */
static int call(struct store_engine *e, struct store_conn_id conn, const void *msg,
                size_t len, char *out, size_t outlen)
{
    const unsigned char *r;
    struct xsd_sockmsg h;
    size_t rlen;

    if (len == 0 || store_handle_message(e, conn, msg, len, NULL) != STORE_OK)
        return -1;
    while ((r = store_output_peek(e, conn, &rlen)) != NULL) {
        memcpy(&h, r, sizeof(h));
        if (h.type != XS_WATCH_EVENT)
            break;
        store_output_pop(e, conn);
    }
    if (r == NULL)
        return -1;
    if (out != NULL && outlen > 0) {
        size_t n = h.len < outlen - 1 ? h.len : outlen - 1;

        memcpy(out, r + sizeof(h), n);
        out[n] = '\0';
    }
    store_output_pop(e, conn);
    if (h.type != XS_ERROR)
        return 0;
    return h.len >= 6 && memcmp(r + sizeof(h), "EAGAIN", 6) == 0 ? 1 : -1;
}

static int write_all(struct store_engine *e, struct store_conn_id conn, uint32_t tx,
                     const struct domain_node *nodes, size_t n, uint16_t domid)
{
    unsigned char msg[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
    char p0[16], p1[16];

    for (size_t i = 0; i < n; i++) {
        const char *args[3] = { nodes[i].path, p0, p1 };
        size_t len = store_msg_build(msg, sizeof(msg), XS_WRITE, 1, tx, args, 1,
                                     nodes[i].value, strlen(nodes[i].value));
        size_t nperms = 2;

        if (call(e, conn, msg, len, NULL, 0) != 0)
            return -1;
        snprintf(p0, sizeof(p0), "n0");
        if (nodes[i].access == NODE_GUEST_OWNS) {
            snprintf(p0, sizeof(p0), "n%u", (unsigned)domid);
            nperms = 1;
        }
        snprintf(p1, sizeof(p1), "%c%u", nodes[i].access == NODE_GUEST_WRITE ? 'b' : 'r',
                 (unsigned)domid);
        len = store_msg_build(msg, sizeof(msg), XS_SET_PERMS, 2, tx, args, 1 + nperms,
                              NULL, 0);
        if (call(e, conn, msg, len, NULL, 0) != 0)
            return -1;
    }
    return 0;
}

int domain_nodes_write(struct store_engine *e, struct store_conn_id conn,
                       const struct domain_nodes_info *info)
{
    unsigned char msg[64];
    struct domain_node *nodes = malloc(DOMAIN_NODES_MAX * sizeof(*nodes));
    size_t n = nodes != NULL ? domain_nodes_build(info, nodes, DOMAIN_NODES_MAX) : 0;
    int rc = -1;

    for (int attempt = 0; n != 0 && attempt < 8 && rc != 0; attempt++) {
        const char *empty[1] = { "" }, *commit[1] = { "T" };
        char id[16];
        size_t len = store_msg_build(msg, sizeof(msg), XS_TRANSACTION_START, 0, 0, empty,
                                     1, NULL, 0);
        unsigned long tx;
        int r;

        if (call(e, conn, msg, len, id, sizeof(id)) != 0)
            break;
        tx = strtoul(id, NULL, 10);
        if (write_all(e, conn, (uint32_t)tx, nodes, n, info->domid) < 0) {
            const char *abort_[1] = { "F" };

            len = store_msg_build(msg, sizeof(msg), XS_TRANSACTION_END, 3, (uint32_t)tx,
                                  abort_, 1, NULL, 0);
            call(e, conn, msg, len, NULL, 0);
            break;
        }
        len = store_msg_build(msg, sizeof(msg), XS_TRANSACTION_END, 3, (uint32_t)tx, commit,
                              1, NULL, 0);
        r = call(e, conn, msg, len, NULL, 0);
        if (r < 0)
            break;
        rc = r == 0 ? 0 : -1;
    }
    free(nodes);
    return rc;
}
