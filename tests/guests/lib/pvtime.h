/* Guest-side time for the xlite test guests: system time from vcpu_time_info (the
 * pvclock formula of the ABI notes §6.7), runstate queries, and sleeping on the
 * vCPU's single-shot timer. Additive helpers: nothing in the runtime uses them.
 *
 * The helpers read vcpu_info[0] of the runtime's shared_info mapping, so they are for
 * vCPU 0 code after rt_start mapped it (shared != NULL); pvclock_read() takes the
 * vCPU explicitly. */
#ifndef RT_PVTIME_H
#define RT_PVTIME_H

#include <stdint.h>

#include <xlite/vcpu.h>
#include <xlite/xen.h>

#define NS_PER_US 1000ull
#define NS_PER_MS 1000000ull
#define NS_PER_S  1000000000ull

/* One consistent reading of a vcpu_time_info plus the TSC it was applied to. */
struct pvclock_snap {
    uint32_t version;          /* even: the seqlock was stable over the read */
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t mul;
    int8_t shift;
    uint8_t flags;
    uint64_t tsc;              /* RDTSC taken inside the read */
    uint64_t now;              /* system time at tsc, by the formula */
    unsigned int retries;      /* reads redone because version was odd or moved */
};

/* ((delta << shift) or (delta >> -shift)) * mul >> 32, the 64x32 multiply of §6.7. */
uint64_t pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift);

static inline uint64_t rdtsc_ordered(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

/* System time (ns) from vcpu_info[vcpu].time under its seqlock; fills *s if given.
 * Gives up retrying after a million odd/moving versions (then s->version is odd). */
uint64_t pvclock_read(unsigned int vcpu, struct pvclock_snap *s);
/* pvclock_read(0, NULL). */
uint64_t pvclock_now(void);

/* VCPUOP_get_runstate_info for vcpu into *rs; the hypercall's result. */
long runstate_get(unsigned int vcpu, struct vcpu_runstate_info *rs);

/* Busy-wait until pvclock_now() >= deadline; returns the time seen last. */
uint64_t spin_until(uint64_t deadline);

/* Sleep until pvclock_now() >= deadline: clear evtchn_upcall_pending, set_timer_op,
 * SCHEDOP_block, repeated while the clock is short of the deadline. Returns the
 * number of SCHEDOP_block calls (1 when the timer woke the vCPU exactly once), or 0
 * if the deadline had already passed. Leaves events unmasked (block clears the
 * mask) and discards pending upcalls: for guests without event channels. */
unsigned int sleep_until(uint64_t deadline);

#endif
