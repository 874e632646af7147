/* replaces CR3 writes and page-table stores: the kernel's direct map built with
 * mmu_update, one pinned user L4 per process (MMUEXT_NEW_USER_BASEPTR), page-table
 * frames mapped read-only while they are tables, updates batched through multicall. */
#include "pv.h"
#include "uapi/xlite_dev.h"
#include <xlite/grant_table.h>

#define MAX_PFN (256ul << 8)          /* the kernel uses at most 256 MiB of RAM */
#define MC_MAX 64

static multicall_entry_t mc[MC_MAX];
static unsigned int mc_n;
static uint64_t cur_user_l4 = ~0ull, cur_kstack;

void mc_add(unsigned long op, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    if (mc_n == MC_MAX)
        mc_flush();
    mc[mc_n++] = (multicall_entry_t){ .op = op, .args = { a0, a1, a2, a3 } };
}

void mc_flush(void)
{
    if (!mc_n)
        return;
    long rc = HYPERVISOR_multicall(mc, mc_n);
    for (unsigned int i = 0; i < mc_n; i++)
        if (rc || (long)mc[i].result < 0)
            panic("multicall entry %u (op %lu): rc %ld result %ld", i,
                  (unsigned long)mc[i].op, rc, (long)mc[i].result);
    mc_n = 0;
}

static uint64_t pte_of(uint64_t pfn, bool rw)
{
    return (pfn_to_mfn(pfn) << PAGE_SHIFT) | PTE_P | PTE_A | PTE_D | (rw ? PTE_RW : 0);
}

/* Machine address of entry idx of the table in frame pfn: what mmu_update takes. */
static uint64_t entry_maddr(uint64_t pfn, unsigned int idx)
{
    return (pfn_to_mfn(pfn) << PAGE_SHIFT) + idx * 8ull;
}

uint64_t mmu_init(uint64_t *first_free)
{
    uint64_t end = MIN(start_info->nr_pages, MAX_PFN);
    uint64_t *l4 = (uint64_t *)start_info->pt_base;
    uint64_t *l3 = pfn_to_va(pte_pfn(l4[0]));
    uint64_t *l2 = pfn_to_va(pte_pfn(l3[0]));
    unsigned int mapped = 0, nups = 0;
    static mmu_update_t ups[512];

    /* The builder mapped [0, 4 MiB-boundary): L2 entries present from slot 0 on. */
    while (mapped < 512 && (l2[mapped] & PTE_P))
        mapped++;
    uint64_t mapped_end = mapped * 512ul;
    for (unsigned int i = mapped; i < 512 && i * 512ul < end; i++) {
        if (*first_free >= mapped_end) {
            end = i * 512ul;                /* no mapped frame left for the table */
            break;
        }
        uint64_t t = (*first_free)++;
        uint64_t *l1 = pfn_to_va(t);
        for (unsigned int j = 0; j < 512; j++) {
            uint64_t pfn = i * 512ul + j;
            l1[j] = pfn < end ? pte_of(pfn, true) : 0;
        }
        mc_add(__HYPERVISOR_update_va_mapping, (uint64_t)l1, pte_of(t, false), UVMF_INVLPG,
               0);
        ups[nups++] = (mmu_update_t){ entry_maddr(pte_pfn(l3[0]), i),
                                      (pfn_to_mfn(t) << PAGE_SHIFT) | PTE_TABLE };
    }
    mc_flush();
    if (nups && HYPERVISOR_mmu_update(ups, nups, NULL, DOMID_SELF))
        panic("mmu_init: cannot extend the direct map");
    return end;
}

/* The kernel's text, rodata and symbol table become read-only, so a stray kernel
 * write there faults instead of corrupting code. */
void mmu_protect_kernel_text(void)
{
    extern char _image_start[], _text_end[];

    for (uint64_t va = (uint64_t)_image_start; va < (uint64_t)_text_end; va += PAGE_SIZE)
        arch_pt_protect(va >> PAGE_SHIFT, true);
    mc_flush();
}

int arch_pt_protect(uint64_t pfn, bool readonly)
{
    mc_add(__HYPERVISOR_update_va_mapping, (uint64_t)pfn_to_va(pfn), pte_of(pfn, !readonly),
           UVMF_INVLPG, 0);
    return 0;
}

void arch_switch_user(uint64_t user_l4_pfn, uint64_t kstack_top)
{
    static mmuext_op_t op;

    if (user_l4_pfn != cur_user_l4) {
        op = (mmuext_op_t){ .cmd = MMUEXT_NEW_USER_BASEPTR,
                            .arg1.mfn = user_l4_pfn ? pfn_to_mfn(user_l4_pfn) : 0 };
        mc_add(__HYPERVISOR_mmuext_op, (uint64_t)&op, 1, 0, DOMID_SELF);
        cur_user_l4 = user_l4_pfn;
    }
    if (kstack_top != cur_kstack) {
        mc_add(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS, kstack_top, 0, 0);
        cur_kstack = kstack_top;
    }
    mc_flush();
}

