/* grant_table_op (hypercall 20), versions 1 and 2: the guest-facing side of the grant
 * state machine in common/grant_core.c (model and status codes in grant_table.h).
 *
 * Each op struct is copied in, handled, and copied back whole; an unreadable or
 * unwritable op array stops the batch with -EFAULT (the ops before it are done). The
 * hypercall otherwise returns 0 and each op carries its GNTST_* status, as Xen does.
 * Refuses: count < 0 (as int) -EINVAL; count != 1 for setup_table, query_size,
 * set_version, get_version, get_status_frames -EINVAL; set_version refuses what
 * gnt_set_version refuses (-EINVAL, -EBUSY, -ENOMEM); get_version of an unknown domain
 * -ESRCH, of another domain without privilege -EPERM; get_status_frames under v1 or
 * past the status frames: GNTST_general_error; cache_flush, dump_table, transfer, swap_grant_ref and
 * unknown ops -ENOSYS. setup_table/query_size of an unknown domain: GNTST_bad_domain,
 * of another domain without privilege: GNTST_permission_denied; an unwritable
 * frame_list: GNTST_bad_virt_addr. A batch that unmapped anything flushes the TLB
 * before it returns (or continues). */
#include <hv/domain.h>
#include <hv/grant_table.h>
#include <asm/guest_access.h>
#include <hv/hypercall.h>
#include <asm/current.h>
#include <hv/lib.h>
#include <asm/mm.h>
#include <hv/page_alloc.h>
#include <hv/printk.h>
#include <asm/grant.h>
#include <asm/mm.h>
#include <xlite/errno.h>
#include <xlite/grant_table.h>
#include <xlite/xen.h>

/* ---------------------------------------------------------------- memory for the core */

static void *gnt_page_alloc(void *ctx)
{
    mfn_t mfn = frames_alloc(&frame_alloc, 0, FRAME_OWNER_XEN);
    void *p;

    (void)ctx;
    if (mfn == INVALID_MFN)
        return NULL;
    p = maddr_to_virt(mfn << PAGE_SHIFT);
    memset(p, 0, PAGE_SIZE);
    return p;
}

static void gnt_page_free(void *ctx, void *page)
{
    (void)ctx;
    frames_free(&frame_alloc, virt_to_maddr(page) >> PAGE_SHIFT, 0);
}

/* A grant-table frame: the domain's, zeroed, not in its P2M. */
static mfn_t gnt_frame_alloc(void *ctx, uint16_t owner)
{
    mfn_t mfn = frames_alloc(&frame_alloc, 0, owner);

    (void)ctx;
    if (mfn == INVALID_MFN)
        return INVALID_MFN;
    memset(maddr_to_virt(mfn << PAGE_SHIFT), 0, PAGE_SIZE);
    m2p_set(mfn, M2P_INVALID);
    return mfn;
}

static void gnt_frame_free(void *ctx, mfn_t mfn)
{
    (void)ctx;
    m2p_set(mfn, M2P_INVALID);
    frames_free(&frame_alloc, mfn, 0);
}

static const struct gnt_ops gnt_ops = {
    .page_alloc = gnt_page_alloc,
    .page_free = gnt_page_free,
    .frame_alloc = gnt_frame_alloc,
    .frame_free = gnt_frame_free,
};

static struct gnt_core core;

static struct gnt_core *gc(void)
{
    if (core.pt == NULL) {
        core.pt = arch_grant_mm();
        core.ops = &gnt_ops;
    }
    return &core;
}

int grant_domain_init(struct domain *d)
{
    int rc = gnt_domain_create(gc(), d->id);

    if (rc)
        return rc;
    d->grant = gnt_domain(gc(), d->id);
    return 0;
}

void grant_domain_destroy(struct domain *d)
{
    unsigned int kept;

    if (d->grant == NULL)
        return;
    kept = gnt_domain_destroy(gc(), d->id);
    d->grant = NULL;
    flush_tlb_all();
    if (kept)
        pr_info("d%u: %u granted frames still mapped by other domains: kept until "
                "unmapped\n", d->id, kept);
}

/* ---------------------------------------------------------------- the hypercall */

/* The domain an op names (setup_table, query_size): the caller for DOMID_SELF or its
 * own id; another one only for a privileged caller. */
