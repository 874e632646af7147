/* A boot-time domain (domU) that reports how it was built, then powers off.
 *
 * Not booted by tests/guests/run.sh (that boots test_*.c as dom0): the
 * tests/boot/scenarios/bootdom-*.sh scenarios give it as a `domU ...` module. It prints
 * one line "domu-info flags 0x<start_info.flags> nr_pages <n> cmdline '<cmd_line>'"
 * (and "domu-info ramdisk <bytes> at <va>: '<first 24 bytes>'" when it has one),
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
    if (start_info->mod_len) {
        const char *rd = (const char *)start_info->mod_start;
        char head[25];
        size_t n = start_info->mod_len < 24 ? start_info->mod_len : 24;
        for (size_t i = 0; i < n; i++)
            head[i] = rd[i] >= 0x20 && rd[i] < 0x7f ? rd[i] : '.';
        head[n] = '\0';
        printk("domu-info ramdisk %lu bytes at %#lx: '%s'\n",
               (unsigned long)start_info->mod_len, (unsigned long)start_info->mod_start, head);
    }
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
