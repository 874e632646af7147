/* event_channel_op (hypercall 32), VIRQ delivery and SCHEDOP_poll's sleeping: the glue
 * between the port tables of evtchn_ports.c and domains, vCPUs, timers and guest
 * memory. See event_channel.h. */
#include <stddef.h>

#include <hv/event_channel.h>
#include <hv/evtchn_ports.h>
#include <asm/guest_access.h>
#include <asm/current.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <asm/mm.h>
#include <hv/page_alloc.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <asm/time.h>
#include <hv/timer.h>
#include <xlite/errno.h>
#include <xlite/event_channel.h>
#include <xlite/sched.h>

_Static_assert(EVTCHN_MAX_VCPUS == MAX_VCPUS_PER_DOM, "port tables cover every vCPU");
_Static_assert(MAX_VCPUS_PER_DOM <= XEN_LEGACY_MAX_VCPUS, "vcpu_info lives in shared_info");

/* The FIFO ABI's control block (ready word, reserved word, 16 queue heads): its
 * offset in the control frame must leave room for it. */
#define FIFO_CONTROL_BLOCK_SIZE 72

/* SCHEDOP_poll state of one vCPU. */
struct evtchn_poll {
    struct timer timer;                 /* the poll's timeout */
    bool active;                        /* the vCPU sleeps in SCHEDOP_poll */
    uint64_t raised_at_start;           /* the domain's `raised` when it began */
    uint16_t nr;                        /* 0: any port of the domain wakes it */
    uint16_t ports[XLITE_SCHEDOP_POLL_MAX_PORTS];
};

struct evtchn_domain {
    struct evtchn_table table;          /* first member: see dom_of_table() */
    struct domain *d;
    mfn_t mfn;                          /* first of the frames holding this struct */
    struct evtchn_poll poll[MAX_VCPUS_PER_DOM];
    uint64_t raised;                    /* ports raised so far (for the 'v' debug key) */
};

_Static_assert(offsetof(struct evtchn_domain, table) == 0, "table first");
_Static_assert(sizeof(struct evtchn_domain) <= (PAGE_SIZE << EVTCHN_DOMAIN_ORDER),
               "per-domain event-channel state fits its frames");

/* d's table with its shared_info pointer refreshed (the builder sets d->shared_info
 * after the table exists), or NULL. */
static struct evtchn_table *table_of(struct domain *d)
{
    if (!d || !d->evtchn)
        return NULL;
    d->evtchn->table.shared = d->shared_info;
    return &d->evtchn->table;
}

static struct evtchn_table *env_lookup(void *ctx, domid_t id)
{
    (void)ctx;
    return table_of(domain_by_id(id));
}

static struct domain *dom_of_table(struct evtchn_table *t)
{
    return ((struct evtchn_domain *)t)->d;
}

static void poll_end(struct evtchn_poll *ps)
{
    if (!ps->active)
        return;
    ps->active = false;
    timer_stop(&ps->timer);
}

static bool poll_waits_for(const struct evtchn_poll *ps, evtchn_port_t port)
{
    if (ps->nr == 0)
        return true;
    for (unsigned int i = 0; i < ps->nr; i++)
        if (ps->ports[i] == port)
            return true;
    return false;
}

static void env_notify(void *ctx, struct evtchn_table *t, evtchn_port_t port,
                       unsigned int vcpu, bool kick)
{
    struct domain *d = dom_of_table(t);

    (void)ctx;
    d->evtchn->raised++;
    if (kick && vcpu < d->max_vcpus)
        evtchn_kick(d->vcpus[vcpu]);
    for (unsigned int n = 0; n < d->max_vcpus; n++) {
        struct evtchn_poll *ps = &d->evtchn->poll[n];
        if (ps->active && poll_waits_for(ps, port)) {
            poll_end(ps);
            vcpu_wake(d->vcpus[n]);
        }
    }
}

static const struct evtchn_env env = {
    .lookup = env_lookup,
    .notify = env_notify,
    .ctx = NULL,
};

