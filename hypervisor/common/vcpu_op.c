/* Per-vCPU hypercalls: set_timer_op and vcpu_op (bringing vCPUs up and down, their
 * timers and runstate). A guest timer raises VIRQ_TIMER on its vCPU; until event
 * channels exist that is an upcall (evtchn_upcall_pending) and a wake-up. */
#include "guest_access.h"
#include "hypercalls.h"
#include "lib.h"
#include "percpu.h"
#include "pv.h"
#include "sched.h"
#include "time.h"
#include "xlite/errno.h"
#include "xlite/vcpu.h"

#define TIMER_FAR_NS      (1ull << 50)      /* beyond this a deadline is nonsense */
#define TIMER_FALLBACK_NS (100ull * 1000 * 1000)
#define PERIOD_MIN_NS     (1ull * 1000 * 1000)
/* Xen's STIME_DELTA_MAX: the longest period accepted, so that expiry + period can
 * never wrap for any system time this machine will see (2^62 ns is 146 years). */
#define PERIOD_MAX_NS     ((1ull << 62) - 1)

void vcpu_timer_fired(void *data)
{
    vcpu_raise_virq_timer(data);
}

void vcpu_periodic_fired(void *data)
{
    struct vcpu *v = data;
    uint64_t now = now_ns(), next = v->periodic.expires + v->periodic_ns;

    /* Ticks missed while the CPU was busy are merged into one: the next expiry is
     * always in the future, so timers_run() cannot keep re-running this timer. */
    if (next <= now)
        next = now + v->periodic_ns;
    timer_set(&v->periodic, next);
    vcpu_raise_virq_timer(v);
}

/* A guest timer at absolute system time `timeout`: 0 cancels; a negative or absurdly
 * distant one fires in 100 ms (Xen's rule); one in the past fires at once. */
static void arm_singleshot(struct vcpu *v, uint64_t timeout)
{
    uint64_t now = now_ns();

    if (!timeout) {
        timer_stop(&v->singleshot);
        return;
    }
    if ((int64_t)timeout < 0 || timeout > now + TIMER_FAR_NS)
        timeout = now + TIMER_FALLBACK_NS;
    timer_set(&v->singleshot, timeout);
}

/* Refuses nothing. */
long do_set_timer_op(uint64_t timeout)
{
    arm_singleshot(current_vcpu(), timeout);
    return 0;
}

static long singleshot(struct vcpu *v, uint64_t arg)
{
    struct vcpu_set_singleshot_timer st;

    if (copy_from_guest(&st, arg, sizeof(st)))
        return -XEN_EFAULT;
    if ((st.flags & VCPU_SSHOTTMR_future) && st.timeout_abs_ns < now_ns())
        return -XEN_ETIME;
    arm_singleshot(v, st.timeout_abs_ns);
    return 0;
}

static long periodic(struct vcpu *v, uint64_t arg)
{
    struct vcpu_set_periodic_timer pt;

    if (copy_from_guest(&pt, arg, sizeof(pt)))
        return -XEN_EFAULT;
    if (pt.period_ns < PERIOD_MIN_NS || pt.period_ns > PERIOD_MAX_NS)
        return -XEN_EINVAL;
    v->periodic_ns = pt.period_ns;
    timer_set(&v->periodic, now_ns() + pt.period_ns);
    return 0;
}

/* Refuses: a vCPU id the domain does not have (-ENOENT), an unreadable or unwritable
 * argument (-EFAULT), up of a vCPU never initialised (-EINVAL), a singleshot timer in
 * the past with VCPU_SSHOTTMR_future (-ETIME), a period under 1 ms or over 2^62 - 1 ns
 * (-EINVAL), and unknown commands (-ENOSYS). As in Xen, timer ops may name any vCPU of
 * the caller's domain. */
long do_vcpu_op(uint64_t cmd, uint64_t vcpuid, uint64_t arg)
{
    struct domain *d = current_vcpu()->domain;

    if (vcpuid >= d->max_vcpus)
        return -XEN_ENOENT;
    struct vcpu *v = d->vcpus[vcpuid];

    switch (cmd) {
    case VCPUOP_initialise:
        return pv_vcpu_initialise(v, arg);
    case VCPUOP_up:
        if (!v->initialised)
            return -XEN_EINVAL;
        vcpu_set_online(v, true);
        return 0;
    case VCPUOP_down:
        vcpu_set_online(v, false);
        return 0;
    case VCPUOP_is_up:
        return v->online;
    case VCPUOP_get_runstate_info: {
        struct vcpu_runstate_info rs = v->runstate;
        uint64_t now = now_ns();
        if (now > rs.state_entry_time)           /* include the current state so far */
            rs.time[rs.state] += now - rs.state_entry_time;
        return copy_to_guest(arg, &rs, sizeof(rs)) ? -XEN_EFAULT : 0;
    }
    case VCPUOP_set_singleshot_timer:
        return singleshot(v, arg);
    case VCPUOP_stop_singleshot_timer:
        timer_stop(&v->singleshot);
        return 0;
    case VCPUOP_set_periodic_timer:
        return periodic(v, arg);
    case VCPUOP_stop_periodic_timer:
        timer_stop(&v->periodic);
        return 0;
    default:
        return -XEN_ENOSYS;
    }
}
