/* HYPERVISOR_iret whose frame runs into a not-present page.
 *
 * Checks: the 9-word iret frame starts 56 bytes below a page the guest unmapped, so
 * its first seven words read and the last two (RSP, SS) fault; the hypervisor must
 * see the fault in the middle of the frame and crash the domain with "unreadable iret
 * frame" (QEMU exit status 5), not return to the guest with a half-read frame.
 * Without it: a copy that lost a fault partway would resume the guest on whatever the
 * hypervisor's buffer held for RSP and SS.
 *
 * EXPECT-EXIT: 5
 * EXPECT-LOG: ^\(d0\) iret with a frame half in a not-present page$
 * EXPECT-LOG: d0 .*iret: unreadable iret frame
 */
#include "rt.h"
#include "ptutil.h"

static uint8_t stack[2][4096] BSS_PAGE;

void test_main(void)
{
    long rc = pt_uvm(stack[1], 0);

    if (rc)
        test_fail("unmap", "update_va_mapping rc %ld", rc);
    printk("iret with a frame half in a not-present page\n");
    /* The stub pushes RCX, R11 and RAX below RSP; the frame then begins at
     * stack[1] - 56 and its words 7 and 8 lie in stack[1]. */
    __asm__ volatile("mov %0, %%rsp\n jmp *%1"
                     :: "r"((uint64_t)(uintptr_t)stack[1] - 32),
                        "r"((uint64_t)(uintptr_t)hypercall_page +
                            __HYPERVISOR_iret * XLITE_HYPERCALL_STUB_SIZE)
                     : "memory");
    test_fail("crash_iret_half_mapped_frame", "came back");
}
