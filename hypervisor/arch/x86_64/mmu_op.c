/* The PV MMU hypercalls: mmu_update (1), update_va_mapping (14) and mmuext_op (26), on
 * the page-type state machine (page_type.c) through the environment of pv_mm.c.
 * Frames whose last reference goes are never reused while a TLB may still map them:
 * the allocator flushes first (frame.h's TLB clock), so INVLPG of one address is
 * enough here even when other aliases of the frame were cached. */
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/hypercall.h>
#include <asm/mm.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <x86/page_type.h>
#include <x86/pv.h>
#include <x86/pv_mm.h>
#include <x86/x86.h>
#include <xlite/errno.h>
#include <xlite/xen.h>

/* Bit 31 of a batch count marks a continuation (as in Xen): the guest re-issues the
 * rest of a batch that was stopped to let timers and other vCPUs run. */
#define MMU_UPDATE_PREEMPTED 0x80000000u

/* The domain whose frames L1 entries may map: the caller's, or (privileged callers
 * only) foreigndom. */
static long page_owner(struct domain *d, uint64_t foreigndom, domid_t *owner)
{
    if (foreigndom == DOMID_SELF || foreigndom == d->id) {
        *owner = d->id;
        return 0;
    }
    struct domain *f = domain_by_id((domid_t)foreigndom);
    if (foreigndom > 0xFFFF || !f)
        return -XEN_ESRCH;
    if (!d->privileged)
        return -XEN_EPERM;
    *owner = f->id;
    return 0;
}

/* Refuses: unreadable requests (-EFAULT), bad foreigndom (-ESRCH/-EPERM), an unknown
 * command (-ENOSYS) and every entry the page-type rules refuse. Stops at the first
 * failing request; *pdone (if given) receives the number done. */
long do_mmu_update(uint64_t reqs, uint64_t count, uint64_t pdone, uint64_t foreigndom)
{
    struct domain *d = current_vcpu()->domain;
    domid_t pg_owner;
    long rc = page_owner(d, foreigndom, &pg_owner);
    uint32_t done = 0, before = 0;

    /* A continuation (Xen's encoding): *pdone already counts what earlier rounds did. */
    if ((uint32_t)count & MMU_UPDATE_PREEMPTED) {
        count &= ~(uint64_t)MMU_UPDATE_PREEMPTED;
        if (pdone && copy_from_guest(&before, pdone, sizeof(before)))
            return -XEN_EFAULT;
    }
    for (; !rc && done < (uint32_t)count; done++) {
        if (done && !(done % 256) && hypercall_preempt_check()) {
            flush_tlb_all();
            uint32_t total = before + done;
            if (pdone && copy_to_guest(pdone, &total, sizeof(total)))
                return -XEN_EFAULT;
            return hypercall_create_continuation(__HYPERVISOR_mmu_update,
                                                 reqs + done * sizeof(struct mmu_update),
                                                 ((uint32_t)count - done) |
                                                 MMU_UPDATE_PREEMPTED,
                                                 pdone, foreigndom, 0);
        }
        struct mmu_update req;
        if (copy_from_guest(&req, reqs + done * sizeof(req), sizeof(req))) {
            rc = -XEN_EFAULT;
            break;
        }
        uint64_t ma = req.ptr & ~7ull;
        switch (req.ptr & 7) {
        case MMU_NORMAL_PT_UPDATE:
        case MMU_PT_UPDATE_PRESERVE_AD:
            rc = pt_mod_entry(pv_mm_env(), d->id, pg_owner, ma >> PAGE_SHIFT,
                              (ma & 0xFFF) >> 3, req.val,
                              (req.ptr & 7) == MMU_PT_UPDATE_PRESERVE_AD ?
                              PT_MOD_PRESERVE_AD : 0);
            break;
        case MMU_MACHPHYS_UPDATE: {
            struct frame *f = frame_of(&frame_alloc, ma >> PAGE_SHIFT);
            if (!f || f->owner != pg_owner || (f->flags & (FRAME_F_FREE | FRAME_F_RESERVED)))
                rc = -XEN_EINVAL;
            else
                m2p_set(ma >> PAGE_SHIFT, req.val);
            break;
        }
        default:
            rc = -XEN_ENOSYS;
        }
        if (rc)
            break;
    }
    flush_tlb_all();
    domain_reap_orphans();
    done += before;
    if (pdone && copy_to_guest(pdone, &done, sizeof(done)))
        return rc ? rc : -XEN_EFAULT;
    return rc;
}

static void flush_for(uint64_t flags, uint64_t va)
{
    if ((flags & UVMF_FLUSHTYPE_MASK) == UVMF_INVLPG && guest_range_ok(va, 1))
        invlpg((void *)va);
    else
        flush_tlb_all();
}

/* Refuses: va not mapped by a validated L1 of the current kernel page tables, or
 * non-canonical (-EINVAL), and every entry the page-type rules refuse. */
long do_update_va_mapping(uint64_t va, uint64_t pte, uint64_t flags)
{
    struct vcpu *v = current_vcpu();
    mfn_t l1;
    unsigned int idx;
    int rc = pt_walk_l1e(pv_mm_env(), v->kernel_l4, va, &l1, &idx);

    if (rc)
        return rc;
    rc = pt_mod_entry(pv_mm_env(), v->domain->id, v->domain->id, l1, idx, pte, 0);
    if (rc)
        return rc;
    /* The old translation of va must go whatever the guest asked: its frame may have
     * lost its last reference. */
    flush_for(flags, va);
    domain_reap_orphans();
    return 0;
}

