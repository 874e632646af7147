/* domctl (hypercall 36): xlite's versioned control interface for the privileged domain
 * (pv-abi/include/xlite/domctl.h): create domains for the dom0 builder, start, pause,
 * inspect and destroy them, read the hypervisor log, and host facts. Everything a
 * domain's own hypercalls validate is validated here just as strictly: the toolstack
 * is trusted, but a bug in it must not become a hypervisor fault. */
#include <asm/current.h>
#include <asm/domain.h>
#include <asm/guest_access.h>
#include <asm/mm.h>
#include <asm/time.h>
#include <hv/domain.h>
#include <hv/event_channel.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <xlite/domctl.h>
#include <xlite/errno.h>
#include <xlite/sched.h>

#define DOMCTL_MAX_VCPUS    8
#define DOMCTL_MAX_PAGES    (1ull << 22)        /* 16 GiB */
#define DOMCTL_MAX_DOMID    0x7FEF              /* DOMID_FIRST_RESERVED - 1 */

/* A domain name: 1-31 of [A-Za-z0-9_.-], not "dom0". */
static bool name_ok(const char *name)
{
    size_t n = strnlen(name, 32);

    if (n == 0 || n > 31 || !strcmp(name, "dom0"))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return false;
    }
    return true;
}

static bool name_taken(const char *name)
{
    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        if (domains[i] && domains[i]->state != DOM_DEAD && !strcmp(domains[i]->name, name))
            return true;
    return false;
}

/* The lowest free id >= 1. */
static domid_t free_domid(void)
{
    for (domid_t id = 1; id <= DOMCTL_MAX_DOMID; id++)
        if (!domain_by_id(id))
            return id;
    return 0;
}

/* Refuses per domctl.h: flags, vCPUs, pages, name, id. */
static long createdomain(struct xlite_domctl *op)
{
    struct xlite_domctl_createdomain *c = &op->u.createdomain;

    c->name[sizeof(c->name) - 1] = '\0';
    if (c->flags || !c->max_vcpus || c->max_vcpus > DOMCTL_MAX_VCPUS || !c->max_pages ||
        c->max_pages > DOMCTL_MAX_PAGES || !name_ok(c->name) || op->domain > DOMCTL_MAX_DOMID)
        return -XEN_EINVAL;
    if (name_taken(c->name))
        return -XEN_EEXIST;
    domid_t id = op->domain ? op->domain : free_domid();
    if (!id)
        return -XEN_ENOMEM;
    if (domain_by_id(id))
        return -XEN_EEXIST;
    struct domain *d = domain_create(id, c->name, false, c->max_vcpus, c->max_pages);
    if (!d)
        return -XEN_ENOMEM;
    d->paused = true;
    d->kept_for_toolstack = true;
    if (domain_alloc_shared_info(d)) {
        domain_destroy(d);
        return -XEN_ENOMEM;
    }
    pv_set_wallclock(d);
    op->domain = id;
    c->shared_info_frame = d->shared_info_mfn;
    printk("d%u: created by the toolstack: '%s', up to %lu MiB, %u vCPU%s\n", id, d->name,
           (unsigned long)(c->max_pages >> 8), c->max_vcpus, c->max_vcpus == 1 ? "" : "s");
    return 0;
}

/* The first existing domain with an id >= op->domain. */
static long getdomaininfo(struct xlite_domctl *op)
{
    struct domain *d = NULL;

    for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
        struct domain *c = domains[i];
        if (c && c->state != DOM_DEAD && c->id >= op->domain && (!d || c->id < d->id))
            d = c;
    }
    if (!d)
        return -XEN_ESRCH;
    struct xlite_domctl_getdomaininfo *info = &op->u.getdomaininfo;
    uint64_t now = now_ns(), cpu = 0;
    unsigned int online = 0, blocked = 0;
    memset(info, 0, sizeof(*info));
    for (unsigned int n = 0; n < d->max_vcpus; n++) {
        const struct vcpu *v = d->vcpus[n];
        cpu += v->runstate.time[RUNSTATE_running];
        if (v->runstate.state == RUNSTATE_running && now > v->runstate.state_entry_time)
            cpu += now - v->runstate.state_entry_time;
        online += v->online;
        blocked += v->online && v->blocked;
    }
    info->domain = d->id;
    if (d->state != DOM_RUNNING)
        info->flags |= XLITE_DOMINFO_shutdown |
                       (d->shutdown_reason & XLITE_DOMINFO_SHUTDOWN_MASK)
                       << XLITE_DOMINFO_SHUTDOWN_SHIFT;
    if (d->paused)
        info->flags |= XLITE_DOMINFO_paused;
    if (online && blocked == online)
        info->flags |= XLITE_DOMINFO_blocked;
    if (current_vcpu() && current_vcpu()->domain == d)
        info->flags |= XLITE_DOMINFO_running;
    info->tot_pages = d->tot_pages;
    info->max_pages = d->max_pages;
    info->nr_online_vcpus = online;
    info->max_vcpus = d->max_vcpus;
    info->cpu_time = cpu;
    info->shared_info_frame = d->shared_info_mfn;
    xl_strlcpy(info->name, d->name, sizeof(info->name));
    op->domain = d->id;
    return 0;
}

