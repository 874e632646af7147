/* A boot-time domain (domU) that reports how it was built, then powers off.
 *
 * Not booted by tests/guests/run.sh (that boots test_*.c as dom0): the
 * tests/boot/scenarios/bootdom-*.sh scenarios give it as a `domU ...` module. It prints
 * one line "domu-info flags 0x<start_info.flags> nr_pages <n> cmdline '<cmd_line>'",
 * checks that it is unprivileged (start_info.flags 0, console_io read and every domctl
 * refused with -EPERM, even one with a wrong version or an unreadable argument), then
 * "DONE ..." and SCHEDOP_shutdown(poweroff).
 */
#include "rt.h"
#include <xlite/domctl.h>

void test_main(void)
{
    char c;

    printk("domu-info flags 0x%x nr_pages %lu cmdline '%s'\n", (unsigned int)start_info->flags,
           (unsigned long)start_info->nr_pages, (const char *)start_info->cmd_line);
    t_begin("unprivileged");
    t_eq("start_info flags", start_info->flags, 0);
    t_eq("console_io(read)", HYPERVISOR_console_io(CONSOLEIO_read, 1, &c), -XEN_EPERM);
    struct xlite_domctl op = { .cmd = XLITE_DOMCTL_getdomaininfo,
                               .interface_version = XLITE_DOMCTL_INTERFACE_VERSION };
    t_eq("domctl getdomaininfo", hypercall_nr(__HYPERVISOR_domctl, (long)&op, 0, 0, 0, 0),
         -XEN_EPERM);
    op.cmd = XLITE_DOMCTL_destroydomain;
    op.interface_version = 1;
    t_eq("domctl destroy, old version", hypercall_nr(__HYPERVISOR_domctl, (long)&op, 0, 0, 0,
                                                      0), -XEN_EPERM);
    t_eq("domctl, unreadable", hypercall_nr(__HYPERVISOR_domctl, 0x1000, 0, 0, 0, 0),
         -XEN_EPERM);
    t_end();
}
