/* Deliberate hypervisor faults (crash_test=pf|ud|gp|de) so a boot test can prove that
 * unexpected exceptions are caught and reported with registers and a stack trace. */
#include <hv/lib.h>
#include <asm/machine.h>

#define CRASH_TEST_ADDR 0xdead0000ul   /* unmapped: slot 0 belongs to guests */

__attribute__((noinline)) void crash_test_trigger(const char *kind)
{
    if (!strcmp(kind, "pf")) {
        *(volatile uint64_t *)CRASH_TEST_ADDR = 1;
    } else if (!strcmp(kind, "ud")) {
        __asm__ volatile("ud2");
    } else if (!strcmp(kind, "gp")) {
        /* A non-canonical address faults with #GP, not #PF. */
        *(volatile uint64_t *)0x8000000000000000ul = 1;
    } else if (!strcmp(kind, "de")) {
        uint32_t zero = 0;
        __asm__ volatile("divl %1" :: "a"(1), "r"(zero), "d"(0));
    }
}
