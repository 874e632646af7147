/* vcpu_op (hypercall 24): bringing vCPUs up and down, their singleshot and periodic
 * timers (set_timer_op.c holds the timer callbacks) and their runstate. */
#include <asm/domain.h>
#include <asm/guest_access.h>
#include <asm/current.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <asm/time.h>
#include <xlite/errno.h>
#include <xlite/vcpu.h>

#define PERIOD_MIN_NS     (1ull * 1000 * 1000)
/* Xen's STIME_DELTA_MAX: the longest period accepted, so that expiry + period can
 * never wrap for any system time this machine will see (2^62 ns is 146 years). */
#define PERIOD_MAX_NS     ((1ull << 62) - 1)

static long singleshot(struct vcpu *v, uint64_t arg)
{
    struct vcpu_set_singleshot_timer st;

    if (copy_from_guest(&st, arg, sizeof(st)))
        return -XEN_EFAULT;
    if ((st.flags & VCPU_SSHOTTMR_future) && st.timeout_abs_ns < now_ns())
        return -XEN_ETIME;
    vcpu_set_singleshot(v, st.timeout_abs_ns);
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
 * argument or a runstate area outside guest space (-EFAULT), up of a vCPU never
 * initialised (-EINVAL), a singleshot timer in the past with VCPU_SSHOTTMR_future
 * (-ETIME), a period under 1 ms or over 2^62 - 1 ns (-EINVAL), what
 * arch_vcpu_register_info refuses (-EINVAL), and unknown commands (-ENOSYS). As in Xen, timer ops may name any vCPU of
 * the caller's domain. */
long do_vcpu_op(uint64_t cmd, uint64_t vcpuid, uint64_t arg)
{
    struct domain *d = current_vcpu()->domain;

    if (vcpuid >= d->max_vcpus)
        return -XEN_ENOENT;
    struct vcpu *v = d->vcpus[vcpuid];

    switch (cmd) {
    case VCPUOP_initialise:
        return arch_vcpu_initialise(v, arg);
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
    case VCPUOP_register_runstate_memory_area: {
        struct vcpu_register_runstate_memory_area a;
        if (copy_from_guest(&a, arg, sizeof(a)))
            return -XEN_EFAULT;
        if (a.addr.p && !guest_range_ok(a.addr.p, sizeof(struct vcpu_runstate_info)))
            return -XEN_EFAULT;
        v->runstate_guest = a.addr.p;
        v->runstate_written = 0;
        if (v == current_vcpu())
            arch_runstate_area_update(v);
        return 0;
    }
    case VCPUOP_register_vcpu_info: {
        struct vcpu_register_vcpu_info r;
        if (copy_from_guest(&r, arg, sizeof(r)))
            return -XEN_EFAULT;
        if (r.rsvd)
            return -XEN_EINVAL;
        return arch_vcpu_register_info(v, r.mfn, r.offset);
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
