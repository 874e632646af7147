/* A fault on a vector the trap table leaves unregistered (address 0).
 *
 * Checks: with a trap table that has only #GP, a ud2 (#UD, vector 6) crashes the
 * domain, the hypervisor logs it and survives, QEMU exit status 5.
 * Without it: the hypervisor would jump to guest address 0 or fault itself.
 *
 * EXPECT-EXIT: 5
 * EXPECT-LOG: ^\(d0\) trap table without #UD installed$
 * EXPECT-LOG: d0 .*crashed
 */
#include "rt.h"

void test_pre_traps(void)
{
    long rc = rt_set_trap(X86_EXC_GP, XLITE_TI_MASK_EVENTS);

    if (rc) {
        printk("FAIL set_trap_table: rc %ld\n", rc);
        rt_shutdown(SHUTDOWN_poweroff);
    }
    printk("trap table without #UD installed\n");
    __asm__ volatile("ud2");
    printk("FAIL crash_unregistered_vector: execution continued after ud2\n");
    rt_shutdown(SHUTDOWN_poweroff);
}

void test_main(void)
{
    test_fail("crash_unregistered_vector", "test_main reached");
}
