/* Arch interface: translating between machine (physical) addresses and the
 * hypervisor's views of them, its page tables, the M2P table and TLB flushes. */
#ifndef XLITE_MM_H
#define XLITE_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/frame.h>
#include <hv/multiboot2.h>

/* Direct-map address of machine address ma (valid for RAM). */
void *maddr_to_virt(uint64_t ma);
/* Machine address of a direct-map or image address. */
uint64_t virt_to_maddr(const void *va);

/* Build the hypervisor's final page tables (image with W^X, direct map of RAM) and
 * switch to them; the boot identity map is gone afterwards. */
void paging_init(const struct boot_info *bi);
/* Map `size` bytes of MMIO at machine address ma uncached; NULL if out of space. */
void *ioremap(uint64_t ma, size_t size);
/* The hypervisor's L4 (slots 256-271 are what every guest L4 will share). */
uint64_t hv_l4_maddr(void);
/* Its 16 entries for slots 256-271, copied into every guest L4 that is validated. */
const uint64_t *hv_l4_reserved_slots(void);
/* (Re)map one hypervisor page at va (NX, global); false if out of page tables. */
bool paging_map_hv(uint64_t va, uint64_t ma, bool writable);
/* For a mapping changed often (the GDT window, on every context switch): the L1 entry
 * that maps hypervisor address va, tables created (NULL if out of them), looked up
 * once; then paging_set_hv_l1e points it at ma as paging_map_hv would, writing and
 * flushing only when that changes it. */
uint64_t *paging_hv_l1e(uint64_t va);
void paging_set_hv_l1e(uint64_t *l1e, uint64_t va, uint64_t ma, bool writable);
/* Map a page read-only and guest-readable in the hypervisor range (the M2P). */
bool paging_map_guest_ro(uint64_t va, uint64_t ma);

/* Machine-to-physical table, read-only to guests at 0xFFFF800000000000. */
#define M2P_INVALID (~0ul)
void m2p_init(void);
void m2p_set(mfn_t mfn, uint64_t pfn);
uint64_t m2p_get(mfn_t mfn);

/* Flush all TLB entries of this CPU, global ones included (and advance the frame
 * allocator's TLB clock). */
void flush_tlb_all(void);


#endif
