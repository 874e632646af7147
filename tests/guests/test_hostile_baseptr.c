/* The page table under the CPU never loses its last reference (hostile guest, issue
 * "hostile guests" item 5).
 *
 * Checks: with a copy C of the running L4 (with a private copy of its L3) pinned and
 * made the kernel base pointer, then unpinned (only CR3's reference left) and the TLB
 * flushed, NEW_BASEPTR back to the original L4
 * switches CR3 before C is released, so C is torn down safely and becomes plain
 * memory again (it can be mapped writable); the same as one mmuext batch, the shape a
 * fuzzer found: [NEW_BASEPTR original, UNPIN C, TLB_FLUSH_LOCAL] after C was made the
 * base pointer; and NEW_USER_BASEPTR from an unpinned user L4 to none. The guest runs
 * on after each, and every frame is back at the end.
 * Without it: the old L4's last reference went first, its hypervisor slots were zeroed
 * while it was still CR3, and the next hypervisor access faulted with no mapped IDT or
 * stack: a triple fault reset the machine.
 *
 * EXPECT-LOG: ^frames: [0-9]+ free, as before any domain was built$
 */
#include "ptutil.h"

static uint64_t copy[512] BSS_PAGE;
static uint64_t l3_copy[512] BSS_PAGE;

/* Fill `copy` with the running L4's guest slots, slot 0 onto a private copy of the
 * image's L3 (so tearing `copy` down has a table of its own to release, read through
 * the hypervisor's direct map), and pin it as an L4: its MFN. */
static uint64_t make_copy(void)
{
    const uint64_t *l4 = pt_l4();
    uint64_t mfn = virt_to_mfn(copy);

    memcpy(l3_copy, pt_table(l4[0]), sizeof(l3_copy));
    for (unsigned int i = 0; i < 512; i++)
        copy[i] = (i >= 256 && i < 272) ? 0 : l4[i];
    copy[0] = pt_ma(l3_copy) | (l4[0] & 0xFFF);
    if (pt_uvm(l3_copy, pt_ma(l3_copy) | PT_RO_FLAGS))
        rt_panic("cannot make the L3 copy read-only");
    if (pt_uvm(copy, (mfn << 12) | PT_RO_FLAGS))
        rt_panic("cannot make the copy read-only");
    long rc = pt_ext(MMUEXT_PIN_L4_TABLE, mfn);
    if (rc)
        rt_panic("PIN_L4 of the copy: %ld", rc);
    return mfn;
}

static void t_new_baseptr_from_unpinned(uint64_t orig)
{
    uint64_t c = make_copy();

    t_begin("new_baseptr_away_from_unpinned_l4");
    t_eq("NEW_BASEPTR copy", pt_ext(MMUEXT_NEW_BASEPTR, c), 0);
    t_eq("UNPIN copy (CR3 keeps it)", pt_ext(MMUEXT_UNPIN_TABLE, c), 0);
    t_eq("flush the TLB (nothing cached for the teardown)",
         pt_ext(MMUEXT_TLB_FLUSH_LOCAL, 0), 0);
    t_eq("NEW_BASEPTR original", pt_ext(MMUEXT_NEW_BASEPTR, orig), 0);
    t_eq("the hypervisor still answers", HYPERVISOR_xen_version(0, NULL) > 0, 1);
    t_eq("copy writable again (released)", pt_restore(copy), 0);
    t_eq("L3 copy writable again (released)", pt_restore(l3_copy), 0);
    t_end();
}

static void t_batch(uint64_t orig)
{
    uint64_t c = make_copy();
    mmuext_op_t ops[3] = {
        { .cmd = MMUEXT_NEW_BASEPTR, .arg1.mfn = orig },
        { .cmd = MMUEXT_UNPIN_TABLE, .arg1.mfn = c },
        { .cmd = MMUEXT_TLB_FLUSH_LOCAL },
    };
    unsigned int done = 0;

    t_begin("batch_new_baseptr_unpin_flush");
    t_eq("NEW_BASEPTR copy", pt_ext(MMUEXT_NEW_BASEPTR, c), 0);
    t_eq("batch", HYPERVISOR_mmuext_op(ops, 3, &done, DOMID_SELF), 0);
    t_eq("done", done, 3);
    t_eq("the hypervisor still answers", HYPERVISOR_xen_version(0, NULL) > 0, 1);
    t_eq("copy writable again (released)", pt_restore(copy), 0);
    t_eq("L3 copy writable again (released)", pt_restore(l3_copy), 0);
    t_end();
}

static void t_user_baseptr(void)
{
    uint64_t c = make_copy();

    t_begin("new_user_baseptr_from_unpinned_l4");
    t_eq("NEW_USER_BASEPTR copy", pt_ext(MMUEXT_NEW_USER_BASEPTR, c), 0);
    t_eq("UNPIN copy", pt_ext(MMUEXT_UNPIN_TABLE, c), 0);
    t_eq("NEW_USER_BASEPTR none", pt_ext(MMUEXT_NEW_USER_BASEPTR, 0), 0);
    t_eq("copy writable again (released)", pt_restore(copy), 0);
    t_eq("L3 copy writable again (released)", pt_restore(l3_copy), 0);
    t_end();
}

void test_main(void)
{
    uint64_t orig = virt_to_mfn(pt_l4());

    t_new_baseptr_from_unpinned(orig);
    t_batch(orig);
    t_user_baseptr();
}
