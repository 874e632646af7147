/* The CPU's timer queue and its one-shot deadline: never later than the earlier of
 * the first timer's expiry and the scheduler's slice end (see reprogram). */
#include <asm/irq.h>
#include <hv/sched.h>
#include <asm/time.h>
#include <hv/timer.h>

static struct timer_queue queue;
static uint64_t slice_end;
/* What the hardware is armed for (0: nothing, or it fired). */
static uint64_t armed;

/* The hardware deadline only ever moves earlier between interrupts: a deadline that
 * became later (a timer stopped, a slice ended by a switch) stays armed, and its
 * interrupt, early but harmless, arms the real one. Arming is slow where it shows most
 * (under TCG an earlier deadline re-arms a host timer and wakes QEMU's main loop, about
 * 5,700 cycles), and a wake-up, a poll and a switch each used to move it. */
static void reprogram(void)
{
    uint64_t next = timer_queue_next(&queue);

    if (slice_end && slice_end < next)
        next = slice_end;
    if (next == UINT64_MAX || (armed && armed <= next))
        return;
    armed = next;
    timer_set_deadline(next);
}

void timer_set(struct timer *t, uint64_t expires)
{
    unsigned long flags = irq_save();

    timer_queue_add(&queue, t, expires);
    reprogram();
    irq_restore(flags);
}

void timer_stop(struct timer *t)
{
    unsigned long flags = irq_save();

    timer_queue_del(&queue, t);
    reprogram();
    irq_restore(flags);
}

void timer_set_slice_end(uint64_t deadline)
{
    unsigned long flags = irq_save();

    slice_end = deadline;
    reprogram();
    irq_restore(flags);
}

void timer_shorten_slice(uint64_t deadline)
{
    unsigned long flags = irq_save();

    if (!slice_end || deadline < slice_end)
        slice_end = deadline;
    reprogram();
    irq_restore(flags);
}

/* At most this many callbacks per interrupt: whatever a callback re-arms, the loop ends
 * and the rest run on the next (immediate) timer interrupt, with interrupts having
 * been open in between. */
#define TIMERS_PER_RUN 64

void timers_run(void)
{
    struct timer *t;
    unsigned int n = 0;

    armed = 0;                        /* it fired: the one-shot timer is disarmed */
    while (n++ < TIMERS_PER_RUN && (t = timer_queue_pop_expired(&queue, now_ns())))
        t->fn(t->data);
    if (slice_end && slice_end <= now_ns()) {
        slice_end = 0;
        sched_slice_expired();
    }
    reprogram();
}

bool timer_work_due(uint64_t now)
{
    return timer_queue_next(&queue) <= now || (slice_end && slice_end <= now);
}
