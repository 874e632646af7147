/* replaces the PIT/HPET/TSC calibration and the local APIC timer: pvclock system time
 * from vcpu_time_info, wall clock from shared_info, one-shot set_timer_op deadlines. */
#include "pv.h"
#include "pvclock.h"

void time_init(void)
{
}

uint64_t arch_now_ns(void)
{
    const volatile struct vcpu_time_info *t = &shared->vcpu_info[0].time;
    uint32_t v;
    uint64_t stamp, sys, tsc;
    uint32_t mul;
    int8_t shift;

    do {
        v = t->version;
        __asm__ volatile("lfence" ::: "memory");
        stamp = t->tsc_timestamp;
        sys = t->system_time;
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        uint32_t lo, hi;
        __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
        tsc = ((uint64_t)hi << 32) | lo;
        __asm__ volatile("lfence" ::: "memory");
    } while ((v & 1) || v != t->version);
    return pvclock_ns(sys, tsc, stamp, mul, shift);
}

uint64_t arch_wallclock_ns(void)
{
    uint32_t v, sec, nsec, hi;

    do {
        v = shared->wc_version;
        __asm__ volatile("lfence" ::: "memory");
        sec = shared->wc_sec;
        nsec = shared->wc_nsec;
        hi = shared->wc_sec_hi;
        __asm__ volatile("lfence" ::: "memory");
    } while ((v & 1) || v != shared->wc_version);
    return (((uint64_t)hi << 32 | sec) * 1000000000ull) + nsec + arch_now_ns();
}

void arch_set_timer(uint64_t deadline)
{
    HYPERVISOR_set_timer_op(deadline);
}
