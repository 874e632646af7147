/* The xlite guest kernel's system-call ABI, shared by the kernel and libc/.
 * SYSCALL with RAX = number, arguments RDI RSI RDX R10 R8 R9, result in RAX:
 * >= 0 on success, -errno on failure. errno values and open flags are newlib's, so
 * libc passes them through unchanged. User memory is [XU_BASE, XU_TOP). */
#ifndef XLITE_UAPI_SYS_H
#define XLITE_UAPI_SYS_H

#include <stdint.h>

#define XU_BASE        0x400000ul      /* lowest user address (first 4 MiB never mapped) */
#define XU_TOP         0x40000000ul    /* one past the highest (one L2 table: 1 GiB) */
#define XU_STACK_TOP   0x3FFF0000ul    /* initial RSP region (guard page above) */
#define XU_STACK_SIZE  (64ul << 10)

enum {
    XS_exit, XS_read, XS_write, XS_open, XS_close, XS_spawn, XS_wait, XS_kill, XS_getpid,
    XS_sbrk, XS_sleep, XS_clock, XS_pipe, XS_dup2, XS_poll, XS_fstat, XS_readdir,
    XS_lseek, XS_procs, XS_meminfo, XS_dmesg, XS_reboot, XS_exec, XS_ioctl, XS_stat,
    XS_unlink, XS_mkdir, XS_getppid, XS_domid, XS_chdir, XS_getcwd,
    XS_COUNT
};

/* errno values (newlib's numbering). */
#define XE_PERM 1
#define XE_NOENT 2
#define XE_SRCH 3
#define XE_INTR 4
#define XE_IO 5
#define XE_2BIG 7
#define XE_NOEXEC 8
#define XE_BADF 9
#define XE_CHILD 10
#define XE_AGAIN 11
#define XE_NOMEM 12
#define XE_ACCES 13
#define XE_FAULT 14
#define XE_BUSY 16
#define XE_EXIST 17
#define XE_NODEV 19
#define XE_NOTDIR 20
#define XE_ISDIR 21
#define XE_INVAL 22
#define XE_NFILE 23
#define XE_MFILE 24
#define XE_NOTTY 25
#define XE_FBIG 27
#define XE_NOSPC 28
#define XE_SPIPE 29
#define XE_ROFS 30
#define XE_PIPE 32
#define XE_RANGE 34
#define XE_NOSYS 88
#define XE_NOTEMPTY 90
#define XE_NAMETOOLONG 91

/* open flags (newlib's values). */
#define XO_RDONLY   0
#define XO_WRONLY   1
#define XO_RDWR     2
#define XO_ACCMODE  3
#define XO_APPEND   0x0008
#define XO_CREAT    0x0200
#define XO_TRUNC    0x0400
#define XO_EXCL     0x0800
#define XO_NONBLOCK 0x4000

/* XS_clock(which): nanoseconds. */
#define XCLOCK_MONOTONIC 0   /* since boot */
#define XCLOCK_REALTIME  1   /* since 1970 */

/* XS_reboot(how). */
#define XREBOOT_POWEROFF 0
#define XREBOOT_REBOOT   1

/* XS_wait status word: exit code << 8, or the signal number that killed it. */
#define XW_EXITED(s)  (((s) & 0x7F) == 0)
#define XW_STATUS(s)  (((s) >> 8) & 0xFF)
#define XW_SIGNAL(s)  ((s) & 0x7F)

#define XSIG_INT  2
#define XSIG_KILL 9
#define XSIG_SEGV 11
#define XSIG_TERM 15
#define XSIG_ILL  4
#define XSIG_FPE  8
#define XSIG_TRAP 5

/* XS_fstat / XS_stat. */
#define XST_FILE 1
#define XST_DIR  2
#define XST_CHR  3
#define XST_FIFO 4
struct xstat {
    uint32_t type;       /* XST_* */
    uint32_t ino;
    uint64_t size;
};

/* XS_readdir(fd, struct xdirent *, index): fills entry index of a directory. */
struct xdirent {
    uint32_t type;       /* XST_* */
    uint32_t ino;
    uint64_t size;
    char name[56];
};

/* XS_poll. */
#define XPOLLIN  1
#define XPOLLOUT 4
#define XPOLLHUP 16
struct xpollfd {
    int32_t fd;
    int16_t events, revents;
};

/* XS_procs(struct xproc *, max): one entry per process. */
struct xproc {
    int32_t pid, ppid;
    char state;          /* R running/runnable, S sleeping, Z exited */
    char pad[7];
    uint64_t pages;      /* user pages mapped */
    uint64_t cpu_ns;
    char name[32];
};

/* XS_meminfo. */
struct xmeminfo {
    uint64_t total_pages, free_pages, kernel_pages, page_size;
};

/* XS_spawn(path, argv, fds): fds[0..2] are the child's stdin/stdout/stderr taken from
 * the caller's table (NULL: inherit 0, 1, 2; -1: none).
 * XS_wait(pid, &status): pid > 0 that child, -1 any child, -2 any child without
 * blocking (0 if none has exited). -XE_CHILD if there is no such child.
 * XS_ioctl(fd, cmd, arg): device commands; for /dev/console: */
#define XL_CONSOLE_SET_FOREGROUND 1    /* arg: the pid Ctrl-C is sent to (0: none) */

#endif
