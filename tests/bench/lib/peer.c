/* Two-domain benchmarks: the peer role (serve=D) and the measurer's side of the
 * rendezvous. The convention is described in bench.h; in short, the peer publishes its
 * port in a page it grants at a reference both command lines name (gref=G, default 8),
 * so nothing depends on which port numbers a hypervisor or toolstack hands out.
 *
 * The peer, once set up, sleeps in SCHEDOP_poll on its port (the port masked, event
 * upcalls masked: only the poll wakes it). At every wake it clears the pending bit,
 * counts the wake (ctrl->wakes), and sends one event back if ctrl->echo is set, or if
 * ctrl->ack_req has moved since it last answered (it then copies it to ctrl->acked
 * first). ctrl->quit makes it power off. */
#include "bench.h"

#include <xlite/event_channel.h>
#include <xlite/grant_table.h>

#define PTE_FLAGS 0x063ull                  /* P | RW | A | D */
#define POLL_TRIES 200000                   /* yields while waiting for the peer */

static uint8_t ctrl_page[4096] __attribute__((aligned(4096), section(".bss.page_aligned")));
static uint8_t gnt_table_va[4096] __attribute__((aligned(4096), section(".bss.page_aligned")));
static uint8_t data_pages[BENCH_PEER_DATA_PAGES][4096]
    __attribute__((aligned(4096), section(".bss.page_aligned")));

uint64_t bench_mfn_of(const void *va)
{
    const uint64_t *p2m = (const uint64_t *)(uintptr_t)start_info->mfn_list;

    return p2m[(uintptr_t)va >> XLITE_PAGE_SHIFT];
}

/* ------------------------------------------------------------------ events */

static long evtchn_op(unsigned int cmd, void *arg)
{
    return HYPERCALL2(__HYPERVISOR_event_channel_op, cmd, arg);
}

long bench_port_send(uint32_t port)
{
    struct evtchn_send s = { .port = port };

    return evtchn_op(EVTCHNOP_send, &s);
}