/* ------------------------------------------------------------------ user spaces */

#define L2_INDEX(va) (((va) >> 21) & 511)
#define L1_INDEX(va) (((va) >> 12) & 511)

int as_init(struct aspace *as)
{
    memset(as, 0, sizeof(*as));
    as->l4 = page_alloc();
    as->l3 = page_alloc();
    as->l2 = page_alloc();
    if (!as->l4 || !as->l3 || !as->l2) {
        as_destroy(as);
        return -XE_NOMEM;
    }
    ((uint64_t *)pfn_to_va(as->l4))[0] = (pfn_to_mfn(as->l3) << PAGE_SHIFT) | PTE_TABLE;
    ((uint64_t *)pfn_to_va(as->l3))[0] = (pfn_to_mfn(as->l2) << PAGE_SHIFT) | PTE_TABLE;
    return 0;
}

/* The L1 covering va, made (and hooked into the L2) if missing. -XE_NOMEM. */
static int ensure_l1(struct aspace *as, uint64_t va)
{
    unsigned int i2 = L2_INDEX(va);
    static mmu_update_t u;

    if (as->l1[i2])
        return 0;
    uint64_t t = page_alloc();
    if (!t)
        return -XE_NOMEM;
    as->l1[i2] = (uint32_t)t;
    if (!as->pinned) {
        ((uint64_t *)pfn_to_va(as->l2))[i2] = (pfn_to_mfn(t) << PAGE_SHIFT) | PTE_TABLE;
        return 0;
    }
    arch_pt_protect(t, true);
    u = (mmu_update_t){ entry_maddr(as->l2, i2), (pfn_to_mfn(t) << PAGE_SHIFT) | PTE_TABLE };
    mc_add(__HYPERVISOR_mmu_update, (uint64_t)&u, 1, 0, DOMID_SELF);
    mc_flush();
    return 0;
}

/* Refuses addresses outside [XU_BASE, XU_TOP) (-XE_FAULT). */
int as_map_prot(struct aspace *as, uint64_t va, uint64_t pfn, bool writable, bool exec)
{
    static mmu_update_t u;

    if (va < XU_BASE || va >= XU_TOP)
        return -XE_FAULT;
    int rc = ensure_l1(as, va);
    if (rc)
        return rc;
    uint64_t *slot = (uint64_t *)pfn_to_va(as->l1[L2_INDEX(va)]) + L1_INDEX(va);
    if (!(*slot & PTE_P))
        as->pages++;
    uint64_t pte = pte_of(pfn, writable) | PTE_U | (exec ? 0 : PTE_NX);
    if (!as->pinned) {
        ((uint64_t *)pfn_to_va(as->l1[L2_INDEX(va)]))[L1_INDEX(va)] = pte;
    } else {
        u = (mmu_update_t){ entry_maddr(as->l1[L2_INDEX(va)], L1_INDEX(va)), pte };
        mc_add(__HYPERVISOR_mmu_update, (uint64_t)&u, 1, 0, DOMID_SELF);
        mc_flush();
    }
    return 0;
}

int as_map(struct aspace *as, uint64_t va, uint64_t pfn, bool writable)
{
    return as_map_prot(as, va, pfn, writable, false);
}

static bool in_window(uint64_t va)
{
    return va >= XU_MAP_BASE && va < XU_MAP_TOP;
}

/* Refuses va outside the device window or an unpinned space (-XE_INVAL). */
int as_map_foreign(struct aspace *as, uint64_t va, uint64_t mfn, uint16_t dom,
                   bool writable)
{
    mmu_update_t u;

    if (!in_window(va) || !as->pinned)
        return -XE_INVAL;
    int rc = ensure_l1(as, va);
    if (rc)
        return rc;
    u = (mmu_update_t){ entry_maddr(as->l1[L2_INDEX(va)], L1_INDEX(va)),
                        (mfn << PAGE_SHIFT) | PTE_P | (writable ? PTE_RW : 0) | PTE_U |
                        PTE_A | PTE_D };
    long r = HYPERVISOR_mmu_update(&u, 1, NULL, dom);
    return r == 0 ? 0 : r == -XEN_EPERM || r == -XEN_ESRCH ? -XE_PERM : -XE_INVAL;
}

int as_unmap(struct aspace *as, uint64_t va)
{
    mmu_update_t u;

    if (!in_window(va) || !as->l1[L2_INDEX(va)] || !as->pinned)
        return -XE_INVAL;
    u = (mmu_update_t){ entry_maddr(as->l1[L2_INDEX(va)], L1_INDEX(va)), 0 };
    return HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF) ? -XE_INVAL : 0;
}

