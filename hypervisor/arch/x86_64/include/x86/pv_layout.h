/* Where the PV domain builder puts things (ABI notes §1.2): strictly sequential in VA and
 * PFN, VA = virt_base + PFN * 4 KiB. Free of hardware access (host-tested against the
 * notes' worked examples). */
#ifndef XLITE_PV_LAYOUT_H
#define XLITE_PV_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

struct pv_layout {
    uint64_t virt_base;
    uint64_t nr_pages;          /* guest RAM in pages */
    uint64_t kernel_pfn;        /* first kernel page (PFNs below it are padding RAM) */
    uint64_t kernel_end_pfn;    /* one past the last kernel page */
    uint64_t ramdisk_pfn, ramdisk_pages;
    uint64_t p2m_pfn, p2m_pages;
    uint64_t start_info_pfn;
    uint64_t store_pfn;
    uint64_t console_pfn;
    uint64_t pt_pfn, nr_pt;     /* L4 first (= pt_base), then L3s, L2s, L1s */
    uint64_t nr_l3, nr_l2, nr_l1;
    uint64_t stack_pfn;         /* initial RSP = VA of stack_pfn + 1 */
    uint64_t mapped_pfns;       /* [0, mapped_pfns) is mapped; a multiple of 4 MiB */
};

/* Compute the layout for a kernel occupying [kstart, kend) (page-aligned VAs, as from
 * pv_elf_parse), a ramdisk of ramdisk_bytes and nr_pages of RAM. Refuses (-XEN_EINVAL,
 * reason in err) kstart < virt_base, VA arithmetic that wraps, and (-XEN_ENOMEM) a
 * layout whose mapped part needs more than nr_pages. */
int pv_layout_compute(struct pv_layout *l, uint64_t virt_base, uint64_t kstart,
                      uint64_t kend, uint64_t ramdisk_bytes, uint64_t nr_pages,
                      char *err, size_t errlen);

#endif
