/* Event-channel ping-pong between two domains over an interdomain channel, with the
 * end of a channel by close and by death, VIRQ_TIMER on a bound port and, with dom0,
 * VIRQ_DOM_EXC and a privileged alloc_unbound for another domain.
 *
 * Not booted by tests/guests/run.sh: tests/boot/scenarios/evtchn-pingpong.sh boots two
 * copies as `domU` modules (dom0=none; roles offer and bind) and
 * tests/boot/scenarios/evtchn-dom-exc.sh one copy as dom0 (role dom0) and one as a
 * domU (role answer). The command line gives the role and the convention both sides
 * agree on: `ROLE peer=D port=P [rounds=N]` (N defaults to 1000):
 *
 *   offer   alloc_unbound(DOMID_SELF, remote D) twice: the ports must be P and P+1
 *           (the lowest free ports; a fresh boot-time domU has only its console
 *           port 1, so P=2). It waits for D's hello on P (D sends it once bound and ready), then pings: send on
 *           P and sleep in SCHEDOP_poll on P (the port masked, so only the poll wakes
 *           it) until the pong, N times (no more polls than pongs, time spent
 *           blocked). Then it closes P, waits for D's acknowledgement on P+1 and
 *           powers off WITHOUT closing P+1.
 *   bind    bind_interdomain(D, P) and (D, P+1), retried while D has not offered them
 *           (-EINVAL), getting local ports P and P+1 (its table looks like D's); each
 *           new local port is pending at once (Xen marks it so an event
 *           sent before the bind is not lost). Binds VIRQ_TIMER, says hello on P, and
 *           pongs from its event upcall (events unmasked around SCHEDOP_block, a 1 s
 *           set_timer_op watchdog). Then: its end of P turns unbound, offered to D (D closed it); a domU may
 *           not alloc_unbound for D nor read D's ports (-EPERM) nor bind a port not
 *           offered to it (-EINVAL); it acknowledges on P+1; once D is dead its end of
 *           P+1 is unbound and D is unknown (-ESRCH); SCHEDOP_poll on it sleeps until
 *           a 5 ms timeout (blocked in the runstate), returns at once for a past one
 *           and refuses ports not in use (-EINVAL); a 1 ms timer arrives as an event
 *           on the VIRQ_TIMER port.
 *   dom0    (privileged) binds VIRQ_DOM_EXC; alloc_unbound(dom D, remote DOMID_SELF)
 *           makes port P in D's table offered to dom0 (P=2: D allocates nothing before
 *           the channel exists), binds it, reads D's end with status, pings N times as
 *           `offer` does, then waits for VIRQ_DOM_EXC: D has powered off, dom0's end
 *           is unbound and D is unknown (-ESRCH).
 *   answer  waits (allocating nothing) until its port P is interdomain with D, pongs
 *           N times as `bind` does (a ping may already be pending: it is answered too),
 *           then powers off without closing anything.
 *
 * Each side prints `pingpong ROLE: sent S received R` and checks both counts are N.
 * Without it: no PV split driver (console, xenstore, net, block) can talk across
 * domains, and a backend never learns that its frontend went away.
 */
#include "rt.h"
#include <xlite/event_channel.h>
#include <xlite/vcpu.h>

#define WAIT_NS         (10ull * 1000 * 1000 * 1000)     /* any single wait */
#define TICK_NS         (1000ull * 1000)                  /* poll timeout while waiting */
#define WATCHDOG_NS     (1000ull * 1000 * 1000)

static uint64_t peer, port, rounds = 1000;
static unsigned long sent, received, polls;

/* ------------------------------------------------------------------ helpers */