int as_map_grant(struct aspace *as, uint64_t va, uint16_t dom, uint32_t ref, bool ro,
                 uint32_t *handle)
{
    if (!in_window(va) || !as->pinned)
        return -XE_INVAL;
    int rc = ensure_l1(as, va);
    if (rc)
        return rc;
    struct gnttab_map_grant_ref m = {
        .host_addr = entry_maddr(as->l1[L2_INDEX(va)], L1_INDEX(va)),
        .flags = GNTMAP_host_map | GNTMAP_contains_pte | GNTMAP_application_map |
                 (ro ? GNTMAP_readonly : 0),
        .ref = ref, .dom = dom,
    };
    long r = HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &m, 1);
    if (r || m.status != GNTST_okay)
        return -XE_INVAL;
    *handle = m.handle;
    return 0;
}

int as_unmap_grant(struct aspace *as, uint64_t va, uint32_t handle)
{
    if (!in_window(va) || !as->l1[L2_INDEX(va)])
        return -XE_INVAL;
    struct gnttab_unmap_grant_ref u = {
        .host_addr = entry_maddr(as->l1[L2_INDEX(va)], L1_INDEX(va)),
        .handle = (grant_handle_t)handle,
    };
    long r = HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1);
    return r || u.status != GNTST_okay ? -XE_INVAL : 0;
}

uint64_t as_lookup(const struct aspace *as, uint64_t va, bool write)
{
    if (va < XU_BASE || va >= XU_TOP || !as->l1[L2_INDEX(va)])
        return 0;
    uint64_t pte = ((const uint64_t *)pfn_to_va(as->l1[L2_INDEX(va)]))[L1_INDEX(va)];
    if (!(pte & PTE_P) || (write && !(pte & PTE_RW)))
        return 0;
    return pte_pfn(pte);
}

int as_prot(const struct aspace *as, uint64_t va)
{
    if (va < XU_BASE || va >= XU_TOP || !as->l1[L2_INDEX(va)])
        return -1;
    uint64_t pte = ((const uint64_t *)pfn_to_va(as->l1[L2_INDEX(va)]))[L1_INDEX(va)];
    if (!(pte & PTE_P))
        return -1;
    return (pte & PTE_RW ? AS_W : 0) | (pte & PTE_NX ? 0 : AS_X);
}

int as_activate(struct aspace *as)
{
    static mmuext_op_t pin;

    arch_pt_protect(as->l4, true);
    arch_pt_protect(as->l3, true);
    arch_pt_protect(as->l2, true);
    for (unsigned int i = 0; i < 512; i++)
        if (as->l1[i])
            arch_pt_protect(as->l1[i], true);
    pin = (mmuext_op_t){ .cmd = MMUEXT_PIN_L4_TABLE, .arg1.mfn = pfn_to_mfn(as->l4) };
    mc_add(__HYPERVISOR_mmuext_op, (uint64_t)&pin, 1, 0, DOMID_SELF);
    mc_flush();
    as->pinned = true;
    return 0;
}

void as_destroy(struct aspace *as)
{
    static mmuext_op_t op;

    if (as->pinned) {
        if (cur_user_l4 == as->l4)
            arch_switch_user(0, cur_kstack);
        op = (mmuext_op_t){ .cmd = MMUEXT_UNPIN_TABLE, .arg1.mfn = pfn_to_mfn(as->l4) };
        mc_add(__HYPERVISOR_mmuext_op, (uint64_t)&op, 1, 0, DOMID_SELF);
        mc_flush();
    }
    for (unsigned int i = 0; i < 512; i++) {
        if (!as->l1[i])
            continue;
        const uint64_t *l1 = pfn_to_va(as->l1[i]);
        /* Frames in the device window belong to other domains (foreign, grants). */
        for (unsigned int j = 0; j < 512 && !in_window(((uint64_t)i << 21)); j++)
            if (l1[j] & PTE_P)
                page_free(pte_pfn(l1[j]));
        if (as->pinned)
            arch_pt_protect(as->l1[i], false);
    }
    uint64_t tables[3] = { as->l4, as->l3, as->l2 };
    for (unsigned int i = 0; i < 3; i++)
        if (tables[i] && as->pinned)
            arch_pt_protect(tables[i], false);
    mc_flush();
    for (unsigned int i = 0; i < 512; i++)
        if (as->l1[i])
            page_free(as->l1[i]);
    for (unsigned int i = 0; i < 3; i++)
        if (tables[i])
            page_free(tables[i]);
    memset(as, 0, sizeof(*as));
}
