/* A trap whose bounce frame cannot be written (RSP non-canonical).
 *
 * Checks: with a handler registered but RSP = 0x800000000badc0de, pushing onto the
 * stack faults and the hypervisor cannot deliver the #GP: it crashes the domain
 * (not itself), QEMU exit status 5. XTF's crash path relies on exactly this.
 * Without it: a frame written through a bad guest RSP could fault in the hypervisor.
 *
 * EXPECT-EXIT: 5
 * EXPECT-LOG: ^\(d0\) loading a non-canonical RSP$
 * EXPECT-LOG: d0 .*crashed
 */
#include "rt.h"

void test_main(void)
{
    printk("loading a non-canonical RSP\n");
    __asm__ volatile("mov $0x800000000badc0de, %%rsp\n pushq $0" ::: "memory");
    printk("FAIL crash_bad_stack: execution continued\n");
}
