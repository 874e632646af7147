/* sched_op (hypercall 29): yield, block, shutdown, poll and remote shutdown. Block
 * and poll put the vCPU to sleep (see sched.h and event_channel.h); the hypercall
 * returns 0 when it runs again. */
#include <stdbool.h>
#include <stdint.h>

#include <hv/domain.h>
#include <hv/event_channel.h>
#include <asm/guest_access.h>
#include <asm/current.h>
#include <hv/hypercall.h>
#include <hv/sched.h>
#include <xlite/errno.h>
#include <xlite/sched.h>
#include <xlite/xen.h>

/* An event upcall would be delivered on return to the guest. */
static bool events_deliverable(const struct vcpu *v)
{
    const struct vcpu_info *vi = v->vcpu_info;

    return vi && vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask;
}

/* SCHEDOP_block: unmask events (Xen clears evtchn_upcall_mask first) and sleep until
 * one arrives; with one already pending the exit path delivers it at once. */
static long block(struct vcpu *v)
{
    sched_block(v);
    return 0;
}

/* Refuses an unreadable argument (-EFAULT). Any reason is accepted; as in Xen only its
 * low 8 bits count. The domain is gone on return; the exit path picks another vCPU. */
static long sched_shutdown(struct domain *d, uint64_t arg)
{
    struct sched_shutdown s;

    if (copy_from_guest(&s, arg, sizeof(s)))
        return -XEN_EFAULT;
    domain_shutdown(d, (uint8_t)s.reason);
    return 0;
}

/* Refuses more than 128 ports (-EINVAL), an unreadable argument or port array
 * (-EFAULT) and, in list order, ports not in use (-EINVAL). Returns 0 at once if an
 * upcall is deliverable or a listed port is pending (its mask does not matter).
 * Otherwise the vCPU sleeps, events still masked as they were, until a listed port
 * becomes pending (with nr_ports == 0: any port of the domain), an event is kicked
 * at it, or system time reaches `timeout` (absolute ns; 0 = none; already past:
 * no sleep); then the hypercall returns 0. */
static long sched_poll(struct vcpu *v, uint64_t arg)
{
    struct sched_poll p;
    evtchn_port_t list[XLITE_SCHEDOP_POLL_MAX_PORTS];

    if (copy_from_guest(&p, arg, sizeof(p)))
        return -XEN_EFAULT;
    if (p.nr_ports > XLITE_SCHEDOP_POLL_MAX_PORTS)
        return -XEN_EINVAL;
    uint64_t ports = xlite_guest_handle_addr(p.ports);
    if (!guest_range_ok(ports, (size_t)p.nr_ports * sizeof(evtchn_port_t)))
        return -XEN_EFAULT;
    if (events_deliverable(v))
        return 0;
    for (uint32_t i = 0; i < p.nr_ports; i++) {
        if (copy_from_guest(&list[i], ports + i * sizeof(list[i]), sizeof(list[i])))
            return -XEN_EFAULT;
        long rc = evtchn_poll_port(v->domain, list[i]);
        if (rc)
            return rc > 0 ? 0 : rc;
    }
    evtchn_poll_block(v, list, p.nr_ports, p.timeout);
    return 0;
}

/* Xen's order: unreadable argument -EFAULT, unknown domain -ESRCH, caller not
 * privileged -EPERM. Shuts the named domain down (possibly the caller's own). */
static long sched_remote_shutdown(const struct domain *self, uint64_t arg)
{
    struct sched_remote_shutdown r;

    if (copy_from_guest(&r, arg, sizeof(r)))
        return -XEN_EFAULT;
    struct domain *target = domain_by_id(r.domain_id);
    if (!target)
        return -XEN_ESRCH;
    if (!self->privileged)
        return -XEN_EPERM;
    domain_shutdown(target, (uint8_t)r.reason);
    return 0;
}

/* Xen's handler takes an int cmd (upper half ignored). Other commands (shutdown_code,
 * watchdog, pin_override, ...): -ENOSYS. */
long do_sched_op(uint64_t cmd, uint64_t arg)
{
    struct vcpu *v = current_vcpu();

    switch ((uint32_t)cmd) {
    case SCHEDOP_yield:
        console_drain(v->domain);             /* guests yield waiting for the console */
        sched_yield(v);
        return 0;
    case SCHEDOP_block:
        console_drain(v->domain);
        return block(v);
    case SCHEDOP_shutdown:
        return sched_shutdown(v->domain, arg);
    case SCHEDOP_poll:
        console_drain(v->domain);
        return sched_poll(v, arg);
    case SCHEDOP_remote_shutdown:
        return sched_remote_shutdown(v->domain, arg);
    default:
        return -XEN_ENOSYS;
    }
}
