/* Event channels (2-level ABI): event_channel_op, VIRQs, SCHEDOP_poll's sleeping, and
 * each domain's event-channel state. The port state machine itself is
 * evtchn_ports.c (host-tested); this is the glue to domains, vCPUs and timers.
 *
 * Per-domain state (struct evtchn_domain, in event_channel.c): the port table and,
 * per vCPU, SCHEDOP_poll's state (the polled ports and a timer for the timeout). It
 * takes EVTCHN_DOMAIN_FRAMES contiguous frames owned by the hypervisor
 * (FRAME_OWNER_XEN), allocated in domain_create and returned in domain_destroy. */
#ifndef XLITE_EVENT_CHANNEL_H
#define XLITE_EVENT_CHANNEL_H

#include <stdbool.h>
#include <stdint.h>

#include <hv/domain.h>
#include <xlite/event_channel.h>
#include <xlite/xen.h>

#define EVTCHN_DOMAIN_ORDER     3                       /* 2^3 frames = 32 KiB */
#define EVTCHN_DOMAIN_FRAMES    (1u << EVTCHN_DOMAIN_ORDER)

/* domain_create, once d's vCPUs exist: an empty port table. -XEN_ENOMEM if no frames. */
int evtchn_domain_init(struct domain *d);
/* domain_destroy, before d's memory goes: close every port (peers see their end
 * unbound), stop poll timers, free the state. Harmless if never set up. */
void evtchn_domain_destroy(struct domain *d);

/* Raise per-vCPU VIRQ virq (VIRQ_TIMER...) on v's bound port; false if v has none. */
bool evtchn_send_vcpu_virq(struct vcpu *v, unsigned int virq);
/* Raise global VIRQ virq (VIRQ_DOM_EXC, VIRQ_CONSOLE...) at dom0, if it is running
 * and has bound it. */
void evtchn_send_global_virq(unsigned int virq);
/* vcpu_kick_event(v) (upcall pending + wake), ending a poll v is sleeping in. */
void evtchn_kick(struct vcpu *v);
/* A console port for d: unbound, for dom0 (where a console backend will bind it);
 * meanwhile a send on it makes the hypervisor drain d's console ring. Returns the port
 * (recorded in d->console_port) or a negative errno. */
int evtchn_alloc_console_port(struct domain *d);
/* v's vcpu_info moved (VCPUOP_register_vcpu_info): deliver its events there. */
void evtchn_vcpu_info_moved(struct vcpu *v);

/* SCHEDOP_poll, after its argument checks: -XEN_EINVAL if port is not in use in d,
 * 1 if it is pending (mask ignored), else 0. */
long evtchn_poll_port(struct domain *d, evtchn_port_t port);
/* SCHEDOP_poll found nothing pending: v sleeps until one of ports[0..nr) becomes
 * pending (any port of its domain when nr == 0), an event is kicked at it, or system
 * time reaches `timeout` (0: no timeout; already past: returns without sleeping).
 * Events stay masked as they were. The hypercall returns 0 when v runs again. */
void evtchn_poll_block(struct vcpu *v, const evtchn_port_t *ports, unsigned int nr,
                       uint64_t timeout);
/* For the 'v' debug key: " polling N ports (K pending, R raised since) timeout
 * armed|none" while v sleeps in SCHEDOP_poll, else "". N 0: any port raised wakes it,
 * so R > 0 then would be a lost wake-up; with N > 0, K > 0 would be. */
void evtchn_poll_describe(const struct vcpu *v, char *buf, size_t size);

#endif