/* System time from vcpu_info[0].time (pvclock, ABI notes §6.7). */
static uint64_t now_ns(void)
{
    volatile struct vcpu_time_info *t = &shared->vcpu_info[0].time;
    uint32_t ver;
    uint64_t ns;

    do {
        ver = t->version;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        uint32_t lo, hi;
        __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
        uint64_t delta = (((uint64_t)hi << 32) | lo) - t->tsc_timestamp;
        int8_t shift = t->tsc_shift;
        delta = shift >= 0 ? delta << shift : delta >> -shift;
        ns = t->system_time +
             (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    } while ((ver & 1) || ver != t->version);
    return ns;
}

static long op(int cmd, void *arg)
{
    return HYPERVISOR_event_channel_op(cmd, arg);
}

static long status(domid_t dom, evtchn_port_t p, evtchn_status_t *s)
{
    memset(s, 0, sizeof(*s));
    s->dom = dom;
    s->port = p;
    return op(EVTCHNOP_status, s);
}

static long send(evtchn_port_t p)
{
    evtchn_send_t s = { .port = p };
    return op(EVTCHNOP_send, &s);
}

static bool pending(evtchn_port_t p)
{
    return (__atomic_load_n(&shared->evtchn_pending[p / 64], __ATOMIC_SEQ_CST) >> (p % 64)) & 1;
}

static void clear_pending(evtchn_port_t p)
{
    __atomic_fetch_and(&shared->evtchn_pending[p / 64], ~(1ul << (p % 64)), __ATOMIC_SEQ_CST);
}

static void set_mask(evtchn_port_t p)
{
    __atomic_fetch_or(&shared->evtchn_mask[p / 64], 1ul << (p % 64), __ATOMIC_SEQ_CST);
}

/* SCHEDOP_poll on one port until `deadline` (absolute ns). */
static long poll_one(evtchn_port_t p, uint64_t deadline)
{
    evtchn_port_t ports[1] = { p };
    struct sched_poll sp = { .nr_ports = 1, .timeout = deadline };

    set_xen_guest_handle(sp.ports, ports);
    return HYPERVISOR_sched_op(SCHEDOP_poll, &sp);
}

/* Sleep in SCHEDOP_poll until p is pending (then clear it); false after WAIT_NS. */
static bool wait_pending(evtchn_port_t p)
{
    uint64_t end = now_ns() + WAIT_NS;

    while (!pending(p)) {
        if (now_ns() > end)
            return false;
        long rc = poll_one(p, end);
        polls++;
        if (rc)
            t_check(false, "SCHEDOP_poll(%u) = %ld", p, rc);
    }
    clear_pending(p);
    return true;
}

/* Wait until status(dom, p) has status `want` (and, for unbound/interdomain, that
 * peer domain); between looks poll `tick` for TICK_NS (or yield if tick is 0). */
static bool wait_status(domid_t dom, evtchn_port_t p, uint32_t want, domid_t want_dom,
                        evtchn_port_t tick, evtchn_status_t *s)
{
    uint64_t end = now_ns() + WAIT_NS;

    for (;;) {
        long rc = status(dom, p, s);
        if (rc == 0 && s->status == want &&
            (want == EVTCHNSTAT_unbound ? s->u.unbound.dom == want_dom :
             want == EVTCHNSTAT_interdomain ? s->u.interdomain.dom == want_dom : true))
            return true;
        if (now_ns() > end)
            return t_check(false, "status(%u): rc %ld status %u, waited for %u", p, rc,
                           s->status, want);
        if (tick)
            poll_one(tick, now_ns() + TICK_NS);
        else
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
}

/* ------------------------------------------------------------------ pinger */

/* Ping on p and sleep in SCHEDOP_poll for each pong, `rounds` times. p is masked:
 * no upcall, no kick, only the poll wake-up. A poll that returned without sleeping
 * until the pong would show as more polls than rounds, and the vCPU must have spent
 * time blocked. */
static void ping_loop(evtchn_port_t p)
{
    struct vcpu_runstate_info rs0, rs1;

    set_mask(p);
    clear_pending(p);
    polls = 0;
    t_eq("runstate", HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &rs0), 0);
    for (unsigned long i = 0; i < rounds; i++) {
        long rc = send(p);
        if (rc) {
            t_check(false, "send %lu: %ld", i, rc);
            break;
        }
        sent++;
        if (!wait_pending(p)) {
            t_check(false, "no pong %lu within 10 s", i);
            break;
        }
        received++;
    }
    t_eq("runstate", HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &rs1), 0);
    printk("pingpong: %lu polls for %lu pongs, %lu us blocked\n", polls, received,
           (unsigned long)(rs1.time[RUNSTATE_blocked] - rs0.time[RUNSTATE_blocked]) / 1000);
    t_check(polls <= received, "%lu polls for %lu pongs: a poll returned early", polls,
            received);
    t_check(rs1.time[RUNSTATE_blocked] > rs0.time[RUNSTATE_blocked],
            "never blocked in SCHEDOP_poll");
}

/* ------------------------------------------------------------------ ponger */

static evtchn_port_t pong_port, timer_port, quiet_port;
static volatile unsigned long timer_events, stray_events;

/* The event upcall, Mini-OS style: take the selector words, handle pending unmasked
 * ports. A ping is answered at once. */
