/* replaces physical addressing (phys_to_virt, CR2, the x86 PTE bits of a native kernel):
 * private to arch/pv: the start_info and shared_info pages, P2M/M2P translation and the
 * x86 page-table bits the PV MMU code uses. */
#ifndef PV_H
#define PV_H

#include <xlite/xen.h>
#include <xlite/errno.h>
#include <xlite/sched.h>
#include <xlite/callback.h>
#include <xlite/event_channel.h>
#include <xlite/vcpu.h>

#include "arch.h"
#include "asm.h"
#include "hypercall.h"

extern start_info_t *start_info;
extern shared_info_t *shared;

#define PTE_P    0x001ull
#define PTE_RW   0x002ull
#define PTE_U    0x004ull
#define PTE_A    0x020ull
#define PTE_D    0x040ull
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000FFFFFFFFFF000ull
#define PTE_TABLE (PTE_P | PTE_RW | PTE_U | PTE_A | PTE_D)

#define M2P ((const volatile uint64_t *)MACH2PHYS_VIRT_START)
static inline uint64_t pfn_to_mfn(uint64_t pfn)
{ return ((const uint64_t *)start_info->mfn_list)[pfn]; }
static inline uint64_t mfn_to_pfn(uint64_t mfn) { return M2P[mfn]; }
static inline uint64_t pte_pfn(uint64_t pte) { return mfn_to_pfn((pte & PTE_ADDR) >> 12); }

void traps_init(void);
void events_init(void);
void time_init(void);
/* Extend the builder's mapping (VA = PFN * 4 KiB) to all usable RAM; returns the end
 * PFN and advances *first_free past the frames it took for tables. */
uint64_t mmu_init(uint64_t *first_free);
/* Queue multicall entries; flushed when full or by mc_flush. Panics on a failed call. */
void mc_add(unsigned long op, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);
void mc_flush(void);
void mmu_protect_kernel_text(void);

#endif
