/* Small page-table helpers for test guests that build their own mappings: walking the
 * running tables (read-only to the guest, reached through the M2P), and one-entry
 * wrappers of update_va_mapping, mmu_update and mmuext_op. */
#ifndef PTUTIL_H
#define PTUTIL_H

#include "rt.h"
#include <xlite/memory.h>

#define PT_RW_FLAGS (PTE_P | PTE_RW | PTE_A | PTE_D)
#define PT_RO_FLAGS (PTE_P | PTE_A)

/* The table an entry points to, through its MFN's PFN (the guest's 1:1 VA). */
static inline uint64_t *pt_table(uint64_t entry)
{
    return (uint64_t *)mfn_to_virt((entry & PTE_ADDR) >> 12);
}

static inline uint64_t *pt_l4(void)
{
    return (uint64_t *)start_info->pt_base;
}

static inline uint64_t pt_ma(const volatile void *va)
{
    return virt_to_mfn(va) << 12;
}

/* The L2 of the running tables that maps va (its machine address in *ma). */
static inline uint64_t *pt_l2_of(uint64_t va, uint64_t *ma)
{
    uint64_t e3 = pt_l4()[(va >> 39) & 511];
    uint64_t e2 = pt_table(e3)[(va >> 30) & 511];

    *ma = e2 & PTE_ADDR;
    return pt_table(e2);
}

static inline long pt_uvm(const volatile void *va, uint64_t pte)
{
    return HYPERVISOR_update_va_mapping((unsigned long)va, pte, UVMF_INVLPG);
}

/* Back to the page's own frame, read-write. */
static inline long pt_restore(const volatile void *va)
{
    return pt_uvm(va, pt_ma(va) | PT_RW_FLAGS);
}

static inline long pt_mmu1(uint64_t ptr, uint64_t val)
{
    mmu_update_t r = { .ptr = ptr, .val = val };
    return HYPERVISOR_mmu_update(&r, 1, NULL, DOMID_SELF);
}

static inline long pt_ext(unsigned int cmd, uint64_t mfn)
{
    mmuext_op_t op = { .cmd = cmd, .arg1.mfn = mfn };
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* The domain owns mfn (its P2M maps some PFN to it). */
static inline bool pt_owned(uint64_t mfn)
{
    uint64_t pfn = M2P[mfn];
    return pfn < start_info->nr_pages && pfn_to_mfn(pfn) == mfn;
}

static inline long pt_decrease(uint64_t mfn)
{
    xen_pfn_t extent = mfn;
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };

    set_xen_guest_handle(r.extent_start, &extent);
    return HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r);
}

/* One new frame for the domain (its MFN in *mfn); returns the extents done. */
static inline long pt_increase(uint64_t *mfn)
{
    xen_pfn_t extent = 0;
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };

    set_xen_guest_handle(r.extent_start, &extent);
    long rc = HYPERVISOR_memory_op(XENMEM_increase_reservation, &r);
    *mfn = extent;
    return rc;
}

/* 1 if a read at va trapped (rt_last_trap has it), 0 if it went through. */
static inline unsigned long pt_read_traps(const volatile void *va)
{
    unsigned long n = rt_trap_count;
    uint64_t v;
    __asm__ volatile(SITE("mov (%%rax), %%rbx") : "=b"(v) : "a"(va) : "memory");
    (void)v;
    return rt_trap_count - n;
}

#endif
