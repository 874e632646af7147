/* The PV initial memory layout (see pv_layout.h). */
#include <hv/lib.h>
#include <x86/pv_layout.h>
#include <xlite/errno.h>

#define PAGE            4096ull
#define MAP_ALIGN       (4ull << 20)            /* mapped range ends on 4 MiB */
#define SLACK           ((512ull << 10) + PAGE) /* free after the page tables + stack */

/* Number of distinct 2^shift-byte regions [start, end) touches (end > start). */
static uint64_t span(uint64_t start, uint64_t end, unsigned int shift)
{
    return ((end - 1) >> shift) - (start >> shift) + 1;
}

/* Page-table frames needed to map [start, end) with 4 KiB pages. */
static uint64_t count_tables(uint64_t start, uint64_t end, uint64_t *l3, uint64_t *l2,
                             uint64_t *l1)
{
    *l3 = span(start, end, 39);
    *l2 = span(start, end, 30);
    *l1 = span(start, end, 21);
    return 1 + *l3 + *l2 + *l1;
}

int pv_layout_compute(struct pv_layout *l, uint64_t virt_base, uint64_t kstart,
                      uint64_t kend, uint64_t ramdisk_bytes, uint64_t nr_pages,
                      char *err, size_t errlen)
{
    memset(l, 0, sizeof(*l));
    if (kstart < virt_base || kend < kstart || (kstart | kend | virt_base) & (PAGE - 1)) {
        xl_snprintf(err, errlen, "kernel range %#lx-%#lx below virt_base %#lx or unaligned",
                    (unsigned long)kstart, (unsigned long)kend, (unsigned long)virt_base);
        return -XEN_EINVAL;
    }
    if (nr_pages == 0 || nr_pages > (1ull << 36) || ramdisk_bytes > (1ull << 40)) {
        xl_snprintf(err, errlen, "memory or ramdisk size out of range");
        return -XEN_EINVAL;
    }
    l->virt_base = virt_base;
    l->nr_pages = nr_pages;
    l->kernel_pfn = (kstart - virt_base) / PAGE;
    l->kernel_end_pfn = (kend - virt_base) / PAGE;
    uint64_t pfn = l->kernel_end_pfn;
    l->ramdisk_pfn = pfn;
    l->ramdisk_pages = (ramdisk_bytes + PAGE - 1) / PAGE;
    pfn += l->ramdisk_pages;
    l->p2m_pfn = pfn;
    l->p2m_pages = (nr_pages * 8 + PAGE - 1) / PAGE;
    pfn += l->p2m_pages;
    l->start_info_pfn = pfn++;
    l->store_pfn = pfn++;
    l->console_pfn = pfn++;
    l->pt_pfn = pfn;

    /* Grow the table count until the tables map everything up to the padded end,
     * including themselves. */
    for (uint64_t pages = 1;; pages++) {
        uint64_t used = (pfn + pages) * PAGE;          /* tables end here (offset) */
        if (used / PAGE > nr_pages || virt_base + used + SLACK + MAP_ALIGN < virt_base) {
            xl_snprintf(err, errlen, "layout needs more than %lu pages",
                        (unsigned long)nr_pages);
            return -XEN_ENOMEM;
        }
        uint64_t end = ALIGN_UP(used + SLACK, MAP_ALIGN);
        uint64_t need = count_tables(virt_base, virt_base + end, &l->nr_l3, &l->nr_l2,
                                     &l->nr_l1);
        if (need <= pages) {
            l->nr_pt = pages;
            l->mapped_pfns = end / PAGE;
            break;
        }
    }
    l->stack_pfn = l->pt_pfn + l->nr_pt;
    if (l->mapped_pfns > nr_pages) {
        xl_snprintf(err, errlen, "mapped range of %lu pages exceeds %lu pages of RAM",
                    (unsigned long)l->mapped_pfns, (unsigned long)nr_pages);
        return -XEN_ENOMEM;
    }
    return 0;
}
