/* Typed wrappers over the hypercalls the toolstack issues (ctrl.h). Each builds the
 * argument struct in the caller's memory and passes its address, as a guest would. */
#include <string.h>

#include "ctrl.h"
#include <xlite/errno.h>
#include <xlite/event_channel.h>
#include <xlite/grant_table.h>
#include <xlite/memory.h>

#define RESERVATION_CHUNK 4096u   /* extents per increase_reservation call */

static long hcall(const struct ctrl *c, unsigned int nr, uint64_t a1, uint64_t a2,
                  uint64_t a3, uint64_t a4)
{
    return c->ops->hypercall(c->ctx, nr, a1, a2, a3, a4, 0);
}

long ctrl_domctl(const struct ctrl *c, struct xlite_domctl *op)
{
    op->interface_version = XLITE_DOMCTL_INTERFACE_VERSION;
    return hcall(c, __HYPERVISOR_domctl, (uint64_t)(uintptr_t)op, 0, 0, 0);
}

static void domctl_init(struct xlite_domctl *op, uint32_t cmd, domid_t domid)
{
    memset(op, 0, sizeof(*op));
    op->cmd = cmd;
    op->domain = domid;
}

static long domctl_simple(const struct ctrl *c, uint32_t cmd, domid_t domid)
{
    struct xlite_domctl op;

    domctl_init(&op, cmd, domid);
    return ctrl_domctl(c, &op);
}

long ctrl_domain_create(const struct ctrl *c, const char *name, uint64_t max_pages,
                        uint32_t max_vcpus, domid_t *domid, uint64_t *shared_info_mfn)
{
    struct xlite_domctl op;
    size_t len = strlen(name);

    if (len >= sizeof(op.u.createdomain.name))
        return -XEN_EINVAL;
    domctl_init(&op, XLITE_DOMCTL_createdomain, *domid);
    memcpy(op.u.createdomain.name, name, len);
    op.u.createdomain.max_pages = max_pages;
    op.u.createdomain.max_vcpus = max_vcpus;
    long rc = ctrl_domctl(c, &op);
    if (rc)
        return rc;
    *domid = op.domain;
    if (shared_info_mfn)
        *shared_info_mfn = op.u.createdomain.shared_info_frame;
    return 0;
}

long ctrl_domain_getinfo(const struct ctrl *c, domid_t domid,
                         struct xlite_domctl_getdomaininfo *info)
{
    struct xlite_domctl op;

    domctl_init(&op, XLITE_DOMCTL_getdomaininfo, domid);
    long rc = ctrl_domctl(c, &op);
    if (!rc)
        *info = op.u.getdomaininfo;
    return rc;
}

long ctrl_domain_pause(const struct ctrl *c, domid_t domid)
{
    return domctl_simple(c, XLITE_DOMCTL_pausedomain, domid);
}

long ctrl_domain_unpause(const struct ctrl *c, domid_t domid)
{
    return domctl_simple(c, XLITE_DOMCTL_unpausedomain, domid);
}

long ctrl_domain_destroy(const struct ctrl *c, domid_t domid)
{
    return domctl_simple(c, XLITE_DOMCTL_destroydomain, domid);
}

long ctrl_vcpu_setcontext(const struct ctrl *c, domid_t domid, uint32_t vcpu,
                          const struct vcpu_guest_context *ctxt)
{
    struct xlite_domctl op;

    domctl_init(&op, XLITE_DOMCTL_setvcpucontext, domid);
    op.u.setvcpucontext.vcpu = vcpu;
    op.u.setvcpucontext.ctxt = (uint64_t)(uintptr_t)ctxt;
    return ctrl_domctl(c, &op);
}

long ctrl_hypercall_init(const struct ctrl *c, domid_t domid, uint64_t gmfn)
{
    struct xlite_domctl op;

    domctl_init(&op, XLITE_DOMCTL_hypercall_init, domid);
    op.u.hypercall_init.gmfn = gmfn;
    return ctrl_domctl(c, &op);
}

