/* Event-channel port tables for the 2-level ABI: the state machine behind
 * event_channel_op, free of hardware access so host tests drive it.
 *
 * Each domain has one table of EVTCHN_NR_PORTS ports. Port 0 is reserved (never
 * allocated; status "closed", every other operation -EINVAL). Allocation returns the
 * lowest free port, -ENOSPC when there is none. A port in use is one of:
 *
 *   UNBOUND      waiting for domain `dom` to bind it (alloc_unbound); send is a no-op
 *   INTERDOMAIN  connected to port `arg` of domain `dom`; always mutual: that port is
 *                INTERDOMAIN back to this one. Closing one end turns the other into
 *                UNBOUND offered to the closer (so it could bind again)
 *   VIRQ         virtual IRQ `arg`: per-vCPU VIRQs (TIMER, DEBUG, XENOPROF, XENPMU)
 *                once per vCPU, the others (global) once per domain, bound on vCPU 0
 *   IPI          events between the domain's own vCPUs (send raises it locally)
 *
 * Delivery follows the 2-level protocol on the shared_info the table points to
 * (`shared`, NULL while the domain has none: events are then dropped):
 * set_pending(port) = test_and_set(evtchn_pending[port]); only if it was clear, the
 * port is not masked and test_and_set(vcpu_info[vcpu].evtchn_pending_sel bit port/64)
 * was clear: evtchn_upcall_pending = 1 and the vCPU is kicked. Unmask (the hypercall)
 * clears the mask bit and re-raises the same way if the port is pending. Closing a
 * port clears its pending bit.
 *
 * Tables find each other (interdomain peers) and ask for kicks through a
 * struct evtchn_env the caller provides: the hypervisor's looks up live domains and
 * kicks vCPUs, a host test's simulates both. */
#ifndef XLITE_EVTCHN_PORTS_H
#define XLITE_EVTCHN_PORTS_H

#include <stdbool.h>
#include <stdint.h>

#include <xlite/event_channel.h>
#include <xlite/xen.h>

#define EVTCHN_NR_PORTS     NR_EVENT_CHANNELS   /* 4096 for a 64-bit guest */
#define EVTCHN_MAX_VCPUS    8                   /* = MAX_VCPUS_PER_DOM (checked there) */

enum evtchn_state {
    EVTCHN_FREE = 0,        /* not in use: status "closed" */
    EVTCHN_RESERVED,        /* port 0: status "closed", never allocated */
    EVTCHN_UNBOUND,
    EVTCHN_INTERDOMAIN,
    EVTCHN_VIRQ,
    EVTCHN_IPI,
};

struct evtchn_port {
    uint8_t state;          /* enum evtchn_state */
    uint8_t vcpu;           /* vCPU notified when the port is set pending */
    domid_t dom;            /* UNBOUND: who may bind it; INTERDOMAIN: the peer */
    uint16_t arg;           /* INTERDOMAIN: the peer's port; VIRQ: the VIRQ number */
};

struct evtchn_table {
    domid_t domid;
    unsigned int nr_vcpus;              /* vCPUs 0..nr_vcpus-1 exist */
    unsigned int nr_used;               /* ports in use (port 0 not counted) */
    unsigned int free_hint;             /* no free port below this one */
    struct shared_info *shared;         /* pending/mask bits, vcpu_info; may be NULL */
    /* A vCPU's vcpu_info where the guest moved it (VCPUOP_register_vcpu_info); NULL:
     * its slot in shared. */
    struct vcpu_info *vcpu_info[EVTCHN_MAX_VCPUS];
    /* Port bound to each VIRQ (0 = none): per-vCPU ones in their vCPU's row, global
     * ones in row 0. */
    uint16_t virq_port[EVTCHN_MAX_VCPUS][NR_VIRQS];
    struct evtchn_port ports[EVTCHN_NR_PORTS];
};

struct evtchn_env {
    /* The table of live domain `id`, or NULL. */
    struct evtchn_table *(*lookup)(void *ctx, domid_t id);
    /* Port `port` of t (notifying `vcpu`) was just set pending (newly, or re-raised
     * by unmask). `kick`: the protocol raised evtchn_upcall_pending for that vCPU,
     * which must now be kicked. Either way, vCPUs of t's domain polling the port wake. */
    void (*notify)(void *ctx, struct evtchn_table *t, evtchn_port_t port,
                   unsigned int vcpu, bool kick);
    void *ctx;
};

