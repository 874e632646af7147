/* xlite PV ABI: event_channel_op (hypercall 32) and virtual IRQ numbers. */
#ifndef XLITE_PV_ABI_EVENT_CHANNEL_H
#define XLITE_PV_ABI_EVENT_CHANNEL_H

#include "xen.h"

/*
 * HYPERVISOR_event_channel_op(cmd, arg). With the 2-level ABI a 64-bit guest
 * has ports 1..NR_EVENT_CHANNELS-1 (port 0 is never allocated); allocation
 * returns the lowest free port, -ENOSPC when none is left. Pending/mask bits
 * live in shared_info. Clearing a mask bit by hand does not deliver an event
 * that became pending while masked; EVTCHNOP_unmask does. Ports start
 * unmasked (shared_info starts zeroed).
 *
 * Raising port p for vCPU v: set evtchn_pending bit p; only if it was clear,
 * p is unmasked and bit p/64 of v's evtchn_pending_sel was clear, set
 * evtchn_upcall_pending and call the event callback once the upcall mask
 * is clear. The guest's handler:
 *   1. vcpu_info.evtchn_upcall_pending = 0;
 *   2. sel = xchg(&vcpu_info.evtchn_pending_sel, 0);
 *   3. for each bit w of sel, for each bit b of
 *      evtchn_pending[w] & ~evtchn_mask[w]: clear evtchn_pending[w] bit b
 *      atomically, handle port 64 * w + b;
 *   4. repeat while evtchn_upcall_pending is set again.
 * A VIRQ nobody bound is dropped, so bind VIRQ_TIMER before relying on a
 * timer event (xlite still wakes a vCPU whose timer fires unbound and sets
 * evtchn_upcall_pending, with no port pending; Xen does not).
 */
#define EVTCHNOP_bind_interdomain  0
#define EVTCHNOP_bind_virq         1
#define EVTCHNOP_bind_pirq         2
#define EVTCHNOP_close             3
#define EVTCHNOP_send              4
#define EVTCHNOP_status            5
#define EVTCHNOP_alloc_unbound     6
#define EVTCHNOP_bind_ipi          7
#define EVTCHNOP_bind_vcpu         8
#define EVTCHNOP_unmask            9
#define EVTCHNOP_reset            10
#define EVTCHNOP_init_control     11  /* FIFO ABI */
#define EVTCHNOP_expand_array     12  /* FIFO ABI */
#define EVTCHNOP_set_priority     13  /* FIFO ABI */

/* evtchn_status.status */
#define EVTCHNSTAT_closed       0  /* not in use */
#define EVTCHNSTAT_unbound      1  /* waiting for u.unbound.dom to bind */
#define EVTCHNSTAT_interdomain  2  /* connected to u.interdomain */
#define EVTCHNSTAT_pirq         3
#define EVTCHNSTAT_virq         4
#define EVTCHNSTAT_ipi          5

/* evtchn_bind_pirq.flags */
#define BIND_PIRQ__WILL_SHARE   1

/* FIFO ABI limits (init_control / set_priority). */
#define EVTCHN_FIFO_PRIORITY_MAX      0
#define EVTCHN_FIFO_PRIORITY_DEFAULT  7
#define EVTCHN_FIFO_PRIORITY_MIN     15
#define EVTCHN_FIFO_LINK_BITS        17
#define EVTCHN_FIFO_NR_CHANNELS      (1 << EVTCHN_FIFO_LINK_BITS)

/*
 * Virtual IRQs a domain can bind with EVTCHNOP_bind_virq. Per-vCPU ones
 * (TIMER, DEBUG, XENOPROF, XENPMU) are bound once per vCPU; the others once
 * per domain.
 */
#define VIRQ_TIMER        0  /* per vCPU: set_timer_op / singleshot timer fired */
#define VIRQ_DEBUG        1  /* per vCPU: dump debug state */
#define VIRQ_CONSOLE      2  /* dom0: input on the hypervisor console */
#define VIRQ_DOM_EXC      3  /* dom0: a domain changed state (e.g. shut down) */
#define VIRQ_TBUF         4  /* dom0: trace records available */
#define VIRQ_DEBUGGER     6  /* dom0: a domain paused for debugging */
#define VIRQ_XENOPROF     7  /* per vCPU */
#define VIRQ_CON_RING     8  /* dom0: hypervisor console ring has data */
#define VIRQ_PCPU_STATE   9  /* dom0 */
#define VIRQ_MEM_EVENT   10  /* dom0 */
#define VIRQ_ARGO        11
#define VIRQ_ENOMEM      12  /* dom0: hypervisor low on memory */
#define VIRQ_XENPMU      13  /* per vCPU */
#define VIRQ_ARCH_0      16  /* 16..23: per-architecture */
#define VIRQ_ARCH_1      17
#define VIRQ_ARCH_2      18
#define VIRQ_ARCH_3      19
#define VIRQ_ARCH_4      20
#define VIRQ_ARCH_5      21
#define VIRQ_ARCH_6      22
#define VIRQ_ARCH_7      23
#define NR_VIRQS         24

