/* The machine-to-physical table (M2P): m2p[mfn] = the owning guest's pfn for that frame,
 * ~0 when the frame is not a guest's. One contiguous block written through the direct
 * map and mapped read-only, user-readable at MACH2PHYS_VIRT_START in every address
 * space (guests read it to turn MFNs found in start_info and page tables into PFNs). */
#include <x86/layout.h>
#include <hv/lib.h>
#include <asm/machine.h>
#include <asm/mm.h>
#include <hv/page_alloc.h>
#include <hv/printk.h>

static uint64_t *m2p;
static uint64_t m2p_entries;

void m2p_init(void)
{
    uint64_t bytes = frame_alloc.nr_frames * sizeof(uint64_t);
    uint64_t pages = ALIGN_UP(bytes, PAGE_SIZE) >> PAGE_SHIFT;
    unsigned int order = 0;

    while ((1ul << order) < pages)
        order++;
    mfn_t base = frames_alloc(&frame_alloc, order, FRAME_OWNER_XEN);
    if (base == INVALID_MFN)
        panic("m2p: no %lu KiB block for the machine-to-phys table", pages << 2);
    m2p = maddr_to_virt(base << PAGE_SHIFT);
    m2p_entries = (1ul << order) * (PAGE_SIZE / sizeof(uint64_t));
    memset(m2p, 0xFF, m2p_entries * sizeof(uint64_t));
    for (uint64_t i = 0; i < (1ul << order); i++)
        if (!paging_map_guest_ro(M2P_VIRT_START + i * PAGE_SIZE, (base + i) << PAGE_SHIFT))
            panic("m2p: out of page-table pages");
    pr_info("m2p: %lu entries at %#lx\n", m2p_entries, M2P_VIRT_START);
}

void m2p_set(mfn_t mfn, uint64_t pfn)
{
    if (mfn < m2p_entries)
        m2p[mfn] = pfn;
}

uint64_t m2p_get(mfn_t mfn)
{
    return mfn < m2p_entries ? m2p[mfn] : M2P_INVALID;
}