int evtchn_alloc_console_port(struct domain *d)
{
    evtchn_port_t port;
    int rc = evtchn_alloc_unbound(table_of(d), 0, &port);

    if (rc)
        return rc;
    d->console_port = port;
    return (int)port;
}

void evtchn_vcpu_info_moved(struct vcpu *v)
{
    if (v->domain->evtchn)
        v->domain->evtchn->table.vcpu_info[v->id] = v->vcpu_info;
}

void evtchn_kick(struct vcpu *v)
{
    if (v->domain->evtchn)
        poll_end(&v->domain->evtchn->poll[v->id]);
    if (v->vcpu_info)
        vcpu_kick_event(v);
}

static void poll_timeout(void *data)
{
    struct vcpu *v = data;
    struct evtchn_domain *ed = v->domain->evtchn;

    if (!ed || !ed->poll[v->id].active)
        return;
    poll_end(&ed->poll[v->id]);
    vcpu_wake(v);
}

int evtchn_domain_init(struct domain *d)
{
    mfn_t mfn = frames_alloc(&frame_alloc, EVTCHN_DOMAIN_ORDER, FRAME_OWNER_XEN);

    if (mfn == INVALID_MFN)
        return -XEN_ENOMEM;
    struct evtchn_domain *ed = maddr_to_virt(mfn << PAGE_SHIFT);
    memset(ed, 0, sizeof(*ed));
    evtchn_table_init(&ed->table, d->id, d->max_vcpus);
    ed->d = d;
    ed->mfn = mfn;
    for (unsigned int n = 0; n < d->max_vcpus; n++)
        timer_init(&ed->poll[n].timer, poll_timeout, d->vcpus[n]);
    d->evtchn = ed;
    return 0;
}

void evtchn_domain_destroy(struct domain *d)
{
    struct evtchn_domain *ed = d->evtchn;

    if (!ed)
        return;
    for (unsigned int n = 0; n < d->max_vcpus; n++)
        poll_end(&ed->poll[n]);
    evtchn_reset(&env, table_of(d));          /* peers see their ends unbound */
    d->evtchn = NULL;
    if (frames_free(&frame_alloc, ed->mfn, EVTCHN_DOMAIN_ORDER))
        pr_err("d%u: event-channel frames %#lx not freed\n", d->id, ed->mfn);
}

bool evtchn_send_vcpu_virq(struct vcpu *v, unsigned int virq)
{
    struct evtchn_table *t = table_of(v->domain);

    return t && evtchn_send_virq(&env, t, v->id, virq);
}

void evtchn_send_global_virq(unsigned int virq)
{
    struct domain *dom0 = domain_by_id(0);

    if (dom0 && dom0->state == DOM_RUNNING && table_of(dom0))
        evtchn_send_virq(&env, table_of(dom0), 0, virq);
}

long evtchn_poll_port(struct domain *d, evtchn_port_t port)
{
    struct evtchn_table *t = table_of(d);

    return t ? evtchn_poll_port_state(t, port) : -XEN_EINVAL;
}

/* What SCHEDOP_block does (blocked, runstate), but events stay masked. */
void evtchn_poll_block(struct vcpu *v, const evtchn_port_t *ports, unsigned int nr,
                       uint64_t timeout)
{
    struct evtchn_domain *ed = v->domain->evtchn;

    if (!ed || nr > XLITE_SCHEDOP_POLL_MAX_PORTS || (timeout && timeout <= now_ns()))
        return;
    struct evtchn_poll *ps = &ed->poll[v->id];
    poll_end(ps);
    for (unsigned int i = 0; i < nr; i++)
        ps->ports[i] = (uint16_t)ports[i];    /* checked < EVTCHN_NR_PORTS by the caller */
    ps->nr = (uint16_t)nr;
    ps->raised_at_start = ed->raised;
    ps->active = true;
    if (timeout)
        timer_set(&ps->timer, timeout);
    sched_sleep(v);
}

