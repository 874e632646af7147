/* The OS layer newlib expects.  For x86_64-elf newlib's configure.host
 * defines MISSING_SYSCALL_NAMES, so its reentrant layer (_write_r, _sbrk_r,
 * ...) calls the plain names write, sbrk, fstat, ...; only _exit keeps its
 * underscore.  The public headers declare them, which checks our signatures.
 * In the PV guest these become hypercalls; here they are raw Linux syscalls
 * so the static binary can run on the build host and prove the link works. */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#undef errno
extern int errno;	/* newlib's non-reentrant errno, copied into _reent */

enum { SYS_WRITE = 1, SYS_GETPID = 39, SYS_EXIT_GROUP = 231 };

static long raw_syscall3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

/* Linux returns -errno; newlib wants -1 with errno set. */
static long check(long ret)
{
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

_READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t len)
{
	return (int)check(raw_syscall3(SYS_WRITE, fd, (long)buf, (long)len));
}

_READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t len)
{
	(void)fd, (void)buf, (void)len;
	return 0;	/* no input: EOF */
}

int close(int fd)
{
	(void)fd;
	return 0;
}

off_t lseek(int fd, off_t off, int whence)
{
	(void)fd, (void)off, (void)whence;
	errno = ESPIPE;
	return -1;
}

/* Only the console exists; a character device makes stdout line-buffered
 * (the Linux struct stat layout differs from newlib's, so don't ask Linux). */
int fstat(int fd, struct stat *st)
{
	(void)fd;
	*st = (struct stat){ .st_mode = S_IFCHR };
	return 0;
}

int isatty(int fd)
{
	return fd >= 0 && fd <= 2;
}

/* malloc's backing store: a fixed array, as a guest kernel would carve out of
 * its own image rather than ask anyone. */
static _Alignas(16) char heap[1 << 20];
static size_t heap_used;

void *sbrk(ptrdiff_t incr)
{
	size_t n = (size_t)(incr < 0 ? -incr : incr);

	if (incr < 0 ? n > heap_used : n > sizeof(heap) - heap_used) {
		errno = ENOMEM;
		return (void *)-1;
	}
	void *old = heap + heap_used;
	heap_used = incr < 0 ? heap_used - n : heap_used + n;
	return old;
}

void _exit(int status)
{
	for (;;)
		raw_syscall3(SYS_EXIT_GROUP, status, 0, 0);
}

pid_t getpid(void)
{
	return (pid_t)raw_syscall3(SYS_GETPID, 0, 0, 0);
}

/* abort()/raise() end up here; there is nobody to signal, so just die. */
int kill(pid_t pid, int sig)
{
	(void)pid;
	_exit(128 + sig);
}
