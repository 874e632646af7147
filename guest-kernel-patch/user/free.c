/* free: memory of this domain, in KiB. */
#include <stdio.h>

#include "xlite.h"

int main(void)
{
    struct xmeminfo m;

    if (xl_meminfo(&m) < 0)
        return 1;
    unsigned long k = m.page_size / 1024;
    printf("         total      used      free\n");
    printf("Mem: %9lu %9lu %9lu\n", (unsigned long)(m.total_pages * k),
           (unsigned long)((m.total_pages - m.free_pages) * k),
           (unsigned long)(m.free_pages * k));
    printf("Kernel and boot image: %lu KiB\n", (unsigned long)(m.kernel_pages * k));
    return 0;
}
