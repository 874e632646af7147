/* Halting the machine and, for tests, ending QEMU through isa-debug-exit (port 0xF4). */
#include <stdarg.h>

#include <asm/irq.h>
#include <hv/lib.h>
#include <asm/machine.h>
#include <hv/options.h>
#include <hv/printk.h>
#include <x86/x86.h>

#define DEBUG_EXIT_PORT 0xF4

void machine_halt(int status)
{
    irq_save();
    if (hv_opts.exit_on_shutdown)
        outl(DEBUG_EXIT_PORT, (uint32_t)status);
    for (;;)                         /* no debug-exit device, or not asked to use it */
        __asm__ volatile("cli; hlt");
}

void panic(const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    xl_vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pr_err("*** PANIC: %s ***\n*** System halted ***\n", msg);
    machine_halt(EXIT_FAULT);
}
