/* Processes: a user address space, one thread, a descriptor table, a parent. */
#ifndef PROC_H
#define PROC_H

#include "arch.h"
#include "sched.h"
#include "vfs.h"

#define NFDS 160                   /* xlconsoled holds 2 per domain (64 domains) */
#define MAX_PROCS 128

enum pstate { P_ALIVE, P_ZOMBIE };

struct proc {
    int pid, ppid;
    enum pstate state;
    char name[32];
    struct aspace as;
    struct thread *thread;
    struct file *fds[NFDS];
    uint64_t brk, brk_base;            /* heap end; grows by mapping pages */
    int killed;                        /* pending signal number, 0 = none */
    int status;                        /* wait status once a zombie */
    char cwd[PATH_MAX_LEN];            /* canonical; relative paths start here */
    struct waitq child_exit;           /* wait() sleeps here */
};

extern struct proc *procs[MAX_PROCS];
static inline struct proc *cur_proc(void) { return current ? current->proc : NULL; }
struct proc *proc_find(int pid);
/* Start path as a new process whose stdin/stdout/stderr are fds (taken by reference).
 * Returns the pid or -errno. */
int proc_spawn(const char *path, char *const kargv[], int argc, struct file *fds[3],
               int ppid);
/* Replace the calling process's image. Only returns on failure (-errno). */
int proc_exec(const char *path, char *const kargv[], int argc);
NORETURN void proc_exit(int status);
int proc_wait(int pid, int *status);
int proc_kill(int pid, int sig);
/* If a signal is pending for the current process, die of it. */
void proc_check_killed(void);

/* Copy between the current process's memory and the kernel: 0 or -XE_FAULT, never a
 * kernel fault (the page tables are walked in software). */
int copy_from_user(void *dst, uint64_t usrc, size_t n);
int copy_to_user(uint64_t udst, const void *src, size_t n);
/* A NUL-terminated string of at most max-1 bytes: length, -XE_FAULT or -XE_NAMETOOLONG. */
long strncpy_from_user(char *dst, uint64_t usrc, size_t max);

#endif
