/* A guest's store ring: requests are framed out of req[], handed whole to the engine,
 * and its queued output copied into rsp[] as room allows. Indexes come from the guest,
 * so every count is checked against the ring size before use. */
#include <stdio.h>
#include <string.h>

#include "domain_nodes.h"
#include "uapi/xlite_dev.h"
#include "xlite.h"
#include "xlstored_io.h"

#define HDR sizeof(struct xsd_sockmsg)

static long ioc(int fd, unsigned long cmd, void *arg)
{
    return xl_syscall(XS_ioctl, fd, (long)cmd, (long)arg, 0);
}

static struct store_conn_id conn_of(const struct store_dom *d)
{
    return (struct store_conn_id){ .domid = (uint16_t)d->domid, .id = 0 };
}

int ring_attach(struct store_dom *d, const struct domrec *r)
{
    char domid[16], mfn[24], port[16];

    memset(d, 0, sizeof(*d));
    d->domid = r->domid;
    d->ring = xs_ctrl.ops->map(xs_ctrl.ctx, (domid_t)r->domid, r->store_mfn, true);
    if (!d->ring) {
        xs_log("d%u: cannot map its store ring", r->domid);
        return -1;
    }
    struct xl_evtchn_bind b = { .remote_dom = r->domid, .remote_port = r->store_port };
    if (ioc(xs_evtchn_fd, XL_EVTCHN_BIND_INTERDOMAIN, &b) == 0)
        d->port = b.port;
    snprintf(domid, sizeof(domid), "%u", r->domid);
    snprintf(mfn, sizeof(mfn), "%llu", (unsigned long long)r->store_mfn);
    snprintf(port, sizeof(port), "%u", r->store_port);
    const char *intro[] = { domid, mfn, port };
    struct domain_nodes_info info = {
        .domid = (uint16_t)r->domid, .name = r->name,
        .memory_kib = (uint64_t)r->memory_mib * 1024, .maxmem_kib = (uint64_t)r->maxmem_mib * 1024,
        .vcpus = r->vcpus ? r->vcpus : 1, .maxvcpus = r->maxvcpus ? r->maxvcpus : 1,
        .console_mfn = r->console_mfn, .console_port = r->console_port,
        .store_mfn = r->store_mfn, .store_port = r->store_port,
    };
    if (admin_request(XS_INTRODUCE, intro, 3, NULL) ||
        store_conn_open(xs_engine, conn_of(d)) ||
        domain_nodes_write(xs_engine, (struct store_conn_id){ 0, 0 }, &info)) {
        xs_log("d%u: cannot introduce it to the store", r->domid);
        d->used = true;
        ring_detach(d);
        return -1;
    }
    d->ring->connection = XENSTORE_CONNECTED;
    d->used = true;
    return 0;
}

void ring_detach(struct store_dom *d)
{
    char domid[16], path[40];

    if (!d->used)
        return;
    snprintf(domid, sizeof(domid), "%u", d->domid);
    snprintf(path, sizeof(path), "/local/domain/%u", d->domid);
    const char *rm[] = { path }, *rel[] = { domid };
    admin_request(XS_RM, rm, 1, NULL);
    admin_request(XS_RELEASE, rel, 1, NULL);
    store_conn_close(xs_engine, conn_of(d));
    if (d->port)
        ioc(xs_evtchn_fd, XL_EVTCHN_UNBIND, (void *)(uintptr_t)d->port);
    if (d->ring)
        xs_ctrl.ops->unmap(xs_ctrl.ctx, (void *)d->ring);
    d->used = false;
}

/* Copies up to want bytes of req[] into d->in; returns how many. Refuses (marks the ring
 * dead) a producer more than a ring ahead of the consumer. */
static size_t take(struct store_dom *d, size_t want)
{
    volatile struct xenstore_domain_interface *r = d->ring;
    uint32_t cons = r->req_cons, prod = r->req_prod;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    uint32_t avail = prod - cons;

    if (avail > XENSTORE_RING_SIZE) {
        xs_log("d%u: malformed store ring indexes, connection dropped", d->domid);
        d->dead = true;                 /* garbage indexes: stop serving this ring */
        return 0;
    }
    size_t n = avail < want ? avail : want;
    for (size_t i = 0; i < n; i++)
        d->in[d->in_len + i] = r->req[(cons + i) % XENSTORE_RING_SIZE];
    __atomic_thread_fence(__ATOMIC_RELEASE);
    r->req_cons = cons + (uint32_t)n;
    d->in_len += n;
    return n;
}

/* Requests: returns true if any byte moved. Refuses (the engine drops the connection) a
 * header announcing more than XENSTORE_PAYLOAD_MAX bytes. */
static bool pump_in(struct store_dom *d)
{
    bool moved = false;

    while (!d->dead) {
        if (d->in_len < HDR) {
            size_t k = take(d, HDR - d->in_len);
            moved |= k > 0;
            if (d->in_len < HDR)
                break;
        }
        struct xsd_sockmsg h;
        memcpy(&h, d->in, HDR);
        size_t need = h.len > XENSTORE_PAYLOAD_MAX ? HDR : HDR + h.len;
        if (d->in_len < need) {
            moved |= take(d, need - d->in_len) > 0;
            if (d->in_len < need)
                break;
        }
        /* An oversized header is passed alone: the engine drops it for the mismatch. */
        enum store_verdict v = store_handle_message(xs_engine, conn_of(d), d->in, need, NULL);
        if (v == STORE_STALL)
            break;
        d->in_len = 0;
        if (v == STORE_DROP) {
            xs_log("d%u: malformed store traffic, connection dropped", d->domid);
            d->dead = true;
        }
    }
    return moved;
}

/* Replies and events: returns true if any byte moved. Refuses to write while the guest's
 * rsp indexes say more than a ring is in use. */
static bool pump_out(struct store_dom *d)
{
    volatile struct xenstore_domain_interface *r = d->ring;
    bool moved = false;
    size_t len;
    const char *msg;

    while ((msg = store_output_peek(xs_engine, conn_of(d), &len)) != NULL) {
        uint32_t cons = r->rsp_cons, prod = r->rsp_prod;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        uint32_t used = prod - cons;
        if (used > XENSTORE_RING_SIZE)
            return moved;
        size_t room = XENSTORE_RING_SIZE - used, n = len - d->out_off;
        if (n > room)
            n = room;
        if (n == 0)
            break;
        for (size_t i = 0; i < n; i++)
            r->rsp[(prod + i) % XENSTORE_RING_SIZE] = msg[d->out_off + i];
        __atomic_thread_fence(__ATOMIC_RELEASE);
        r->rsp_prod = prod + (uint32_t)n;
        d->out_off += n;
        moved = true;
        if (d->out_off < len)
            break;
        store_output_pop(xs_engine, conn_of(d));
        d->out_off = 0;
    }
    return moved;
}

void ring_pump(struct store_dom *d)
{
    if (!d->used || d->dead)
        return;
    bool moved = false;
    for (int i = 0; i < 4; i++) {
        bool m = pump_in(d) | pump_out(d);
        moved |= m;
        if (!m)
            break;
    }
    if (moved && d->port)
        ioc(xs_evtchn_fd, XL_EVTCHN_NOTIFY, (void *)(uintptr_t)d->port);
}
