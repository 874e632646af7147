/* sleep SECONDS (fractions allowed: 0.5). */
#include <stdio.h>
#include <stdlib.h>

#include "xlite.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: sleep SECONDS\n");
        return 2;
    }
    double s = strtod(argv[1], NULL);
    if (s < 0)
        s = 0;
    return xl_sleep_ns((uint64_t)(s * 1e9)) < 0;
}
