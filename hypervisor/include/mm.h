/* Translating between machine (physical) addresses and the hypervisor's views of them,
 * and the frame allocator that owns all RAM. */
#ifndef XLITE_MM_H
#define XLITE_MM_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "multiboot2.h"

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

/* Set up the frame table and hand all RAM not in use to the allocator. */
void page_alloc_init(const struct boot_info *bi, uint64_t mbi_maddr);
extern struct frame_allocator frame_alloc;
void show_memory_summary(void);

#endif
