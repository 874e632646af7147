/* The PV MMU's environment on the page-type state machine (page_type.c): how the
 * hypervisor reaches frames, what a type change costs (a TLB flush), base pointers and
 * teardown. The hypercalls on top are in mmu_op.c. Every change
 * that can drop a reference is followed by a TLB flush before the hypercall returns,
 * so a frame is never reachable through a stale translation once it may be freed. */
#include <asm/domain.h>
#include <asm/grant.h>
#include <x86/desc_check.h>
#include <hv/grant_table.h>
#include <asm/guest_access.h>
#include <hv/hypercall.h>
#include <asm/current.h>
#include <asm/hypercall.h>
#include <hv/lib.h>
#include <asm/mm.h>
#include <hv/page_alloc.h>
#include <x86/page_type.h>
#include <x86/percpu.h>
#include <hv/printk.h>
#include <x86/pv.h>
#include <x86/pv_build.h>
#include <x86/pv_mm.h>
#include <x86/x86.h>
#include <xlite/errno.h>
#include <xlite/xen.h>

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

const struct pt_env *pv_mm_env(void)
{
    if (!env.fa) {
        uint32_t a, b, c, d;
        cpuid_count(0x80000008, 0, &a, &b, &c, &d);
        env.fa = &frame_alloc;
        env.map = map_frame;
        env.linear_map = DIRECTMAP_BASE;
        env.hv_l4_slots = hv_l4_reserved_slots();
        env.paddr_bits = a & 0xFF;
        env.type_change = type_change;
        env.check_seg_desc = check_seg_desc;
    }
    return &env;
}

/* Per asm/grant.h: grant tables (common/grant_table.c) install and remove grant
 * mappings in guest L1s through the same state machine. */
const struct pt_env *arch_grant_mm(void)
{
    return pv_mm_env();
}

int pv_get_frame_type(struct domain *d, mfn_t mfn, enum frame_type type)
{
    return pt_get_page_and_type(pv_mm_env(), d->id, mfn, type);
}

void pv_put_frame_type(struct domain *d, mfn_t mfn)
{
    (void)d;
    pt_put_page_and_type(pv_mm_env(), mfn);
}

/* Points *slot (v's kernel or user base pointer) at new_l4 (INVALID_MFN = none): the
 * new table is referenced (and validated) first, then CR3 follows if v is running,
 * and only then is the old table released. In the other order the table under the
 * CPU could lose its last reference and be torn down, hypervisor slots included,
 * while the CPU still walks it: the next hypervisor access faults and the fault
 * cannot be delivered (triple fault). */
static long switch_baseptr(struct vcpu *v, mfn_t *slot, mfn_t new_l4)
{
    const struct pt_env *e = pv_mm_env();
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
    int rc = pt_pin(pv_mm_env(), d->id, l4, 4);

    if (rc)
        return rc;
    d->vcpus[0]->kernel_l4 = INVALID_MFN;
    return pt_set_baseptr(pv_mm_env(), d->id, &d->vcpus[0]->kernel_l4, l4);
}

/* Where a dead domain's vCPUs point their vcpu_info: its registered frame and its
 * shared_info go back to the allocator, and no stray write (a timer or an event raced
 * with the teardown) may land in a frame that now belongs to someone else. Masked. */
static struct vcpu_info dead_vcpu_info = { .evtchn_upcall_mask = 1 };

void arch_domain_relinquish(struct domain *d)
{
    const struct pt_env *e = pv_mm_env();

    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        v->vcpu_info = &dead_vcpu_info;
        pv_gdt_release(v);
        if (v->vcpu_info_mfn != INVALID_MFN) {
            pv_put_frame_type(d, v->vcpu_info_mfn);
            v->vcpu_info_mfn = INVALID_MFN;
        }
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

/* NEW_USER_BASEPTR: 0 (or ~0) means "no user page tables". */
long pv_set_user_baseptr(struct vcpu *v, uint64_t mfn)
{
    if (mfn == v->user_l4)
        return 0;
    return switch_baseptr(v, &v->user_l4, (mfn == 0 || mfn == INVALID_MFN) ? INVALID_MFN : mfn);
}