void evtchn_poll_describe(const struct vcpu *v, char *buf, size_t size)
{
    const struct evtchn_domain *ed = v->domain->evtchn;
    unsigned int pending = 0;

    buf[0] = '\0';
    if (!ed || !ed->poll[v->id].active)
        return;
    const struct evtchn_poll *ps = &ed->poll[v->id];
    for (unsigned int i = 0; i < ps->nr; i++)
        pending += evtchn_poll_port_state(&ed->table, ps->ports[i]) > 0;
    xl_snprintf(buf, size, " polling %u ports (%u pending, %lu raised since) timeout %s",
                ps->nr, pending, (unsigned long)(ed->raised - ps->raised_at_start),
                ps->timer.active ? "armed" : "none");
}

/* ------------------------------------------------------------------ the hypercall */

/* The domain `dom` names from self's point of view (DOMID_SELF or an id), if it has
 * a port table. */
static struct domain *resolve(struct domain *self, domid_t dom)
{
    struct domain *d = dom == DOMID_SELF ? self : domain_by_id(dom);

    return d && d->evtchn ? d : NULL;
}

static long op_alloc_unbound(struct domain *self, uint64_t arg)
{
    struct evtchn_alloc_unbound a;

    if (copy_from_guest(&a, arg, sizeof(a)))
        return -XEN_EFAULT;
    struct domain *d = resolve(self, a.dom);
    if (!d)
        return -XEN_ESRCH;
    if (d != self && !self->privileged)
        return -XEN_EPERM;
    domid_t remote = a.remote_dom == DOMID_SELF ? self->id : a.remote_dom;
    int rc = evtchn_alloc_unbound(table_of(d), remote, &a.port);
    if (rc)
        return rc;
    return copy_to_guest(arg, &a, sizeof(a)) ? -XEN_EFAULT : 0;
}

static long op_bind_interdomain(struct domain *self, uint64_t arg)
{
    struct evtchn_bind_interdomain b;

    if (copy_from_guest(&b, arg, sizeof(b)))
        return -XEN_EFAULT;
    struct domain *rd = resolve(self, b.remote_dom);
    if (!rd)
        return -XEN_ESRCH;
    struct evtchn_table *rt = table_of(rd);
    int rc = evtchn_bind_interdomain(&env, table_of(self), rt, b.remote_port, &b.local_port);
    if (rc)
        return rc;
    return copy_to_guest(arg, &b, sizeof(b)) ? -XEN_EFAULT : 0;
}

static long op_bind_virq(struct domain *self, uint64_t arg)
{
    struct evtchn_bind_virq b;

    if (copy_from_guest(&b, arg, sizeof(b)))
        return -XEN_EFAULT;
    int rc = evtchn_bind_virq(table_of(self), b.virq, b.vcpu, &b.port);
    if (rc)
        return rc;
    return copy_to_guest(arg, &b, sizeof(b)) ? -XEN_EFAULT : 0;
}

static long op_bind_ipi(struct domain *self, uint64_t arg)
{
    struct evtchn_bind_ipi b;

    if (copy_from_guest(&b, arg, sizeof(b)))
        return -XEN_EFAULT;
    int rc = evtchn_bind_ipi(table_of(self), b.vcpu, &b.port);
    if (rc)
        return rc;
    return copy_to_guest(arg, &b, sizeof(b)) ? -XEN_EFAULT : 0;
}

static long op_bind_vcpu(struct domain *self, uint64_t arg)
{
    struct evtchn_bind_vcpu b;

    if (copy_from_guest(&b, arg, sizeof(b)))
        return -XEN_EFAULT;
    return evtchn_bind_vcpu(table_of(self), b.port, b.vcpu);
}

/* close, send and unmask: a port of the caller's. */
static long op_port(struct domain *self, uint32_t cmd, uint64_t arg)
{
    evtchn_port_t port;                       /* the whole of evtchn_close/send/unmask */

    if (copy_from_guest(&port, arg, sizeof(port)))
        return -XEN_EFAULT;
    struct evtchn_table *t = table_of(self);
    switch (cmd) {
    case EVTCHNOP_close:
        return evtchn_close(&env, t, port);
    case EVTCHNOP_send:
        /* The console port of a domain whose ring the hypervisor drains (until a
         * backend in dom0 binds the port): the notification means "output waiting". */
        if (port && port == self->console_port && self->console_mfn)
            console_drain(self);
        return evtchn_send(&env, t, port);
    default:
        return evtchn_unmask(&env, t, port);
    }
}

