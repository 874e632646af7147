/* uptime: time since the hypervisor started, and the number of processes. */
#include <stdio.h>

#include "xlite.h"

int main(void)
{
    static struct xproc p[128];
    uint64_t ns = xl_clock(XCLOCK_MONOTONIC);
    unsigned long s = (unsigned long)(ns / 1000000000ull);

    printf("up %lu:%02lu:%02lu.%03lu, %d processes\n", s / 3600, s / 60 % 60, s % 60,
           (unsigned long)(ns / 1000000 % 1000), xl_procs(p, 128));
    return 0;
}
