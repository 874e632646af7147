/* A boot-time domain that single-steps with no trap table: the #DB arrives on the
 * hypervisor's IST stack and crashes the domain there.
 *
 * Not booted by tests/guests/run.sh: tests/boot/scenarios/bootdom-ist-crash.sh runs it
 * next to a domain that must still run to completion. Without the hypervisor moving a
 * guest frame that arrived on an IST stack to the top of the CPU stack, the crash path
 * would switch to the other domain through a stale frame and return into the dead one.
 */
#include "rt.h"

void test_pre_traps(void)
{
    printk("domu-db-crash: setting TF with no trap table\n");
    __asm__ volatile("pushfq; orq $0x100, (%%rsp); popfq; nop; nop" ::: "memory", "cc");
    printk("FAIL domu_db_crash: execution continued after the single step\n");
    rt_shutdown(SHUTDOWN_poweroff);
}

void test_main(void)
{
    test_fail("domu_db_crash", "test_main reached");
}
