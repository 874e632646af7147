/* dmesg: the kernel log ring. */
#include <unistd.h>

#include "xlite.h"

int main(void)
{
    static char buf[16384];
    long n = xl_dmesg(buf, sizeof(buf));

    if (n > 0)
        write(1, buf, (size_t)n);
    return n < 0;
}