static long op_status(struct domain *self, uint64_t arg)
{
    struct evtchn_status s;

    if (copy_from_guest(&s, arg, sizeof(s)))
        return -XEN_EFAULT;
    struct domain *d = resolve(self, s.dom);
    if (!d)
        return -XEN_ESRCH;
    if (d != self && !self->privileged)
        return -XEN_EPERM;
    int rc = evtchn_status(table_of(d), s.port, &s);
    if (rc)
        return rc;
    return copy_to_guest(arg, &s, sizeof(s)) ? -XEN_EFAULT : 0;
}

static long op_reset(struct domain *self, uint64_t arg)
{
    struct evtchn_reset r;

    if (copy_from_guest(&r, arg, sizeof(r)))
        return -XEN_EFAULT;
    struct domain *d = resolve(self, r.dom);
    if (!d)
        return -XEN_ESRCH;
    if (d != self && !self->privileged)
        return -XEN_EPERM;
    evtchn_reset(&env, table_of(d));
    return 0;
}

/* FIFO is not supported, but the arguments are checked first as Xen does (XSA-188
 * needs -EINVAL for a control frame the caller does not own): vCPU -ENOENT, offset
 * -EINVAL, frame -EINVAL (a PV guest names it by MFN), then -ENOSYS. */
static long op_init_control(struct domain *self, uint64_t arg)
{
    struct evtchn_init_control ic;

    if (copy_from_guest(&ic, arg, sizeof(ic)))
        return -XEN_EFAULT;
    if (ic.vcpu >= self->max_vcpus)
        return -XEN_ENOENT;
    if ((ic.offset & 7) || ic.offset > PAGE_SIZE - FIFO_CONTROL_BLOCK_SIZE)
        return -XEN_EINVAL;
    const struct frame *f = frame_of(&frame_alloc, ic.control_gfn);
    if (!f || (f->flags & (FRAME_F_FREE | FRAME_F_RESERVED)) || f->owner != self->id)
        return -XEN_EINVAL;
    return -XEN_ENOSYS;
}

/* Xen's handler takes an int cmd (upper half ignored). Refuses an unreadable or
 * unwritable argument (-EFAULT) and unknown commands, bind_pirq (no physical IRQs)
 * and the rest of the FIFO ABI (-ENOSYS); see evtchn_ports.h for each operation. */
long do_event_channel_op(uint64_t cmd, uint64_t arg)
{
    struct domain *self = current_vcpu()->domain;

    if (!self->evtchn)
        return -XEN_ENOSYS;
    switch ((uint32_t)cmd) {
    case EVTCHNOP_alloc_unbound:
        return op_alloc_unbound(self, arg);
    case EVTCHNOP_bind_interdomain:
        return op_bind_interdomain(self, arg);
    case EVTCHNOP_bind_virq:
        return op_bind_virq(self, arg);
    case EVTCHNOP_bind_ipi:
        return op_bind_ipi(self, arg);
    case EVTCHNOP_bind_vcpu:
        return op_bind_vcpu(self, arg);
    case EVTCHNOP_close:
    case EVTCHNOP_send:
    case EVTCHNOP_unmask:
        return op_port(self, (uint32_t)cmd, arg);
    case EVTCHNOP_status:
        return op_status(self, arg);
    case EVTCHNOP_reset:
        return op_reset(self, arg);
    case EVTCHNOP_init_control:
        return op_init_control(self, arg);
    case EVTCHNOP_expand_array:
    case EVTCHNOP_set_priority:
    case EVTCHNOP_bind_pirq:
    default:
        return -XEN_ENOSYS;
    }
}
