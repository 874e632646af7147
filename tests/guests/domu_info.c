/* A boot-time domain (domU) that reports how it was built, then powers off.
 *
 * Not booted by tests/guests/run.sh (that boots test_*.c as dom0): the
 * tests/boot/scenarios/bootdom-*.sh scenarios give it as a `domU ...` module. It prints
 * one line "domu-info flags 0x<start_info.flags> nr_pages <n> cmdline '<cmd_line>'",
 * checks that it is unprivileged (start_info.flags 0, console_io read refused with
 * -EPERM), then "DONE ..." and SCHEDOP_shutdown(poweroff).
 */
#include "rt.h"

void test_main(void)
{
    char c;

    printk("domu-info flags 0x%x nr_pages %lu cmdline '%s'\n", (unsigned int)start_info->flags,
           (unsigned long)start_info->nr_pages, (const char *)start_info->cmd_line);
    t_begin("unprivileged");
    t_eq("start_info flags", start_info->flags, 0);
    t_eq("console_io(read)", HYPERVISOR_console_io(CONSOLEIO_read, 1, &c), -XEN_EPERM);
    t_end();
}
