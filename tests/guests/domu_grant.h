/* Shared by the grant-table domU guests (domu_grant_*.c, booted together by
 * tests/boot/scenarios/grant-*.sh): grant_table_op helpers, the granter's side of a
 * v1 table, and a mailbox between two domains that needs nothing but grants.
 *
 * Mailbox: the granter grants one of its pages (REF_BOX) writable to the peer. The
 * granter reads and writes it directly; the peer only ever reaches it with
 * GNTTABOP_copy (so the mailbox itself exercises copies, and works before, between
 * and after the peer's mappings). Word BOX_PEER holds the peer's stage, BOX_GRANTER the
 * granter's; each side waits for the other's stage with SCHEDOP_yield between looks.
 */
#ifndef DOMU_GRANT_H
#define DOMU_GRANT_H

#include "pvtime.h"
#include "rt.h"
#include <xlite/grant_table.h>

#define REF_RW      8       /* writable page the peer maps (host and device) */
#define REF_RO      9       /* read-only page with pattern_ro() */
#define REF_BOX     10      /* the mailbox */
#define REF_OTHER   11      /* granted to a domain that is not the peer */
#define REF_PIN     12      /* writable page the granter tries to pin while mapped */

#define BOX_PEER    0
#define BOX_GRANTER 1
#define WAIT_NS     (25 * NS_PER_S)

#define PTE_RW_FLAGS (PTE_P | PTE_RW | PTE_A | PTE_D)
#define PTE_RO_FLAGS (PTE_P | PTE_A)

static inline uint8_t pattern_ro(unsigned int i) { return (uint8_t)(i * 7 + 3); }
static inline uint8_t pattern_peer(unsigned int i) { return (uint8_t)(i * 13 + 5); }

static inline long gop(unsigned int cmd, void *arg, unsigned int count)
{
    return HYPERVISOR_grant_table_op(cmd, arg, count);
}

