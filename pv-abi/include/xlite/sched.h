/* xlite PV ABI: sched_op (hypercall 29): yield, block, shutdown, poll and friends. */
#ifndef XLITE_PV_ABI_SCHED_H
#define XLITE_PV_ABI_SCHED_H

#include "xen.h"

/*
 * HYPERVISOR_sched_op(cmd, arg). Sub-ops:
 *   yield     arg NULL. Give up the CPU; returns 0.
 *   block     arg NULL. Clears evtchn_upcall_mask, then sleeps until an event
 *             is deliverable (returns at once if one already is); returns 0.
 *   shutdown  struct sched_shutdown. Never returns.
 *   poll      struct sched_poll. Sleep until one of the ports is pending or
 *             the timeout passes; -EINVAL for > 128 ports or a bad port.
 */
#define SCHEDOP_yield            0
#define SCHEDOP_block            1
#define SCHEDOP_shutdown         2
#define SCHEDOP_poll             3
#define SCHEDOP_remote_shutdown  4  /* privileged: shut another domain down */
#define SCHEDOP_shutdown_code    5  /* record the reason without shutting down */
#define SCHEDOP_watchdog         6
#define SCHEDOP_pin_override     7  /* dom0: temporarily pin this vCPU */

/* Shutdown reasons (also reported to the toolstack). */
#define SHUTDOWN_poweroff    0  /* clean exit */
#define SHUTDOWN_reboot      1
#define SHUTDOWN_suspend     2  /* state saved, may be resumed */
#define SHUTDOWN_crash       3  /* the guest gave up */
#define SHUTDOWN_watchdog    4  /* a SCHEDOP_watchdog timer expired */
#define SHUTDOWN_soft_reset  5
#define SHUTDOWN_MAX         5

#define XLITE_SCHEDOP_POLL_MAX_PORTS 128

#ifdef __cplusplus
extern "C" {
#endif

struct sched_shutdown {
    uint32_t reason;  /* SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;

struct sched_poll {
    XEN_GUEST_HANDLE(evtchn_port_t) ports; /* array of nr_ports ports */
    uint32_t nr_ports;
    uint64_t timeout;  /* absolute system time in ns, 0 = wait forever */
};
typedef struct sched_poll sched_poll_t;

struct sched_remote_shutdown {
    domid_t  domain_id;
    uint32_t reason;  /* SHUTDOWN_* */
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;

struct sched_watchdog {
    uint32_t id;       /* 0 = allocate a new watchdog (its id is returned) */
    uint32_t timeout;  /* seconds; 0 = destroy watchdog id */
};
typedef struct sched_watchdog sched_watchdog_t;

struct sched_pin_override {
    int32_t pcpu;  /* physical CPU, or -1 to end the override */
};
typedef struct sched_pin_override sched_pin_override_t;

XLITE_ABI_SIZE(struct sched_shutdown, 4, sched_shutdown_size);
XLITE_ABI_SIZE(struct sched_poll, 24, sched_poll_size);
XLITE_ABI_OFFSET(struct sched_poll, ports, 0, sched_poll_ports);
XLITE_ABI_OFFSET(struct sched_poll, nr_ports, 8, sched_poll_nr_ports);
XLITE_ABI_OFFSET(struct sched_poll, timeout, 16, sched_poll_timeout);
XLITE_ABI_SIZE(struct sched_remote_shutdown, 8, sched_remote_shutdown_size);
XLITE_ABI_OFFSET(struct sched_remote_shutdown, reason, 4, sched_remote_shutdown_reason);
XLITE_ABI_SIZE(struct sched_watchdog, 8, sched_watchdog_size);
XLITE_ABI_SIZE(struct sched_pin_override, 4, sched_pin_override_size);

#ifdef __cplusplus
}
#endif

#endif /* XLITE_PV_ABI_SCHED_H */