static int16_t target_domain(struct domain *self, domid_t dom, struct domain **out)
{
    struct domain *t;

    if (dom == DOMID_SELF || dom == self->id) {
        *out = self;
        return GNTST_okay;
    }
    t = domain_by_id(dom);
    if (t == NULL || t->grant == NULL)
        return GNTST_bad_domain;
    if (!self->privileged)
        return GNTST_permission_denied;
    *out = t;
    return GNTST_okay;
}

static long setup_table(struct domain *d, uint64_t uop)
{
    struct gnttab_setup_table op;
    mfn_t frames[GNT_MAX_FRAMES];
    struct domain *t;
    uint64_t list;
    int16_t st;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -XEN_EFAULT;
    st = target_domain(d, op.dom, &t);
    if (st == GNTST_okay)
        st = gnt_setup_table(gc(), t->id, op.nr_frames, frames);
    list = xlite_guest_handle_addr(op.frame_list);
    for (uint32_t i = 0; st == GNTST_okay && i < op.nr_frames; i++) {
        xen_pfn_t f = frames[i];
        if (copy_to_guest(list + i * sizeof(f), &f, sizeof(f)))
            st = GNTST_bad_virt_addr;
    }
    op.status = st;
    return copy_to_guest(uop, &op, sizeof(op)) ? -XEN_EFAULT : 0;
}

static long query_size(struct domain *d, uint64_t uop)
{
    struct gnttab_query_size op;
    struct domain *t;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -XEN_EFAULT;
    op.status = target_domain(d, op.dom, &t);
    if (op.status == GNTST_okay) {
        op.nr_frames = t->grant->nr_frames;
        op.max_nr_frames = GNT_MAX_FRAMES;
    }
    return copy_to_guest(uop, &op, sizeof(op)) ? -XEN_EFAULT : 0;
}

/* Versions 1 and 2 (gnt_set_version's refusals); the resulting version is written
 * back whatever the outcome, as in Xen. */
static long set_version(struct domain *d, uint64_t uop)
{
    struct gnttab_set_version op;
    long rc;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -XEN_EFAULT;
    rc = gnt_set_version(gc(), d->id, op.version);
    op.version = gnt_version(gc(), d->id);
    return copy_to_guest(uop, &op, sizeof(op)) ? -XEN_EFAULT : rc;
}

static long get_version(struct domain *d, uint64_t uop)
{
    struct gnttab_get_version op;
    struct domain *t = d;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -XEN_EFAULT;
    if (op.dom != DOMID_SELF && op.dom != d->id) {
        t = domain_by_id(op.dom);
        if (t == NULL)
            return -XEN_ESRCH;
        if (!d->privileged)
            return -XEN_EPERM;
    }
    op.version = gnt_version(gc(), t->id);
    return copy_to_guest(uop, &op, sizeof(op)) ? -XEN_EFAULT : 0;
}

/* v2 status frames of dom (the caller's, or any for the privileged domain): the domain
 * maps them read-only to see GTF_reading/GTF_writing. */
static long get_status_frames(struct domain *d, uint64_t uop)
{
    struct gnttab_get_status_frames op;
    mfn_t frames[GNT_MAX_STATUS_FRAMES];
    struct domain *t;
    int16_t st;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -XEN_EFAULT;
    st = target_domain(d, op.dom, &t);
    if (st == GNTST_okay)
        st = op.nr_frames > GNT_MAX_STATUS_FRAMES ? GNTST_general_error
                                                 : gnt_status_frames(gc(), t->id,
                                                                     op.nr_frames, frames);
    uint64_t list = xlite_guest_handle_addr(op.frame_list);
    for (uint32_t i = 0; st == GNTST_okay && i < op.nr_frames; i++)
        if (copy_to_guest(list + i * sizeof(uint64_t), &frames[i], sizeof(uint64_t)))
            st = GNTST_bad_virt_addr;
    op.status = st;
    return copy_to_guest(uop, &op, sizeof(op)) ? -XEN_EFAULT : 0;
}

/* A batch of ops: each copied in, handled, copied back; every 256 ops the rest may
 * become a continuation (timers and other vCPUs run meanwhile). */
enum batch_op { B_MAP, B_UNMAP, B_REPLACE, B_COPY };

union batch_op_buf {
    struct gnttab_map_grant_ref map;
    struct gnttab_unmap_grant_ref unmap;
    struct gnttab_unmap_and_replace replace;
    struct gnttab_copy copy;
};

static const size_t batch_op_size[] = {
    [B_MAP] = sizeof(struct gnttab_map_grant_ref),
    [B_UNMAP] = sizeof(struct gnttab_unmap_grant_ref),
    [B_REPLACE] = sizeof(struct gnttab_unmap_and_replace),
    [B_COPY] = sizeof(struct gnttab_copy),
};

