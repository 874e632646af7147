/* Threads and the scheduler: round robin over a run queue, a 10 ms slice enforced by
 * the timer for user threads (kernel code is never preempted: it runs with events
 * masked), an idle loop that blocks in the hypervisor when nothing is runnable. */
#include "arch.h"
#include "proc.h"
#include "sched.h"

struct thread *current;
bool need_resched;
static struct thread idle_thread;
static struct list runq = LIST_INIT(runq);
static unsigned int nr_runnable;
static struct ktimer slice_timer;

/* The FPU/SSE state a new user thread starts from: fninit and the default MXCSR. */
static uint8_t fpu_initial[512] __attribute__((aligned(16)));

void sched_init(void)
{
    uint32_t mxcsr = 0x1F80;

    __asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
    arch_fpu_save(fpu_initial);
    strlcpy(idle_thread.name, "idle", sizeof(idle_thread.name));
    list_init(&idle_thread.rq);
    current = &idle_thread;
}

unsigned int runnable_count(void)
{
    return nr_runnable;
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
    struct thread *t = kzalloc(sizeof(*t));
    if (!t)
        return NULL;
    t->kstack = page_alloc_n(KSTACK_PAGES);
    if (!t->kstack) {
        kfree(t);
        return NULL;
    }
    strlcpy(t->name, name, sizeof(t->name));
    list_init(&t->rq);
    memcpy(t->fpu, fpu_initial, sizeof(t->fpu));
    t->fpu_valid = true;
    /* switch_stack pops r15 r14 r13 r12 rbp rbx then returns to the trampoline. */
    uint64_t *sp = (uint64_t *)(kstack_top(t) - 512);   /* room for a trap frame */
    *--sp = 0;
    *--sp = (uint64_t)thread_trampoline;
    *--sp = 0;                          /* rbx */
    *--sp = 0;                          /* rbp */
    *--sp = (uint64_t)fn;               /* r12 */
    *--sp = (uint64_t)arg;              /* r13 */
    *--sp = 0;                          /* r14 */
    *--sp = 0;                          /* r15 */
    t->ksp = (uint64_t)sp;
    t->state = T_BLOCKED;
    thread_wake(t);
    return t;
}

void thread_free(struct thread *t)
{
    for (unsigned int i = 0; i < KSTACK_PAGES; i++)
        page_free(t->kstack + i);
    kfree(t);
}

void thread_wake(struct thread *t)
{
    if (t->state != T_BLOCKED)
        return;
    t->state = T_RUNNABLE;
    list_add_tail(&runq, &t->rq);
    nr_runnable++;
    if (current != &idle_thread)
        need_resched = true;        /* let the woken thread in at the next preempt point */
}

static void slice_expired(void *arg)
{
    (void)arg;
    need_resched = true;
}

void schedule(void)
{
    struct thread *prev = current, *next;

    need_resched = false;
    if (prev != &idle_thread && prev->state == T_RUNNABLE) {
        list_add_tail(&runq, &prev->rq);
        nr_runnable++;
    }
    if (list_empty(&runq)) {
        next = &idle_thread;
    } else {
        next = container_of(runq.next, struct thread, rq);
        list_del(&next->rq);
        nr_runnable--;
    }
    uint64_t now = arch_now_ns();
    prev->cpu_ns += now - prev->run_start;
    next->run_start = now;
    if (nr_runnable && next != &idle_thread)
        timer_add(&slice_timer, now + SLICE_NS);
    else
        timer_cancel(&slice_timer);
    if (next == prev)
        return;
    if (prev->proc) {
        arch_fpu_save(prev->fpu);
        prev->fpu_valid = true;
    }
    if (next->proc) {
        arch_switch_user(next->proc->as.l4, kstack_top(next));
        if (next->fpu_valid)
            arch_fpu_restore(next->fpu);
    }
    current = next;
    switch_stack(&prev->ksp, next->ksp);
}

NORETURN void idle_loop(void)
{
    slice_timer.fn = slice_expired;
    for (;;) {
        if (!list_empty(&runq))
            schedule();
        else
            arch_idle();
    }
}

/* ------------------------------------------------------------------ wait queues */

static void timeout_wake(void *arg)
{
    struct thread *t = arg;

    if (t->state == T_BLOCKED) {
        t->timed_out = true;
        list_del(&t->rq);
        thread_wake(t);
    }
}

bool waitq_wait(struct waitq *w, uint64_t deadline)
{
    struct ktimer tm = { .fn = timeout_wake, .arg = current };

    if (current == &idle_thread) {
        /* Boot code before the first thread runs cannot sleep: wait for any event. */
        if (deadline)
            timer_add(&tm, deadline);
        arch_idle();
        timer_cancel(&tm);
        return !deadline || arch_now_ns() < deadline;
    }
    current->timed_out = false;
    current->state = T_BLOCKED;
    list_add_tail(&w->waiters, &current->rq);
    if (deadline)
        timer_add(&tm, deadline);
    schedule();
    timer_cancel(&tm);
    return !current->timed_out;
}

void waitq_wake_all(struct waitq *w)
{
    while (!list_empty(&w->waiters)) {
        struct thread *t = container_of(w->waiters.next, struct thread, rq);
        list_del(&t->rq);
        thread_wake(t);
    }
}

void thread_interrupt(struct thread *t)
{
    if (t->state == T_BLOCKED) {
        list_del(&t->rq);
        thread_wake(t);
    }
}