static bool on_event(struct rt_regs *regs, struct rt_frame *f)
{
    volatile vcpu_info_t *vi = &shared->vcpu_info[0];

    (void)regs;
    (void)f;
    vi->evtchn_upcall_pending = 0;
    xen_ulong_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    while (sel) {
        unsigned int w = (unsigned int)__builtin_ctzl(sel);
        sel &= sel - 1;
        xen_ulong_t bits = shared->evtchn_pending[w] & ~shared->evtchn_mask[w];
        while (bits) {
            evtchn_port_t p = w * 64 + (unsigned int)__builtin_ctzl(bits);
            bits &= bits - 1;
            clear_pending(p);
            if (p == pong_port && pong_port) {
                received++;
                if (send(p) == 0)
                    sent++;
            } else if (p == timer_port && timer_port) {
                timer_events++;
            } else if (p == start_info->console.domU.evtchn ||
                       (p == start_info->store_evtchn && p)) {
                /* A toolstack's console and store daemons notify these (xlite create,
                 * xl create): their traffic, not a stray event. */
            } else {
                stray_events++;
            }
        }
    }
    return true;
}

/* Events on: the upcall above, SCHEDOP_block to sleep. Mask, check, block (which
 * unmasks): an event arriving after the check is delivered as block returns. */
static bool block_until_count(volatile unsigned long *counter, unsigned long want)
{
    volatile vcpu_info_t *vi = &shared->vcpu_info[0];
    uint64_t end = now_ns() + WAIT_NS;

    for (;;) {
        vi->evtchn_upcall_mask = 1;
        if (*counter >= want || now_ns() > end)
            break;
        HYPERVISOR_set_timer_op(now_ns() + WATCHDOG_NS);
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);
    }
    HYPERVISOR_set_timer_op(0);
    return *counter >= want;
}

static void start_events(void)
{
    evtchn_bind_virq_t bv = { .virq = VIRQ_TIMER, .vcpu = 0 };

    t_eq("bind_virq(VIRQ_TIMER)", op(EVTCHNOP_bind_virq, &bv), 0);
    timer_port = bv.port;
    rt_set_handler(RT_VEC_EVENT, on_event);
    t_eq("event callbacks", rt_register_event_callbacks(), 0);
}

/* Answer `rounds` pings on p from the upcall. */
static void pong_loop(evtchn_port_t p)
{
    pong_port = p;
    bool ok = block_until_count((volatile unsigned long *)&received, rounds);
    pong_port = 0;
    t_check(ok, "only %lu pings within 10 s", received);
}

/* ------------------------------------------------------------------ roles */

static void report(const char *role)
{
    printk("pingpong %s: sent %lu received %lu\n", role, sent, received);
    t_eq("sent", sent, rounds);
    t_eq("received", received, rounds);
}

static void role_offer(void)
{
    evtchn_alloc_unbound_t a = { .dom = DOMID_SELF, .remote_dom = (domid_t)peer };
    evtchn_alloc_unbound_t a2 = a;
    evtchn_status_t s;

    t_begin("offer_and_connect");
    t_eq("alloc_unbound", op(EVTCHNOP_alloc_unbound, &a), 0);
    t_eq("port (convention)", a.port, port);
    t_eq("alloc_unbound (second)", op(EVTCHNOP_alloc_unbound, &a2), 0);
    t_eq("second port", a2.port, port + 1);
    set_mask(a.port);
    set_mask(a2.port);
    t_eq("status rc", status(DOMID_SELF, a.port, &s), 0);
    t_eq("status", s.status, EVTCHNSTAT_unbound);
    t_eq("offered to", s.u.unbound.dom, peer);
    t_check(wait_pending(a.port), "no hello from the peer on port %u", a.port);
    t_eq("status rc", status(DOMID_SELF, a.port, &s), 0);
    t_eq("status", s.status, EVTCHNSTAT_interdomain);
    t_eq("peer", s.u.interdomain.dom, peer);
    t_eq("peer's port (its lowest free: the same P)", s.u.interdomain.port, port);
    t_end();

    t_begin("pingpong_offer");
    ping_loop(a.port);
    report("offer");
    t_end();

    t_begin("close_and_die");
    t_eq("close", op(EVTCHNOP_close, &(evtchn_close_t){ .port = a.port }), 0);
    t_eq("status after close rc", status(DOMID_SELF, a.port, &s), 0);
    t_eq("status after close", s.status, EVTCHNSTAT_closed);
    t_check(wait_pending(a2.port), "no acknowledgement on port %u", a2.port);
    t_end();                               /* powers off with a2 still bound */
}