void bench_port_clear(uint32_t port)
{
    __atomic_fetch_and(&bench_shared->evtchn_pending[port / 64], ~(1ull << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

static bool port_pending(uint32_t port)
{
    return __atomic_load_n(&bench_shared->evtchn_pending[port / 64], __ATOMIC_ACQUIRE) &
           (1ull << (port % 64));
}

/* Sleep until the port is pending (returns at once if it is already). */
long bench_port_wait(uint32_t port)
{
    evtchn_port_t ports[1] = { port };
    struct sched_poll poll = { .nr_ports = 1, .timeout = 0 };

    poll.ports = ports;
    while (!port_pending(port)) {
        long rc = HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_poll, &poll);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Upcalls off for good and the port masked: events only end polls. */
static void quiet_port(uint32_t port)
{
    bench_shared->vcpu_info[0].evtchn_upcall_mask = 1;
    __atomic_fetch_or(&bench_shared->evtchn_mask[port / 64], 1ull << (port % 64),
                      __ATOMIC_SEQ_CST);
}

/* ------------------------------------------------------------------ peer */

static void grant(grant_entry_v1_t *table, uint32_t ref, uint16_t domid, const void *page)
{
    table[ref].domid = domid;
    table[ref].frame = (uint32_t)bench_mfn_of(page);
    __atomic_store_n(&table[ref].flags, GTF_permit_access, __ATOMIC_RELEASE);
}

void bench_peer_serve(uint64_t domid)
{
    volatile struct bench_peer_ctrl *ctrl = (void *)ctrl_page;
    uint64_t gref = GNTTAB_NR_RESERVED_ENTRIES, acked = 0, wakes = 0;

    bench_cmdline_u64("gref", &gref);
    if (!bench_shared)
        bench_fail("peer", "no shared_info");
    if (gref + 1 + BENCH_PEER_DATA_PAGES > 4096 / sizeof(grant_entry_v1_t))
        bench_fail("peer", "gref=%lu: the grants must fit the first table frame",
                   (unsigned long)gref);

    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = (domid_t)domid };
    long rc = evtchn_op(EVTCHNOP_alloc_unbound, &au);
    if (rc)
        bench_fail("peer", "alloc_unbound(remote %lu) returned %ld", (unsigned long)domid, rc);
    quiet_port(au.port);

    xen_pfn_t frame = 0;
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
    st.frame_list = &frame;
    rc = HYPERCALL3(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table, &st, 1);
    if (rc || st.status != GNTST_okay)
        bench_fail("peer", "setup_table returned %ld, status %d", rc, st.status);
    rc = HYPERCALL3(__HYPERVISOR_update_va_mapping, (uint64_t)(uintptr_t)gnt_table_va,
                    (frame << XLITE_PAGE_SHIFT) | PTE_FLAGS, UVMF_INVLPG);
    if (rc)
        bench_fail("peer", "mapping the grant table returned %ld", rc);

    for (unsigned int i = 0; i < BENCH_PEER_DATA_PAGES; i++)
        for (unsigned int j = 0; j < 4096; j++)
            data_pages[i][j] = (uint8_t)(i * 7 + j);
    ctrl->port = au.port;
    ctrl->magic = BENCH_PEER_MAGIC;
    grant_entry_v1_t *table = (grant_entry_v1_t *)gnt_table_va;
    for (unsigned int i = 0; i < BENCH_PEER_DATA_PAGES; i++)
        grant(table, (uint32_t)gref + 1 + i, (uint16_t)domid, data_pages[i]);
    grant(table, (uint32_t)gref, (uint16_t)domid, ctrl_page);   /* last: the go signal */

    for (;;) {
        rc = bench_port_wait(au.port);
        if (rc)
            bench_fail("peer", "SCHEDOP_poll returned %ld", rc);
        bench_port_clear(au.port);
        ctrl->wakes = ++wakes;
        if (__atomic_load_n(&ctrl->quit, __ATOMIC_ACQUIRE))
            break;
        uint64_t req = __atomic_load_n(&ctrl->ack_req, __ATOMIC_ACQUIRE);
        if (ctrl->echo || req != acked) {
            acked = req;
            __atomic_store_n(&ctrl->acked, req, __ATOMIC_RELEASE);
            bench_port_send(au.port);
        }
    }
    struct sched_shutdown s = { .reason = SHUTDOWN_poweroff };
    for (;;)
        HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_shutdown, &s);
}

/* ------------------------------------------------------------------ measurer */

void bench_peer_connect(struct bench_peer *p)
{
    uint64_t domid = 1, gref = GNTTAB_NR_RESERVED_ENTRIES;
    struct gnttab_map_grant_ref map;
    long rc = 0;
    unsigned int tries;

    bench_cmdline_u64("peer", &domid);
    bench_cmdline_u64("gref", &gref);
    if (!bench_shared)
        bench_fail("peer", "no shared_info");
    p->domid = (uint16_t)domid;
    p->gref = (uint32_t)gref;

    /* The peer grants the control page last, once everything is ready. */
    for (tries = 0; tries < POLL_TRIES; tries++) {
        map = (struct gnttab_map_grant_ref){ .host_addr = (uint64_t)(uintptr_t)ctrl_page,
                                             .flags = GNTMAP_host_map, .ref = p->gref,
                                             .dom = p->domid };
        rc = HYPERCALL3(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, &map, 1);
        if (rc == 0 && map.status == GNTST_okay)
            break;
        HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
    }
    if (tries == POLL_TRIES)
        bench_fail("peer", "cannot map d%u's gref %u (rc %ld, status %d): is the peer "
                   "booted with serve=<our domid> gref=%u?", p->domid, p->gref, rc,
                   map.status, p->gref);
    p->ctrl = (volatile struct bench_peer_ctrl *)ctrl_page;
    p->ctrl_handle = map.handle;
    if (p->ctrl->magic != BENCH_PEER_MAGIC)
        bench_fail("peer", "d%u's gref %u holds no control page", p->domid, p->gref);

    struct evtchn_bind_interdomain bi = { .remote_dom = p->domid,
                                          .remote_port = p->ctrl->port };
    rc = evtchn_op(EVTCHNOP_bind_interdomain, &bi);
    if (rc)
        bench_fail("peer", "bind_interdomain(d%u, port %u) returned %ld", p->domid,
                   p->ctrl->port, rc);
    p->port = bi.local_port;
    quiet_port(p->port);
    bench_port_clear(p->port);       /* a fresh binding is pending (as on Xen) */
}

void bench_peer_disconnect(struct bench_peer *p)
{
    __atomic_store_n(&p->ctrl->quit, 1, __ATOMIC_RELEASE);
    bench_port_send(p->port);
    struct gnttab_unmap_grant_ref un = { .host_addr = (uint64_t)(uintptr_t)ctrl_page,
                                         .handle = p->ctrl_handle };
    long rc = HYPERCALL3(__HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref, &un, 1);
    if (rc || un.status != GNTST_okay)
        bench_fail("peer", "unmapping the control page: rc %ld, status %d", rc, un.status);
    struct evtchn_close cl = { .port = p->port };
    evtchn_op(EVTCHNOP_close, &cl);
}
