/* Round-robin choice of the next vCPU over all domains. */
#include "percpu.h"
#include "sched.h"

bool vcpu_runnable(const struct vcpu *v)
{
    return v && v->online && v->domain->state == DOM_RUNNING;
}

struct vcpu *sched_pick_next(const struct vcpu *prev)
{
    unsigned int start_dom = 0, start_vcpu = 0;

    if (prev) {
        for (unsigned int i = 0; i < MAX_DOMAINS; i++)
            if (domains[i] == prev->domain)
                start_dom = i;
        start_vcpu = prev->id + 1;
    }
    /* Walk every (domain, vCPU) slot once, starting just after prev. */
    for (unsigned int n = 0; n <= MAX_DOMAINS; n++) {
        unsigned int di = (start_dom + n) % MAX_DOMAINS;
        struct domain *d = domains[di];
        if (!d)
            continue;
        for (unsigned int vi = n == 0 ? start_vcpu : 0; vi < d->max_vcpus; vi++)
            if (vcpu_runnable(d->vcpus[vi]))
                return d->vcpus[vi];
    }
    return vcpu_runnable(prev) ? (struct vcpu *)prev : NULL;
}

void sched_domain_stopped(struct domain *d)
{
    struct vcpu *v = current_vcpu();

    if (v && v->domain == d)
        arch_vcpu_leave(v);
}