#ifdef __cplusplus
extern "C" {
#endif

/* Allocate a port that domain remote_dom may later bind to. */
struct evtchn_alloc_unbound {
    domid_t dom;         /* owner of the new port: DOMID_SELF unless privileged */
    domid_t remote_dom;  /* DOMID_SELF means the caller's own id */
    evtchn_port_t port;  /* OUT */
};
typedef struct evtchn_alloc_unbound evtchn_alloc_unbound_t;

/* Connect a new local port to remote_dom's unbound remote_port. */
struct evtchn_bind_interdomain {
    domid_t remote_dom;
    evtchn_port_t remote_port;
    evtchn_port_t local_port;  /* OUT */
};
typedef struct evtchn_bind_interdomain evtchn_bind_interdomain_t;

struct evtchn_bind_virq {
    uint32_t virq;       /* VIRQ_* */
    uint32_t vcpu;       /* vCPU to deliver to */
    evtchn_port_t port;  /* OUT */
};
typedef struct evtchn_bind_virq evtchn_bind_virq_t;

struct evtchn_bind_pirq {
    uint32_t pirq;
    uint32_t flags;      /* BIND_PIRQ__* */
    evtchn_port_t port;  /* OUT */
};
typedef struct evtchn_bind_pirq evtchn_bind_pirq_t;

/* A port for sending events to one of our own vCPUs. */
struct evtchn_bind_ipi {
    uint32_t vcpu;
    evtchn_port_t port;  /* OUT */
};
typedef struct evtchn_bind_ipi evtchn_bind_ipi_t;

struct evtchn_close {
    evtchn_port_t port;
};
typedef struct evtchn_close evtchn_close_t;

/* Raise the event at the other end (interdomain) or locally (ipi). */
struct evtchn_send {
    evtchn_port_t port;
};
typedef struct evtchn_send evtchn_send_t;

struct evtchn_status {
    domid_t dom;         /* DOMID_SELF unless privileged */
    evtchn_port_t port;
    uint32_t status;     /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;       /* OUT: vCPU the port notifies */
    union {              /* OUT, by status */
        struct {
            domid_t dom;
        } unbound;
        struct {
            domid_t dom;
            evtchn_port_t port;
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;
};
typedef struct evtchn_status evtchn_status_t;

/* Send this port's notifications to another vCPU. */
struct evtchn_bind_vcpu {
    evtchn_port_t port;
    uint32_t vcpu;
};
typedef struct evtchn_bind_vcpu evtchn_bind_vcpu_t;

struct evtchn_unmask {
    evtchn_port_t port;
};
typedef struct evtchn_unmask evtchn_unmask_t;

/* Close every port of dom. */
struct evtchn_reset {
    domid_t dom;
};
typedef struct evtchn_reset evtchn_reset_t;

/* Switch to the FIFO ABI: control block for vcpu at control_gfn + offset. */
struct evtchn_init_control {
    uint64_t control_gfn; /* must be a frame the caller owns, else -EINVAL */
    uint32_t offset;
    uint32_t vcpu;
    uint8_t  link_bits;   /* OUT */
    uint8_t  pad[7];
};
typedef struct evtchn_init_control evtchn_init_control_t;

struct evtchn_expand_array {
    uint64_t array_gfn;
};
typedef struct evtchn_expand_array evtchn_expand_array_t;

struct evtchn_set_priority {
    evtchn_port_t port;
    uint32_t priority;  /* EVTCHN_FIFO_PRIORITY_* */
};
typedef struct evtchn_set_priority evtchn_set_priority_t;

XLITE_ABI_SIZE(struct evtchn_alloc_unbound, 8, evtchn_alloc_unbound_size);
XLITE_ABI_OFFSET(struct evtchn_alloc_unbound, dom, 0, evtchn_alloc_unbound_dom);
XLITE_ABI_OFFSET(struct evtchn_alloc_unbound, remote_dom, 2, evtchn_alloc_unbound_remote_dom);
XLITE_ABI_OFFSET(struct evtchn_alloc_unbound, port, 4, evtchn_alloc_unbound_port);

XLITE_ABI_SIZE(struct evtchn_bind_interdomain, 12, evtchn_bind_interdomain_size);
XLITE_ABI_OFFSET(struct evtchn_bind_interdomain, remote_dom, 0, evtchn_bind_remote_dom);
XLITE_ABI_OFFSET(struct evtchn_bind_interdomain, remote_port, 4, evtchn_bind_remote_port);
XLITE_ABI_OFFSET(struct evtchn_bind_interdomain, local_port, 8, evtchn_bind_local_port);

XLITE_ABI_SIZE(struct evtchn_bind_virq, 12, evtchn_bind_virq_size);
XLITE_ABI_OFFSET(struct evtchn_bind_virq, virq, 0, evtchn_bind_virq_virq);
XLITE_ABI_OFFSET(struct evtchn_bind_virq, vcpu, 4, evtchn_bind_virq_vcpu);
XLITE_ABI_OFFSET(struct evtchn_bind_virq, port, 8, evtchn_bind_virq_port);

XLITE_ABI_SIZE(struct evtchn_bind_pirq, 12, evtchn_bind_pirq_size);
XLITE_ABI_OFFSET(struct evtchn_bind_pirq, pirq, 0, evtchn_bind_pirq_pirq);
XLITE_ABI_OFFSET(struct evtchn_bind_pirq, flags, 4, evtchn_bind_pirq_flags);
XLITE_ABI_OFFSET(struct evtchn_bind_pirq, port, 8, evtchn_bind_pirq_port);

XLITE_ABI_SIZE(struct evtchn_bind_ipi, 8, evtchn_bind_ipi_size);
XLITE_ABI_SIZE(struct evtchn_close, 4, evtchn_close_size);
XLITE_ABI_SIZE(struct evtchn_send, 4, evtchn_send_size);
XLITE_ABI_SIZE(struct evtchn_unmask, 4, evtchn_unmask_size);

XLITE_ABI_SIZE(struct evtchn_status, 24, evtchn_status_size);
XLITE_ABI_OFFSET(struct evtchn_status, dom, 0, evtchn_status_dom);
XLITE_ABI_OFFSET(struct evtchn_status, port, 4, evtchn_status_port);
XLITE_ABI_OFFSET(struct evtchn_status, status, 8, evtchn_status_status);
XLITE_ABI_OFFSET(struct evtchn_status, vcpu, 12, evtchn_status_vcpu);
XLITE_ABI_OFFSET(struct evtchn_status, u, 16, evtchn_status_u);
XLITE_ABI_OFFSET(struct evtchn_status, u.unbound.dom, 16, evtchn_status_unbound_dom);
XLITE_ABI_OFFSET(struct evtchn_status, u.interdomain.dom, 16, evtchn_status_interdomain_dom);
XLITE_ABI_OFFSET(struct evtchn_status, u.interdomain.port, 20, evtchn_status_interdomain_port);
XLITE_ABI_OFFSET(struct evtchn_status, u.pirq, 16, evtchn_status_pirq);
XLITE_ABI_OFFSET(struct evtchn_status, u.virq, 16, evtchn_status_virq);

XLITE_ABI_SIZE(struct evtchn_bind_vcpu, 8, evtchn_bind_vcpu_size);
XLITE_ABI_SIZE(struct evtchn_reset, 2, evtchn_reset_size);

XLITE_ABI_SIZE(struct evtchn_init_control, 24, evtchn_init_control_size);
XLITE_ABI_OFFSET(struct evtchn_init_control, control_gfn, 0, evtchn_init_control_gfn);
XLITE_ABI_OFFSET(struct evtchn_init_control, offset, 8, evtchn_init_control_offset);
XLITE_ABI_OFFSET(struct evtchn_init_control, vcpu, 12, evtchn_init_control_vcpu);
XLITE_ABI_OFFSET(struct evtchn_init_control, link_bits, 16, evtchn_init_control_link_bits);

XLITE_ABI_SIZE(struct evtchn_expand_array, 8, evtchn_expand_array_size);
XLITE_ABI_SIZE(struct evtchn_set_priority, 8, evtchn_set_priority_size);

#ifdef __cplusplus
}
#endif

#endif /* XLITE_PV_ABI_EVENT_CHANNEL_H */
