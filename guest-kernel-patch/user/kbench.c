/* kbench: figures for `make bench` (never a test): the median TSC cycles of a null
 * system call (getpid) and of spawn + exit + wait of a tiny process; with
 * `kbench create CFG`, the toolstack's: `xlite create -c -q CFG` to the guest's first
 * console byte and to xlite's exit (CFG: a guest that prints and powers off),
 * `xlite create -p` (build only) and `xlite destroy` of that paused domain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xlite.h"

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof(v[0]), cmp);
    return v[n / 2];
}

static int run_xlite(char *const argv[])
{
    int st = 0, pid = xl_spawn("/bin/xlite", argv, NULL);
    return pid < 0 || xl_wait(pid, &st) < 0 ? -1 : st;
}

/* Wall-clock (system time) figures in microseconds, medians of `runs`. */
static int bench_create(char *cfg)
{
    enum { RUNS = 9 };
    static uint64_t first[RUNS], done[RUNS], build[RUNS], destroy[RUNS];
    char *create_c[] = { "xlite", "create", "-c", "-q", cfg, NULL };
    char *create_p[] = { "xlite", "create", "-p", "-q", cfg, "name=\"kbench\"", NULL };
    char *destroy_argv[] = { "xlite", "destroy", "kbench", NULL };

    for (int i = 0; i < RUNS; i++) {
        int in[2], out[2];
        if (pipe(in) || pipe(out))
            return 1;
        int fds[3] = { in[0], out[1], 2 };      /* stdin stays open: no detach */
        uint64_t t0 = xl_clock(XCLOCK_MONOTONIC);
        int pid = xl_spawn("/bin/xlite", create_c, fds);
        close(in[0]);
        close(out[1]);
        if (pid < 0)
            return 1;
        char c;
        first[i] = read(out[0], &c, 1) == 1 ? xl_clock(XCLOCK_MONOTONIC) - t0 : 0;
        char buf[256];
        while (read(out[0], buf, sizeof(buf)) > 0)
            ;
        xl_wait(pid, NULL);
        done[i] = xl_clock(XCLOCK_MONOTONIC) - t0;
        close(in[1]);
        close(out[0]);
        t0 = xl_clock(XCLOCK_MONOTONIC);
        if (run_xlite(create_p))
            return 1;
        build[i] = xl_clock(XCLOCK_MONOTONIC) - t0;
        t0 = xl_clock(XCLOCK_MONOTONIC);
        if (run_xlite(destroy_argv))
            return 1;
        destroy[i] = xl_clock(XCLOCK_MONOTONIC) - t0;
    }
    printf("bench xlite-create-to-first-byte us %lu\n", (unsigned long)median(first, RUNS) / 1000);
    printf("bench xlite-create-c-to-exit us %lu\n", (unsigned long)median(done, RUNS) / 1000);
    printf("bench xlite-create-p us %lu\n", (unsigned long)median(build, RUNS) / 1000);
    printf("bench xlite-destroy us %lu\n", (unsigned long)median(destroy, RUNS) / 1000);
    return 0;
}

int main(int argc, char **argv)
{
    static uint64_t t[201];

    if (argc == 3 && !strcmp(argv[1], "create"))
        return bench_create(argv[2]);
    if (argc > 1)
        return 0;                      /* the child of the spawn figure */
    for (int i = 0; i < 201; i++) {
        uint64_t a = rdtsc();
        for (int k = 0; k < 100; k++)
            xl_syscall(XS_getpid, 0, 0, 0, 0);
        t[i] = (rdtsc() - a) / 100;
    }
    printf("bench kernel-null-syscall cycles %lu\n", (unsigned long)median(t, 201));
    char *cargv[] = { "kbench", "child", NULL };
    for (int i = 0; i < 51; i++) {
        uint64_t a = rdtsc();
        int pid = xl_spawn("/bin/kbench", cargv, NULL);
        xl_wait(pid, NULL);
        t[i] = rdtsc() - a;
    }
    printf("bench kernel-spawn-exit-wait cycles %lu\n", (unsigned long)median(t, 51));
    return 0;
}
