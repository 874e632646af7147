/* replaces the interrupt controller and cli/sti: event channels, the 2-level pending
 * scan of the upcall, per-port handlers, and the upcall mask as the interrupt flag. */
#include "pv.h"

#define NR_PORTS 1024            /* ports the kernel handles (the ABI allows 4096) */

static struct {
    evtchn_handler_t fn;
    void *arg;
} handlers[NR_PORTS];

void events_init(void)
{
    /* Events stay masked in the kernel; the upcall arrives only in user mode or idle. */
    shared->vcpu_info[0].evtchn_upcall_mask = 1;
}

void evtchn_set_handler(unsigned int port, evtchn_handler_t h, void *arg)
{
    if (port < NR_PORTS) {
        handlers[port].fn = h;
        handlers[port].arg = arg;
    }
}

int evtchn_bind_virq(unsigned int virq, evtchn_handler_t h, void *arg)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = 0 };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &b);

    if (rc)
        return (int)rc;
    evtchn_set_handler(b.port, h, arg);
    evtchn_unmask(b.port);
    return (int)b.port;
}

void evtchn_notify(unsigned int port)
{
    struct evtchn_send s = { .port = port };
    HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

void evtchn_mask(unsigned int port)
{
    __atomic_or_fetch(&shared->evtchn_mask[port / 64], 1ul << (port % 64), __ATOMIC_SEQ_CST);
}

void evtchn_unmask(unsigned int port)
{
    struct evtchn_unmask u = { .port = port };
    /* The hypervisor re-raises the upcall if the port became pending while masked. */
    HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &u);
}

/* The 2-level scan: clear upcall_pending, take the selector word, then every pending
 * and unmasked port in the words it names, clearing each before its handler runs. */
void evtchn_poll(void)
{
    volatile struct vcpu_info *vi = &shared->vcpu_info[0];

    while (vi->evtchn_upcall_pending) {
        vi->evtchn_upcall_pending = 0;
        uint64_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        while (sel) {
            unsigned int w = (unsigned int)__builtin_ctzl(sel);
            sel &= sel - 1;
            uint64_t bits;
            while ((bits = shared->evtchn_pending[w] & ~shared->evtchn_mask[w])) {
                unsigned int b = (unsigned int)__builtin_ctzl(bits);
                unsigned int port = w * 64 + b;
                __atomic_and_fetch(&shared->evtchn_pending[w], ~(1ul << b),
                                   __ATOMIC_SEQ_CST);
                if (port < NR_PORTS && handlers[port].fn)
                    handlers[port].fn(port, handlers[port].arg);
            }
        }
    }
}

/* Our domain id: start_info has none, so allocate an unbound port whose remote end
 * is "self", ask its status (which names the id) and close it. -1 if refused. */
int arch_domid(void)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_status s = { .dom = DOMID_SELF };
    int id = -1;

    if (HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a))
        return -1;
    s.port = a.port;
    if (!HYPERVISOR_event_channel_op(EVTCHNOP_status, &s))
        id = s.u.unbound.dom;
    struct evtchn_close c = { .port = a.port };
    HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
    return id;
}

static int xen_to_errno(long rc)
{
    switch (-rc) {
    case XEN_EPERM: return -XE_PERM;
    case XEN_ENOENT: return -XE_NOENT;
    case XEN_ESRCH: return -XE_SRCH;
    case XEN_ENOMEM: return -XE_NOMEM;
    case XEN_ENOSPC: return -XE_NOSPC;
    case XEN_EBUSY: return -XE_BUSY;
    default: return -XE_INVAL;
    }
}

int evtchn_bind_interdomain(unsigned int dom, unsigned int rport)
{
    struct evtchn_bind_interdomain b = { .remote_dom = (domid_t)dom, .remote_port = rport };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b);
    return rc ? xen_to_errno(rc) : (int)b.local_port;
}

int evtchn_alloc_unbound(unsigned int remote_dom)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = (domid_t)remote_dom };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);
    return rc ? xen_to_errno(rc) : (int)a.port;
}

void evtchn_close(unsigned int port)
{
    struct evtchn_close c = { .port = port };

    evtchn_set_handler(port, NULL, NULL);
    HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
}

long arch_hypercall(uint64_t op, const uint64_t a[5])
{
    if (op >= XLITE_HYPERCALL_NR_STUBS || op == __HYPERVISOR_iret)
        return -XEN_ENOSYS;
    return hypercall_nr(op, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4]);
}
