/* set_timer_op (hypercall 15) and the vCPU timers behind it and behind vcpu_op's timer
 * sub-ops: a guest timer raises VIRQ_TIMER on its vCPU (an event and a wake-up). */
#include <asm/current.h>
#include <asm/time.h>
#include <hv/hypercall.h>
#include <hv/sched.h>

#define TIMER_FAR_NS      (1ull << 50)      /* beyond this a deadline is nonsense */
#define TIMER_FALLBACK_NS (100ull * 1000 * 1000)

void vcpu_timer_fired(void *data)
{
    vcpu_raise_virq_timer(data);
}

void vcpu_periodic_fired(void *data)
{
    struct vcpu *v = data;
    uint64_t now = now_ns(), next = v->periodic.expires + v->periodic_ns;

    /* Ticks missed while the CPU was busy are merged into one: the next expiry is
     * always in the future, so timers_run() cannot keep re-running this timer. */
    if (next <= now)
        next = now + v->periodic_ns;
    timer_set(&v->periodic, next);
    vcpu_raise_virq_timer(v);
}

/* A guest timer at absolute system time `timeout`: 0 cancels; a negative or absurdly
 * distant one fires in 100 ms (Xen's rule); one in the past fires at once. */
void vcpu_set_singleshot(struct vcpu *v, uint64_t timeout)
{
    uint64_t now = now_ns();

    if (!timeout) {
        timer_stop(&v->singleshot);
        return;
    }
    if ((int64_t)timeout < 0 || timeout > now + TIMER_FAR_NS)
        timeout = now + TIMER_FALLBACK_NS;
    timer_set(&v->singleshot, timeout);
}

/* Refuses nothing. */
long do_set_timer_op(uint64_t timeout)
{
    vcpu_set_singleshot(current_vcpu(), timeout);
    return 0;
}
