/* Guest time (ABI notes §6.7): each vCPU's vcpu_time_info lets the guest compute system
 * time from its own RDTSC with the hypervisor's scale; shared_info's wallclock is UTC
 * at system time 0. Both are published under a seqlock: version odd while updating. */
#include <hv/lib.h>
#include <x86/pv.h>
#include <x86/rtc.h>
#include <asm/time.h>
#include <x86/x86.h>

static uint64_t wallclock_at_zero_ns;      /* UTC (ns) when system time was 0 */
static bool wallclock_known;

static void wallclock_init(void)
{
    uint64_t now = now_ns();
    uint64_t utc_ns = rtc_read_seconds() * 1000000000ull;

    wallclock_at_zero_ns = utc_ns > now ? utc_ns - now : 0;
    wallclock_known = true;
}

void pv_update_vcpu_time(struct vcpu *v)
{
    struct vcpu_time_info *t = &v->vcpu_info->time;
    uint64_t tsc = rdtsc();

    t->version++;                                     /* odd: update in progress */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    t->tsc_timestamp = tsc;
    t->system_time = tsc_to_system_ns(tsc);
    t->tsc_to_system_mul = tsc_scale.mul;
    t->tsc_shift = tsc_scale.shift;
    t->flags = tsc_invariant ? XEN_PVCLOCK_TSC_STABLE_BIT : 0;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    t->version++;
}

void pv_set_wallclock(struct domain *d)
{
    struct shared_info *s = d->shared_info;

    if (!wallclock_known)
        wallclock_init();
    s->wc_version++;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    uint64_t sec = wallclock_at_zero_ns / 1000000000ull;
    s->wc_sec = (uint32_t)sec;
    s->wc_sec_hi = (uint32_t)(sec >> 32);
    s->wc_nsec = (uint32_t)(wallclock_at_zero_ns % 1000000000ull);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    s->wc_version++;
}
