/* Guest-supplied times can never stop the host (hostile guest, issue "hostile guests"
 * item 2).
 *
 * Checks: VCPUOP_set_periodic_timer refuses a period above 2^62 - 1 ns (Xen's
 * STIME_DELTA_MAX: 2^62, 2^63, 2^64 - 1 are -EINVAL) and below 1 ms, accepts 2^62 - 1
 * and 1 ms; a 1 ms periodic timer keeps ticking (the vCPU wakes from SCHEDOP_block at
 * least 5 times in 50 ms) and stops when told; set_timer_op and a singleshot timer at
 * 2^64 - 1, 2^63 and "now + 2^62" are accepted and the guest still sleeps and wakes
 * normally afterwards.
 * Without it: a period near 2^64 made every re-arm (expiry + period) wrap into the
 * past, and the timer interrupt ran that timer forever with interrupts off: the whole
 * machine stopped, every domain with it (this guest then times out).
 */
#include "rt.h"
#include "pvtime.h"
#include <xlite/vcpu.h>

static long periodic(uint64_t period)
{
    struct vcpu_set_periodic_timer pt = { .period_ns = period };
    return HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &pt);
}

static long singleshot(uint64_t abs)
{
    struct vcpu_set_singleshot_timer st = { .timeout_abs_ns = abs };
    return HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st);
}

/* SCHEDOP_block calls until `ns` of system time have passed (events discarded). */
static unsigned int blocks_for(uint64_t ns)
{
    uint64_t end = pvclock_now() + ns;
    unsigned int n = 0;

    while (pvclock_now() < end && n < 1000) {
        shared->vcpu_info[0].evtchn_upcall_pending = 0;
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);
        n++;
    }
    return n;
}

void test_main(void)
{
    t_begin("periodic_period_limits");
    t_eq("period 2^64 - 1", periodic(~0ull), -XEN_EINVAL);
    t_eq("period 2^63", periodic(1ull << 63), -XEN_EINVAL);
    t_eq("period 2^62", periodic(1ull << 62), -XEN_EINVAL);
    t_eq("period under 1 ms", periodic(999999), -XEN_EINVAL);
    t_eq("period 2^62 - 1", periodic((1ull << 62) - 1), 0);
    t_eq("stop it", HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    t_end();

    t_begin("periodic_1ms_ticks");
    t_eq("period 1 ms", periodic(1000000), 0);
    unsigned int n = blocks_for(50ull * 1000 * 1000);
    t_check(n >= 5, "only %u wake-ups in 50 ms", n);
    t_eq("stop it", HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    t_end();

    t_begin("far_singleshot_times");
    t_eq("set_timer_op(2^64 - 1)", HYPERVISOR_set_timer_op(~0ull), 0);
    t_eq("set_timer_op(2^63)", HYPERVISOR_set_timer_op(1ull << 63), 0);
    t_eq("singleshot 2^64 - 1", singleshot(~0ull), 0);
    t_eq("singleshot now + 2^62", singleshot(pvclock_now() + (1ull << 62)), 0);
    t_eq("stop singleshot", HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
    uint64_t t0 = pvclock_now();
    t_check(sleep_until(t0 + 20ull * 1000 * 1000) >= 1, "did not sleep");
    t_check(pvclock_now() >= t0 + 20ull * 1000 * 1000, "woke early");
    t_end();
}
