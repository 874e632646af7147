/* ps: the process table. */
#include <stdio.h>

#include "xlite.h"

int main(void)
{
    static struct xproc p[128];
    int n = xl_procs(p, 128);

    printf("  PID  PPID S  MEM(KiB)   CPU(ms) NAME\n");
    for (int i = 0; i < n; i++)
        printf("%5d %5d %c %9lu %9lu %s\n", p[i].pid, p[i].ppid, p[i].state,
               (unsigned long)(p[i].pages * 4), (unsigned long)(p[i].cpu_ns / 1000000),
               p[i].name);
    return 0;
}