/* bind_interdomain(peer, p), retried while the peer has not offered p yet. */
static long bind_retry(evtchn_port_t p, evtchn_port_t *local)
{
    evtchn_bind_interdomain_t b = { .remote_dom = (domid_t)peer, .remote_port = p };
    uint64_t end = now_ns() + WAIT_NS;
    long rc;

    while ((rc = op(EVTCHNOP_bind_interdomain, &b)) == -XEN_EINVAL && now_ns() < end)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    *local = b.local_port;
    return rc;
}

static void role_bind(void)
{
    evtchn_port_t b1 = 0, b2 = 0;
    evtchn_status_t s;

    t_begin("bind");
    t_eq("bind_interdomain", bind_retry(port, &b1), 0);
    t_eq("local port (the lowest free: P too)", b1, port);
    t_eq("new local port pending", pending(b1), 1);
    clear_pending(b1);
    t_eq("bind_interdomain (second)", bind_retry(port + 1, &b2), 0);
    t_eq("second local port", b2, port + 1);
    clear_pending(b2);
    set_mask(b2);
    quiet_port = b2;
    t_eq("status rc", status(DOMID_SELF, b1, &s), 0);
    t_eq("status", s.status, EVTCHNSTAT_interdomain);
    t_eq("peer", s.u.interdomain.dom, peer);
    t_eq("peer port", s.u.interdomain.port, port);
    shared->vcpu_info[0].evtchn_upcall_pending = 0;
    shared->vcpu_info[0].evtchn_pending_sel = 0;
    start_events();
    t_eq("hello", send(b1), 0);
    t_end();

    t_begin("pingpong_bind");
    pong_loop(b1);
    report("bind");
    t_end();

    t_begin("peer_closed");
    t_check(wait_status(DOMID_SELF, b1, EVTCHNSTAT_unbound, (domid_t)peer, b2, &s),
            "port %u never became unbound", b1);
    t_eq("send on the now unbound port", send(b1), 0);
    evtchn_alloc_unbound_t a = { .dom = (domid_t)peer, .remote_dom = DOMID_SELF };
    t_eq("alloc_unbound for another domain", op(EVTCHNOP_alloc_unbound, &a), -XEN_EPERM);
    evtchn_status_t ps;
    t_eq("status of another domain's port", status((domid_t)peer, port + 1, &ps), -XEN_EPERM);
    evtchn_bind_interdomain_t bad = { .remote_dom = (domid_t)peer, .remote_port = port + 1 };
    t_eq("bind a port already bound", op(EVTCHNOP_bind_interdomain, &bad), -XEN_EINVAL);
    t_end();

    t_begin("peer_died");
    t_eq("acknowledge", send(b2), 0);
    t_check(wait_status(DOMID_SELF, b2, EVTCHNSTAT_unbound, (domid_t)peer, b2, &s),
            "port %u never became unbound", b2);
    t_eq("status of the dead domain", status((domid_t)peer, 1, &ps), -XEN_ESRCH);
    t_end();

    /* b2 is in use (unbound), masked, and nobody can send on it any more. */
    t_begin("poll_timeout");
    struct vcpu_runstate_info rs0, rs1;
    HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &rs0);
    uint64_t t0 = now_ns(), deadline = t0 + 5 * 1000 * 1000;
    t_eq("poll with a 5 ms timeout", poll_one(b2, deadline), 0);
    uint64_t t1 = now_ns();
    HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &rs1);
    t_check(t1 + 100 * 1000 >= deadline, "woke %ld us before the timeout",
            (long)(deadline - t1) / 1000);
    t_check(t1 - t0 < 1000ull * 1000 * 1000, "slept %lu ms for a 5 ms timeout",
            (unsigned long)(t1 - t0) / 1000000);
    /* Not "blocked >= 5 ms": under TCG the host may stall QEMU between t0 and the
     * hypercall, so only the sleeping itself is certain. */
    t_check(rs1.time[RUNSTATE_blocked] > rs0.time[RUNSTATE_blocked],
            "never blocked in SCHEDOP_poll");
    t0 = now_ns();
    t_eq("poll with a past timeout", poll_one(b2, t0 - 1000), 0);
    t_check(now_ns() - t0 < 50ull * 1000 * 1000, "a past timeout slept");
    t_eq("poll on a free port", poll_one(77, 0), -XEN_EINVAL);
    t_eq("poll on port 4096", poll_one(NR_EVENT_CHANNELS, 0), -XEN_EINVAL);
    t_end();

    t_begin("virq_timer_port");
    volatile vcpu_info_t *vi = &shared->vcpu_info[0];
    clear_pending(timer_port);            /* a watchdog that fired while masked */
    unsigned long before = timer_events;
    HYPERVISOR_set_timer_op(now_ns() + 1000 * 1000);
    uint64_t end = now_ns() + WAIT_NS;
    while (timer_events == before && now_ns() < end) {
        vi->evtchn_upcall_mask = 1;
        if (timer_events == before)
            HYPERVISOR_sched_op(SCHEDOP_block, NULL);
    }
    vi->evtchn_upcall_mask = 1;
    t_eq("timer events on the VIRQ_TIMER port", timer_events - before, 1);
    t_eq("events on other ports", stray_events, 0);
    t_end();
}

