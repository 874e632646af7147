/* The PV MMU hypercalls (mmu_update, update_va_mapping, mmuext_op), base pointers and
 * teardown, on top of the page-type state machine (common/page_type.c). Every change
 * that can drop a reference is followed by a TLB flush before the hypercall returns,
 * so a frame is never reachable through a stale translation once it may be freed. */
#include "desc_check.h"
#include "grant_table.h"
#include "guest_access.h"
#include "hypercall.h"
#include "hypercalls.h"
#include "lib.h"
#include "mm.h"
#include "page_type.h"
#include "percpu.h"
#include "printk.h"
#include "pv.h"
#include "pv_build.h"
#include "pv_mm.h"
#include "x86.h"
#include "xlite/errno.h"
#include "xlite/xen.h"

/* Bit 31 of a batch count marks a continuation (as in Xen): the guest re-issues the
 * rest of a batch that was stopped to let timers and other vCPUs run. */
#define MMU_UPDATE_PREEMPTED 0x80000000u

static uint64_t *map_frame(void *ctx, mfn_t mfn)
{
    (void)ctx;
    return maddr_to_virt(mfn << PAGE_SHIFT);
}

/* Flush everything, global entries included (guest L1 entries may carry G), and tell
 * the frame allocator (its TLB clock decides when a reused frame needs a flush). */
void flush_tlb_all(void)
{
    uint64_t cr4 = read_cr4();

    write_cr4(cr4 & ~(uint64_t)CR4_PGE);
    write_cr4(cr4);
    frames_tlb_flushed(&frame_alloc);
}

static void type_change(void *ctx, mfn_t mfn, unsigned int old_type, unsigned int new_type)
{
    (void)ctx, (void)mfn, (void)old_type, (void)new_type;
    flush_tlb_all();
}

/* A frame becoming a GDT page: refuse system descriptors, raise code/data DPL to 3 in
 * place (as Xen does; the frame can no longer be written by the guest). */
static int check_seg_desc(void *ctx, mfn_t mfn, const uint64_t *page)
{
    uint64_t *desc = map_frame(ctx, mfn);

    (void)page;
    for (unsigned int i = 0; i < 512; i++) {     /* check everything before editing */
        uint64_t d = desc[i];
        if (!pv_descriptor_fixup(&d))
            return -XEN_EINVAL;
    }
    for (unsigned int i = 0; i < 512; i++) {
        uint64_t d = desc[i];
        pv_descriptor_fixup(&d);
        if (d != desc[i])
            __atomic_store_n(&desc[i], d, __ATOMIC_RELAXED);
    }
    return 0;
}

static struct pt_env env;

static const struct pt_env *mm_env(void)
{
    if (!env.fa) {
        uint32_t a, b, c, d;
        cpuid_count(0x80000008, 0, &a, &b, &c, &d);
        env.fa = &frame_alloc;
        env.map = map_frame;
        env.hv_l4_slots = hv_l4_reserved_slots();
        env.paddr_bits = a & 0xFF;
        env.type_change = type_change;
        env.check_seg_desc = check_seg_desc;
    }
    return &env;
}

/* For the grant table code (common/grant_table.c), which installs and removes grant
 * mappings in guest L1s through the same state machine. */
const struct pt_env *pv_mm_env(void)
{
    return mm_env();
}

int pv_get_frame_type(struct domain *d, mfn_t mfn, enum frame_type type)
{
    return pt_get_page_and_type(mm_env(), d->id, mfn, type);
}

void pv_put_frame_type(struct domain *d, mfn_t mfn)
{
    (void)d;
    pt_put_page_and_type(mm_env(), mfn);
}

/* Points *slot (v's kernel or user base pointer) at new_l4 (INVALID_MFN = none): the
 * new table is referenced (and validated) first, then CR3 follows if v is running,
 * and only then is the old table released. In the other order the table under the
 * CPU could lose its last reference and be torn down, hypervisor slots included,
 * while the CPU still walks it: the next hypervisor access faults and the fault
 * cannot be delivered (triple fault). */