long ctrl_physinfo(const struct ctrl *c, struct xlite_domctl_physinfo *info)
{
    struct xlite_domctl op;

    domctl_init(&op, XLITE_DOMCTL_physinfo, 0);
    long rc = ctrl_domctl(c, &op);
    if (!rc)
        *info = op.u.physinfo;
    return rc;
}

long ctrl_readconsole(const struct ctrl *c, char *buf, uint32_t size, bool clear,
                      uint32_t *count)
{
    struct xlite_domctl op;

    domctl_init(&op, XLITE_DOMCTL_readconsole, 0);
    op.u.readconsole.buffer = (uint64_t)(uintptr_t)buf;
    op.u.readconsole.size = size;
    op.u.readconsole.clear = clear;
    long rc = ctrl_domctl(c, &op);
    if (!rc && count)
        *count = op.u.readconsole.count;
    return rc;
}

long ctrl_increase_reservation(const struct ctrl *c, domid_t domid, uint64_t nr,
                               uint64_t *mfns)
{
    uint64_t done = 0;

    while (done < nr) {
        struct xen_memory_reservation r;
        uint64_t want = nr - done < RESERVATION_CHUNK ? nr - done : RESERVATION_CHUNK;

        memset(&r, 0, sizeof(r));
        set_xen_guest_handle(r.extent_start, mfns + done);
        r.nr_extents = want;
        r.domid = domid;
        long got = hcall(c, __HYPERVISOR_memory_op, XENMEM_increase_reservation,
                         (uint64_t)(uintptr_t)&r, 0, 0);
        if (got > 0)
            done += (uint64_t)got > want ? want : (uint64_t)got;
        if (got != (long)want)
            break;
    }
    return (long)done;
}

long ctrl_mmu_update(const struct ctrl *c, const struct mmu_update *req, unsigned int count,
                     unsigned int *done, domid_t foreigndom)
{
    return hcall(c, __HYPERVISOR_mmu_update, (uint64_t)(uintptr_t)req, count,
                 (uint64_t)(uintptr_t)done, foreigndom);
}

long ctrl_mmuext(const struct ctrl *c, const struct mmuext_op *op, unsigned int count,
                 unsigned int *done, domid_t foreigndom)
{
    return hcall(c, __HYPERVISOR_mmuext_op, (uint64_t)(uintptr_t)op, count,
                 (uint64_t)(uintptr_t)done, foreigndom);
}

long ctrl_pin_l4(const struct ctrl *c, domid_t domid, uint64_t mfn)
{
    struct mmuext_op op;

    memset(&op, 0, sizeof(op));
    op.cmd = MMUEXT_PIN_L4_TABLE;
    op.arg1.mfn = mfn;
    return ctrl_mmuext(c, &op, 1, NULL, domid);
}

long ctrl_evtchn_alloc_unbound(const struct ctrl *c, domid_t dom, domid_t remote,
                               uint32_t *port)
{
    struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
    long rc = hcall(c, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound,
                    (uint64_t)(uintptr_t)&a, 0, 0);

    if (!rc)
        *port = a.port;
    return rc;
}

long ctrl_evtchn_status(const struct ctrl *c, domid_t dom, uint32_t port,
                        struct evtchn_status *st)
{
    memset(st, 0, sizeof(*st));
    st->dom = dom;
    st->port = port;
    return hcall(c, __HYPERVISOR_event_channel_op, EVTCHNOP_status, (uint64_t)(uintptr_t)st,
                 0, 0);
}

long ctrl_gnttab_setup_table(const struct ctrl *c, domid_t dom, uint32_t nr,
                             uint64_t *frames, int16_t *status)
{
    struct gnttab_setup_table op;

    memset(&op, 0, sizeof(op));
    op.dom = dom;
    op.nr_frames = nr;
    set_xen_guest_handle(op.frame_list, frames);
    long rc = hcall(c, __HYPERVISOR_grant_table_op, GNTTABOP_setup_table,
                    (uint64_t)(uintptr_t)&op, 1, 0);
    if (status)
        *status = rc ? GNTST_general_error : op.status;
    if (rc)
        return rc;
    return op.status == GNTST_okay ? 0 : -XEN_EINVAL;
}
