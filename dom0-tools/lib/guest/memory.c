/* The new domain's RAM: allocated frame by frame, recorded in the M2P and in the
 * builder's P2M; bytes are written through one foreign mapping at a time, so only the
 * frames that receive data are ever mapped, and frames the hypervisor hands out come
 * zeroed (Xen's and xlite's rule), so bss, padding and the rings need no writing. */
#include <string.h>

#include "builder.h"
#include <xlite/errno.h>

#define M2P_BATCH 128u            /* MMU_MACHPHYS_UPDATE requests per mmu_update */

/* Allocates l.nr_pages frames in PFN order and points the M2P at them. */
int mem_populate(struct builder *b)
{
    const struct ctrl *c = b->c;
    uint64_t n = b->l.nr_pages;
    long got;

    b->p2m = c->ops->alloc(c->ctx, n * sizeof(uint64_t));
    if (!b->p2m)
        return builder_fail(b, -XEN_ENOMEM, "no memory for a P2M of %lu pages",
                            (unsigned long)n);
    got = ctrl_increase_reservation(c, b->domid, n, b->p2m);
    if (got != (long)n)
        return builder_fail(b, -XEN_ENOMEM, "out of memory: %ld of %lu pages allocated",
                            got, (unsigned long)n);
    for (uint64_t pfn = 0; pfn < n; pfn += M2P_BATCH) {
        struct mmu_update req[M2P_BATCH];
        unsigned int k = 0;

        for (; k < M2P_BATCH && pfn + k < n; k++) {
            req[k].ptr = (b->p2m[pfn + k] << 12) | MMU_MACHPHYS_UPDATE;
            req[k].val = pfn + k;
        }
        long rc = ctrl_mmu_update(c, req, k, NULL, b->domid);
        if (rc)
            return builder_fail(b, (int)rc, "M2P update refused (error %ld)", rc);
    }
    return 0;
}

int mem_unmap(struct builder *b)
{
    void *va = b->map_va;

    if (!va)
        return 0;
    b->map_va = NULL;
    int rc = b->c->ops->unmap(b->c->ctx, va);
    return rc ? builder_fail(b, rc, "cannot unmap frame of PFN %#lx (error %d)",
                             (unsigned long)b->map_pfn, rc) : 0;
}

/* Copies len bytes (NULL src: zeroes) to PFN pfn at off, keeping that frame mapped
 * until another one is needed. Refuses (-EFAULT) a PFN outside RAM and a range that
 * leaves the page. */
int mem_write_pfn(struct builder *b, uint64_t pfn, size_t off, const void *src, size_t len)
{
    const struct ctrl *c = b->c;

    if (pfn >= b->l.nr_pages || off > GUEST_PAGE || len > GUEST_PAGE - off)
        return builder_fail(b, -XEN_EFAULT, "write outside RAM at PFN %#lx",
                            (unsigned long)pfn);
    if (!b->map_va || b->map_pfn != pfn) {
        int rc = mem_unmap(b);
        if (rc)
            return rc;
        b->map_va = c->ops->map(c->ctx, b->domid, b->p2m[pfn], true);
        if (!b->map_va)
            return builder_fail(b, -XEN_EFAULT, "cannot map MFN %#lx (PFN %#lx) writable",
                                (unsigned long)b->p2m[pfn], (unsigned long)pfn);
        b->map_pfn = pfn;
    }
    if (src)
        memcpy((uint8_t *)b->map_va + off, src, len);
    else
        memset((uint8_t *)b->map_va + off, 0, len);
    return 0;
}

/* A write at a guest VA; refuses (-EFAULT) any byte outside the kernel's PFNs. */
int mem_write_va(struct builder *b, uint64_t va, const void *src, size_t len)
{
    const uint8_t *s = src;

    while (len) {
        uint64_t pfn = (va - b->l.virt_base) / GUEST_PAGE;
        if (va < b->l.virt_base || pfn < b->l.kernel_pfn || pfn >= b->l.kernel_end_pfn)
            return builder_fail(b, -XEN_EFAULT, "segment write at %#lx outside the kernel",
                                (unsigned long)va);
        size_t off = va & (GUEST_PAGE - 1);
        size_t n = GUEST_PAGE - off < len ? GUEST_PAGE - off : len;
        int rc = mem_write_pfn(b, pfn, off, s, n);
        if (rc)
            return rc;
        va += n;
        len -= n;
        s += n;
    }
    return 0;
}

static int load_write(void *ctx, uint64_t va, const void *src, size_t len)
{
    return mem_write_va(ctx, va, src, len);
}

/* bss: the frames are fresh, hence zero; refuses (-EFAULT) a range outside the kernel. */
static int load_zero(void *ctx, uint64_t va, size_t len)
{
    struct builder *b = ctx;
    uint64_t end = b->l.virt_base + b->l.kernel_end_pfn * GUEST_PAGE;

    if (va < b->l.virt_base + b->l.kernel_pfn * GUEST_PAGE || va > end || len > end - va)
        return builder_fail(b, -XEN_EFAULT, "bss at %#lx outside the kernel",
                            (unsigned long)va);
    return 0;
}

int mem_load_kernel(struct builder *b)
{
    const struct guest_build_args *a = b->a;
    int rc = pv_elf_load(a->image, a->image_size, &b->elf, load_write, load_zero, b);

    if (rc)
        return builder_fail(b, rc, "loading the segments failed (error %d)", rc);
    return mem_unmap(b);
}

int mem_load_ramdisk(struct builder *b)
{
    const uint8_t *rd = b->a->ramdisk;

    for (uint64_t i = 0; i < b->l.ramdisk_pages; i++) {
        size_t left = b->a->ramdisk_size - i * GUEST_PAGE;
        int rc = mem_write_pfn(b, b->l.ramdisk_pfn + i, 0, rd + i * GUEST_PAGE,
                               left < GUEST_PAGE ? left : GUEST_PAGE);
        if (rc)
            return rc;
    }
    return mem_unmap(b);
}

/* The guest's P2M (start_info.mfn_list): the builder's table, page by page. */
int mem_write_p2m(struct builder *b)
{
    uint64_t bytes = b->l.nr_pages * sizeof(uint64_t);

    for (uint64_t i = 0; i < b->l.p2m_pages; i++) {
        uint64_t off = i * GUEST_PAGE;
        size_t n = bytes - off < GUEST_PAGE ? bytes - off : GUEST_PAGE;
        int rc = mem_write_pfn(b, b->l.p2m_pfn + i, 0, (const uint8_t *)b->p2m + off, n);
        if (rc)
            return rc;
    }
    return mem_unmap(b);
}
