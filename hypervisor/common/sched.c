/* Weighted fair scheduling of vCPUs (see sched.h) and their runstate accounting. */
#include <asm/domain.h>
#include <hv/event_channel.h>
#include <asm/irq.h>
#include <hv/lib.h>
#include <asm/current.h>
#include <hv/sched.h>
#include <asm/time.h>
#include <hv/timer.h>

bool sched_resched_pending;         /* read through sched_need_resched() */

static void runstate_set(struct vcpu *v, int state, uint64_t now)
{
    struct vcpu_runstate_info *rs = &v->runstate;

    if (rs->state_entry_time && now > rs->state_entry_time)
        rs->time[rs->state] += now - rs->state_entry_time;
    rs->state = state;
    rs->state_entry_time = now;
}

void sched_kick(void)
{
    sched_resched_pending = true;
}

/* The least virtual runtime among runnable vCPUs other than `skip`, or UINT64_MAX. */
static uint64_t min_vruntime(const struct vcpu *skip)
{
    uint64_t min = UINT64_MAX;

    for (unsigned int i = 0; i < domain_slots_used; i++) {
        struct domain *d = domains[i];
        for (unsigned int n = 0; d && n < d->max_vcpus; n++) {
            struct vcpu *v = d->vcpus[n];
            if (v != skip && vcpu_runnable(v) && v->vruntime < min)
                min = v->vruntime;
        }
    }
    return min;
}

/* Bill v for the time it has been running (only while it is RUNSTATE_running, so a
 * sleep is never billed as run time). */
static void account(struct vcpu *v, uint64_t now)
{
    if (v->runstate.state != RUNSTATE_running)
        return;
    uint64_t ran = now > v->run_start ? now - v->run_start : 0;
    unsigned int weight = v->domain->weight ? v->domain->weight : SCHED_DEFAULT_WEIGHT;

    v->vruntime += ran * SCHED_DEFAULT_WEIGHT / weight;
    v->run_start = now;
}

/* Lowest vruntime wins; ties go to the first after `prev` in (domain slot, vCPU) order
 * so equals take turns. Walks the domain slots, not every possible vCPU slot: this
 * runs on every switch, and most of the 64 x 8 slots are empty. */
static struct vcpu *pick(const struct vcpu *prev)
{
    struct vcpu *best = NULL;
    unsigned int first = 0, slots = domain_slots_used;

    for (unsigned int i = 0; prev && i < slots; i++)
        if (domains[i] == prev->domain)
            first = i;
    /* k == 0 is prev's domain from the vCPU after prev; k == slots comes back to it
     * for prev and the vCPUs before it, so prev itself is considered last. */
    for (unsigned int k = 0; k <= slots && slots; k++) {
        struct domain *d = domains[(first + k) % slots];
        unsigned int lo = 0, hi;

        if (!d)
            continue;
        hi = d->max_vcpus;
        if (prev && d == prev->domain) {
            if (k == 0)
                lo = prev->id + 1;
            else
                hi = MIN(hi, prev->id + 1u);
        } else if (k == slots) {
            continue;                         /* seen at k == 0 */
        }
        for (unsigned int n = lo; n < hi; n++) {
            struct vcpu *v = d->vcpus[n];
            if (vcpu_runnable(v) && (!best || v->vruntime < best->vruntime))
                best = v;
        }
    }
    return best;
}

struct vcpu *sched_schedule(struct vcpu *prev)
{
    uint64_t now = now_ns();

    if (prev && prev == current_vcpu()) {
        account(prev, now);
        if (vcpu_runnable(prev))
            runstate_set(prev, RUNSTATE_runnable, now);
    }
    struct vcpu *next = pick(prev);
    sched_resched_pending = false;
    if (!next) {
        timer_set_slice_end(0);
        return NULL;
    }
    next->run_start = now;
    next->scheduled_at = now;
    runstate_set(next, RUNSTATE_running, now);
    /* A slice only matters when someone else is waiting. */
    timer_set_slice_end(min_vruntime(next) != UINT64_MAX ? now + SCHED_SLICE_NS : 0);
    return next;
}