static void role_dom0(void)
{
    evtchn_bind_virq_t bv = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
    evtchn_alloc_unbound_t a = { .dom = (domid_t)peer, .remote_dom = DOMID_SELF };
    evtchn_bind_interdomain_t b = { .remote_dom = (domid_t)peer };
    evtchn_status_t s;

    t_begin("dom0_connect");
    t_eq("bind_virq(VIRQ_DOM_EXC)", op(EVTCHNOP_bind_virq, &bv), 0);
    set_mask(bv.port);
    t_eq("alloc_unbound in the peer", op(EVTCHNOP_alloc_unbound, &a), 0);
    t_eq("peer's port (convention)", a.port, port);
    t_eq("status of the peer's port rc", status((domid_t)peer, a.port, &s), 0);
    t_eq("status", s.status, EVTCHNSTAT_unbound);
    t_eq("offered to", s.u.unbound.dom, 0);
    b.remote_port = a.port;
    t_eq("bind_interdomain", op(EVTCHNOP_bind_interdomain, &b), 0);
    t_eq("status of the peer's port rc", status((domid_t)peer, a.port, &s), 0);
    t_eq("peer's end", s.status, EVTCHNSTAT_interdomain);
    t_eq("peer's end: dom", s.u.interdomain.dom, 0);
    t_eq("peer's end: port", s.u.interdomain.port, b.local_port);
    t_end();

    t_begin("pingpong_dom0");
    ping_loop(b.local_port);
    report("dom0");
    t_end();

    t_begin("dom_exc");
    t_check(wait_pending(bv.port), "no VIRQ_DOM_EXC within 10 s");
    t_eq("status rc", status(DOMID_SELF, b.local_port, &s), 0);
    t_eq("own end after the peer died", s.status, EVTCHNSTAT_unbound);
    t_eq("offered to", s.u.unbound.dom, peer);
    t_eq("status of the dead domain", status((domid_t)peer, a.port, &s), -XEN_ESRCH);
    t_end();
}

static void role_answer(void)
{
    evtchn_status_t s;

    t_begin("answer_connect");
    t_check(wait_status(DOMID_SELF, port, EVTCHNSTAT_interdomain, (domid_t)peer, 0, &s),
            "port %lu never connected", (unsigned long)port);
    start_events();
    t_end();

    t_begin("pingpong_answer");
    pong_loop(port);
    report("answer");
    t_end();                               /* powers off with the channel bound */
}

void test_main(void)
{
    if (!shared || !cmdline_value("peer", &peer) || !cmdline_value("port", &port) ||
        port == 0 || port + 1 >= NR_EVENT_CHANNELS) {
        test_fail("setup", "needs shared_info and 'ROLE peer=D port=P [rounds=N]'");
        return;
    }
    cmdline_value("rounds", &rounds);
    /* Built by a toolstack, its console and store daemons notify those ports; an
     * unmasked event kicks a poller awake (Xen does the same), which the poll counts
     * would take for an early return. Masked, they stay out of the way. */
    if (start_info->console.domU.evtchn)
        set_mask(start_info->console.domU.evtchn);
    if (start_info->store_evtchn)
        set_mask(start_info->store_evtchn);
    if (cmdline_has("offer"))
        role_offer();
    else if (cmdline_has("bind"))
        role_bind();
    else if (cmdline_has("dom0"))
        role_dom0();
    else if (cmdline_has("answer"))
        role_answer();
    else
        test_fail("setup", "no role (offer, bind, dom0 or answer) on the command line");
}
