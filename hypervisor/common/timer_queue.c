/* A sorted singly linked timer queue (see timer.h). Insertion is O(n) in the number of
 * armed timers, which is a few per vCPU; expiry and the next deadline are O(1). */
#include <stddef.h>

#include <hv/timer.h>

void timer_init(struct timer *t, void (*fn)(void *), void *data)
{
    t->expires = 0;
    t->fn = fn;
    t->data = data;
    t->next = NULL;
    t->active = false;
}

void timer_queue_del(struct timer_queue *q, struct timer *t)
{
    if (!t->active)
        return;
    for (struct timer **pp = &q->head; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    t->next = NULL;
    t->active = false;
}

void timer_queue_add(struct timer_queue *q, struct timer *t, uint64_t expires)
{
    struct timer **pp = &q->head;

    timer_queue_del(q, t);
    while (*pp && (*pp)->expires <= expires)
        pp = &(*pp)->next;
    t->expires = expires;
    t->next = *pp;
    *pp = t;
    t->active = true;
}

struct timer *timer_queue_pop_expired(struct timer_queue *q, uint64_t now)
{
    struct timer *t = q->head;

    if (!t || t->expires > now)
        return NULL;
    q->head = t->next;
    t->next = NULL;
    t->active = false;
    return t;
}

uint64_t timer_queue_next(const struct timer_queue *q)
{
    return q->head ? q->head->expires : UINT64_MAX;
}
