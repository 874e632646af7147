/* A stale TLB entry must never outlive a frame's reuse (hostile guest, issue "hostile
 * guests" item 1).
 *
 * The attack: one L1 table reachable through two L2 slots maps frame F at two
 * addresses; the guest reads F through the second address (the TLB now caches it),
 * removes the L1 entry through the first with update_va_mapping(UVMF_INVLPG), which
 * flushes only that address, gives F back (decrease_reservation) and makes the
 * hypervisor allocate a frame (increase_reservation hands F back out, most recently
 * freed first). Checks: the allocation flushed the TLB, so a read through the second
 * address now faults (#PF) instead of reaching the reallocated frame; F came back as
 * the new frame (otherwise the test proves nothing); everything is undone cleanly.
 * Without the allocator's TLB clock the stale alias reaches whatever the frame became
 * next: in the fuzzer's run, the hypervisor's own grant maptrack page.
 *
 * EXPECT-LOG: ^frames: [0-9]+ free, as before any domain was built$
 */
#include "ptutil.h"

#define SLOT_A 400u              /* two empty L2 slots of the image's L2 */
#define SLOT_B 401u

static uint8_t l1_page[4096] BSS_PAGE;  /* becomes the shared L1 */
static uint8_t victim[4096] BSS_PAGE;   /* F: mapped only through that L1 */
static uint8_t spacer[4096] BSS_PAGE;   /* keeps F's buddy allocated */

void test_main(void)
{
    uint64_t l2_ma, *l2 = pt_l2_of((uint64_t)(uintptr_t)victim, &l2_ma);
    uint64_t t_ma = pt_ma(l1_page), f_mfn = virt_to_mfn(victim);
    volatile uint64_t *va1 = (volatile uint64_t *)((uint64_t)SLOT_A << 21);
    volatile uint64_t *va2 = (volatile uint64_t *)((uint64_t)SLOT_B << 21);

    if (l2[SLOT_A] || l2[SLOT_B])
        rt_panic("L2 slots %u/%u are in use", SLOT_A, SLOT_B);
    spacer[0] = 1;
    t_begin("stale_alias_flushed_before_reuse");
    memset(l1_page, 0, sizeof(l1_page));
    memset(victim, 0xA5, sizeof(victim));
    t_eq("F's buddy frame is ours (so F comes back first)", pt_owned(f_mfn ^ 1), 1);
    t_eq("L1 page read-only", pt_uvm(l1_page, t_ma | PT_RO_FLAGS), 0);
    t_eq("pin it as L1", pt_ext(MMUEXT_PIN_L1_TABLE, t_ma >> 12), 0);
    t_eq("L2 slot A -> L1", pt_mmu1(l2_ma + 8 * SLOT_A, t_ma | PT_RW_FLAGS | PTE_U), 0);
    t_eq("L2 slot B -> same L1", pt_mmu1(l2_ma + 8 * SLOT_B, t_ma | PT_RW_FLAGS | PTE_U), 0);
    t_eq("unmap F at its own address", pt_uvm(victim, 0), 0);
    t_eq("L1[0] -> F", pt_mmu1(t_ma, (f_mfn << 12) | PT_RW_FLAGS), 0);
    t_eq("F through address A", *va1, 0xA5A5A5A5A5A5A5A5ull);
    t_eq("F through address B (now cached)", *va2, 0xA5A5A5A5A5A5A5A5ull);
    t_eq("remove L1[0] through A, INVLPG of A only",
         HYPERVISOR_update_va_mapping((unsigned long)va1, 0, UVMF_INVLPG), 0);
    t_eq("give F back", pt_decrease(f_mfn), 1);
    uint64_t again = 0;
    t_eq("take a frame", pt_increase(&again), 1);
    t_eq("the new frame is F", again, f_mfn);
    t_eq("a read through B faults (no stale translation)", pt_read_traps(va2), 1);
    t_eq("... with #PF", rt_last_trap.vector, X86_EXC_PF);
    t_end();

    t_begin("undo");
    t_eq("clear slot A", pt_mmu1(l2_ma + 8 * SLOT_A, 0), 0);
    t_eq("clear slot B", pt_mmu1(l2_ma + 8 * SLOT_B, 0), 0);
    t_eq("unpin the L1", pt_ext(MMUEXT_UNPIN_TABLE, t_ma >> 12), 0);
    t_eq("L1 page writable again", pt_restore(l1_page), 0);
    t_eq("flush", pt_ext(MMUEXT_TLB_FLUSH_LOCAL, 0), 0);
    t_end();
}
