/* x86-64 page-table entry bits (4-level paging, 4 KiB pages):
 *   63 NX | 62..52 avail | 51..12 frame | 11..9 avail | 8 G | 7 PS/PAT | 6 D | 5 A |
 *   4 PCD | 3 PWT | 2 U | 1 RW | 0 P */
#ifndef XLITE_PAGE_H
#define XLITE_PAGE_H

#define PTE_P       0x001ul
#define PTE_RW      0x002ul
#define PTE_U       0x004ul
#define PTE_PWT     0x008ul
#define PTE_PCD     0x010ul
#define PTE_A       0x020ul
#define PTE_D       0x040ul
#define PTE_PS      0x080ul
#define PTE_G       0x100ul
#define PTE_NX      (1ul << 63)
#define PTE_ADDR    0x000FFFFFFFFFF000ul

#endif
