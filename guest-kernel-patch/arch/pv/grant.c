/* replaces DMA-style sharing of memory with a device: the grant-table client. One v1
 * table frame (setup_table), mapped into the kernel; grant_access writes an entry
 * (frame and domain first, flags last), end_access takes it back unless in use. */
#include "pv.h"
#include <xlite/grant_table.h>

#define NR_ENTRIES (PAGE_SIZE / sizeof(struct grant_entry_v1))

static struct grant_entry_v1 table[NR_ENTRIES]
    __attribute__((aligned(4096), section(".bss.page_aligned")));
static bool ready;

static int gnttab_init(void)
{
    xen_pfn_t frame;
    struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = 1, .frame_list = &frame };

    if (HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &s, 1) || s.status != GNTST_okay)
        return -XE_NODEV;
    if (HYPERVISOR_update_va_mapping((uint64_t)table, (frame << PAGE_SHIFT) | PTE_P |
                                     PTE_RW | PTE_A | PTE_D, UVMF_INVLPG))
        return -XE_NODEV;
    ready = true;
    return 0;
}

int gnttab_grant(uint16_t dom, uint64_t pfn, bool readonly)
{
    if (!ready && gnttab_init())
        return -XE_NODEV;
    for (unsigned int ref = GNTTAB_NR_RESERVED_ENTRIES; ref < NR_ENTRIES; ref++) {
        if (table[ref].flags)
            continue;
        table[ref].domid = dom;
        table[ref].frame = (uint32_t)pfn_to_mfn(pfn);
        __atomic_store_n(&table[ref].flags,
                         (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0)),
                         __ATOMIC_RELEASE);
        return (int)ref;
    }
    return -XE_NOSPC;
}

/* Refuses (-XE_BUSY) while the grantee still maps or copies it. */
int gnttab_end(uint32_t ref)
{
    if (!ready || ref < GNTTAB_NR_RESERVED_ENTRIES || ref >= NR_ENTRIES)
        return -XE_INVAL;
    uint16_t f = __atomic_load_n(&table[ref].flags, __ATOMIC_ACQUIRE);
    if (f & (GTF_reading | GTF_writing))
        return -XE_BUSY;
    /* Clear only if the hypervisor did not start a mapping meanwhile. */
    if (!__atomic_compare_exchange_n(&table[ref].flags, &f, 0, false, __ATOMIC_SEQ_CST,
                                     __ATOMIC_SEQ_CST))
        return -XE_BUSY;
    return 0;
}