/* Each size a constant: the copies are then done inline (asm/guest_access.h). */
static inline __attribute__((always_inline)) int op_in(enum batch_op kind,
                                                      union batch_op_buf *op, uint64_t at)
{
    switch (kind) {
    case B_MAP:
        return copy_from_guest(&op->map, at, sizeof(op->map));
    case B_UNMAP:
        return copy_from_guest(&op->unmap, at, sizeof(op->unmap));
    case B_REPLACE:
        return copy_from_guest(&op->replace, at, sizeof(op->replace));
    default:
        return copy_from_guest(&op->copy, at, sizeof(op->copy));
    }
}

/* A copy's only result is its status (Xen writes back nothing else). */
static inline __attribute__((always_inline)) int op_out(enum batch_op kind, uint64_t at,
                                                       const union batch_op_buf *op)
{
    switch (kind) {
    case B_MAP:
        return copy_to_guest(at, &op->map, sizeof(op->map));
    case B_UNMAP:
        return copy_to_guest(at, &op->unmap, sizeof(op->unmap));
    case B_REPLACE:
        return copy_to_guest(at, &op->replace, sizeof(op->replace));
    default:
        return copy_to_guest(at + offsetof(struct gnttab_copy, status), &op->copy.status,
                             sizeof(op->copy.status));
    }
}

/* Inline in do_grant_table_op: each kind gets its own loop with constant sizes. */
static inline __attribute__((always_inline)) long batch(struct vcpu *v, uint64_t cmd,
                                                        enum batch_op kind, uint64_t uop,
                                                        uint32_t count)
{
    union batch_op_buf op;
    domid_t self = v->domain->id;
    bool flush = false;
    long rc = 0;

    for (uint32_t i = 0; i < count; i++) {
        uint64_t at = uop + (uint64_t)i * batch_op_size[kind];
        if (i && !(i % 256) && hypercall_preempt_check()) {
            /* Each op stands alone: the guest re-issues the rest of the array. */
            rc = hypercall_create_continuation(__HYPERVISOR_grant_table_op, cmd, at,
                                               count - i, 0, 0);
            break;
        }
        if (op_in(kind, &op, at)) {
            rc = -XEN_EFAULT;
            break;
        }
        switch (kind) {
        case B_MAP:
            flush |= gnt_map(gc(), self, v->kernel_l4, &op.map);
            break;
        case B_UNMAP:
            flush |= gnt_unmap(gc(), self, v->kernel_l4, &op.unmap);
            break;
        case B_REPLACE:
            flush |= gnt_unmap_and_replace(gc(), self, v->kernel_l4, &op.replace);
            break;
        case B_COPY:
            gnt_copy(gc(), self, &op.copy);
            break;
        }
        if (op_out(kind, at, &op)) {
            rc = -XEN_EFAULT;
            break;
        }
    }
    if (flush)
        flush_tlb_all();
    return rc;
}

long do_grant_table_op(uint64_t cmd, uint64_t uop, uint64_t count)
{
    struct vcpu *v = current_vcpu();
    struct domain *d = v->domain;
    uint32_t n = (uint32_t)count;           /* an unsigned int in Xen's ABI */

    if ((int32_t)n < 0)
        return -XEN_EINVAL;
    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        return batch(v, cmd, B_MAP, uop, n);
    case GNTTABOP_unmap_grant_ref:
        return batch(v, cmd, B_UNMAP, uop, n);
    case GNTTABOP_unmap_and_replace:
        return batch(v, cmd, B_REPLACE, uop, n);
    case GNTTABOP_copy:
        return batch(v, cmd, B_COPY, uop, n);
    case GNTTABOP_setup_table:
        return n != 1 ? -XEN_EINVAL : setup_table(d, uop);
    case GNTTABOP_query_size:
        return n != 1 ? -XEN_EINVAL : query_size(d, uop);
    case GNTTABOP_set_version:
        return n != 1 ? -XEN_EINVAL : set_version(d, uop);
    case GNTTABOP_get_version:
        return n != 1 ? -XEN_EINVAL : get_version(d, uop);
    case GNTTABOP_get_status_frames:
        return n != 1 ? -XEN_EINVAL : get_status_frames(d, uop);
    default:                /* cache_flush (as x86 Xen), dump_table, transfer, swap */
        return -XEN_ENOSYS;
    }
}
