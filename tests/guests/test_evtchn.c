/* event_channel_op (hypercall 32) with the 2-level ABI, and event upcalls
 * (ABI notes §2.5, §3.7).
 *
 * Checks: alloc_unbound(DOMID_SELF, DOMID_SELF) returns the lowest free port (1:
 * port 0 is never allocated), status reports it unbound with the caller's real
 * domid (XTF's xtf_get_domid), close frees it (status closed, the port is reused);
 * status of port 0 is closed, of port 4096 -EINVAL, of an unknown domain -ESRCH;
 * send on an unbound port is a silent 0, on port 0 or a free port -EINVAL;
 * bind_virq(VIRQ_TIMER) works once per vCPU (-EEXIST again, -EINVAL for a virq out
 * of range, -ENOENT for a missing vCPU) and status says virq; an IPI port's send
 * sets its pending bit, and with the port unmasked also pending_sel and
 * evtchn_upcall_pending; while the vCPU's events are masked no upcall is delivered,
 * once they are unmasked the next return to the guest delivers one (frame: saved
 * mask 0, IF=1, events masked in the handler); SCHEDOP_poll on a pending port returns
 * 0 at once; allocating until the table is full ends in -ENOSPC after exactly the
 * free ports (XSA-317); FIFO init_control with a bad gfn is -EINVAL and
 * expand_array -ENOSYS/-EOPNOTSUPP (XSA-188); an unknown command is -ENOSYS and an
 * unreadable argument -EFAULT.
 * Without it: Mini-OS's timer and console, XTF's domid lookup and every PV driver
 * depend on these exact answers.
 */
#include "rt.h"
#include <xlite/event_channel.h>

static long op(int cmd, void *arg)
{
    return HYPERVISOR_event_channel_op(cmd, arg);
}

static long alloc_self(evtchn_port_t *port)
{
    evtchn_alloc_unbound_t a = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    long rc = op(EVTCHNOP_alloc_unbound, &a);

    *port = a.port;
    return rc;
}

static long close_port(evtchn_port_t port)
{
    evtchn_close_t c = { .port = port };
    return op(EVTCHNOP_close, &c);
}

static long status(domid_t dom, evtchn_port_t port, evtchn_status_t *s)
{
    memset(s, 0xA5, sizeof(*s));
    s->dom = dom;
    s->port = port;
    return op(EVTCHNOP_status, s);
}

static long send(evtchn_port_t port)
{
    evtchn_send_t s = { .port = port };
    return op(EVTCHNOP_send, &s);
}

static bool test_bit(const volatile xen_ulong_t *map, unsigned int bit)
{
    return (map[bit / 64] >> (bit % 64)) & 1;
}

