/* Choosing which vCPU runs on the (single) physical CPU. Weighted fair sharing: every
 * vCPU accumulates virtual runtime = real run time * 256 / its domain's weight, and the
 * runnable vCPU with the least runs next, for at most one time slice. So CPU time
 * divides in proportion to weight among vCPUs that want it; a vCPU that blocked does
 * not bank credit (on wake it is placed at most one slice behind the others). */
#ifndef XLITE_SCHED_H
#define XLITE_SCHED_H

#include <stdbool.h>

#include <hv/domain.h>

#define SCHED_SLICE_NS          (10ul * 1000 * 1000)
/* A running vCPU keeps the CPU at least this long before a vCPU it woke preempts it
 * (Xen's credit2 sched_ratelimit_us default); blocking or yielding gives way at once. */
#define SCHED_RATELIMIT_NS      (1ul * 1000 * 1000)
#define SCHED_DEFAULT_WEIGHT    256

/* Inline: every exit to a guest asks both (pv_exit_to_guest's fast path). */
extern bool sched_resched_pending;

/* A vCPU that may run now (online, not blocked, its domain running). */
static inline bool vcpu_runnable(const struct vcpu *v)
{
    return v && v->online && !v->blocked && v->domain->state == DOM_RUNNING &&
           !v->domain->paused;
}
/* The running vCPU should give up the CPU at the next exit to a guest. */
static inline bool sched_need_resched(void)
{
    return sched_resched_pending;
}
/* Something became runnable without a wake-up (a domain unpaused): schedule at the
 * next exit to a guest. */
void sched_kick(void);
/* Account prev's run, pick the next vCPU (possibly prev), start its slice; NULL when
 * nothing is runnable. */
struct vcpu *sched_schedule(struct vcpu *prev);
/* d stopped: if one of its vCPUs is on the CPU, take it off (its frame is dropped and
 * the hypervisor's page tables are loaded). */
void sched_domain_stopped(struct domain *d);

/* Put v to sleep until vcpu_wake (events stay as they are: SCHEDOP_poll). */
void sched_sleep(struct vcpu *v);
/* SCHEDOP_block: unmask events; sleep unless an event is already pending. */
void sched_block(struct vcpu *v);
/* SCHEDOP_yield: let every other runnable vCPU run before v runs again. */
void sched_yield(struct vcpu *v);
/* Make a blocked vCPU runnable (an event or timer arrived). */
void vcpu_wake(struct vcpu *v);
/* VCPUOP_up / down, and the initial vCPU. */
void vcpu_set_online(struct vcpu *v, bool online);
/* An event for v: set evtchn_upcall_pending (the upcall is delivered when v next
 * returns to the guest with events unmasked) and wake it. */
void vcpu_kick_event(struct vcpu *v);

/* The time slice ended (timer.c): the running vCPU yields at its next exit. */
void sched_slice_expired(void);

/* VIRQ_TIMER for v: its bound event channel when it has one, else a bare upcall. */
void vcpu_raise_virq_timer(struct vcpu *v);

/* Nothing is left to run: exit (exit_on_shutdown) or idle answering debug keys. */
__attribute__((noreturn)) void idle_forever(void);

#endif
