/* sched_op (hypercall 29) apart from the poweroff every guest ends with, and the
 * privilege answer of sysctl (hypercall 35).
 *
 * Checks: SCHEDOP_yield returns 0 (NULL argument), SCHEDOP_shutdown with an
 * unreadable argument is -EFAULT and does not shut down, an unknown sub-command is
 * -ENOSYS, SCHEDOP_poll with more than 128 ports is -EINVAL, with an unreadable
 * argument or port array -EFAULT, on a port that was never allocated -EINVAL at once
 * (XSA-221); sysctl from dom0 (privileged, so not -EPERM) is -ENOSYS: xlite has no
 * sysctl operations.
 * Without it: XTF spins on yield after every console write; a shutdown with a bad
 * pointer could kill the domain with a garbage reason.
 */
#include "rt.h"

static void t_yield(void)
{
    t_begin("yield");
    t_eq("SCHEDOP_yield", HYPERVISOR_sched_op(SCHEDOP_yield, NULL), 0);
    t_eq("SCHEDOP_yield again", HYPERVISOR_sched_op(SCHEDOP_yield, NULL), 0);
    t_end();
}

static void t_shutdown_efault(void)
{
    t_begin("shutdown_bad_pointer_efault");
    t_eq("unmapped argument", HYPERVISOR_sched_op(SCHEDOP_shutdown, (void *)0x40000000ul),
         -XEN_EFAULT);
    t_eq("non-canonical argument",
         HYPERVISOR_sched_op(SCHEDOP_shutdown, (void *)0x8000000000000000ul), -XEN_EFAULT);
    t_end();
}

static void t_unknown(void)
{
    t_begin("unknown_cmd_enosys");
    t_eq("cmd 99", HYPERVISOR_sched_op(99, NULL), -XEN_ENOSYS);
    t_eq("cmd -1", HYPERVISOR_sched_op(-1, NULL), -XEN_ENOSYS);
    t_end();
}

static void t_poll(void)
{
    evtchn_port_t ports[1] = { 4000 };
    struct sched_poll p = { .nr_ports = 1, .timeout = 1 };

    t_begin("poll_errors");
    set_xen_guest_handle(p.ports, ports);
    t_eq("port 4000 never allocated", HYPERVISOR_sched_op(SCHEDOP_poll, &p), -XEN_EINVAL);
    p.nr_ports = XLITE_SCHEDOP_POLL_MAX_PORTS + 1;
    t_eq("129 ports", HYPERVISOR_sched_op(SCHEDOP_poll, &p), -XEN_EINVAL);
    p.nr_ports = 1;
    set_xen_guest_handle(p.ports, (evtchn_port_t *)0x40000000ul);
    t_eq("unmapped port array", HYPERVISOR_sched_op(SCHEDOP_poll, &p), -XEN_EFAULT);
    t_eq("unmapped argument", HYPERVISOR_sched_op(SCHEDOP_poll, (void *)0x40000000ul),
         -XEN_EFAULT);
    t_end();
}

static void t_sysctl(void)
{
    static uint64_t buf[64];     /* an all-zero request: cmd 0, interface_version 0 */

    t_begin("sysctl_dom0_enosys");
    t_eq("sysctl", HYPERVISOR_sysctl(buf), -XEN_ENOSYS);
    t_end();
}

void test_main(void)
{
    t_yield();
    t_shutdown_efault();
    t_unknown();
    t_poll();
    t_sysctl();
}
