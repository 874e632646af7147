/* Choosing which vCPU runs. One physical CPU, round-robin over runnable vCPUs; the
 * next issue adds time slices, weights, blocking and timers. */
#ifndef XLITE_SCHED_H
#define XLITE_SCHED_H

#include <stdbool.h>

#include "domain.h"

/* A vCPU that may run now. */
bool vcpu_runnable(const struct vcpu *v);
/* The next runnable vCPU after `prev` in round-robin order (prev itself if it is the
 * only one), or NULL. */
struct vcpu *sched_pick_next(const struct vcpu *prev);
/* d stopped: if one of its vCPUs is on the CPU, take it off (its frame is dropped and
 * the hypervisor's page tables are loaded). */
void sched_domain_stopped(struct domain *d);

/* Nothing is left to run: exit (exit_on_shutdown) or idle answering debug keys. */
__attribute__((noreturn)) void idle_forever(void);

#endif
