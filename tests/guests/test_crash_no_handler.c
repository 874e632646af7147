/* A fault the guest has no handler for (empty virtual IDT before set_trap_table).
 *
 * Checks: the hypervisor crashes the domain (and says so in its log), does not fault
 * itself, and with exit_on_shutdown reports the crash as QEMU exit status 5.
 * Without it: a guest bug could take the hypervisor down or hang the machine.
 *
 * EXPECT-EXIT: 5
 * EXPECT-LOG: ^\(d0\) about to execute ud2 with no trap table$
 * EXPECT-LOG: d0 .*crashed
 */
#include "rt.h"

void test_pre_traps(void)
{
    printk("about to execute ud2 with no trap table\n");
    __asm__ volatile("ud2");
    printk("FAIL crash_no_handler: execution continued after ud2\n");
    rt_shutdown(SHUTDOWN_poweroff);
}

void test_main(void)
{
    test_fail("crash_no_handler", "test_main reached");
}
