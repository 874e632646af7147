/* A boot-time domain (domU) that sleeps on its timer while others use the CPU.
 *
 * Not booted by tests/guests/run.sh: tests/boot/scenarios/sched-weights.sh gives it
 * as a `domU ...` module next to CPU-bound domains. It sleeps 20 times for 10 ms
 * (set_timer_op(now + 10 ms) + SCHEDOP_block, events masked before each block so the
 * wake-up is the timer's pending upcall) and checks each wake-up: one block per sleep
 * (the vCPU is not woken early), awake no earlier than the deadline and at most 2 s
 * after it although CPU-bound domains are runnable (liveness, with room for a loaded
 * host: a woken vCPU normally gets the CPU within a slice or two), the runstate's
 * blocked time grows by about the time asleep. It prints
 *   "sleep wakes N max_late_us L total_ms T blocked_ms B"
 * then "DONE ..." and SCHEDOP_shutdown(poweroff).
 */
#include "rt.h"
#include "pvtime.h"

#define NR_SLEEPS    20
#define SLEEP_NS     (10 * NS_PER_MS)
#define LATE_MAX_NS  (2000 * NS_PER_MS)

void test_main(void)
{
    struct vcpu_runstate_info r0, r1;
    uint64_t max_late = 0;
    unsigned int extra_blocks = 0, early = 0;

    if (!shared)
        rt_panic("shared_info not mapped");
    volatile struct vcpu_info *vi = &shared->vcpu_info[0];
    runstate_get(0, &r0);
    uint64_t start = pvclock_now();
    for (unsigned int i = 0; i < NR_SLEEPS; i++) {
        uint64_t deadline = pvclock_now() + SLEEP_NS;
        vi->evtchn_upcall_mask = 1;
        vi->evtchn_upcall_pending = 0;
        HYPERVISOR_set_timer_op(deadline);
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);
        uint64_t woke = pvclock_now();
        if (woke < deadline) {
            early++;
            extra_blocks += sleep_until(deadline);   /* finish this sleep anyway */
            woke = pvclock_now();
        }
        if (woke - deadline > max_late)
            max_late = woke - deadline;
    }
    uint64_t total = pvclock_now() - start;
    runstate_get(0, &r1);
    uint64_t blocked = r1.time[RUNSTATE_blocked] - r0.time[RUNSTATE_blocked];

    printk("sleep wakes %u max_late_us %lu total_ms %lu blocked_ms %lu\n", NR_SLEEPS,
           (unsigned long)(max_late / NS_PER_US), (unsigned long)(total / NS_PER_MS),
           (unsigned long)(blocked / NS_PER_MS));
    t_begin("timer_sleeps_under_load");
    t_eq("wake-ups before the deadline", early, 0);
    t_eq("extra blocks needed", extra_blocks, 0);
    t_check(max_late <= LATE_MAX_NS, "a wake-up came %lu us after its deadline",
            (unsigned long)(max_late / NS_PER_US));
    t_check(blocked >= NR_SLEEPS * SLEEP_NS / 10 * 9,
            "blocked time grew %lu us over %u sleeps of 10 ms",
            (unsigned long)(blocked / NS_PER_US), NR_SLEEPS);
    t_check(blocked <= total, "blocked %lu ns in %lu ns", (unsigned long)blocked,
            (unsigned long)total);
    t_end();
}