static void set_bit(volatile xen_ulong_t *map, unsigned int bit, bool on)
{
    if (on)
        __atomic_fetch_or(&map[bit / 64], 1ul << (bit % 64), __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_and(&map[bit / 64], ~(1ul << (bit % 64)), __ATOMIC_SEQ_CST);
}

static void t_unbound(void)
{
    evtchn_port_t p = 0, q = 0;
    evtchn_status_t s;

    t_begin("alloc_status_close");
    t_eq("alloc_unbound rc", alloc_self(&p), 0);
    t_eq("first port (lowest free, 0 is reserved)", p, 1);
    t_eq("status rc", status(DOMID_SELF, p, &s), 0);
    t_eq("status", s.status, EVTCHNSTAT_unbound);
    t_eq("u.unbound.dom (the caller's real domid)", s.u.unbound.dom, 0);
    t_eq("vcpu", s.vcpu, 0);
    t_eq("send on an unbound port", send(p), 0);
    t_eq("close rc", close_port(p), 0);
    t_eq("status after close rc", status(DOMID_SELF, p, &s), 0);
    t_eq("status after close", s.status, EVTCHNSTAT_closed);
    t_eq("alloc again rc", alloc_self(&q), 0);
    t_eq("port reused", q, p);
    t_eq("close rc", close_port(q), 0);
    t_end();

    t_begin("bad_ports");
    t_eq("status(port 0) rc", status(DOMID_SELF, 0, &s), 0);
    t_eq("status(port 0)", s.status, EVTCHNSTAT_closed);
    t_eq("status(port 4096)", status(DOMID_SELF, NR_EVENT_CHANNELS, &s), -XEN_EINVAL);
    t_eq("status(unknown domain 0x7000)", status(0x7000, 1, &s), -XEN_ESRCH);
    t_eq("send(port 0)", send(0), -XEN_EINVAL);
    t_eq("send(free port 77)", send(77), -XEN_EINVAL);
    t_eq("send(port 4096)", send(NR_EVENT_CHANNELS), -XEN_EINVAL);
    evtchn_alloc_unbound_t a = { .dom = 0x7000, .remote_dom = DOMID_SELF };
    t_eq("alloc_unbound for unknown domain", op(EVTCHNOP_alloc_unbound, &a), -XEN_ESRCH);
    t_end();
}

static void t_virq(void)
{
    evtchn_bind_virq_t b = { .virq = VIRQ_TIMER, .vcpu = 0 };
    evtchn_status_t s;

    t_begin("bind_virq_timer");
    t_eq("bind_virq(TIMER, 0) rc", op(EVTCHNOP_bind_virq, &b), 0);
    evtchn_port_t port = b.port;
    t_check(port >= 1 && port < NR_EVENT_CHANNELS, "port %u", port);
    t_eq("status rc", status(DOMID_SELF, port, &s), 0);
    t_eq("status", s.status, EVTCHNSTAT_virq);
    t_eq("u.virq", s.u.virq, VIRQ_TIMER);
    evtchn_bind_virq_t again = { .virq = VIRQ_TIMER, .vcpu = 0 };
    t_eq("bind again", op(EVTCHNOP_bind_virq, &again), -XEN_EEXIST);
    evtchn_bind_virq_t bad = { .virq = NR_VIRQS, .vcpu = 0 };
    t_eq("virq NR_VIRQS", op(EVTCHNOP_bind_virq, &bad), -XEN_EINVAL);
    evtchn_bind_virq_t novcpu = { .virq = VIRQ_TIMER, .vcpu = 5 };
    t_eq("vCPU 5 (absent)", op(EVTCHNOP_bind_virq, &novcpu), -XEN_ENOENT);
    t_eq("close rc", close_port(port), 0);
    t_end();
}

static void t_ipi(void)
{
    evtchn_bind_ipi_t b = { .vcpu = 0 };
    volatile vcpu_info_t *vi;

    t_begin("ipi_pending_bits");
    if (!t_check(shared != NULL, "shared_info not mapped") ||
        !t_eq("bind_ipi rc", op(EVTCHNOP_bind_ipi, &b), 0)) {
        t_end();
        test_fail("upcall_delivered_when_unmasked", "needs an IPI port (see ipi_pending_bits)");
        return;
    }
    evtchn_port_t p = b.port;
    vi = &shared->vcpu_info[0];
    t_eq("events masked", vi->evtchn_upcall_mask, 1);

    /* Masked port: only its pending bit. */
    set_bit(shared->evtchn_mask, p, true);
    vi->evtchn_upcall_pending = 0;
    vi->evtchn_pending_sel = 0;
    t_eq("send (port masked)", send(p), 0);
    t_eq("pending bit", test_bit(shared->evtchn_pending, p), 1);
    t_eq("pending_sel (port masked)", vi->evtchn_pending_sel, 0);
    t_eq("upcall_pending (port masked)", vi->evtchn_upcall_pending, 0);

    /* Unmasked port: pending bit, selector bit, upcall_pending. */
    set_bit(shared->evtchn_pending, p, false);
    set_bit(shared->evtchn_mask, p, false);
    unsigned long events = rt_event_count;
    t_eq("send (port unmasked)", send(p), 0);
    t_eq("pending bit", test_bit(shared->evtchn_pending, p), 1);
    t_eq("pending_sel bit", (vi->evtchn_pending_sel >> (p / 64)) & 1, 1);
    t_eq("upcall_pending", vi->evtchn_upcall_pending, 1);
    t_eq("no upcall while events are masked", rt_event_count - events, 0);

    evtchn_port_t ports[1] = { p };
    struct sched_poll poll = { .nr_ports = 1, .timeout = 0 };
    set_xen_guest_handle(poll.ports, ports);
    t_eq("SCHEDOP_poll on the pending port", HYPERVISOR_sched_op(SCHEDOP_poll, &poll), 0);
    t_end();

    t_begin("upcall_delivered_when_unmasked");
    t_eq("event callbacks rc", rt_register_event_callbacks(), 0);
    vi->evtchn_upcall_mask = 0;
    HYPERVISOR_sched_op(SCHEDOP_yield, NULL);     /* any return to the guest delivers */
    uint8_t mask_after = vi->evtchn_upcall_mask;
    vi->evtchn_upcall_mask = 1;
    if (t_eq("upcalls", rt_event_count - events, 1)) {
        t_eq("frame CS saved mask", rt_last_trap.cs >> XLITE_FRAME_CS_SAVED_MASK_SHIFT, 0);
        t_eq("frame CS", rt_last_trap.cs & 0xFFFF, FLAT_KERNEL_CS & ~3u);
        t_eq("frame RFLAGS.IF", rt_last_trap.rflags & XLITE_RFLAGS_IF, XLITE_RFLAGS_IF);
        t_eq("mask in the handler", rt_last_trap.mask_in_handler, 1);
        t_eq("error code pushed", rt_last_trap.has_ec, 0);
    }
    t_eq("mask after the handler's iret (IF=1)", mask_after, 0);
    set_bit(shared->evtchn_pending, p, false);
    t_eq("close rc", close_port(p), 0);
    t_end();
}

static void t_exhaustion(void)
{
    evtchn_port_t p, first = 0, last = 0;
    unsigned int n = 0;
    long rc;

    t_begin("exhaustion_enospc");
    while ((rc = alloc_self(&p)) == 0 && n < NR_EVENT_CHANNELS + 8) {
        if (!n)
            first = p;
        last = p;
        n++;
    }
    t_eq("final rc", rc, -XEN_ENOSPC);
    t_eq("ports allocated (1..4095)", n, NR_EVENT_CHANNELS - 1);
    t_eq("first", first, 1);
    t_eq("last", last, NR_EVENT_CHANNELS - 1);
    for (evtchn_port_t i = 1; i < NR_EVENT_CHANNELS; i++)
        if (close_port(i) && !t_check(false, "close(%u) failed", i))
            break;
    t_eq("alloc after freeing all", alloc_self(&p), 0);
    t_eq("port", p, 1);
    close_port(p);
    t_end();
}

static void t_fifo_and_errors(void)
{
    evtchn_init_control_t ic = { .control_gfn = (uint64_t)-2, .offset = 0, .vcpu = 0 };
    evtchn_expand_array_t ea = { .array_gfn = 0 };

    t_begin("fifo_init_control_bad_gfn");
    t_eq("init_control(gfn -2)", op(EVTCHNOP_init_control, &ic), -XEN_EINVAL);
    long rc = op(EVTCHNOP_expand_array, &ea);
    t_check(rc == -XEN_ENOSYS || rc == -XEN_EOPNOTSUPP,
            "expand_array returned %ld, expected -ENOSYS or -EOPNOTSUPP", rc);
    t_end();

    t_begin("unknown_cmd_and_bad_pointer");
    t_eq("cmd 99", op(99, NULL), -XEN_ENOSYS);
    t_eq("alloc_unbound(unmapped)", op(EVTCHNOP_alloc_unbound, (void *)0x40000000ul),
         -XEN_EFAULT);
    t_eq("status(unmapped)", op(EVTCHNOP_status, (void *)0x40000000ul), -XEN_EFAULT);
    t_end();
}

void test_main(void)
{
    t_unbound();
    t_virq();
    t_ipi();
    t_exhaustion();
    t_fifo_and_errors();
}
