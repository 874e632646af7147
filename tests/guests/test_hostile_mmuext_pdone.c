/* mmuext_op's *pdone on a fresh call (issue "hostile guests" item 6).
 *
 * Checks: a fresh mmuext_op of 2 TLB flushes writes 2 to *pdone whatever it held
 * before (1000 here, and 0xFFFFFFFF), as Xen does (it reads *pdone only when resuming a
 * preempted call); a batch failing at its second op writes 1; mmu_update does the same.
 * Without it: *pdone was added to, so a guest counting completed ops from an
 * uninitialised variable (or reusing one) saw nonsense.
 */
#include "ptutil.h"

void test_main(void)
{
    mmuext_op_t ops[2] = { { .cmd = MMUEXT_TLB_FLUSH_LOCAL }, { .cmd = MMUEXT_TLB_FLUSH_LOCAL } };
    unsigned int done = 1000;

    t_begin("mmuext_pdone_is_set_not_added");
    t_eq("two flushes", HYPERVISOR_mmuext_op(ops, 2, &done, DOMID_SELF), 0);
    t_eq("*pdone (was 1000)", done, 2);
    done = 0xFFFFFFFF;
    t_eq("two flushes again", HYPERVISOR_mmuext_op(ops, 2, &done, DOMID_SELF), 0);
    t_eq("*pdone (was 0xFFFFFFFF)", done, 2);
    ops[1].cmd = 9999;
    done = 77;
    t_eq("second op unknown", HYPERVISOR_mmuext_op(ops, 2, &done, DOMID_SELF), -XEN_ENOSYS);
    t_eq("*pdone (was 77)", done, 1);
    t_end();

    t_begin("mmu_update_pdone_is_set_not_added");
    mmu_update_t req = { .ptr = (virt_to_mfn(pt_l4()) << 12) | MMU_MACHPHYS_UPDATE,
                         .val = M2P[virt_to_mfn(pt_l4())] };
    done = 500;
    t_eq("one M2P update", HYPERVISOR_mmu_update(&req, 1, &done, DOMID_SELF), 0);
    t_eq("*pdone (was 500)", done, 1);
    t_end();
}
