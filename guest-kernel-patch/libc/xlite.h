/* The xlite system calls that have no POSIX name in newlib, for user programs. */
#ifndef XLITE_USER_H
#define XLITE_USER_H

#include <stdint.h>
#include "uapi/xlite_sys.h"

long xl_syscall(long nr, long a, long b, long c, long d);
/* Start path with argv; fds[0..2] become its stdin/stdout/stderr (NULL: ours).
 * Returns the pid or -1 with errno set. */
int xl_spawn(const char *path, char *const argv[], const int fds[3]);
int xl_exec(const char *path, char *const argv[]);
int xl_wait(int pid, int *status);           /* pid -1: any child; -2: do not block */
int xl_procs(struct xproc *buf, int max);
int xl_meminfo(struct xmeminfo *m);
long xl_dmesg(char *buf, unsigned long n);
int xl_reboot(int how);
int xl_readdir(int fd, struct xdirent *de, unsigned long index);
int xl_stat(const char *path, struct xstat *st);
int xl_poll(struct xpollfd *fds, int n, int timeout_ms);
int xl_sleep_ns(uint64_t ns);
uint64_t xl_clock(int which);
int xl_domid(void);
int xl_set_foreground(int pid);             /* who gets Ctrl-C on the console */
/* Find a program: name as given if it has a '/', else /bin/name. */
const char *xl_which(const char *name, char *buf, unsigned long size);

#endif
