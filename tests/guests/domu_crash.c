/* A boot-time domain (domU) that crashes: ud2 before any trap table exists.
 *
 * Not booted by tests/guests/run.sh: tests/boot/scenarios/bootdom-crash.sh gives it
 * as a `domU ...` module next to a domain that must still run to completion. It prints
 * "domu-crash: ud2 with no trap table" and executes ud2 (the hypervisor crashes the
 * domain); anything after that is a failure.
 */
#include "rt.h"

void test_pre_traps(void)
{
    printk("domu-crash: ud2 with no trap table\n");
    __asm__ volatile("ud2");
    printk("FAIL domu_crash: execution continued after ud2\n");
    rt_shutdown(SHUTDOWN_poweroff);
}

void test_main(void)
{
    test_fail("domu_crash", "test_main reached");
}
