/* Guest timers and blocking: set_timer_op (hypercall 15), SCHEDOP_block / yield
 * (hypercall 29), VCPUOP_set_singleshot_timer / stop_singleshot_timer (hypercall 24)
 * and the runstate accounting of a blocked vCPU (ABI notes §2.1, §6.7, §6.8).
 *
 * Checks (an event callback is registered; each upcall's system time is recorded):
 * set_timer_op(now + 5 ms) then SCHEDOP_block with events masked unmasks them, sleeps,
 * and wakes with exactly one upcall no earlier than the deadline (by the guest's own
 * pvclock) and within 2 s; set_timer_op(0) and VCPUOP_stop_singleshot_timer cancel (no
 * upcall over 30 ms of unmasked spinning); with a cancelled 5 ms timer and a later
 * 30 ms one only the later one wakes the vCPU; a deadline in the past (1 ms ago, or
 * system time 1) fires at once (pending within 90 ms with events masked, sooner than
 * the 100 ms rule below; block then returns at once); a negative deadline or one beyond now + 2^50 ns fires after 100 ms (Xen's
 * rule); VCPUOP_set_singleshot_timer with VCPU_SSHOTTMR_future and a past time is
 * -ETIME (62) and arms nothing, with a future time it wakes the vCPU like
 * set_timer_op, a past time without the flag fires at once, an unreadable argument is
 * -EFAULT and a vCPU the domain lacks -ENOENT; SCHEDOP_block with an upcall already
 * pending returns at once, clears the mask and the upcall is delivered; SCHEDOP_yield
 * returns 0; the runstate's blocked time grows by the time spent blocked, and after
 * the wake-up the vCPU is RUNSTATE_running again and spinning counts as running.
 * Without it: Mini-OS sleeps with set_timer_op + SCHEDOP_block; a timer that fires
 * early, late by seconds or never hangs or busy-loops every PV kernel.
 */
#include "rt.h"
#include "pvtime.h"

#define MAX_UPCALLS 16

static volatile uint64_t upcall_at[MAX_UPCALLS];   /* system time of each upcall */
static volatile unsigned int nr_upcalls;

static volatile struct vcpu_info *vi;

/* Upcall handler: note the time, let the runtime acknowledge (clear pending). */
static bool on_event(struct rt_regs *regs, struct rt_frame *f)
{
    (void)regs, (void)f;
    if (nr_upcalls < MAX_UPCALLS)
        upcall_at[nr_upcalls] = pvclock_now();
    nr_upcalls++;
    return false;
}

static long block(void)
{
    return HYPERVISOR_sched_op(SCHEDOP_block, NULL);
}

/* Events masked, nothing pending, no timer armed, upcall log cleared. */
static void quiesce(void)
{
    HYPERVISOR_set_timer_op(0);
    vi->evtchn_upcall_mask = 1;
    vi->evtchn_upcall_pending = 0;
    nr_upcalls = 0;
}

static long singleshot(unsigned int vcpu, uint64_t when, uint32_t flags)
{
    struct vcpu_set_singleshot_timer st = { .timeout_abs_ns = when, .flags = flags };
    return HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, vcpu, &st);
}

/* Spin `ns` with events unmasked; returns the number of upcalls that arrived. */
static unsigned int spin_unmasked(uint64_t ns)
{
    unsigned int before = nr_upcalls;

    vi->evtchn_upcall_mask = 0;
    spin_until(pvclock_now() + ns);
    vi->evtchn_upcall_mask = 1;
    return nr_upcalls - before;
}

/* Block once with an armed timer whose deadline is `deadline`; checks the wake-up. */
static void check_wake(const char *what, uint64_t t0, uint64_t deadline)
{
    long rc = block();
    uint64_t t1 = pvclock_now();

    t_eq("SCHEDOP_block rc", rc, 0);
    t_eq("upcalls delivered", nr_upcalls, 1);
    t_check(upcall_at[0] >= deadline, "%s: upcall at %lu ns, %lu ns before the deadline",
            what, (unsigned long)(upcall_at[0] - t0),
            (unsigned long)(deadline - upcall_at[0]));
    t_check(t1 >= deadline, "%s: block returned %lu ns before the deadline", what,
            (unsigned long)(deadline - t1));
    t_check(t1 - t0 < 2 * NS_PER_S, "%s: woke after %lu ms", what,
            (unsigned long)((t1 - t0) / NS_PER_MS));
    printk("timer: %s: upcall %ld us after the deadline (%lu us after arming)\n", what,
           (long)((int64_t)(upcall_at[0] - deadline) / 1000),
           (unsigned long)((upcall_at[0] - t0) / NS_PER_US));
    t_eq("evtchn_upcall_mask after the wake-up", vi->evtchn_upcall_mask, 0);
    t_eq("evtchn_upcall_pending after the upcall", vi->evtchn_upcall_pending, 0);
}

static void t_wake(void)
{
    t_begin("timer_wakes_block");
    quiesce();
    uint64_t t0 = pvclock_now(), deadline = t0 + 5 * NS_PER_MS;
    t_eq("set_timer_op(now + 5 ms)", HYPERVISOR_set_timer_op(deadline), 0);
    check_wake("5 ms timer", t0, deadline);
    t_end();
}