static long switch_baseptr(struct vcpu *v, mfn_t *slot, mfn_t new_l4)
{
    const struct pt_env *e = mm_env();
    mfn_t old = *slot;
    int rc;

    if (new_l4 != INVALID_MFN && (rc = pt_get_l4_ref(e, v->domain->id, new_l4)))
        return rc;
    *slot = new_l4;
    if (current_vcpu() == v) {
        mfn_t live = v->kernel_mode ? v->kernel_l4 : v->user_l4;
        if (live != INVALID_MFN)
            write_cr3(live << PAGE_SHIFT);
    }
    if (old != INVALID_MFN)
        pt_put_l4_ref(e, old);
    return 0;
}

/* Refuses "no page table" (INVALID_MFN): guest kernel mode always has one. */
long pv_set_kernel_baseptr(struct vcpu *v, uint64_t mfn)
{
    if (mfn == INVALID_MFN)
        return -XEN_EINVAL;
    return switch_baseptr(v, &v->kernel_l4, mfn);
}

int pv_pin_initial_l4(struct domain *d, mfn_t l4)
{
    int rc = pt_pin(mm_env(), d->id, l4, 4);

    if (rc)
        return rc;
    d->vcpus[0]->kernel_l4 = INVALID_MFN;
    return pt_set_baseptr(mm_env(), d->id, &d->vcpus[0]->kernel_l4, l4);
}

void arch_domain_relinquish(struct domain *d)
{
    const struct pt_env *e = mm_env();

    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        pv_gdt_release(v);
        if (v->kernel_l4 != INVALID_MFN)
            pt_set_baseptr(e, d->id, &v->kernel_l4, INVALID_MFN);
        if (v->user_l4 != INVALID_MFN)
            pt_set_baseptr(e, d->id, &v->user_l4, INVALID_MFN);
    }
    uint64_t left = pt_domain_relinquish(e, d->id);
    flush_tlb_all();
    domain_reap_orphans();                    /* it may have held others' last refs */
    if (left)
        pr_err("d%u: %lu frames still referenced after relinquish\n", d->id, left);
}

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
            rc = pt_mod_entry(mm_env(), d->id, pg_owner, ma >> PAGE_SHIFT,
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
    int rc = pt_walk_l1e(mm_env(), v->kernel_l4, va, &l1, &idx);

    if (rc)
        return rc;
    rc = pt_mod_entry(mm_env(), v->domain->id, v->domain->id, l1, idx, pte, 0);
    if (rc)
        return rc;
    /* The old translation of va must go whatever the guest asked: its frame may have
     * lost its last reference. */
    flush_for(flags, va);
    domain_reap_orphans();
    return 0;
}

static long user_baseptr(struct vcpu *v, mfn_t mfn)
{
    if (mfn == v->user_l4)
        return 0;
    /* 0 (or ~0) means "no user page tables". */
    return switch_baseptr(v, &v->user_l4, (mfn == 0 || mfn == INVALID_MFN) ? INVALID_MFN : mfn);
}

static long copy_or_clear_page(struct domain *d, mfn_t dst, mfn_t src, bool copy)
{
    long rc = pv_get_frame_type(d, dst, FRAME_TYPE_WRITABLE);

    if (rc)
        return rc;
    if (copy && (rc = pt_get_page(mm_env(), d->id, src))) {
        pv_put_frame_type(d, dst);
        return rc;
    }
    void *to = maddr_to_virt(dst << PAGE_SHIFT);
    if (copy)
        memcpy(to, maddr_to_virt(src << PAGE_SHIFT), PAGE_SIZE);
    else
        memset(to, 0, PAGE_SIZE);
    if (copy)
        pt_put_page(mm_env(), src);
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
        return pt_pin(mm_env(), owner, op->arg1.mfn, op->cmd - MMUEXT_PIN_L1_TABLE + 1);
    case MMUEXT_UNPIN_TABLE:
        return pt_unpin(mm_env(), owner, op->arg1.mfn);
    }
    if (!self)
        return -XEN_EPERM;                  /* only pins act on a foreign domain */
    switch (op->cmd) {
    case MMUEXT_NEW_BASEPTR:
        return pv_set_kernel_baseptr(v, op->arg1.mfn);
    case MMUEXT_NEW_USER_BASEPTR:
        return user_baseptr(v, op->arg1.mfn);
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
