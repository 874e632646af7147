/* Kernel timers: a list sorted by deadline behind one hypervisor one-shot timer
 * (VIRQ_TIMER), reprogrammed whenever the earliest deadline changes. */
#include "arch.h"
#include "sched.h"

static struct list timers = LIST_INIT(timers);

static void reprogram(void)
{
    if (!list_empty(&timers))
        arch_set_timer(container_of(timers.next, struct ktimer, link)->deadline);
}

void timer_add(struct ktimer *t, uint64_t deadline)
{
    if (t->armed)
        list_del(&t->link);
    t->deadline = deadline;
    t->armed = true;
    struct list *pos = &timers;
    list_for_each(it, &timers) {
        if (container_of(it, struct ktimer, link)->deadline > deadline) {
            pos = it;
            break;
        }
    }
    list_add_tail(pos, &t->link);           /* before pos */
    if (timers.next == &t->link)
        reprogram();
}

void timer_cancel(struct ktimer *t)
{
    if (t->armed) {
        list_del(&t->link);
        t->armed = false;
    }
}

static void timer_virq(unsigned int port, void *arg)
{
    (void)port, (void)arg;
    uint64_t now = arch_now_ns();

    while (!list_empty(&timers)) {
        struct ktimer *t = container_of(timers.next, struct ktimer, link);
        if (t->deadline > now)
            break;
        list_del(&t->link);
        t->armed = false;
        t->fn(t->arg);
    }
    reprogram();
}

void timers_init(void)
{
    if (evtchn_bind_virq(VIRQ_TIMER_NR, timer_virq, NULL) < 0)
        panic("cannot bind VIRQ_TIMER");
}

bool sleep_until(uint64_t deadline)
{
    struct waitq w = WAITQ_INIT(w);

    while (arch_now_ns() < deadline) {
        if (waitq_wait(&w, deadline))
            return false;                   /* woken before the deadline: a kill */
    }
    return true;
}
