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
/* Map the window's first nr pages (at most 14) to the guest GDT frames at machine
 * addresses maddrs[] (writable), the rest to an empty page. Cheap when little
 * changes: it runs on every context switch. */
void gdt_load_guest_frames(const uint64_t *maddrs, unsigned int nr);
void idt_init(void);     /* load the IDT on this CPU */
void tss_set_rsp0(uint64_t rsp0);

#endif
