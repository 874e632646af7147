/* t_sleepers: 50 processes sleep until staggered deadlines and report through one
 * pipe as they wake; the reports must arrive in deadline order. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "xlite.h"

#define N 50

int main(int argc, char **argv)
{
    if (argc == 3) {                       /* child: INDEX DEADLINE_NS */
        uint64_t deadline = strtoull(argv[2], NULL, 10), now = xl_clock(XCLOCK_MONOTONIC);
        if (deadline > now)
            xl_sleep_ns(deadline - now);
        char b = (char)atoi(argv[1]);
        write(1, &b, 1);
        return 0;
    }
    int p[2];
    if (pipe(p) < 0)
        return 1;
    uint64_t base = xl_clock(XCLOCK_MONOTONIC) + 1500000000ull;
    for (int i = 0; i < N; i++) {
        char idx[8], dl[24];
        /* Spawn in reverse so that start order and wake order differ. */
        int k = N - 1 - i;
        snprintf(idx, sizeof(idx), "%d", k);
        snprintf(dl, sizeof(dl), "%llu", (unsigned long long)(base + (uint64_t)k * 20000000ull));
        char *cargv[] = { "t_sleepers", idx, dl, NULL };
        int fds[3] = { 0, p[1], 2 };
        if (xl_spawn("/bin/t_sleepers", cargv, fds) < 0) {
            printf("t_sleepers: spawn %d failed\n", k);
            return 1;
        }
    }
    close(p[1]);
    int got = 0, in_order = 1;
    char b;
    while (read(p[0], &b, 1) == 1) {
        if (b != got)
            in_order = 0;
        got++;
    }
    for (int i = 0; i < N; i++)
        xl_wait(-1, NULL);
    printf("t_sleepers: %d woke, %s\n", got, in_order ? "in order" : "OUT OF ORDER");
    return !(got == N && in_order);
}
