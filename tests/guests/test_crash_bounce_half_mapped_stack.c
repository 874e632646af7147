/* A trap whose bounce frame runs into a not-present page.
 *
 * Checks: with a #BP handler registered and RSP 16 bytes into a page the guest
 * unmapped, the 7-word bounce frame's first five words land in the mapped page below
 * and the last two fault; the hypervisor must see the fault in the middle of the
 * frame and crash the domain ("cannot deliver vector 3: bad guest stack"), QEMU exit
 * status 5, not run the handler on a half-written frame.
 * Without it: a copy that lost a fault partway would enter the guest's handler with
 * RSP and SS missing from its frame.
 *
 * EXPECT-EXIT: 5
 * EXPECT-LOG: ^\(d0\) int3 on a stack half in a not-present page$
 * EXPECT-LOG: d0 .*cannot deliver vector 3: bad guest stack
 */
#include "rt.h"
#include "ptutil.h"

static uint8_t stack[2][4096] BSS_PAGE;

void test_main(void)
{
    long rc = pt_uvm(stack[1], 0);

    if (rc)
        test_fail("unmap", "update_va_mapping rc %ld", rc);
    printk("int3 on a stack half in a not-present page\n");
    __asm__ volatile("mov %0, %%rsp\n int3"
                     :: "r"((uint64_t)(uintptr_t)stack[1] + 16) : "memory");
    test_fail("crash_bounce_half_mapped_stack", "came back");
}
