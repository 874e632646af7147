/* Threads, the preemptive round-robin scheduler, wait queues, kernel timers and sleep. */
#ifndef SCHED_H
#define SCHED_H

#include "kernel.h"

#define KSTACK_PAGES 4
#define SLICE_NS 10000000ull           /* 10 ms */

enum tstate { T_RUNNABLE, T_BLOCKED, T_ZOMBIE };

struct proc;
struct thread {
    uint8_t fpu[512] __attribute__((aligned(16)));   /* FXSAVE area (user threads) */
    uint64_t ksp;                      /* saved RSP while switched out */
    uint64_t kstack;                   /* PFN of the first stack page */
    enum tstate state;
    struct list rq;                    /* run queue or wait queue link */
    struct proc *proc;                 /* NULL for kernel threads */
    char name[16];
    bool fpu_valid;
    bool timed_out;
    uint64_t run_start, cpu_ns;
};

static inline uint64_t kstack_top(const struct thread *t)
{
    return (t->kstack << PAGE_SHIFT) + KSTACK_PAGES * PAGE_SIZE;
}

extern struct thread *current;
void sched_init(void);
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg);
void thread_free(struct thread *t);
void schedule(void);                   /* give up the CPU; runs others first */
void thread_wake(struct thread *t);
/* Wake a thread from whatever wait queue it sleeps on (a kill). */
void thread_interrupt(struct thread *t);
NORETURN void idle_loop(void);
extern bool need_resched;
unsigned int runnable_count(void);

struct waitq { struct list waiters; };
#define WAITQ_INIT(w) { LIST_INIT((w).waiters) }
static inline void waitq_init(struct waitq *w) { list_init(&w->waiters); }
/* Sleep until woken or (deadline != 0) the deadline passes; false on timeout. */
bool waitq_wait(struct waitq *w, uint64_t deadline);
void waitq_wake_all(struct waitq *w);

struct ktimer {
    uint64_t deadline;
    void (*fn)(void *);
    void *arg;
    struct list link;
    bool armed;
};
void timer_add(struct ktimer *t, uint64_t deadline);
void timer_cancel(struct ktimer *t);
void timers_init(void);
/* Sleep until the deadline (system time, ns); false if woken early by a kill. */
bool sleep_until(uint64_t deadline);

#endif
