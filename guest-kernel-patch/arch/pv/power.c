/* replaces hlt, the ACPI power-off/reset paths and the UART driver's raw port I/O:
 * SCHEDOP_block for idle, SCHEDOP_shutdown, console_io for the early console. */
#include "pv.h"

void arch_idle(void)
{
    /* Block unmasks events atomically; the upcall runs on this stack when it wakes. */
    HYPERVISOR_sched_op(SCHEDOP_block, NULL);
    shared->vcpu_info[0].evtchn_upcall_mask = 1;
    __asm__ volatile("" ::: "memory");
    evtchn_poll();
}

NORETURN void arch_shutdown(unsigned int reason)
{
    struct sched_shutdown s = { .reason = reason };

    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);
}

void arch_console_write(const char *s, size_t n)
{
    HYPERVISOR_console_io(CONSOLEIO_write, (unsigned int)n, s);
}

long arch_console_read(char *buf, size_t n)
{
    return HYPERVISOR_console_io(CONSOLEIO_read, (unsigned int)n, buf);
}