/* Refuses a frame that is not RAM d owns, or that is a page table or descriptor page
 * (-EINVAL). */
static long hypercall_init(struct domain *d, const struct xlite_domctl_hypercall_init *h)
{
    struct frame *f = frame_owned_by(&frame_alloc, h->gmfn, d->id);

    if (!f || (f->type_count && f->type != FRAME_TYPE_WRITABLE))
        return -XEN_EINVAL;
    hypercall_page_fill(maddr_to_virt(h->gmfn << PAGE_SHIFT));
    return 0;
}

/* Refuses an unwritable buffer (-EFAULT). */
static long readconsole(struct xlite_domctl_readconsole *r)
{
    unsigned long pos = 0;
    char chunk[256];
    uint32_t done = 0;
    size_t n;

    while (done < r->size &&
           (n = logbuf_read(&pos, chunk, MIN(sizeof(chunk), (size_t)(r->size - done))))) {
        if (copy_to_guest(r->buffer + done, chunk, n))
            return -XEN_EFAULT;
        done += (uint32_t)n;
    }
    if (r->clear)
        logbuf_clear();
    r->count = done;
    return 0;
}

static long physinfo(struct xlite_domctl_physinfo *p)
{
    memset(p, 0, sizeof(*p));
    p->total_pages = frame_alloc.nr_managed;
    p->free_pages = frame_alloc.nr_free;
    p->nr_cpus = 1;
    p->cpu_khz = (uint32_t)(tsc_hz / 1000);
    p->max_domains = MAX_DOMAINS;
    p->nr_domains = domains_alive();
    return 0;
}

/* The commands that act on one existing domain other than the caller. */
static long on_domain(struct xlite_domctl *op, struct domain *self)
{
    if (op->cmd < XLITE_DOMCTL_pausedomain || op->cmd > XLITE_DOMCTL_hypercall_init ||
        op->cmd == XLITE_DOMCTL_createdomain)
        return -XEN_ENOSYS;
    struct domain *d = domain_by_id(op->domain);
    if (!d)
        return -XEN_ESRCH;
    switch (op->cmd) {
    case XLITE_DOMCTL_pausedomain:
        if (d == self)
            return -XEN_EINVAL;
        d->paused = true;
        return 0;
    case XLITE_DOMCTL_unpausedomain:
        if (!d->vcpus[0]->initialised)
            return -XEN_EINVAL;
        d->paused = false;
        sched_kick();
        return 0;
    case XLITE_DOMCTL_destroydomain:
        if (d == self)
            return -XEN_EINVAL;
        printk("d%u (%s): destroyed by the toolstack\n", d->id, d->name);
        domain_destroy(d);
        evtchn_send_global_virq(VIRQ_DOM_EXC);    /* as for a shutdown */
        return 0;
    case XLITE_DOMCTL_setvcpucontext: {
        const struct xlite_domctl_setvcpucontext *c = &op->u.setvcpucontext;
        if (d == self || d->state != DOM_RUNNING)
            return -XEN_EINVAL;
        if (c->vcpu >= d->max_vcpus || c->pad)
            return c->pad ? -XEN_EINVAL : -XEN_ENOENT;
        return arch_vcpu_initialise(d->vcpus[c->vcpu], c->ctxt);
    }
    case XLITE_DOMCTL_hypercall_init:
        return hypercall_init(d, &op->u.hypercall_init);
    default:
        return -XEN_ENOSYS;
    }
}

/* Refuses per domctl.h: an unprivileged caller first (-EPERM), then an unreadable
 * struct (-EFAULT), another interface version (-EACCES), non-zero padding (-EINVAL),
 * and what each command refuses. */
long do_domctl(uint64_t arg)
{
    struct domain *self = current_vcpu()->domain;
    struct xlite_domctl op;
    long rc;

    if (!self->privileged)
        return -XEN_EPERM;
    if (copy_from_guest(&op, arg, sizeof(op)))
        return -XEN_EFAULT;
    if (op.interface_version != XLITE_DOMCTL_INTERFACE_VERSION)
        return -XEN_EACCES;
    if (op.pad[0] || op.pad[1] || op.pad[2])
        return -XEN_EINVAL;
    switch (op.cmd) {
    case XLITE_DOMCTL_createdomain:
        rc = createdomain(&op);
        break;
    case XLITE_DOMCTL_getdomaininfo:
        rc = getdomaininfo(&op);
        break;
    case XLITE_DOMCTL_readconsole:
        rc = readconsole(&op.u.readconsole);
        break;
    case XLITE_DOMCTL_physinfo:
        rc = physinfo(&op.u.physinfo);
        break;
    default:
        rc = on_domain(&op, self);
        break;
    }
    if (rc == 0 && copy_to_guest(arg, &op, sizeof(op)))
        return -XEN_EFAULT;
    return rc;
}
