/* A hostile store client: a domU built by `xlite create` that floods its store ring
 * and then writes garbage to it. xlstored must throttle the flood and cut the
 * connection off for the garbage, never crash or stall other domains.
 *
 * Not booted by tests/guests/run.sh: tests/boot/scenarios/xlite-guests.sh creates it
 * from the dom0 shell (/etc/xlite/tests/domu_store_flood.cfg) next to another domain
 * whose store must keep working. Steps, each a PASS/FAIL line:
 *  - store_reachable: one READ of "domid" is answered (the daemon serves this ring);
 *  - store_flood: WRITE requests without reading a reply, for 2 s of system time: the
 *    daemon takes no more than the ring holds and replies as the reply ring drains
 *    (the guest reads replies only after the flood), and every reply is well formed;
 *  - store_garbage: a header announcing 0x7fffffff payload bytes; the daemon must stop
 *    serving the ring (no reply within 1 s), which is what "cut off" means here.
 * Then "DONE ..." and poweroff. The daemon's own line ("dN: malformed store traffic,
 * connection dropped") and the other domain's health are checked by the scenario.
 */
#include "rt.h"
#include "pvtime.h"
#include <xlite/event_channel.h>
#include <xlite/io/store.h>

static volatile struct xenstore_domain_interface *xs;

static void notify(void)
{
    struct evtchn_send snd = { .port = start_info->store_evtchn };
    HYPERVISOR_event_channel_op(EVTCHNOP_send, &snd);
}

/* Copies buf into the request ring if all of it fits (a message is never left half
 * written: the daemon may stall until replies are read); returns whether it did. */
static bool req_put(const void *buf, size_t len)
{
    uint32_t prod = xs->req_prod;
    size_t room = XENSTORE_RING_SIZE - (prod - __atomic_load_n(&xs->req_cons, __ATOMIC_ACQUIRE));
    size_t n = len;

    if (len > room)
        return false;
    for (size_t i = 0; i < n; i++)
        xs->req[MASK_XENSTORE_IDX(prod + i)] = ((const char *)buf)[i];
    __atomic_store_n(&xs->req_prod, prod + (uint32_t)n, __ATOMIC_RELEASE);
    return true;
}

/* Takes up to len reply bytes; returns how many. */
static size_t rsp_get(void *buf, size_t len)
{
    uint32_t cons = xs->rsp_cons;
    size_t avail = __atomic_load_n(&xs->rsp_prod, __ATOMIC_ACQUIRE) - cons;
    size_t n = len < avail ? len : avail;

    for (size_t i = 0; i < n; i++)
        ((char *)buf)[i] = xs->rsp[MASK_XENSTORE_IDX(cons + i)];
    __atomic_store_n(&xs->rsp_cons, cons + (uint32_t)n, __ATOMIC_RELEASE);
    return n;
}

/* Reads one whole reply (header and payload) before the deadline; false on timeout. */
static bool read_reply(struct xsd_sockmsg *h, char *payload, size_t size, uint64_t deadline)
{
    size_t got = 0, need = sizeof(*h);
    char hdr[sizeof(*h)];

    while (got < need) {
        got += rsp_get(hdr + got, need - got);
        if (got < need) {
            if (pvclock_now() >= deadline)
                return false;
            notify();
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
        }
    }
    memcpy(h, hdr, sizeof(*h));
    size_t plen = h->len < size ? h->len : size;
    for (got = 0; got < h->len;) {
        char c[64];
        size_t want = h->len - got < sizeof(c) ? h->len - got : sizeof(c);
        size_t n = rsp_get(c, want);
        for (size_t i = 0; i < n; i++)
            if (got + i < plen)
                payload[got + i] = c[i];
        got += n;
        if (!n) {
            if (pvclock_now() >= deadline)
                return false;
            notify();
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
        }
    }
    return true;
}

static size_t build_write(char *msg, uint32_t id)
{
    char body[64];
    int n = snprintf(body, sizeof(body), "flood/%u", id % 8);
    struct xsd_sockmsg h = { .type = XS_WRITE, .req_id = id, .len = (uint32_t)n + 1 + 4 };

    memcpy(msg, &h, sizeof(h));
    memcpy(msg + sizeof(h), body, (size_t)n + 1);
    memcpy(msg + sizeof(h) + n + 1, "junk", 4);
    return sizeof(h) + h.len;
}

void test_main(void)
{
    char payload[128];
    struct xsd_sockmsg h;

    if (!shared || !start_info->store_mfn || !start_info->store_evtchn)
        rt_panic("no shared_info or no store ring");
    xs = mfn_to_virt(start_info->store_mfn);

    t_begin("store_reachable");
    struct xsd_sockmsg rq = { .type = XS_READ, .req_id = 1, .len = 6 };
    req_put(&rq, sizeof(rq));
    req_put("domid", 6);
    notify();
    bool ok = read_reply(&h, payload, sizeof(payload) - 1, pvclock_now() + 5 * NS_PER_S);
    if (t_check(ok, "no reply to READ domid within 5 s")) {
        t_eq("reply type", h.type, XS_READ);
        t_eq("reply id", h.req_id, 1);
    }
    t_end();

    /* Requests without reading replies: the daemon may answer only as many as the
     * reply ring holds, and must take requests only as far as the ring says. */
    t_begin("store_flood");
    uint32_t sent = 0;
    uint64_t end = pvclock_now() + 2 * NS_PER_S;
    char msg[96];
    while (pvclock_now() < end) {
        size_t len = build_write(msg, 100 + sent);
        bool in = req_put(msg, len);
        sent += in;
        notify();
        if (!in)
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
    uint32_t replies = 0, bad = 0;
    uint64_t drain_end = pvclock_now() + 10 * NS_PER_S;
    while (replies < sent && read_reply(&h, payload, sizeof(payload) - 1, drain_end)) {
        if (h.type != XS_WRITE && h.type != XS_ERROR)
            bad++;
        else if (h.req_id != 100 + replies)
            bad++;
        replies++;
    }
    printk("store-flood: %u requests, %u replies\n", sent, replies);
    t_check(sent > 32, "only %u requests went in during 2 s", sent);
    t_eq("replies", replies, sent);
    t_eq("malformed or out-of-order replies", bad, 0);
    t_end();

    /* Garbage: a header announcing far more than XENSTORE_PAYLOAD_MAX. */
    t_begin("store_garbage");
    struct xsd_sockmsg g = { .type = XS_WRITE, .req_id = 7, .len = 0x7fffffff };
    req_put(&g, sizeof(g));
    req_put("garbage", 7);          /* the header alone must be enough */
    notify();
    ok = read_reply(&h, payload, sizeof(payload) - 1, pvclock_now() + NS_PER_S);
    t_check(!ok, "a reply (type %u) came after garbage", ok ? h.type : 0);
    /* And nothing more is served on this ring. */
    rq.req_id = 2;
    req_put(&rq, sizeof(rq));
    req_put("domid", 6);
    notify();
    ok = read_reply(&h, payload, sizeof(payload) - 1, pvclock_now() + NS_PER_S);
    t_check(!ok, "the ring was still served after garbage");
    t_end();
}