/* An empty table (only port 0, reserved) of domain `domid` with nr_vcpus vCPUs. */
void evtchn_table_init(struct evtchn_table *t, domid_t domid, unsigned int nr_vcpus);

/* Every operation returns 0 or a negative Xen errno and changes nothing on error.
 * Common refusals: a port >= EVTCHN_NR_PORTS, or not in the state the operation
 * needs, -EINVAL; a vCPU the domain does not have -ENOENT; no free port -ENOSPC. */

/* New UNBOUND port that domain `remote` may bind. */
int evtchn_alloc_unbound(struct evtchn_table *t, domid_t remote, evtchn_port_t *port);
/* Connect a new port of `local` to `remote`'s UNBOUND port rport offered to local's
 * domain; like Xen the new local port is then set pending (an event sent to the
 * unbound port before the bind would otherwise be lost). -ENOSPC is checked first. */
int evtchn_bind_interdomain(const struct evtchn_env *env, struct evtchn_table *local,
                            struct evtchn_table *remote, evtchn_port_t rport,
                            evtchn_port_t *lport);
/* virq >= NR_VIRQS, or a global VIRQ on a vCPU other than 0: -EINVAL; bad vCPU
 * -ENOENT; already bound (for that vCPU) -EEXIST. */
int evtchn_bind_virq(struct evtchn_table *t, uint32_t virq, uint32_t vcpu,
                     evtchn_port_t *port);
int evtchn_bind_ipi(struct evtchn_table *t, uint32_t vcpu, evtchn_port_t *port);
/* Notify another vCPU: for UNBOUND, INTERDOMAIN and global VIRQ ports only. */
int evtchn_bind_vcpu(struct evtchn_table *t, evtchn_port_t port, uint32_t vcpu);
/* Free a port in use (clearing its pending bit); an INTERDOMAIN peer becomes UNBOUND. */
int evtchn_close(const struct evtchn_env *env, struct evtchn_table *t, evtchn_port_t port);
/* INTERDOMAIN: set the peer's port pending; IPI: this one; UNBOUND: nothing, 0. */
int evtchn_send(const struct evtchn_env *env, struct evtchn_table *t, evtchn_port_t port);
/* Fill st->status, st->vcpu and st->u (zeroed first) for a port < EVTCHN_NR_PORTS. */
int evtchn_status(const struct evtchn_table *t, evtchn_port_t port,
                  struct evtchn_status *st);
/* Clear the mask bit of a port in use and re-raise the event if it is pending. */
int evtchn_unmask(const struct evtchn_env *env, struct evtchn_table *t, evtchn_port_t port);
/* Close every port in use (EVTCHNOP_reset, and a dying domain). */
void evtchn_reset(const struct evtchn_env *env, struct evtchn_table *t);

/* The 2-level set-pending protocol on a port in use (see above). */
void evtchn_set_pending(const struct evtchn_env *env, struct evtchn_table *t,
                        evtchn_port_t port);
/* Raise VIRQ virq for vCPU `vcpu` (a global VIRQ: vcpu is ignored, its port says
 * whom to notify). False if no port is bound to it. */
bool evtchn_send_virq(const struct evtchn_env *env, struct evtchn_table *t,
                      unsigned int vcpu, unsigned int virq);
bool evtchn_virq_is_per_vcpu(unsigned int virq);

/* For SCHEDOP_poll: -EINVAL if the port is not in use, 1 if it is pending (whatever
 * its mask), else 0. */
int evtchn_poll_port_state(const struct evtchn_table *t, evtchn_port_t port);
bool evtchn_port_in_use(const struct evtchn_table *t, evtchn_port_t port);

/* Consistency of t (and of its interdomain peers, through env): NULL when sound,
 * else what is wrong. Port 0 reserved, nr_used matches, no free port below
 * free_hint, every field valid for its state, VIRQ map and VIRQ ports agree both
 * ways, INTERDOMAIN pairs mutual, UNBOUND/FREE ports carry no stale link, no pending
 * bit on a port not in use. */
const char *evtchn_table_check(const struct evtchn_env *env, const struct evtchn_table *t);

#endif