static void t_cancel(void)
{
    t_begin("timer_cancel");
    quiesce();
    uint64_t t0 = pvclock_now();
    t_eq("set_timer_op(now + 5 ms)", HYPERVISOR_set_timer_op(t0 + 5 * NS_PER_MS), 0);
    t_eq("set_timer_op(0)", HYPERVISOR_set_timer_op(0), 0);
    t_eq("upcalls in 30 ms after set_timer_op(0)", spin_unmasked(30 * NS_PER_MS), 0);
    t_eq("pending", vi->evtchn_upcall_pending, 0);

    quiesce();
    t0 = pvclock_now();
    t_eq("set_singleshot(now + 5 ms)", singleshot(0, t0 + 5 * NS_PER_MS, 0), 0);
    t_eq("stop_singleshot_timer",
         HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
    t_eq("upcalls in 30 ms after stop_singleshot_timer", spin_unmasked(30 * NS_PER_MS), 0);
    t_end();

    t_begin("timer_cancelled_then_later");
    quiesce();
    t0 = pvclock_now();
    uint64_t later = t0 + 30 * NS_PER_MS;
    t_eq("set_timer_op(now + 5 ms)", HYPERVISOR_set_timer_op(t0 + 5 * NS_PER_MS), 0);
    t_eq("set_timer_op(0)", HYPERVISOR_set_timer_op(0), 0);
    t_eq("set_timer_op(now + 30 ms)", HYPERVISOR_set_timer_op(later), 0);
    check_wake("30 ms timer after a cancelled 5 ms one", t0, later);
    t_end();

    t_begin("timer_rearm_replaces");
    quiesce();
    t0 = pvclock_now();
    later = t0 + 30 * NS_PER_MS;
    t_eq("set_timer_op(now + 5 ms)", HYPERVISOR_set_timer_op(t0 + 5 * NS_PER_MS), 0);
    t_eq("set_timer_op(now + 30 ms)", HYPERVISOR_set_timer_op(later), 0);
    check_wake("30 ms timer replacing a 5 ms one", t0, later);
    t_eq("upcalls in 30 ms more", spin_unmasked(30 * NS_PER_MS), 0);
    t_end();
}

/* A timer that must fire at once: pending within 90 ms with events masked (sooner
 * than the 100 ms of a nonsense deadline), then a block that returns at once with the
 * upcall. */
static void check_at_once(const char *what, uint64_t t0)
{
    uint64_t limit = t0 + 90 * NS_PER_MS;

    while (!vi->evtchn_upcall_pending && pvclock_now() < limit)
        ;
    t_check(vi->evtchn_upcall_pending, "%s: nothing pending after 90 ms", what);
    uint64_t t1 = pvclock_now();
    t_eq("SCHEDOP_block rc", block(), 0);
    uint64_t t2 = pvclock_now();
    t_eq("upcalls delivered", nr_upcalls, 1);
    t_check(t2 - t1 < 500 * NS_PER_MS, "%s: block with the timer fired took %lu us", what,
            (unsigned long)((t2 - t1) / NS_PER_US));
}

static void t_past(void)
{
    t_begin("timer_past_deadline_fires_at_once");
    quiesce();
    uint64_t t0 = pvclock_now();
    t_eq("set_timer_op(now - 1 ms)", HYPERVISOR_set_timer_op(t0 - NS_PER_MS), 0);
    check_at_once("1 ms ago", t0);
    quiesce();
    t0 = pvclock_now();
    t_eq("set_timer_op(1)", HYPERVISOR_set_timer_op(1), 0);
    check_at_once("system time 1", t0);
    t_end();

    /* Xen: a negative deadline, or one more than 2^50 ns ahead, means "in 100 ms". */
    static const struct { const char *what; uint64_t delta; bool absolute; } odd[] = {
        { "negative deadline", 0x8000000000000000ull, true },
        { "deadline = ~0", ~0ull, true },
        { "now + 2^51 ns", 1ull << 51, false },
    };
    t_begin("timer_nonsense_deadline_100ms");
    for (unsigned int i = 0; i < ARRAY_SIZE(odd); i++) {
        quiesce();
        uint64_t start = pvclock_now();
        uint64_t when = odd[i].absolute ? odd[i].delta : start + odd[i].delta;
        t_eq("set_timer_op rc", HYPERVISOR_set_timer_op(when), 0);
        check_wake(odd[i].what, start, start + 100 * NS_PER_MS);
    }
    t_end();
}

static void t_singleshot(void)
{
    t_begin("singleshot_future_past_etime");
    quiesce();
    uint64_t t0 = pvclock_now();
    t_eq("future flag, 1 ms ago", singleshot(0, t0 - NS_PER_MS, VCPU_SSHOTTMR_future),
         -XEN_ETIME);
    t_eq("future flag, system time 1", singleshot(0, 1, VCPU_SSHOTTMR_future), -XEN_ETIME);
    t_eq("upcalls in 30 ms after the refusals", spin_unmasked(30 * NS_PER_MS), 0);
    t_end();

    t_begin("singleshot_future_wakes");
    quiesce();
    t0 = pvclock_now();
    uint64_t deadline = t0 + 5 * NS_PER_MS;
    t_eq("future flag, now + 5 ms", singleshot(0, deadline, VCPU_SSHOTTMR_future), 0);
    check_wake("singleshot 5 ms", t0, deadline);
    t_end();

    t_begin("singleshot_past_without_flag_fires");
    quiesce();
    t0 = pvclock_now();
    t_eq("no flag, 1 ms ago", singleshot(0, t0 - NS_PER_MS, 0), 0);
    check_at_once("singleshot 1 ms ago", t0);
    t_end();

    t_begin("singleshot_errors");
    quiesce();
    t_eq("unmapped argument",
         HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, (void *)0x40000000ul),
         -XEN_EFAULT);
    t_eq("vCPU 1 (dom0 has one)", singleshot(1, pvclock_now() + NS_PER_MS, 0), -XEN_ENOENT);
    t_eq("stop on vCPU 1", HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 1, NULL),
         -XEN_ENOENT);
    t_end();
}

