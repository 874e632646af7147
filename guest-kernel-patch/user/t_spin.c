/* t_spin [SECONDS]: burns the CPU in user mode (forever by default), to show that the
 * timer preempts it and everything else stays responsive. */
#include <stdio.h>
#include <stdlib.h>

#include "xlite.h"

int main(int argc, char **argv)
{
    uint64_t end = argc > 1 ? xl_clock(XCLOCK_MONOTONIC) + strtoull(argv[1], NULL, 10) *
                              1000000000ull : ~0ull;
    volatile unsigned long n = 0;

    while (xl_clock(XCLOCK_MONOTONIC) < end)
        for (int i = 0; i < 100000; i++)
            n++;
    printf("t_spin: done\n");
    return 0;
}
