/* Guest-side time helpers (see pvtime.h). */
#include "rt.h"
#include "pvtime.h"

uint64_t pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift)
{
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

uint64_t pvclock_read(unsigned int vcpu, struct pvclock_snap *s)
{
    const volatile struct vcpu_time_info *t = &shared->vcpu_info[vcpu].time;
    struct pvclock_snap r = { 0 };
    uint32_t v2;

    for (unsigned int tries = 0;; tries++) {
        r.version = t->version;
        __asm__ volatile("lfence" ::: "memory");
        r.tsc_timestamp = t->tsc_timestamp;
        r.system_time = t->system_time;
        r.mul = t->tsc_to_system_mul;
        r.shift = t->tsc_shift;
        r.flags = t->flags;
        r.tsc = rdtsc_ordered();
        __asm__ volatile("lfence" ::: "memory");
        v2 = t->version;
        if ((!(r.version & 1) && v2 == r.version) || tries >= 1000000)
            break;
        r.retries++;
    }
    /* A TSC read before tsc_timestamp (cannot happen on one CPU) counts as delta 0. */
    uint64_t delta = r.tsc > r.tsc_timestamp ? r.tsc - r.tsc_timestamp : 0;
    r.now = r.system_time + pvclock_scale(delta, r.mul, r.shift);
    if (s)
        *s = r;
    return r.now;
}

uint64_t pvclock_now(void)
{
    return pvclock_read(0, NULL);
}

long runstate_get(unsigned int vcpu, struct vcpu_runstate_info *rs)
{
    return HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, vcpu, rs);
}

uint64_t spin_until(uint64_t deadline)
{
    uint64_t now;

    while ((now = pvclock_now()) < deadline)
        __asm__ volatile("pause");
    return now;
}

unsigned int sleep_until(uint64_t deadline)
{
    volatile struct vcpu_info *vi = &shared->vcpu_info[0];
    unsigned int blocks = 0;

    while (pvclock_now() < deadline) {
        vi->evtchn_upcall_pending = 0;
        HYPERVISOR_set_timer_op(deadline);
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);
        blocks++;
    }
    return blocks;
}