static void t_block_pending(void)
{
    t_begin("block_with_upcall_pending_returns");
    quiesce();
    uint64_t t0 = pvclock_now();
    /* A safety net so that a wrong sleep ends (and shows up as a slow return). */
    HYPERVISOR_set_timer_op(t0 + NS_PER_S);
    vi->evtchn_upcall_pending = 1;
    long rc = block();
    uint64_t t1 = pvclock_now();
    HYPERVISOR_set_timer_op(0);
    t_eq("SCHEDOP_block rc", rc, 0);
    t_check(t1 - t0 < 500 * NS_PER_MS, "block with an upcall pending slept %lu ms",
            (unsigned long)((t1 - t0) / NS_PER_MS));
    t_eq("upcalls delivered", nr_upcalls, 1);
    t_eq("evtchn_upcall_mask after block", vi->evtchn_upcall_mask, 0);
    t_end();

    t_begin("yield");
    quiesce();
    t_eq("SCHEDOP_yield", HYPERVISOR_sched_op(SCHEDOP_yield, NULL), 0);
    t_eq("SCHEDOP_yield with events unmasked", ({
             vi->evtchn_upcall_mask = 0;
             long r = HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
             vi->evtchn_upcall_mask = 1;
             r;
         }), 0);
    t_eq("upcalls", nr_upcalls, 0);
    t_end();
}

static void t_runstate(void)
{
    struct vcpu_runstate_info r0, r1, r2;

    t_begin("runstate_blocked_grows");
    /* A host stall between reading the clock and blocking shortens the blocked time
     * without anything being wrong: up to 3 tries, the first clean one counts. */
    uint64_t blocked = 0, t0 = 0, t1 = 0;
    for (int attempt = 0; attempt < 3; attempt++) {
        quiesce();
        runstate_get(0, &r0);
        t0 = pvclock_now();
        HYPERVISOR_set_timer_op(t0 + 20 * NS_PER_MS);
        block();
        t1 = pvclock_now();
        runstate_get(0, &r1);
        blocked = r1.time[RUNSTATE_blocked] - r0.time[RUNSTATE_blocked];
        printk("runstate: blocked %lu us for a 20 ms timer (block to wake %lu us)\n",
               (unsigned long)(blocked / NS_PER_US), (unsigned long)((t1 - t0) / NS_PER_US));
        if (blocked >= 18 * NS_PER_MS)
            break;
    }
    t_check(blocked >= 18 * NS_PER_MS, "blocked time grew %lu ns for a 20 ms timer",
            (unsigned long)blocked);
    t_check(blocked <= t1 - t0, "blocked time grew %lu ns in %lu ns", (unsigned long)blocked,
            (unsigned long)(t1 - t0));
    t_end();

    t_begin("runstate_running_after_wake");
    t_eq("state after the wake-up", r1.state, RUNSTATE_running);
    uint64_t t2 = pvclock_now();
    uint64_t t3 = spin_until(t2 + 50 * NS_PER_MS);
    runstate_get(0, &r2);
    uint64_t ran = r2.time[RUNSTATE_running] - r1.time[RUNSTATE_running];
    t_eq("state after spinning", r2.state, RUNSTATE_running);
    t_check(ran >= (t3 - t2) / 10 * 9, "running time grew %lu ns over a %lu ns spin "
            "(runnable grew %lu ns)", (unsigned long)ran, (unsigned long)(t3 - t2),
            (unsigned long)(r2.time[RUNSTATE_runnable] - r1.time[RUNSTATE_runnable]));
    t_end();
}

void test_main(void)
{
    if (!shared)
        rt_panic("shared_info not mapped");
    vi = &shared->vcpu_info[0];
    rt_set_handler(RT_VEC_EVENT, on_event);
    long rc = rt_register_event_callbacks();
    if (rc)
        rt_panic("callback_op(register event/failsafe) returned %ld", rc);

    t_wake();
    t_cancel();
    t_past();
    t_singleshot();
    t_block_pending();
    t_runstate();
    quiesce();
}