static long copy_or_clear_page(struct domain *d, mfn_t dst, mfn_t src, bool copy)
{
    long rc = pv_get_frame_type(d, dst, FRAME_TYPE_WRITABLE);

    if (rc)
        return rc;
    if (copy && (rc = pt_get_page(pv_mm_env(), d->id, src))) {
        pv_put_frame_type(d, dst);
        return rc;
    }
    void *to = maddr_to_virt(dst << PAGE_SHIFT);
    if (copy)
        memcpy(to, maddr_to_virt(src << PAGE_SHIFT), PAGE_SIZE);
    else
        memset(to, 0, PAGE_SIZE);
    if (copy)
        pt_put_page(pv_mm_env(), src);
    pv_put_frame_type(d, dst);
    return 0;
}

static long mmuext_one(struct vcpu *v, const struct mmuext_op *op, domid_t owner)
{
    struct domain *d = v->domain;
    bool self = owner == d->id;

    switch (op->cmd) {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
        return pt_pin(pv_mm_env(), owner, op->arg1.mfn, op->cmd - MMUEXT_PIN_L1_TABLE + 1);
    case MMUEXT_UNPIN_TABLE:
        return pt_unpin(pv_mm_env(), owner, op->arg1.mfn);
    }
    if (!self)
        return -XEN_EPERM;                  /* only pins act on a foreign domain */
    switch (op->cmd) {
    case MMUEXT_NEW_BASEPTR:
        return pv_set_kernel_baseptr(v, op->arg1.mfn);
    case MMUEXT_NEW_USER_BASEPTR:
        return pv_set_user_baseptr(v, op->arg1.mfn);
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_TLB_FLUSH_ALL:
        flush_tlb_all();
        return 0;
    case MMUEXT_INVLPG_LOCAL:
    case MMUEXT_INVLPG_MULTI:
    case MMUEXT_INVLPG_ALL:
        if (guest_range_ok(op->arg1.linear_addr, 1))
            invlpg((void *)op->arg1.linear_addr);
        return 0;
    case MMUEXT_FLUSH_CACHE:
    case MMUEXT_FLUSH_CACHE_GLOBAL:
        if (!d->privileged)
            return -XEN_EACCES;
        __asm__ volatile("wbinvd" ::: "memory");
        return 0;
    case MMUEXT_SET_LDT:
        /* No LDT support: clearing it is fine, installing one is refused. */
        return op->arg2.nr_ents ? -XEN_EINVAL : 0;
    case MMUEXT_CLEAR_PAGE:
        return copy_or_clear_page(d, op->arg1.mfn, 0, false);
    case MMUEXT_COPY_PAGE:
        return copy_or_clear_page(d, op->arg1.mfn, op->arg2.src_mfn, true);
    case MMUEXT_MARK_SUPER:
    case MMUEXT_UNMARK_SUPER:
        /* No superpages: a frame outside RAM is invalid, any other is unsupported. */
        return frame_of(&frame_alloc, op->arg1.mfn) ? -XEN_EOPNOTSUPP : -XEN_EINVAL;
    default:
        return -XEN_ENOSYS;
    }
}

/* Refuses: unreadable ops (-EFAULT), bad foreigndom (-ESRCH/-EPERM), foreign non-pin
 * ops (-EPERM), unknown commands (-ENOSYS) and what each command refuses. Stops at the
 * first failure; *pdone (if given) receives the number done. As in Xen, *pdone is read
 * only when resuming a preempted call (it then holds what earlier rounds did). */
long do_mmuext_op(uint64_t ops, uint64_t count, uint64_t pdone, uint64_t foreigndom)
{
    struct vcpu *v = current_vcpu();
    domid_t owner;
    long rc = page_owner(v->domain, foreigndom, &owner);
    uint32_t done = 0, before = 0;

    if ((uint32_t)count & MMU_UPDATE_PREEMPTED) {
        count &= ~(uint64_t)MMU_UPDATE_PREEMPTED;
        if (pdone && copy_from_guest(&before, pdone, sizeof(before)))
            return -XEN_EFAULT;
    }
    for (; !rc && done < (uint32_t)count; done++) {
        struct mmuext_op op;
        if (done && !(done % 256) && hypercall_preempt_check()) {
            long left = ((uint32_t)count - done) | MMU_UPDATE_PREEMPTED;
            uint32_t total = before + done;
            flush_tlb_all();
            domain_reap_orphans();
            if (pdone && copy_to_guest(pdone, &total, sizeof(total)))
                return -XEN_EFAULT;
            return hypercall_create_continuation(__HYPERVISOR_mmuext_op,
                                                 ops + done * sizeof(op), left, pdone,
                                                 foreigndom, 0);
        }
        if (copy_from_guest(&op, ops + done * sizeof(op), sizeof(op)))
            rc = -XEN_EFAULT;
        else
            rc = mmuext_one(v, &op, owner);
        if (rc)
            break;
    }
    if (done) {                               /* unpins may have dropped last refs */
        flush_tlb_all();
        domain_reap_orphans();
    }
    done += before;
    if (pdone && copy_to_guest(pdone, &done, sizeof(done)))
        return rc ? rc : -XEN_EFAULT;
    return rc;
}
