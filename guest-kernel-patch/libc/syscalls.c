/* The newlib system-call layer: newlib (built with MISSING_SYSCALL_NAMES) calls these
 * plain names; each is one SYSCALL into the xlite guest kernel (include/uapi). Kernel
 * errors come back as -errno and become -1 with errno set. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "xlite.h"

#undef errno
extern int errno;          /* newlib's global one, which its _r wrappers copy */
extern int *__errno(void); /* the per-reent one that errno means in programs */
char **environ;
static char *empty_env[] = { NULL };

long xl_syscall(long nr, long a, long b, long c, long d)
{
    register long r10 __asm__("r10") = d;
    long ret;

    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
                     : "rcx", "r11", "memory");
    return ret;
}

static long check(long ret)
{
    if (ret < 0 && ret > -4096) {
        errno = *__errno() = (int)-ret;
        return -1;
    }
    return ret;
}

int main(int argc, char **argv);
void __libc_start(long argc, char **argv);
void __libc_start(long argc, char **argv)
{
    environ = empty_env;
    exit(main((int)argc, argv));
}

_READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t len)
{
    return (int)check(xl_syscall(XS_write, fd, (long)buf, (long)len, 0));
}

_READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t len)
{
    return (int)check(xl_syscall(XS_read, fd, (long)buf, (long)len, 0));
}

int open(const char *path, int flags, ...)
{
    return (int)check(xl_syscall(XS_open, (long)path, flags, 0, 0));
}

int close(int fd)
{
    return (int)check(xl_syscall(XS_close, fd, 0, 0, 0));
}

off_t lseek(int fd, off_t off, int whence)
{
    return (off_t)check(xl_syscall(XS_lseek, fd, (long)off, whence, 0));
}

static void to_stat(const struct xstat *x, struct stat *st)
{
    memset(st, 0, sizeof(*st));
    st->st_ino = x->ino;
    st->st_size = (off_t)x->size;
    st->st_mode = x->type == XST_DIR ? S_IFDIR | 0755 : x->type == XST_CHR ? S_IFCHR | 0666 :
                  x->type == XST_FIFO ? S_IFIFO | 0600 : S_IFREG | 0644;
    st->st_nlink = 1;
    st->st_blksize = 4096;
}

int fstat(int fd, struct stat *st)
{
    struct xstat x;
    if (check(xl_syscall(XS_fstat, fd, (long)&x, 0, 0)) < 0)
        return -1;
    to_stat(&x, st);
    return 0;
}

int stat(const char *path, struct stat *st)
{
    struct xstat x;
    if (check(xl_syscall(XS_stat, (long)path, (long)&x, 0, 0)) < 0)
        return -1;
    to_stat(&x, st);
    return 0;
}

int isatty(int fd)
{
    struct xstat x;
    if (check(xl_syscall(XS_fstat, fd, (long)&x, 0, 0)) < 0)
        return 0;
    if (x.type != XST_CHR) {
        errno = *__errno() = ENOTTY;
        return 0;
    }
    return 1;
}

void *sbrk(ptrdiff_t incr)
{
    long r = xl_syscall(XS_sbrk, (long)incr, 0, 0, 0);
    if (r < 0 && r > -4096) {
        errno = *__errno() = (int)-r;
        return (void *)-1;
    }
    return (void *)r;
}

void _exit(int status)
{
    for (;;)
        xl_syscall(XS_exit, status, 0, 0, 0);
}

pid_t getpid(void)
{
    return (pid_t)xl_syscall(XS_getpid, 0, 0, 0, 0);
}

pid_t getppid(void)
{
    return (pid_t)xl_syscall(XS_getppid, 0, 0, 0, 0);
}

int kill(pid_t pid, int sig)
{
    return (int)check(xl_syscall(XS_kill, pid, sig, 0, 0));
}

int raise(int sig)
{
    return kill(getpid(), sig);
}

int gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    uint64_t ns = (uint64_t)xl_syscall(XS_clock, XCLOCK_REALTIME, 0, 0, 0);
    tv->tv_sec = (time_t)(ns / 1000000000ull);
    tv->tv_usec = (suseconds_t)(ns % 1000000000ull / 1000);
    return 0;
}

