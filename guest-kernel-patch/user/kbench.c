/* kbench: figures for `make bench` (never a test): the median TSC cycles of a null
 * system call (getpid) and of spawn + exit + wait of a tiny process. */
#include <stdio.h>
#include <stdlib.h>
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

int main(int argc, char **argv)
{
    static uint64_t t[201];

    (void)argv;
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
