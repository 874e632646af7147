/* Software timers on system time (ns). The queue itself is free of hardware access
 * (host-tested); timer_set/timer_stop keep the CPU's one-shot deadline programmed to
 * the earliest expiry. Callbacks run in interrupt context with interrupts off. */
#ifndef XLITE_TIMER_H
#define XLITE_TIMER_H

#include <stdbool.h>
#include <stdint.h>

struct timer {
    uint64_t expires;
    void (*fn)(void *data);
    void *data;
    struct timer *next;
    bool active;
};

struct timer_queue {
    struct timer *head;           /* sorted by expires; equal expiries in insertion order */
};

void timer_init(struct timer *t, void (*fn)(void *), void *data);

/* Queue t to expire at `expires` (re-queues it if already active). */
void timer_queue_add(struct timer_queue *q, struct timer *t, uint64_t expires);
/* Take t off the queue if it is on it. */
void timer_queue_del(struct timer_queue *q, struct timer *t);
/* Remove and return the earliest timer with expires <= now, or NULL. */
struct timer *timer_queue_pop_expired(struct timer_queue *q, uint64_t now);
/* Earliest expiry, or UINT64_MAX when empty. */
uint64_t timer_queue_next(const struct timer_queue *q);

/* The CPU's queue: arm/disarm, run what expired (from the timer interrupt). */
void timer_set(struct timer *t, uint64_t expires);
void timer_stop(struct timer *t);
void timers_run(void);
/* Something is due (a timer or the end of the slice) at system time now. */
bool timer_work_due(uint64_t now);
/* Extra deadline the scheduler wants (end of the time slice), 0 = none. */
void timer_set_slice_end(uint64_t deadline);
/* The slice ends at deadline at the latest (an earlier end stays). */
void timer_shorten_slice(uint64_t deadline);

#endif
