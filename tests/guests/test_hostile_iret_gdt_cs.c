/* HYPERVISOR_iret to a guest GDT entry that is no code segment (hostile guest, issue
 * "hostile guests" item 3): the selector passes the hypervisor's checks (an entry of
 * the guest's own GDT) but the hardware refuses it, so the IRETQ back to the guest
 * itself faults.
 *
 * Checks: with a one-page GDT whose entry 1 is a flat data segment, an iret frame with
 * CS = 0x0008 (RPL 0: guest kernel mode; 0x000B once forced) crashes this domain ("return to guest faulted", through the IRETQ's
 * exception fixup) and the hypervisor reports no fault of its own (exit status 5).
 * Without it: the #GP at the hypervisor's IRETQ had no fixup: fatal for the host.
 *
 * EXPECT-EXIT: 5
 * EXPECT-LOG: ^return to guest faulted: vector 13
 * EXPECT-LOG: ^d0 \(dom0\): crashed: return to guest faulted$
 * EXPECT-LOG: ^frames: [0-9]+ free, as before any domain was built$
 */
#include "bad_iret.h"
#include "ptutil.h"

#define FLAT_DATA_DPL3 0x00CFF2000000FFFFull

static uint64_t gdt[512] BSS_PAGE;

void test_main(void)
{
    unsigned long frames[1] = { virt_to_mfn(gdt) };

    gdt[1] = FLAT_DATA_DPL3;
    if (pt_uvm(gdt, pt_ma(gdt) | PT_RO_FLAGS))
        rt_panic("cannot make the GDT page read-only");
    long rc = HYPERVISOR_set_gdt(frames, 512);
    if (rc)
        rt_panic("set_gdt: %ld", rc);
    printk("iret to CS 0x0008 (a data segment)\n");
    bad_iret(0x0008, FLAT_KERNEL_SS);
    test_fail("iret_data_segment_cs_crashes", "the iret returned");
}
