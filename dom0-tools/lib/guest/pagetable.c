/* The initial page tables (ABI notes §1.3): built in the builder's own memory as the
 * layout orders them (L4, L3s, L2s, L1s), 4 KiB mappings of [virt_base, mapped end),
 * with the table frames themselves mapped read-only; then copied to their frames, which
 * are unmapped again before the pin validates the tree (a frame cannot be a page table
 * while a writable mapping of it exists). */
#include <string.h>

#include "builder.h"
#include <xlite/errno.h>

/* Flags as the ABI notes §1.3 list them; the hypervisor adds U to L1 entries. */
#define PTE_P        0x001ull
#define PTE_RW       0x002ull
#define PTE_U        0x004ull
#define PTE_A        0x020ull
#define PTE_D        0x040ull
#define UPPER_FLAGS  (PTE_P | PTE_RW | PTE_A | PTE_D | PTE_U)    /* 0x067 */
#define L1_FLAGS     (PTE_P | PTE_RW | PTE_A)                    /* 0x023 */
#define L1_FLAGS_RO  (PTE_P | PTE_A)                             /* 0x021 */
#define ENTRIES      512u

static unsigned int slot(uint64_t va, unsigned int shift)
{
    return (unsigned int)((va >> shift) & (ENTRIES - 1));
}

/* tables: l->nr_pt zeroed pages; entry i of table t is tables[t * 512 + i]. */
void pt_fill(const struct pv_layout *l, const uint64_t *p2m, uint64_t *tables)
{
    uint64_t base = l->virt_base;
    uint64_t l3 = 1, l2 = l3 + l->nr_l3, l1 = l2 + l->nr_l2;    /* table indexes */

    for (uint64_t pfn = 0; pfn < l->mapped_pfns; pfn++) {
        uint64_t va = base + pfn * GUEST_PAGE;
        uint64_t i3 = l3 + (va >> 39) - (base >> 39);
        uint64_t i2 = l2 + (va >> 30) - (base >> 30);
        uint64_t i1 = l1 + (va >> 21) - (base >> 21);
        bool is_pt = pfn >= l->pt_pfn && pfn < l->pt_pfn + l->nr_pt;

        tables[slot(va, 39)] = (p2m[l->pt_pfn + i3] << 12) | UPPER_FLAGS;
        tables[i3 * ENTRIES + slot(va, 30)] = (p2m[l->pt_pfn + i2] << 12) | UPPER_FLAGS;
        tables[i2 * ENTRIES + slot(va, 21)] = (p2m[l->pt_pfn + i1] << 12) | UPPER_FLAGS;
        tables[i1 * ENTRIES + slot(va, 12)] = (p2m[pfn] << 12) |
                                              (is_pt ? L1_FLAGS_RO : L1_FLAGS);
    }
}

int pt_write(struct builder *b)
{
    const struct ctrl *c = b->c;
    const struct pv_layout *l = &b->l;
    uint64_t *tables = c->ops->alloc(c->ctx, l->nr_pt * GUEST_PAGE);
    int rc = 0;

    if (!tables)
        return builder_fail(b, -XEN_ENOMEM, "no memory for %lu page-table pages",
                            (unsigned long)l->nr_pt);
    pt_fill(l, b->p2m, tables);
    for (uint64_t i = 0; i < l->nr_pt && !rc; i++)
        rc = mem_write_pfn(b, l->pt_pfn + i, 0, tables + i * ENTRIES, GUEST_PAGE);
    c->ops->free(c->ctx, tables);
    if (!rc)
        rc = mem_unmap(b);
    if (rc)
        return rc;
    long prc = ctrl_pin_l4(c, b->domid, b->p2m[l->pt_pfn]);
    if (prc)
        return builder_fail(b, (int)prc, "initial page tables refused by the pin (error %ld)",
                            prc);
    b->out.l4_mfn = b->p2m[l->pt_pfn];
    return 0;
}