clock_t times(struct tms *t)
{
    uint64_t ns = (uint64_t)xl_syscall(XS_clock, XCLOCK_MONOTONIC, 0, 0, 0);
    if (t)
        memset(t, 0, sizeof(*t));
    return (clock_t)(ns / (1000000000ull / CLOCKS_PER_SEC));
}

int unlink(const char *path)
{
    return (int)check(xl_syscall(XS_unlink, (long)path, 0, 0, 0));
}

int mkdir(const char *path, mode_t mode)
{
    (void)mode;
    return (int)check(xl_syscall(XS_mkdir, (long)path, 0, 0, 0));
}

int link(const char *a, const char *b)
{
    (void)a, (void)b;
    errno = *__errno() = ENOSYS;
    return -1;
}

int chdir(const char *path)
{
    return (int)check(xl_syscall(XS_chdir, (long)path, 0, 0, 0));
}

char *getcwd(char *buf, size_t size)
{
    return check(xl_syscall(XS_getcwd, (long)buf, (long)size, 0, 0)) < 0 ? NULL : buf;
}

int pipe(int fds[2])
{
    return (int)check(xl_syscall(XS_pipe, (long)fds, 0, 0, 0));
}

int dup2(int oldfd, int newfd)
{
    return (int)check(xl_syscall(XS_dup2, oldfd, newfd, 0, 0));
}

int fork(void)
{
    errno = *__errno() = ENOSYS;                    /* processes start with xl_spawn */
    return -1;
}

int execve(const char *path, char *const argv[], char *const envp[])
{
    (void)envp;
    return xl_exec(path, argv);
}

int wait(int *status)
{
    return xl_wait(-1, status);
}

unsigned int sleep(unsigned int s)
{
    return xl_sleep_ns((uint64_t)s * 1000000000ull) ? s : 0;
}

int usleep(useconds_t us)
{
    return xl_sleep_ns((uint64_t)us * 1000ull);
}

/* ------------------------------------------------------------------ xlite calls */

int xl_spawn(const char *path, char *const argv[], const int fds[3])
{
    return (int)check(xl_syscall(XS_spawn, (long)path, (long)argv, (long)fds, 0));
}

int xl_exec(const char *path, char *const argv[])
{
    return (int)check(xl_syscall(XS_exec, (long)path, (long)argv, 0, 0));
}

int xl_wait(int pid, int *status)
{
    return (int)check(xl_syscall(XS_wait, pid, (long)status, 0, 0));
}

int xl_procs(struct xproc *buf, int max)
{
    return (int)check(xl_syscall(XS_procs, (long)buf, max, 0, 0));
}

int xl_meminfo(struct xmeminfo *m)
{
    return (int)check(xl_syscall(XS_meminfo, (long)m, 0, 0, 0));
}

long xl_dmesg(char *buf, unsigned long n)
{
    return check(xl_syscall(XS_dmesg, (long)buf, (long)n, 0, 0));
}

int xl_reboot(int how)
{
    return (int)check(xl_syscall(XS_reboot, how, 0, 0, 0));
}

int xl_readdir(int fd, struct xdirent *de, unsigned long index)
{
    return (int)check(xl_syscall(XS_readdir, fd, (long)de, (long)index, 0));
}

int xl_stat(const char *path, struct xstat *st)
{
    return (int)check(xl_syscall(XS_stat, (long)path, (long)st, 0, 0));
}

int xl_poll(struct xpollfd *fds, int n, int timeout_ms)
{
    return (int)check(xl_syscall(XS_poll, (long)fds, n, timeout_ms, 0));
}

int xl_sleep_ns(uint64_t ns)
{
    return (int)check(xl_syscall(XS_sleep, (long)ns, 0, 0, 0));
}

uint64_t xl_clock(int which)
{
    return (uint64_t)xl_syscall(XS_clock, which, 0, 0, 0);
}

int xl_domid(void)
{
    return (int)xl_syscall(XS_domid, 0, 0, 0, 0);
}

int xl_set_foreground(int pid)
{
    return (int)check(xl_syscall(XS_ioctl, 0, XL_CONSOLE_SET_FOREGROUND, pid, 0));
}

const char *xl_which(const char *name, char *buf, unsigned long size)
{
    if (strchr(name, '/'))
        return name;
    snprintf(buf, size, "/bin/%s", name);
    return buf;
}
