/* t_fuzz [ITERATIONS] [SEED]: random system calls with random arguments (small
 * numbers, -1, NULL, valid and invalid user pointers, kernel and hypervisor
 * addresses, random 64-bit words). The kernel must answer every one with a result
 * and never fault; calls that would end or block this test (exit, exec, reboot,
 * kill, sleeping or polling for long, reading the console or a pipe we hold both ends
 * of) are left out or bounded. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "xlite.h"

static uint64_t state;

static uint64_t rnd(void)
{
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 11 ^ state << 21;
}

/* The buffer valid pointers point into sits at the top of the heap: a call given a
 * length larger than it runs into unmapped memory (EFAULT), not into our own data. */
static char *buf;
#define BUF_SIZE 8192

static void say(int fd, const char *fmt, long a, long b, long c, long d, long e, long f)
{
    char line[160];
    int n = snprintf(line, sizeof(line), fmt, a, b, c, d, e, f);
    write(fd, line, (size_t)n);
}

static long arg(void)
{
    static const uint64_t pool[] = {
        0, 1, 2, 3, 31, 32, 4096, (uint64_t)-1, (uint64_t)-4096, 0x100000, 0x3FFFF000,
        0x40000000, 0x7FFFFFFFFFFFull, 0xFFFF800000000000ull, 0xFFFFFFFFFFFFFFFFull,
        0x8000000000000000ull, XU_BASE, XU_STACK_TOP - 8,
    };
    switch (rnd() % 5) {
    case 0: return (long)pool[rnd() % (sizeof(pool) / sizeof(pool[0]))];
    case 1: return (long)(buf + rnd() % BUF_SIZE);
    case 2: return (long)(rnd() % 64);
    case 3: return (long)rnd();
    default: return (long)"/bin/../tmp/fuzz";
    }
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 20000;
    int out = dup2(1, 30);

    state = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
    buf = sbrk(BUF_SIZE);
    close(0);                              /* reading the console would block */
    int null = open("/dev/null", O_RDWR);  /* random writes: not onto the serial line */
    dup2(null, 1);
    dup2(null, 2);
    close(null);
    long calls = 0;
    for (long i = 0; i < iters; i++) {
        long nr = (long)(rnd() % (XS_COUNT + 4)), a = arg(), b = arg(), c = arg(), d = arg();
        if (a == out)
            continue;                      /* our console: reads would wait for input */
        switch (nr) {
        case XS_exit: case XS_exec: case XS_reboot: case XS_kill:
            continue;
        case XS_sleep:
            a &= 0xFFFF;                   /* at most 65 us */
            break;
        case XS_poll:
            c = 0;                         /* never wait */
            break;
        case XS_wait:
            a = -2;                        /* never block */
            break;
        case XS_dup2: case XS_close:
            if (b >= 28 || a >= 28)
                continue;                  /* keep our output */
            break;
        case XS_spawn:
            if (rnd() % 4)
                continue;                  /* rarely: each may start a process */
            break;
        case XS_pipe: {                    /* a pipe we hold both ends of could block */
            int fds[2];
            if (rnd() % 2 == 0 && xl_syscall(XS_pipe, (long)fds, 0, 0, 0) == 0) {
                close(fds[0]);
                close(fds[1]);
                calls++;
                continue;
            }
            a = rnd() % 2 ? 0 : 0x3F000000;   /* or a bad pointer: EFAULT */
            break;
        }
        default:
            break;
        }
        if (argc > 3)
            say(out, "%ld: nr %ld %#lx %#lx %#lx %#lx\n", i, nr, a, b, c, d);
        xl_syscall(nr, a, b, c, d);
        calls++;
    }
    while (xl_wait(-2, NULL) > 0)
        ;
    say(out, "t_fuzz: %ld calls, kernel still here\n", calls, 0, 0, 0, 0, 0);
    return 0;
}
