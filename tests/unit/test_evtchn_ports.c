/* Event-channel port tables (evtchn_ports.c): port 0 and lowest-free allocation,
 * exhaustion, interdomain binding and closing, the exact 2-level set-pending and
 * unmask protocol, VIRQ and IPI rules, reset, a domain without shared_info, and a
 * property test: a fixed-seed random sequence of 100000 operations over three
 * simulated domains, each result compared with a model written from the ABI notes
 * and the invariants checked after every operation. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <hv/evtchn_ports.h>
#include "suites.h"
#include <xlite/errno.h>

/* ------------------------------------------------------------------ three domains */

#define NDOM 3
static const domid_t dom_ids[NDOM] = { 0, 1, 7 };      /* 7: ids are not indexes */
static const unsigned int dom_vcpus[NDOM] = { 1, 2, 3 };

struct sim_dom {
    struct evtchn_table *t;
    struct shared_info *s;
};
static struct sim_dom sim[NDOM];

/* Notifications seen, for the tests to check. */
struct note {
    const struct evtchn_table *t;
    evtchn_port_t port;
    unsigned int vcpu;
    bool kick;
};
static struct note notes[16];             /* notes[n % 16]: the n-th */
static unsigned int nr_notes;
static unsigned long kicks[NDOM][EVTCHN_MAX_VCPUS];

static int dom_index(domid_t id)
{
    for (int i = 0; i < NDOM; i++)
        if (sim[i].t && dom_ids[i] == id)
            return i;
    return -1;
}

static struct evtchn_table *sim_lookup(void *ctx, domid_t id)
{
    (void)ctx;
    int i = dom_index(id);
    return i < 0 ? NULL : sim[i].t;
}

static void sim_notify(void *ctx, struct evtchn_table *t, evtchn_port_t port,
                       unsigned int vcpu, bool kick)
{
    (void)ctx;
    int i = dom_index(t->domid);

    UNIT_REQUIRE(i >= 0 && sim[i].t == t, "notify for an unknown table");
    UNIT_REQUIRE(vcpu < t->nr_vcpus, "notify for vCPU %u of %u", vcpu, t->nr_vcpus);
    UNIT_REQUIRE(port > 0 && port < EVTCHN_NR_PORTS, "notify for port %u", port);
    if (kick) {
        UNIT_REQUIRE(t->shared->vcpu_info[vcpu].evtchn_upcall_pending == 1,
                     "kick without evtchn_upcall_pending");
        kicks[i][vcpu]++;
    }
    notes[nr_notes % 16] = (struct note){ t, port, vcpu, kick };    /* the last 16 */
    nr_notes++;
}

static const struct evtchn_env env = { sim_lookup, sim_notify, NULL };

static void setup(void)
{
    for (int i = 0; i < NDOM; i++) {
        sim[i].t = calloc(1, sizeof(*sim[i].t));
        sim[i].s = calloc(1, sizeof(*sim[i].s));
        ck_assert(sim[i].t && sim[i].s);
        evtchn_table_init(sim[i].t, dom_ids[i], dom_vcpus[i]);
        sim[i].t->shared = sim[i].s;
    }
    nr_notes = 0;
    memset(kicks, 0, sizeof(kicks));
}

static void teardown(void)
{
    for (int i = 0; i < NDOM; i++) {
        free(sim[i].t);
        free(sim[i].s);
        sim[i].t = NULL;
        sim[i].s = NULL;
    }
}

static bool bit(const xen_ulong_t *map, unsigned int n)
{
    return (map[n / 64] >> (n % 64)) & 1;
}

static void set_bit(xen_ulong_t *map, unsigned int n, bool on)
{
    if (on)
        map[n / 64] |= 1ul << (n % 64);
    else
        map[n / 64] &= ~(1ul << (n % 64));
}

static void check_all(void)
{
    for (int i = 0; i < NDOM; i++) {
        const char *why = evtchn_table_check(&env, sim[i].t);
        UNIT_REQUIRE(why == NULL, "d%u: %s", dom_ids[i], why);
    }
}

#define A (sim[0].t)
#define B (sim[1].t)
#define C (sim[2].t)

/* ------------------------------------------------------------------ fixed cases */