static inline void yield(void)
{
    HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

/* Points va at frame mfn (or back at its own frame) with the given flags. */
static inline long remap(volatile void *va, uint64_t mfn, uint64_t flags)
{
    return HYPERVISOR_update_va_mapping((unsigned long)va, (mfn << 12) | flags, UVMF_INVLPG);
}

static inline long restore(volatile void *va)
{
    return remap(va, virt_to_mfn(va), PTE_RW_FLAGS);
}

/* Machine address of the L1 entry that maps va (walks the live tables via the M2P). */
static inline uint64_t l1e_maddr(const volatile void *p)
{
    uint64_t va = (uint64_t)p;
    const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
    const uint64_t *l3 = mfn_to_virt((l4[(va >> 39) & 511] & PTE_ADDR) >> 12);
    const uint64_t *l2 = mfn_to_virt((l3[(va >> 30) & 511] & PTE_ADDR) >> 12);

    return (l2[(va >> 21) & 511] & PTE_ADDR) + 8 * ((va >> 12) & 511);
}

/* setup_table(DOMID_SELF, 1) and map its frame writable at table_page; NULL on
 * failure (reported). */
static inline volatile grant_entry_v1_t *granter_setup(volatile void *table_page)
{
    xen_pfn_t frame = 0;
    gnttab_setup_table_t st = { .dom = DOMID_SELF, .nr_frames = 1 };

    set_xen_guest_handle(st.frame_list, &frame);
    if (!t_eq("setup_table", gop(GNTTABOP_setup_table, &st, 1), 0) ||
        !t_eq("setup_table status", st.status, GNTST_okay) ||
        !t_eq("map the table frame", remap(table_page, frame, PTE_RW_FLAGS), 0))
        return NULL;
    return (volatile grant_entry_v1_t *)table_page;
}

/* Mini-OS's gnttab_grant_access: frame and domid first, flags last. */
static inline void grant_access(volatile grant_entry_v1_t *gt, uint32_t ref, uint16_t domid,
                                uint64_t mfn, bool ro)
{
    gt[ref].frame = (uint32_t)mfn;
    gt[ref].domid = domid;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    gt[ref].flags = GTF_permit_access | (ro ? GTF_readonly : 0);
}

/* Mini-OS's gnttab_end_access: clears flags unless the hypervisor marked the entry
 * in use (GTF_reading / GTF_writing). True if access ended. */
static inline bool end_access(volatile grant_entry_v1_t *gt, uint32_t ref)
{
    uint16_t old = gt[ref].flags;

    do {
        if (old & (GTF_reading | GTF_writing))
            return false;
    } while (!__atomic_compare_exchange_n(&gt[ref].flags, &old, 0, false, __ATOMIC_SEQ_CST,
                                          __ATOMIC_SEQ_CST));
    return true;
}

/* Peer side: one word of granter's mailbox through GNTTABOP_copy. Returns the copy's
 * status (or GNTST_general_error if the hypercall itself failed). */
static inline int16_t box_io(uint16_t granter, unsigned int word, uint64_t *val, bool write)
{
    static volatile uint64_t buf[512] BSS_PAGE;
    gnttab_copy_t c;

    memset(&c, 0, sizeof(c));
    c.len = 8;
    if (write) {
        buf[word] = *val;
        c.source.u.gmfn = virt_to_mfn(buf);
        c.source.domid = DOMID_SELF;
        c.source.offset = (uint16_t)(word * 8);
        c.dest.u.ref = REF_BOX;
        c.dest.domid = granter;
        c.dest.offset = (uint16_t)(word * 8);
        c.flags = GNTCOPY_dest_gref;
    } else {
        c.source.u.ref = REF_BOX;
        c.source.domid = granter;
        c.source.offset = (uint16_t)(word * 8);
        c.dest.u.gmfn = virt_to_mfn(buf);
        c.dest.domid = DOMID_SELF;
        c.dest.offset = (uint16_t)(word * 8);
        c.flags = GNTCOPY_source_gref;
    }
    if (gop(GNTTABOP_copy, &c, 1) != 0)
        return GNTST_general_error;
    if (!write && c.status == GNTST_okay)
        *val = buf[word];
    return c.status;
}

/* Peer side: tell the granter we reached `stage`. */
static inline void peer_says(uint16_t granter, uint64_t stage)
{
    int16_t st = box_io(granter, BOX_PEER, &stage, true);

    if (st != GNTST_okay)
        rt_panic("mailbox write of stage %lu: status %d", (unsigned long)stage, st);
}

/* Peer side: wait until the granter's stage is `stage` (the mailbox may not be
 * granted yet: copies fail until it is). */
static inline void peer_waits(uint16_t granter, uint64_t stage)
{
    uint64_t end = pvclock_now() + WAIT_NS, v = 0;

    while (box_io(granter, BOX_GRANTER, &v, false) != GNTST_okay || v != stage) {
        if (pvclock_now() > end)
            rt_panic("timeout waiting for the granter's stage %lu (last %lu)",
                     (unsigned long)stage, (unsigned long)v);
        yield();
    }
}

/* Granter side: wait until the peer's stage in the mailbox is `stage`. */
static inline void granter_waits(volatile uint64_t *box, uint64_t stage)
{
    uint64_t end = pvclock_now() + WAIT_NS;

    while (box[BOX_PEER] != stage) {
        if (pvclock_now() > end)
            rt_panic("timeout waiting for the peer's stage %lu (last %lu)",
                     (unsigned long)stage, (unsigned long)box[BOX_PEER]);
        yield();
    }
}

/* A write to va; returns the number of traps it raised (the exception table resumes
 * after it, rt_last_trap describes the trap). */
static inline unsigned long write_byte(volatile void *va, uint8_t v)
{
    unsigned long n = rt_trap_count;

    __asm__ volatile(SITE("movb %%bl, (%%rax)") :: "a"(va), "b"((uint32_t)v) : "memory");
    return rt_trap_count - n;
}

#endif
