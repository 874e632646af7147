/* Processes: spawn (a new address space loaded from the ramdisk, one thread whose
 * kernel stack starts with a user-mode frame), exec, exit, wait, kill. */
#include "console.h"
#include "exec.h"
#include "proc.h"

struct proc *procs[MAX_PROCS];
_Static_assert(sizeof(struct proc) <= 4096, "struct proc comes from kmalloc (a page at most)");
static int next_pid = 1;

struct proc *proc_find(int pid)
{
    for (int i = 0; i < MAX_PROCS; i++)
        if (procs[i] && procs[i]->pid == pid)
            return procs[i];
    return NULL;
}

static void user_thread_start(void *arg)
{
    (void)arg;
    arch_enter_user((struct trapframe *)(kstack_top(current) - sizeof(struct trapframe)));
}

static void set_name(struct proc *p, const char *path)
{
    const char *base = path;
    for (const char *s = path; *s; s++)
        if (*s == '/')
            base = s + 1;
    strlcpy(p->name, base, sizeof(p->name));
}

int proc_spawn(const char *path, char *const kargv[], int argc, struct file *fds[3],
               int ppid)
{
    int slot = -1;

    for (int i = 0; i < MAX_PROCS && slot < 0; i++)
        if (!procs[i])
            slot = i;
    if (slot < 0)
        return -XE_AGAIN;
    struct proc *p = kzalloc(sizeof(*p));
    if (!p)
        return -XE_NOMEM;
    struct exec_result r;
    int rc = exec_load(&p->as, path, kargv, argc, &r);
    if (rc) {
        kfree(p);
        return rc;
    }
    p->thread = thread_create("user", user_thread_start, NULL);
    if (!p->thread) {
        as_destroy(&p->as);
        kfree(p);
        return -XE_NOMEM;
    }
    p->thread->proc = p;
    arch_user_frame((struct trapframe *)(kstack_top(p->thread) - sizeof(struct trapframe)),
                    r.entry, r.rsp);
    p->pid = next_pid++;
    p->ppid = ppid;
    struct proc *parent = proc_find(ppid);
    strlcpy(p->cwd, parent ? parent->cwd : "/", sizeof(p->cwd));
    p->brk = p->brk_base = r.brk;
    set_name(p, path);
    waitq_init(&p->child_exit);
    for (int i = 0; i < 3; i++)
        p->fds[i] = file_get(fds[i]);
    procs[slot] = p;
    return p->pid;
}

int proc_exec(const char *path, char *const kargv[], int argc)
{
    struct proc *p = cur_proc();
    struct aspace as;
    struct exec_result r;
    int rc = exec_load(&as, path, kargv, argc, &r);

    if (rc)
        return rc;
    struct aspace old = p->as;
    p->as = as;
    as_destroy(&old);
    arch_switch_user(p->as.l4, kstack_top(current));
    p->brk = p->brk_base = r.brk;
    set_name(p, path);
    struct trapframe *tf = (struct trapframe *)(kstack_top(current) - sizeof(*tf));
    arch_user_frame(tf, r.entry, r.rsp);
    arch_enter_user(tf);
}

NORETURN void proc_exit(int status)
{
    struct proc *p = cur_proc();

    for (int i = 0; i < NFDS; i++) {
        file_put(p->fds[i]);
        p->fds[i] = NULL;
    }
    as_destroy(&p->as);
    p->state = P_ZOMBIE;
    p->status = status;
    /* Orphans go to init, which reaps them. */
    for (int i = 0; i < MAX_PROCS; i++)
        if (procs[i] && procs[i]->ppid == p->pid)
            procs[i]->ppid = 1;
    struct proc *parent = proc_find(p->ppid);
    if (parent)
        waitq_wake_all(&parent->child_exit);
    waitq_wake_all(&poll_waitq);
    current->state = T_ZOMBIE;
    schedule();
    panic("zombie thread ran again");
}

static void reap(int slot, int *status)
{
    struct proc *c = procs[slot];

    if (status)
        *status = c->status;
    procs[slot] = NULL;
    thread_free(c->thread);
    kfree(c);
}

int proc_wait(int pid, int *status)
{
    struct proc *p = cur_proc();

    for (;;) {
        bool have_child = false;
        for (int i = 0; i < MAX_PROCS; i++) {
            struct proc *c = procs[i];
            if (!c || c->ppid != p->pid || (pid > 0 && c->pid != pid))
                continue;
            have_child = true;
            if (c->state == P_ZOMBIE) {
                int cpid = c->pid;
                reap(i, status);
                return cpid;
            }
        }
        if (!have_child)
            return -XE_CHILD;
        if (pid < -1)
            return 0;                  /* WNOHANG-style probe: -2 */
        waitq_wait(&p->child_exit, 0);
        if (p->killed)
            return -XE_INTR;
    }
}

int proc_kill(int pid, int sig)
{
    struct proc *p = proc_find(pid);

    if (!p || p->state == P_ZOMBIE)
        return -XE_SRCH;
    if (sig == 0)
        return 0;
    if (pid == 1)
        return -XE_PERM;               /* init cannot be killed */
    p->killed = sig;
    thread_interrupt(p->thread);
    return 0;
}

void proc_check_killed(void)
{
    struct proc *p = cur_proc();

    if (p && p->killed)
        proc_exit(p->killed & 0x7F);
}

/* ------------------------------------------------------------------ user memory */

static int user_copy(uint64_t uaddr, void *kbuf, size_t n, bool to_user)
{
    struct proc *p = cur_proc();

    if (!p)
        return -XE_FAULT;
    if (uaddr + n < uaddr)
        return -XE_FAULT;
    while (n) {
        uint64_t page = uaddr & ~(PAGE_SIZE - 1), off = uaddr - page;
        size_t k = (size_t)MIN((uint64_t)n, PAGE_SIZE - off);
        uint64_t pfn = as_lookup(&p->as, page, to_user);
        if (!pfn)
            return -XE_FAULT;
        char *k_va = (char *)pfn_to_va(pfn) + off;
        if (to_user)
            memcpy(k_va, kbuf, k);
        else
            memcpy(kbuf, k_va, k);
        kbuf = (char *)kbuf + k;
        uaddr += k;
        n -= k;
    }
    return 0;
}

int copy_from_user(void *dst, uint64_t usrc, size_t n)
{
    return user_copy(usrc, dst, n, false);
}

int copy_to_user(uint64_t udst, const void *src, size_t n)
{
    return user_copy(udst, (void *)src, n, true);
}

long strncpy_from_user(char *dst, uint64_t usrc, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        if (copy_from_user(dst + i, usrc + i, 1))
            return -XE_FAULT;
        if (!dst[i])
            return (long)i;
    }
    return -XE_NAMETOOLONG;
}