START_TEST(port0_reserved_lowest_free)
{
    struct evtchn_status st;
    evtchn_port_t p[4];

    setup();
    ck_assert_int_eq(evtchn_status(A, 0, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_closed);
    ck_assert_int_eq(evtchn_close(&env, A, 0), -XEN_EINVAL);
    ck_assert_int_eq(evtchn_send(&env, A, 0), -XEN_EINVAL);
    ck_assert_int_eq(evtchn_unmask(&env, A, 0), -XEN_EINVAL);
    ck_assert_int_eq(evtchn_poll_port_state(A, 0), -XEN_EINVAL);
    ck_assert_int_eq(evtchn_bind_vcpu(A, 0, 0), -XEN_EINVAL);
    ck_assert_int_eq(evtchn_status(A, EVTCHN_NR_PORTS, &st), -XEN_EINVAL);
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(evtchn_alloc_unbound(A, 1, &p[i]), 0);
        ck_assert_uint_eq(p[i], (evtchn_port_t)i + 1);
    }
    ck_assert_int_eq(evtchn_close(&env, A, 2), 0);
    ck_assert_int_eq(evtchn_close(&env, A, 2), -XEN_EINVAL);     /* already free */
    ck_assert_int_eq(evtchn_status(A, 2, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_closed);
    ck_assert_int_eq(evtchn_alloc_unbound(A, 1, &p[0]), 0);
    ck_assert_uint_eq(p[0], 2);                                  /* lowest free again */
    ck_assert_int_eq(evtchn_alloc_unbound(A, 1, &p[0]), 0);
    ck_assert_uint_eq(p[0], 5);
    ck_assert_uint_eq(A->nr_used, 5);
    check_all();
    teardown();
}
END_TEST

START_TEST(exhaustion_enospc)
{
    evtchn_port_t p, last = 0;
    unsigned int n = 0;

    setup();
    while (evtchn_alloc_unbound(A, 0, &p) == 0) {
        ck_assert_uint_eq(p, last + 1);
        last = p;
        n++;
    }
    ck_assert_uint_eq(n, EVTCHN_NR_PORTS - 1);
    ck_assert_int_eq(evtchn_alloc_unbound(A, 0, &p), -XEN_ENOSPC);
    ck_assert_int_eq(evtchn_bind_ipi(A, 0, &p), -XEN_ENOSPC);
    ck_assert_int_eq(evtchn_bind_virq(A, VIRQ_TIMER, 0, &p), -XEN_ENOSPC);
    ck_assert_int_eq(evtchn_alloc_unbound(B, 0, &p), 0);
    ck_assert_int_eq(evtchn_bind_interdomain(&env, A, B, p, &p), -XEN_ENOSPC);
    ck_assert_uint_eq(A->virq_port[0][VIRQ_TIMER], 0);           /* nothing half-done */
    check_all();
    ck_assert_int_eq(evtchn_close(&env, A, 4000), 0);
    ck_assert_int_eq(evtchn_bind_ipi(A, 0, &p), 0);
    ck_assert_uint_eq(p, 4000);
    evtchn_reset(&env, A);
    ck_assert_uint_eq(A->nr_used, 0);
    ck_assert_int_eq(evtchn_alloc_unbound(A, 0, &p), 0);
    ck_assert_uint_eq(p, 1);
    check_all();
    teardown();
}
END_TEST

START_TEST(interdomain_bind_send_close)
{
    struct evtchn_status st;
    evtchn_port_t pa, pb, pc, junk;

    setup();
    ck_assert_int_eq(evtchn_alloc_unbound(A, 1, &pa), 0);          /* offered to d1 */
    ck_assert_int_eq(evtchn_alloc_unbound(B, 0, &junk), 0);        /* so B's port is 2 */
    ck_assert_int_eq(evtchn_status(A, pa, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
    ck_assert_uint_eq(st.u.unbound.dom, 1);
    ck_assert_int_eq(evtchn_send(&env, A, pa), 0);                 /* unbound: silent */
    ck_assert_uint_eq(nr_notes, 0);
    /* Only the domain it is offered to may bind, only to an unbound port. */
    ck_assert_int_eq(evtchn_bind_interdomain(&env, C, A, pa, &pc), -XEN_EINVAL);
    ck_assert_int_eq(evtchn_bind_interdomain(&env, B, A, 0, &pb), -XEN_EINVAL);
    ck_assert_int_eq(evtchn_bind_interdomain(&env, B, A, 9, &pb), -XEN_EINVAL);
    ck_assert_int_eq(evtchn_bind_interdomain(&env, B, A, EVTCHN_NR_PORTS, &pb),
                     -XEN_EINVAL);
    ck_assert_uint_eq(B->nr_used, 1);
    ck_assert_int_eq(evtchn_bind_interdomain(&env, B, A, pa, &pb), 0);
    ck_assert_uint_eq(pb, 2);
    /* The new local port is set pending (Xen's conservative notification). */
    ck_assert(bit(sim[1].s->evtchn_pending, pb));
    ck_assert_uint_eq(nr_notes, 1);
    ck_assert(notes[0].t == B && notes[0].port == pb && notes[0].kick);
    ck_assert_int_eq(evtchn_status(A, pa, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_interdomain);
    ck_assert_uint_eq(st.u.interdomain.dom, 1);
    ck_assert_uint_eq(st.u.interdomain.port, pb);
    ck_assert_int_eq(evtchn_status(B, pb, &st), 0);
    ck_assert_uint_eq(st.u.interdomain.dom, 0);
    ck_assert_uint_eq(st.u.interdomain.port, pa);
    ck_assert_int_eq(evtchn_bind_interdomain(&env, B, A, pa, &junk), -XEN_EINVAL);
    check_all();

    /* send on one end raises the other. */
    nr_notes = 0;
    ck_assert_int_eq(evtchn_send(&env, B, pb), 0);
    ck_assert(bit(sim[0].s->evtchn_pending, pa));
    ck_assert(nr_notes == 1 && notes[0].t == A && notes[0].port == pa && notes[0].kick);
    ck_assert_int_eq(evtchn_poll_port_state(A, pa), 1);
    ck_assert_int_eq(evtchn_send(&env, A, pa), 0);
    ck_assert(bit(sim[1].s->evtchn_pending, pb));

    /* Closing one end clears its pending bit; the peer becomes unbound, offered back
     * to the closer, which may bind it again. */
    ck_assert_int_eq(evtchn_close(&env, A, pa), 0);
    ck_assert(!bit(sim[0].s->evtchn_pending, pa));
    ck_assert_int_eq(evtchn_status(B, pb, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
    ck_assert_uint_eq(st.u.unbound.dom, 0);
    nr_notes = 0;
    ck_assert_int_eq(evtchn_send(&env, B, pb), 0);
    ck_assert_uint_eq(nr_notes, 0);
    check_all();
    ck_assert_int_eq(evtchn_bind_interdomain(&env, A, B, pb, &pa), 0);
    ck_assert_uint_eq(pa, 1);
    check_all();

    /* Reset (or a dying domain) closes everything; peers see unbound. */
    evtchn_reset(&env, B);
    ck_assert_uint_eq(B->nr_used, 0);
    ck_assert_int_eq(evtchn_status(A, pa, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
    ck_assert_uint_eq(st.u.unbound.dom, 1);
    check_all();
    teardown();
}
END_TEST

START_TEST(loopback_interdomain)
{
    evtchn_port_t p1, p2;

    setup();
    ck_assert_int_eq(evtchn_alloc_unbound(B, 1, &p1), 0);
    ck_assert_int_eq(evtchn_bind_interdomain(&env, B, B, p1, &p2), 0);
    ck_assert_uint_eq(p2, 2);
    set_bit(sim[1].s->evtchn_pending, p2, false);
    ck_assert_int_eq(evtchn_send(&env, B, p1), 0);
    ck_assert(bit(sim[1].s->evtchn_pending, p2) && !bit(sim[1].s->evtchn_pending, p1));
    ck_assert_int_eq(evtchn_send(&env, B, p2), 0);
    ck_assert(bit(sim[1].s->evtchn_pending, p1));
    check_all();
    ck_assert_int_eq(evtchn_close(&env, B, p2), 0);
    ck_assert_uint_eq(B->ports[p1].state, EVTCHN_UNBOUND);
    ck_assert_uint_eq(B->ports[p1].dom, 1);
    check_all();
    teardown();
}
END_TEST

/* §2.5: test_and_set(pending); only if it was clear, the port unmasked and the
 * selector bit clear: upcall_pending = 1 and a kick. */
START_TEST(set_pending_protocol)
{
    evtchn_port_t p, q, far;

    setup();
    struct shared_info *s = sim[0].s;
    struct vcpu_info *vi = &s->vcpu_info[0];
    ck_assert_int_eq(evtchn_bind_ipi(A, 0, &p), 0);      /* 1 */
    ck_assert_int_eq(evtchn_bind_ipi(A, 0, &q), 0);      /* 2, same selector word */
    for (evtchn_port_t i = 3; i < 70; i++)
        ck_assert_int_eq(evtchn_alloc_unbound(A, 0, &far), 0);
    ck_assert_int_eq(evtchn_bind_ipi(A, 0, &far), 0);    /* 70: word 1 */
    ck_assert_uint_eq(far, 70);

    /* Masked: the pending bit only, nobody is told but pollers. */
    set_bit(s->evtchn_mask, p, true);
    ck_assert_int_eq(evtchn_send(&env, A, p), 0);
    ck_assert(bit(s->evtchn_pending, p));
    ck_assert_uint_eq(vi->evtchn_pending_sel, 0);
    ck_assert_uint_eq(vi->evtchn_upcall_pending, 0);
    ck_assert(nr_notes == 1 && !notes[0].kick && notes[0].port == p);
    /* Already pending: nothing at all. */
    ck_assert_int_eq(evtchn_send(&env, A, p), 0);
    ck_assert_uint_eq(nr_notes, 1);
    /* Unmask re-raises a pending port. */
    ck_assert_int_eq(evtchn_unmask(&env, A, p), 0);
    ck_assert(!bit(s->evtchn_mask, p));
    ck_assert_uint_eq(vi->evtchn_pending_sel, 1);
    ck_assert_uint_eq(vi->evtchn_upcall_pending, 1);
    ck_assert(nr_notes == 2 && notes[1].kick && notes[1].port == p);
    /* Unmasking again, or a port not pending: nothing. */
    ck_assert_int_eq(evtchn_unmask(&env, A, p), 0);
    ck_assert_int_eq(evtchn_unmask(&env, A, q), 0);
    ck_assert_uint_eq(nr_notes, 2);

    /* Selector bit already set: pending only, no kick, upcall flag left alone. */
    vi->evtchn_upcall_pending = 0;
    ck_assert_int_eq(evtchn_send(&env, A, q), 0);
    ck_assert(bit(s->evtchn_pending, q));
    ck_assert_uint_eq(vi->evtchn_upcall_pending, 0);
    ck_assert(nr_notes == 3 && !notes[2].kick);
    /* Another word: its selector bit and a kick. */
    ck_assert_int_eq(evtchn_send(&env, A, far), 0);
    ck_assert_uint_eq(vi->evtchn_pending_sel, 3);
    ck_assert_uint_eq(vi->evtchn_upcall_pending, 1);
    ck_assert(nr_notes == 4 && notes[3].kick && notes[3].port == far);
    ck_assert_uint_eq(kicks[0][0], 2);

    /* Poll sees pending whatever the mask. */
    set_bit(s->evtchn_mask, q, true);
    ck_assert_int_eq(evtchn_poll_port_state(A, q), 1);
    set_bit(s->evtchn_pending, q, false);
    ck_assert_int_eq(evtchn_poll_port_state(A, q), 0);
    ck_assert_int_eq(evtchn_poll_port_state(A, 4000), -XEN_EINVAL);
    ck_assert_int_eq(evtchn_poll_port_state(A, EVTCHN_NR_PORTS), -XEN_EINVAL);
    teardown();
}
END_TEST

START_TEST(virq_rules)
{
    struct evtchn_status st;
    evtchn_port_t p, t0, t2, dx;

    setup();
    /* C has 3 vCPUs: VIRQ_TIMER once per vCPU. */
    ck_assert_int_eq(evtchn_bind_virq(C, VIRQ_TIMER, 0, &t0), 0);
    ck_assert_int_eq(evtchn_bind_virq(C, VIRQ_TIMER, 2, &t2), 0);
    ck_assert_int_eq(evtchn_bind_virq(C, VIRQ_TIMER, 2, &p), -XEN_EEXIST);
    ck_assert_int_eq(evtchn_bind_virq(C, VIRQ_TIMER, 3, &p), -XEN_ENOENT);
    ck_assert_int_eq(evtchn_bind_virq(C, NR_VIRQS, 0, &p), -XEN_EINVAL);
    ck_assert_int_eq(evtchn_bind_virq(C, 0xFFFFFFFFu, 0, &p), -XEN_EINVAL);
    /* Global VIRQs: vCPU 0 only, once per domain. */
    ck_assert_int_eq(evtchn_bind_virq(C, VIRQ_DOM_EXC, 1, &p), -XEN_EINVAL);
    ck_assert_int_eq(evtchn_bind_virq(C, VIRQ_DOM_EXC, 0, &dx), 0);
    ck_assert_int_eq(evtchn_bind_virq(C, VIRQ_DOM_EXC, 0, &p), -XEN_EEXIST);
    ck_assert_int_eq(evtchn_status(C, t2, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_virq);
    ck_assert_uint_eq(st.u.virq, VIRQ_TIMER);
    ck_assert_uint_eq(st.vcpu, 2);
    ck_assert_int_eq(evtchn_send(&env, C, t0), -XEN_EINVAL);       /* not by send */
    check_all();

    /* Delivery goes to the bound vCPU. */
    ck_assert(evtchn_send_virq(&env, C, 2, VIRQ_TIMER));
    ck_assert(bit(sim[2].s->evtchn_pending, t2) && !bit(sim[2].s->evtchn_pending, t0));
    ck_assert_uint_eq(sim[2].s->vcpu_info[2].evtchn_upcall_pending, 1);
    ck_assert_uint_eq(sim[2].s->vcpu_info[0].evtchn_upcall_pending, 0);
    ck_assert(!evtchn_send_virq(&env, C, 1, VIRQ_TIMER));          /* not bound on 1 */
    ck_assert(!evtchn_send_virq(&env, C, 0, VIRQ_CONSOLE));
    ck_assert(!evtchn_send_virq(&env, C, 0, NR_VIRQS));

    /* bind_vcpu: a global VIRQ may move, a per-vCPU one may not. */
    ck_assert_int_eq(evtchn_bind_vcpu(C, t0, 1), -XEN_EINVAL);
    ck_assert_int_eq(evtchn_bind_vcpu(C, dx, 3), -XEN_ENOENT);
    ck_assert_int_eq(evtchn_bind_vcpu(C, dx, 1), 0);
    ck_assert(evtchn_send_virq(&env, C, 2, VIRQ_DOM_EXC));          /* vcpu ignored */
    ck_assert(nr_notes >= 2 && notes[nr_notes - 1].vcpu == 1 && notes[nr_notes - 1].port == dx);
    check_all();

    /* Close unbinds; the VIRQ can be bound again. */
    ck_assert_int_eq(evtchn_close(&env, C, t2), 0);
    ck_assert(!evtchn_send_virq(&env, C, 2, VIRQ_TIMER));
    ck_assert_int_eq(evtchn_bind_virq(C, VIRQ_TIMER, 2, &p), 0);
    ck_assert_uint_eq(p, t2);
    check_all();
    teardown();
}
END_TEST

START_TEST(ipi_and_bind_vcpu)
{
    evtchn_port_t p, u;

    setup();
    ck_assert_int_eq(evtchn_bind_ipi(B, 2, &p), -XEN_ENOENT);
    ck_assert_int_eq(evtchn_bind_ipi(B, 1, &p), 0);
    ck_assert_int_eq(evtchn_send(&env, B, p), 0);
    ck_assert_uint_eq(sim[1].s->vcpu_info[1].evtchn_upcall_pending, 1);
    ck_assert_uint_eq(sim[1].s->vcpu_info[0].evtchn_upcall_pending, 0);
    ck_assert_uint_eq(kicks[1][1], 1);
    ck_assert_int_eq(evtchn_bind_vcpu(B, p, 0), -XEN_EINVAL);       /* IPI: fixed */
    ck_assert_int_eq(evtchn_alloc_unbound(B, 0, &u), 0);
    ck_assert_int_eq(evtchn_bind_vcpu(B, u, 1), 0);
    ck_assert_int_eq(evtchn_bind_vcpu(B, u, 2), -XEN_ENOENT);
    ck_assert_int_eq(evtchn_bind_vcpu(B, 77, 0), -XEN_EINVAL);       /* free */
    ck_assert_int_eq(evtchn_bind_vcpu(B, EVTCHN_NR_PORTS, 0), -XEN_EINVAL);
    /* The vCPU stays when the port is bound: events go to vCPU 1. */
    evtchn_port_t a;
    ck_assert_int_eq(evtchn_bind_interdomain(&env, A, B, u, &a), 0);
    ck_assert_int_eq(evtchn_send(&env, A, a), 0);
    ck_assert_uint_eq(kicks[1][1], 1);              /* same selector word: no new kick */
    ck_assert(bit(&sim[1].s->vcpu_info[1].evtchn_pending_sel, 0));
    ck_assert(!bit(&sim[1].s->vcpu_info[0].evtchn_pending_sel, 0));
    check_all();
    teardown();
}
END_TEST

START_TEST(no_shared_info_drops_events)
{
    evtchn_port_t p;

    setup();
    A->shared = NULL;
    ck_assert_int_eq(evtchn_bind_ipi(A, 0, &p), 0);
    ck_assert_int_eq(evtchn_send(&env, A, p), 0);
    ck_assert_int_eq(evtchn_unmask(&env, A, p), 0);
    ck_assert_int_eq(evtchn_poll_port_state(A, p), 0);
    ck_assert_uint_eq(nr_notes, 0);
    ck_assert_int_eq(evtchn_close(&env, A, p), 0);
    ck_assert_ptr_null(evtchn_table_check(&env, A));
    teardown();
}
END_TEST

/* ------------------------------------------------------------------ property test */

/* The model: what every port should be, from the ABI notes, kept independently of
 * the implementation's table. */
struct mport {
    uint8_t state, vcpu;
    domid_t dom;
    uint16_t arg;
};
struct mdom {
    struct mport p[EVTCHN_NR_PORTS];
    uint16_t virq[EVTCHN_MAX_VCPUS][NR_VIRQS];
    unsigned int used;
};
static struct mdom *model;

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static unsigned int rnd_below(unsigned int n)
{
    return (unsigned int)(rnd() % n);
}

static evtchn_port_t pick_port(void)
{
    unsigned int r = rnd_below(100);

    if (r < 88)
        return rnd_below(64);
    if (r < 98)
        return rnd_below(EVTCHN_NR_PORTS);
    return r == 98 ? EVTCHN_NR_PORTS + rnd_below(4) : 0xFFFFFFFFu;
}

static bool m_in_use(int d, evtchn_port_t p)
{
    return p > 0 && p < EVTCHN_NR_PORTS && model[d].p[p].state != EVTCHN_FREE;
}

static evtchn_port_t m_lowest_free(int d)
{
    for (evtchn_port_t p = 1; p < EVTCHN_NR_PORTS; p++)
        if (model[d].p[p].state == EVTCHN_FREE)
            return p;
    return 0;
}

static void m_take(int d, evtchn_port_t p, uint8_t state, uint8_t vcpu, domid_t dom,
                   uint16_t arg)
{
    model[d].p[p] = (struct mport){ state, vcpu, dom, arg };
    model[d].used++;
}

/* Compare model port p of d with the table. */
static void same_port(int d, evtchn_port_t p)
{
    if (p == 0 || p >= EVTCHN_NR_PORTS)
        return;
    const struct mport *m = &model[d].p[p];
    const struct evtchn_port *c = &sim[d].t->ports[p];
    UNIT_REQUIRE(m->state == c->state && m->vcpu == c->vcpu && m->dom == c->dom &&
                 m->arg == c->arg,
                 "d%u port %u: table {%u,%u,%u,%u}, model {%u,%u,%u,%u}", dom_ids[d], p,
                 c->state, c->vcpu, c->dom, c->arg, m->state, m->vcpu, m->dom, m->arg);
}

/* What set_pending must do to port p of d, given the bits before it. */
struct expect_note {
    bool any, kick;
    unsigned int vcpu;
};
static struct expect_note predict_pending(int d, evtchn_port_t p)
{
    const struct shared_info *s = sim[d].s;
    unsigned int v = model[d].p[p].vcpu;

    if (bit(s->evtchn_pending, p))
        return (struct expect_note){ false, false, v };
    bool kick = !bit(s->evtchn_mask, p) && !bit(&s->vcpu_info[v].evtchn_pending_sel, p / 64);
    return (struct expect_note){ true, kick, v };
}

static void check_note(const struct expect_note *e, int d, evtchn_port_t p,
                       unsigned int before)
{
    if (!e->any) {
        UNIT_REQUIRE(nr_notes == before, "unexpected notification");
        return;
    }
    UNIT_REQUIRE(nr_notes == before + 1, "expected one notification, got %u",
                 nr_notes - before);
    const struct note *n = &notes[before % 16];
    UNIT_REQUIRE(n->t == sim[d].t && n->port == p && n->vcpu == e->vcpu &&
                 n->kick == e->kick,
                 "d%u port %u: notified d%u port %u vCPU %u kick %d, want vCPU %u kick %d",
                 dom_ids[d], p, n->t->domid, n->port, n->vcpu, n->kick, e->vcpu, e->kick);
    UNIT_REQUIRE(bit(sim[d].s->evtchn_pending, p), "port not pending after set_pending");
}

/* Free model port p of d as close does (the peer's end becomes unbound). */
static void m_close(int d, evtchn_port_t p)
{
    struct mport *m = &model[d].p[p];

    if (m->state == EVTCHN_VIRQ) {
        for (unsigned int v = 0; v < EVTCHN_MAX_VCPUS; v++)
            if (model[d].virq[v][m->arg] == p)
                model[d].virq[v][m->arg] = 0;
    } else if (m->state == EVTCHN_INTERDOMAIN) {
        int pd = dom_index(m->dom);
        struct mport *r = &model[pd].p[m->arg];
        r->state = EVTCHN_UNBOUND;
        r->dom = dom_ids[d];
        r->arg = 0;
    }
    *m = (struct mport){ 0 };
    model[d].used--;
}

/* Invariants over all three domains, after every operation. */
static void check_invariants(void)
{
    check_all();
    for (int d = 0; d < NDOM; d++) {
        const struct shared_info *s = sim[d].s;
        UNIT_REQUIRE(sim[d].t->nr_used == model[d].used, "d%u: %u ports used, model %u",
                     dom_ids[d], sim[d].t->nr_used, model[d].used);
        xen_ulong_t sel_any = 0;
        for (unsigned int v = 0; v < dom_vcpus[d]; v++) {
            const struct vcpu_info *vi = &s->vcpu_info[v];
            /* A selector bit is only ever set together with upcall_pending. */
            UNIT_REQUIRE(!vi->evtchn_pending_sel || vi->evtchn_upcall_pending,
                         "d%u vCPU %u: selector set without upcall_pending", dom_ids[d], v);
            sel_any |= vi->evtchn_pending_sel;
        }
        for (unsigned int w = 0; w < 64; w++) {
            /* A pending, unmasked port is always visible through some selector. */
            if (s->evtchn_pending[w] & ~s->evtchn_mask[w])
                UNIT_REQUIRE((sel_any >> w) & 1, "d%u: word %u pending but not selected",
                             dom_ids[d], w);
        }
    }
}

/* The guest's upcall handler on vCPU v of d, done atomically: clear upcall_pending,
 * take the selector, clear the pending unmasked ports of the selected words. */
static void guest_consume(int d, unsigned int v)
{
    struct shared_info *s = sim[d].s;
    struct vcpu_info *vi = &s->vcpu_info[v];

    vi->evtchn_upcall_pending = 0;
    xen_ulong_t sel = vi->evtchn_pending_sel;
    vi->evtchn_pending_sel = 0;
    for (unsigned int w = 0; w < 64; w++)
        if ((sel >> w) & 1)
            s->evtchn_pending[w] &= s->evtchn_mask[w];
}

static int expect_alloc(int d)
{
    return m_lowest_free(d) ? 0 : -XEN_ENOSPC;
}

static void random_op(void)
{
    int d = (int)rnd_below(NDOM);
    struct evtchn_table *t = sim[d].t;
    unsigned int nv = dom_vcpus[d];
    evtchn_port_t p = pick_port(), out = 0;
    unsigned int before = nr_notes;
    int rc, want;

    switch (rnd_below(16)) {
    case 0:
    case 1: {                                               /* alloc_unbound */
        domid_t remote = rnd_below(8) ? dom_ids[rnd_below(NDOM)] : 0x1234;
        want = expect_alloc(d);
        evtchn_port_t lf = m_lowest_free(d);
        rc = evtchn_alloc_unbound(t, remote, &out);
        UNIT_REQUIRE(rc == want, "alloc_unbound: %d, want %d", rc, want);
        if (!rc) {
            UNIT_REQUIRE(out == lf, "alloc_unbound gave %u, lowest free is %u", out, lf);
            m_take(d, out, EVTCHN_UNBOUND, 0, remote, 0);
            same_port(d, out);
        }
        break;
    }
    case 2:
    case 3: {                                               /* bind_interdomain */
        int rd = (int)rnd_below(NDOM);
        evtchn_port_t lf = m_lowest_free(d);
        if (!lf)
            want = -XEN_ENOSPC;
        else if (p >= EVTCHN_NR_PORTS || model[rd].p[p].state != EVTCHN_UNBOUND ||
                 model[rd].p[p].dom != dom_ids[d])
            want = -XEN_EINVAL;
        else
            want = 0;
        struct expect_note e = { 0 };
        if (!want) {
            m_take(d, lf, EVTCHN_INTERDOMAIN, 0, dom_ids[rd], (uint16_t)p);
            model[rd].p[p].state = EVTCHN_INTERDOMAIN;
            model[rd].p[p].dom = dom_ids[d];
            model[rd].p[p].arg = (uint16_t)lf;
            e = predict_pending(d, lf);
        }
        rc = evtchn_bind_interdomain(&env, t, sim[rd].t, p, &out);
        UNIT_REQUIRE(rc == want, "bind_interdomain d%u<-d%u:%u: %d, want %d", dom_ids[d],
                     dom_ids[rd], p, rc, want);
        if (!rc) {
            UNIT_REQUIRE(out == lf, "bind_interdomain gave %u, lowest free is %u", out, lf);
            check_note(&e, d, lf, before);
            same_port(d, lf);
            same_port(rd, p);
        }
        break;
    }
    case 4: {                                               /* bind_virq */
        unsigned int virq = rnd_below(NR_VIRQS + 1), v = rnd_below(nv + 1);
        bool per = virq == VIRQ_TIMER || virq == VIRQ_DEBUG || virq == VIRQ_XENOPROF ||
                   virq == VIRQ_XENPMU;
        if (virq >= NR_VIRQS || (!per && v != 0))
            want = -XEN_EINVAL;
        else if (v >= nv)
            want = -XEN_ENOENT;
        else if (model[d].virq[per ? v : 0][virq])
            want = -XEN_EEXIST;
        else
            want = expect_alloc(d);
        evtchn_port_t lf = m_lowest_free(d);
        rc = evtchn_bind_virq(t, virq, v, &out);
        UNIT_REQUIRE(rc == want, "bind_virq(%u, %u): %d, want %d", virq, v, rc, want);
        if (!rc) {
            UNIT_REQUIRE(out == lf, "bind_virq gave %u, lowest free is %u", out, lf);
            m_take(d, out, EVTCHN_VIRQ, (uint8_t)v, 0, (uint16_t)virq);
            model[d].virq[per ? v : 0][virq] = (uint16_t)out;
            same_port(d, out);
        }
        break;
    }
    case 5: {                                               /* bind_ipi */
        unsigned int v = rnd_below(nv + 1);
        want = v >= nv ? -XEN_ENOENT : expect_alloc(d);
        evtchn_port_t lf = m_lowest_free(d);
        rc = evtchn_bind_ipi(t, v, &out);
        UNIT_REQUIRE(rc == want, "bind_ipi(%u): %d, want %d", v, rc, want);
        if (!rc) {
            UNIT_REQUIRE(out == lf, "bind_ipi gave %u, lowest free is %u", out, lf);
            m_take(d, out, EVTCHN_IPI, (uint8_t)v, 0, 0);
            same_port(d, out);
        }
        break;
    }
    case 6: {                                               /* bind_vcpu */
        unsigned int v = rnd_below(nv + 1);
        const struct mport *m = p < EVTCHN_NR_PORTS ? &model[d].p[p] : NULL;
        if (v >= nv)
            want = -XEN_ENOENT;
        else if (!m || !(m->state == EVTCHN_UNBOUND || m->state == EVTCHN_INTERDOMAIN ||
                         (m->state == EVTCHN_VIRQ && m->arg != VIRQ_TIMER &&
                          m->arg != VIRQ_DEBUG && m->arg != VIRQ_XENOPROF &&
                          m->arg != VIRQ_XENPMU)))
            want = -XEN_EINVAL;
        else
            want = 0;
        rc = evtchn_bind_vcpu(t, p, v);
        UNIT_REQUIRE(rc == want, "bind_vcpu(%u, %u): %d, want %d", p, v, rc, want);
        if (!rc)
            model[d].p[p].vcpu = (uint8_t)v;
        same_port(d, p);
        break;
    }
    case 7:
    case 8: {                                               /* close */
        want = m_in_use(d, p) ? 0 : -XEN_EINVAL;
        int pd = -1;
        evtchn_port_t pp = 0;
        if (!want && model[d].p[p].state == EVTCHN_INTERDOMAIN) {
            pd = dom_index(model[d].p[p].dom);
            pp = model[d].p[p].arg;
        }
        if (!want)
            m_close(d, p);
        rc = evtchn_close(&env, t, p);
        UNIT_REQUIRE(rc == want, "close(%u): %d, want %d", p, rc, want);
        same_port(d, p);
        if (pd >= 0)
            same_port(pd, pp);
        if (!rc)
            UNIT_REQUIRE(!bit(sim[d].s->evtchn_pending, p), "closed port still pending");
        break;
    }
    case 9:
    case 10: {                                              /* send */
        const struct mport *m = p < EVTCHN_NR_PORTS ? &model[d].p[p] : NULL;
        struct expect_note e = { 0 };
        int td = d;
        evtchn_port_t tp = p;
        if (!m || !(m->state == EVTCHN_UNBOUND || m->state == EVTCHN_INTERDOMAIN ||
                    m->state == EVTCHN_IPI)) {
            want = -XEN_EINVAL;
        } else {
            want = 0;
            if (m->state == EVTCHN_INTERDOMAIN) {
                td = dom_index(m->dom);
                tp = m->arg;
            }
            if (m->state != EVTCHN_UNBOUND)
                e = predict_pending(td, tp);
        }
        rc = evtchn_send(&env, t, p);
        UNIT_REQUIRE(rc == want, "send(%u): %d, want %d", p, rc, want);
        check_note(&e, td, tp, before);
        break;
    }
    case 11: {                                              /* status */
        struct evtchn_status st;
        memset(&st, 0xA5, sizeof(st));
        want = p < EVTCHN_NR_PORTS ? 0 : -XEN_EINVAL;
        rc = evtchn_status(t, p, &st);
        UNIT_REQUIRE(rc == want, "status(%u): %d, want %d", p, rc, want);
        if (rc)
            break;
        const struct mport *m = &model[d].p[p];
        static const uint32_t stat[] = {
            [EVTCHN_FREE] = EVTCHNSTAT_closed, [EVTCHN_RESERVED] = EVTCHNSTAT_closed,
            [EVTCHN_UNBOUND] = EVTCHNSTAT_unbound,
            [EVTCHN_INTERDOMAIN] = EVTCHNSTAT_interdomain,
            [EVTCHN_VIRQ] = EVTCHNSTAT_virq, [EVTCHN_IPI] = EVTCHNSTAT_ipi,
        };
        uint8_t state = p == 0 ? EVTCHN_RESERVED : m->state;
        UNIT_REQUIRE(st.status == stat[state] && st.vcpu == m->vcpu, "status(%u) wrong", p);
        if (state == EVTCHN_UNBOUND)
            UNIT_REQUIRE(st.u.unbound.dom == m->dom, "status(%u): unbound dom", p);
        if (state == EVTCHN_INTERDOMAIN)
            UNIT_REQUIRE(st.u.interdomain.dom == m->dom && st.u.interdomain.port == m->arg,
                         "status(%u): interdomain peer", p);
        if (state == EVTCHN_VIRQ)
            UNIT_REQUIRE(st.u.virq == m->arg, "status(%u): virq", p);
        break;
    }
    case 12: {                                              /* unmask */
        struct shared_info *s = sim[d].s;
        struct expect_note e = { 0 };
        want = m_in_use(d, p) ? 0 : -XEN_EINVAL;
        if (!want && bit(s->evtchn_mask, p) && bit(s->evtchn_pending, p)) {
            unsigned int v = model[d].p[p].vcpu;
            bool sel = bit(&s->vcpu_info[v].evtchn_pending_sel, p / 64);
            e = (struct expect_note){ !sel, !sel, v };
        }
        rc = evtchn_unmask(&env, t, p);
        UNIT_REQUIRE(rc == want, "unmask(%u): %d, want %d", p, rc, want);
        if (!rc)
            UNIT_REQUIRE(!bit(s->evtchn_mask, p), "still masked after unmask");
        check_note(&e, d, p, before);
        break;
    }
    case 13: {                                              /* raise a VIRQ */
        unsigned int virq = rnd_below(NR_VIRQS), v = rnd_below(nv);
        bool per = virq == VIRQ_TIMER || virq == VIRQ_DEBUG || virq == VIRQ_XENOPROF ||
                   virq == VIRQ_XENPMU;
        evtchn_port_t vp = model[d].virq[per ? v : 0][virq];
        struct expect_note e = { 0 };
        if (vp)
            e = predict_pending(d, vp);
        bool sent = evtchn_send_virq(&env, t, v, virq);
        UNIT_REQUIRE(sent == (vp != 0), "send_virq(%u, %u): %d", v, virq, sent);
        check_note(&e, d, vp, before);
        break;
    }
    case 14: {                                              /* the guest's own writes */
        struct shared_info *s = sim[d].s;
        unsigned int r = rnd_below(4);
        if (r == 0 && p < EVTCHN_NR_PORTS)
            set_bit(s->evtchn_mask, p, true);           /* masking needs no hypercall */
        else if (r == 1 && p < EVTCHN_NR_PORTS)
            set_bit(s->evtchn_pending, p, false);
        else
            guest_consume(d, rnd_below(nv));
        break;
    }
    default: {                                              /* poll, rare reset/fill */
        unsigned int r = rnd_below(4000);
        if (r == 0) {
            for (evtchn_port_t q = 1; q < EVTCHN_NR_PORTS; q++)
                if (m_in_use(d, q))
                    m_close(d, q);
            evtchn_reset(&env, t);
        } else if (r == 1) {
            while (m_lowest_free(d)) {
                evtchn_port_t lf = m_lowest_free(d);
                UNIT_REQUIRE(evtchn_alloc_unbound(t, dom_ids[d], &out) == 0 && out == lf,
                             "fill: alloc");
                m_take(d, out, EVTCHN_UNBOUND, 0, dom_ids[d], 0);
            }
        } else {
            int want_poll = !m_in_use(d, p) ? -XEN_EINVAL : bit(sim[d].s->evtchn_pending, p);
            rc = evtchn_poll_port_state(t, p);
            UNIT_REQUIRE(rc == want_poll, "poll(%u): %d, want %d", p, rc, want_poll);
        }
        break;
    }
    }
    check_invariants();
}

#define RANDOM_OPS  100000
#define RANDOM_SEED 0x5EED0000E7C4A2B1ull

START_TEST(random_ops_keep_invariants)
{
    setup();
    model = calloc(NDOM, sizeof(*model));
    ck_assert_ptr_nonnull(model);
    for (int d = 0; d < NDOM; d++)
        model[d].p[0].state = EVTCHN_RESERVED;
    rng_state = RANDOM_SEED;
    for (unsigned long i = 0; i < RANDOM_OPS; i++)
        random_op();
    /* The whole tables against the model at the end. */
    for (int d = 0; d < NDOM; d++)
        for (evtchn_port_t p = 1; p < EVTCHN_NR_PORTS; p++)
            same_port(d, p);
    free(model);
    model = NULL;
    teardown();
}
END_TEST

Suite *evtchn_ports_suite(void)
{
    Suite *s = suite_create("evtchn_ports");

    UNIT_ADD_TEST(s, port0_reserved_lowest_free);
    UNIT_ADD_TEST(s, exhaustion_enospc);
    UNIT_ADD_TEST(s, interdomain_bind_send_close);
    UNIT_ADD_TEST(s, loopback_interdomain);
    UNIT_ADD_TEST(s, set_pending_protocol);
    UNIT_ADD_TEST(s, virq_rules);
    UNIT_ADD_TEST(s, ipi_and_bind_vcpu);
    UNIT_ADD_TEST(s, no_shared_info_drops_events);
    UNIT_ADD_SLOW_TEST(s, random_ops_keep_invariants, 120);
    return s;
}