void sched_domain_stopped(struct domain *d)
{
    struct vcpu *v = current_vcpu();

    for (unsigned int n = 0; n < d->max_vcpus; n++) {
        timer_stop(&d->vcpus[n]->singleshot);
        timer_stop(&d->vcpus[n]->periodic);
    }
    if (v && v->domain == d)
        arch_vcpu_leave(v);
}

void sched_sleep(struct vcpu *v)
{
    uint64_t now = now_ns();

    account(v, now);
    v->blocked = true;
    runstate_set(v, RUNSTATE_blocked, now);
}

void sched_block(struct vcpu *v)
{
    v->vcpu_info->evtchn_upcall_mask = 0;
    if (v->vcpu_info->evtchn_upcall_pending)
        return;                               /* an event is already deliverable */
    sched_sleep(v);
}

void sched_yield(struct vcpu *v)
{
    uint64_t others = UINT64_MAX, max = 0;

    for (unsigned int i = 0; i < domain_slots_used; i++) {
        struct domain *d = domains[i];
        for (unsigned int n = 0; d && n < d->max_vcpus; n++) {
            struct vcpu *o = d->vcpus[n];
            if (o != v && vcpu_runnable(o)) {
                others = 0;
                max = MAX(max, o->vruntime);
            }
        }
    }
    if (others == UINT64_MAX)
        return;                               /* alone: keep running */
    account(v, now_ns());
    if (v->vruntime <= max)
        v->vruntime = max + 1;
    sched_resched_pending = true;
}

void vcpu_wake(struct vcpu *v)
{
    if (!v->blocked)
        return;
    v->blocked = false;
    uint64_t now = now_ns();
    struct vcpu *running = current_vcpu();
    if (running && running != v)
        account(running, now);                /* compare against up-to-date credit */
    runstate_set(v, RUNSTATE_runnable, now);
    /* No banked credit: at most one slice behind the others. */
    uint64_t min = min_vruntime(v);
    if (min != UINT64_MAX && min > SCHED_SLICE_NS && v->vruntime < min - SCHED_SLICE_NS)
        v->vruntime = min - SCHED_SLICE_NS;
    /* Wake-up policy: a vCPU that has run less than SCHED_RATELIMIT_NS keeps the CPU
     * until then, so a sender notifying in a loop is not preempted on every event (the
     * woken vCPU handles them together, as on Xen); the woken one waits at most that
     * long, and not at all once the waker blocks, polls or yields. Otherwise the
     * scheduler decides at the next exit: it bills the current vCPU, picks the
     * least-served one and starts a time slice now that two want the CPU. */
    if (running && running != v && vcpu_runnable(running) &&
        now - running->scheduled_at < SCHED_RATELIMIT_NS) {
        timer_shorten_slice(running->scheduled_at + SCHED_RATELIMIT_NS);
        return;
    }
    sched_resched_pending = true;
}

void vcpu_set_online(struct vcpu *v, bool online)
{
    uint64_t now = now_ns();

    if (online && !v->online) {
        uint64_t min = min_vruntime(v);
        v->vruntime = min == UINT64_MAX ? 0 : min;
        runstate_set(v, RUNSTATE_runnable, now);
    } else if (!online && v->online) {
        runstate_set(v, RUNSTATE_offline, now);
        sched_resched_pending = true;
    }
    v->online = online;
}

void vcpu_kick_event(struct vcpu *v)
{
    v->vcpu_info->evtchn_upcall_pending = 1;
    vcpu_wake(v);
}

/* The slice ended: the running vCPU yields at its next exit. */
void sched_slice_expired(void)
{
    sched_resched_pending = true;
}

void vcpu_raise_virq_timer(struct vcpu *v)
{
    if (!evtchn_send_vcpu_virq(v, VIRQ_TIMER))
        evtchn_kick(v);                       /* no port bound: a bare upcall */
}
