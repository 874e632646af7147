/* The hypervisor's virtual address space: everything lives in PML4 slots 256-271
 * (0xFFFF800000000000-0xFFFF87FFFFFFFFFF), the range Xen reserves in every PV guest's
 * page tables; guests own all other slots. Shared by C and assembly.
 *
 *   slot 256  0xFFFF800000000000  M2P table, read-only to guests (issue: PV guest)
 *   slot 261  0xFFFF82C000000000  ioremap window (uncached MMIO, 4 KiB pages)
 *             0xFFFF82C040000000  GDT window: 14 guest GDT pages + the reserved page
 *             0xFFFF82D040000000  image window: VA = HV_IMAGE_BASE + physical address
 *   slot 262- 0xFFFF830000000000  direct map of RAM (2 MiB pages, NX)
 *   slot 271  ...87FFFFFFFFFF      end of the reserved range
 */
#ifndef XLITE_LAYOUT_H
#define XLITE_LAYOUT_H

#ifdef __ASSEMBLER__
#define _UL(x) x
#else
#define _UL(x) x##UL
#endif

#define HV_VIRT_START       _UL(0xFFFF800000000000)
#define HV_VIRT_END         _UL(0xFFFF880000000000)
#define HV_FIRST_SLOT       256
#define HV_LAST_SLOT        271

#define M2P_VIRT_START      _UL(0xFFFF800000000000)
#define IOREMAP_BASE        _UL(0xFFFF82C000000000)
#define IOREMAP_SIZE        _UL(0x0000000040000000)
#define GDT_VIRT_START      _UL(0xFFFF82C040000000)
#define HV_IMAGE_BASE       _UL(0xFFFF82D040000000)
#define HV_LOAD_PHYS        _UL(0x0000000000200000)
#define DIRECTMAP_BASE      _UL(0xFFFF830000000000)
#define DIRECTMAP_END       _UL(0xFFFF880000000000)

#define L4_SLOT(va)         (((va) >> 39) & 511)
#define L3_SLOT(va)         (((va) >> 30) & 511)
#define L2_SLOT(va)         (((va) >> 21) & 511)
#define L1_SLOT(va)         (((va) >> 12) & 511)

#define STACK_SIZE          _UL(0x8000)   /* hypervisor stacks: 32 KiB */
#define IST_STACK_SIZE      _UL(0x2000)

/* Selectors: ring-0 ones are xlite's choice (as Xen's), the ring-3 flat ones are ABI.
 * SYSCALL/SYSRET force the order: STAR = (0xE023 << 48) | (0xE008 << 32). */
#define GDT_FIRST_RESERVED  7168          /* Xen: entries below belong to the guest */
#define HV_CS               0xE008
#define HV_DS               0xE010
#define FLAT_RING3_CS32     0xE023
#define FLAT_RING3_DS32     0xE02B
#define FLAT_RING3_CS64     0xE033
#define HV_TSS              0xE040
#define GDT_GUEST_PAGES     14            /* entries 0..7167 */
#define GDT_NR_ENTRIES      (GDT_FIRST_RESERVED + 512)

/* Interrupt vectors the hypervisor owns. */
#define VEC_APIC_TIMER      0xF0
#define VEC_SPURIOUS        0xFF

#endif
