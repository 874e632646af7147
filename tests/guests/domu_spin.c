/* A CPU-bound boot-time domain (domU) for the scheduler's fairness scenarios.
 *
 * Not booted by tests/guests/run.sh: tests/boot/scenarios/sched-weights.sh and
 * sched-sleeper-fair.sh give it as `domU ... weight=N` modules that compete for the
 * one CPU. With sleep_ms=N on its command line it first sleeps N ms on its timer
 * (set_timer_op + SCHEDOP_block). Then it spins for a fixed span of system time
 * (span_ms=N, default 3000), reading its pvclock all the time, and prints
 *   "spin running_ns R runnable_ns Q blocked_ns B span_ns S clock_updates U
 *    max_gap_us G wake_late_us W" (one line)
 * (R, Q, B: growth of its vCPU's runstate times over the span; U: how often its
 * vcpu_time_info was rewritten, i.e. it was put back on the CPU; G: the longest time
 * between two consecutive clock reads, i.e. the longest it was kept off the CPU; W:
 * how long after its sleep's deadline it got the CPU back, 0 without sleep_ms; on a
 * loaded host G and W also include the time QEMU itself was not running),
 * which the scenarios compare between domains. It checks on its own that the
 * runstate accounts for the whole span (running + runnable = span within 2%, never
 * blocked while spinning), that system time never went backwards although
 * vcpu_time_info was rewritten on the way (clock_updates > 0 when other domains
 * took turns), then "DONE ..." and SCHEDOP_shutdown(poweroff).
 */
#include "rt.h"
#include "pvtime.h"

void test_main(void)
{
    struct vcpu_runstate_info r0, r1;
    uint64_t span_ms = 3000, sleep_ms = 0, back = 0, worst = 0, max_gap = 0, late = 0;
    unsigned int updates = 0;

    if (!shared)
        rt_panic("shared_info not mapped");
    const volatile struct vcpu_time_info *t = &shared->vcpu_info[0].time;
    cmdline_value("span_ms", &span_ms);
    if (cmdline_value("sleep_ms", &sleep_ms)) {
        uint64_t deadline = pvclock_now() + sleep_ms * NS_PER_MS;
        sleep_until(deadline);
        late = pvclock_now() - deadline;
    }
    /* Each runstate query is bracketed by clock reads, so a host stall between a query
     * and a clock read widens the bounds instead of failing the check. */
    uint64_t q0_before = pvclock_now();
    long rc0 = runstate_get(0, &r0);
    uint64_t t0 = pvclock_now(), end = t0 + span_ms * NS_PER_MS, prev = t0, now;
    uint32_t version = t->version;

    while ((now = pvclock_now()) < end) {
        if (now < prev) {
            back++;
            if (prev - now > worst)
                worst = prev - now;
        } else if (now - prev > max_gap) {
            max_gap = now - prev;
        }
        prev = now;
        if (t->version != version) {
            version = t->version;
            updates++;
        }
    }
    uint64_t q1_before = pvclock_now();
    long rc1 = runstate_get(0, &r1);
    uint64_t t1 = pvclock_now();
    uint64_t running = r1.time[RUNSTATE_running] - r0.time[RUNSTATE_running];
    uint64_t runnable = r1.time[RUNSTATE_runnable] - r0.time[RUNSTATE_runnable];
    uint64_t blocked = r1.time[RUNSTATE_blocked] - r0.time[RUNSTATE_blocked];
    uint64_t span = t1 - t0;

    printk("spin running_ns %lu runnable_ns %lu blocked_ns %lu span_ns %lu clock_updates %u "
           "max_gap_us %lu wake_late_us %lu\n", (unsigned long)running,
           (unsigned long)runnable, (unsigned long)blocked, (unsigned long)span, updates,
           (unsigned long)(max_gap / NS_PER_US), (unsigned long)(late / NS_PER_US));

    t_begin("runstate_covers_span");
    t_eq("get_runstate_info rc", rc0, 0);
    t_eq("get_runstate_info rc (end)", rc1, 0);
    t_eq("state at the end", r1.state, RUNSTATE_running);
    t_eq("blocked time of a vCPU that never blocked", blocked, 0);
    /* The time between the two queries lies in [q1_before - t0, t1 - q0_before]. */
    uint64_t sum = running + runnable, lo = q1_before - t0, hi = t1 - q0_before;
    t_check(sum >= lo / 100 * 99 && sum <= hi / 100 * 101,
            "running + runnable = %lu ns, queries %lu..%lu ns apart", (unsigned long)sum,
            (unsigned long)lo, (unsigned long)hi);
    t_end();

    t_begin("pvclock_monotonic_across_switches");
    t_eq("backward steps", back, 0);
    t_eq("largest backward step (ns)", worst, 0);
    t_end();
}
