/* The frame allocator that owns all RAM (common/page_alloc.c, on frame.h's buddy
 * allocator): set up from the memory map at boot. */
#ifndef XLITE_PAGE_ALLOC_H
#define XLITE_PAGE_ALLOC_H

#include <stdint.h>

#include <hv/frame.h>
#include <hv/multiboot2.h>

/* Set up the frame table and hand all RAM not in use to the allocator. */
void page_alloc_init(const struct boot_info *bi, uint64_t mbi_maddr);
extern struct frame_allocator frame_alloc;
void show_memory_summary(void);

#endif
