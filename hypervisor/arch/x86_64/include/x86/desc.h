/* Descriptor tables: GDT (with Xen's reserved flat ring-3 selectors), TSS with IST
 * stacks, IDT. */
#ifndef XLITE_DESC_H
#define XLITE_DESC_H

#include <stdint.h>

/* IST slots (1-based, as the IDT encodes them). */
#define IST_DF  1
#define IST_NMI 2
#define IST_MC  3
#define IST_DB  4

struct __attribute__((packed)) tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};

void gdt_init(void);     /* load the GDT and TSS on this CPU */
/* Map guest GDT page `page` (0-13) of the window to maddr (writable), or 0 = empty. */
void gdt_map_guest_page(unsigned int page, uint64_t maddr);
void idt_init(void);     /* load the IDT on this CPU */
void tss_set_rsp0(uint64_t rsp0);

#endif
