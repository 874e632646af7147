/* The CPU's timer queue and its one-shot deadline: always the earlier of the first
 * timer's expiry and the scheduler's slice end. */
#include <asm/irq.h>
#include <hv/sched.h>
#include <asm/time.h>
#include <hv/timer.h>

static struct timer_queue queue;
static uint64_t slice_end;

static void reprogram(void)
{
    uint64_t next = timer_queue_next(&queue);

    if (slice_end && slice_end < next)
        next = slice_end;
    timer_set_deadline(next == UINT64_MAX ? 0 : next);
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
