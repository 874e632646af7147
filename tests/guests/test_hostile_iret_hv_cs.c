/* HYPERVISOR_iret naming the hypervisor's own code selector (hostile guest, issue
 * "hostile guests" item 3).
 *
 * Checks: an iret frame with CS = 0xE008 (the hypervisor's ring-0 code segment; only
 * its RPL can be forced to 3, which makes it a selector ring 3 may not load) crashes
 * this domain with a message naming the selector rule, and the hypervisor reports no
 * fault of its own (exit status 5: a domain crashed, nothing else).
 * Without it: the hypervisor's IRETQ took a #GP with no fixup and the whole host
 * halted in its fault report.
 *
 * EXPECT-EXIT: 5
 * EXPECT-LOG: ^d0 \(dom0\): crashed: iret: CS or SS is no selector a guest may use$
 * EXPECT-LOG: ^frames: [0-9]+ free, as before any domain was built$
 */
#include "bad_iret.h"

void test_main(void)
{
    printk("iret to CS 0xE008\n");
    bad_iret(0xE008, FLAT_KERNEL_SS);
    test_fail("iret_hv_cs_crashes", "the iret returned");
}
