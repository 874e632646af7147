/* hello: the domU demo. Greets with this domain's id, echoes console input (where the
 * domain has input) and ticks once a second. */
#include <stdio.h>
#include <unistd.h>

#include "xlite.h"

int main(void)
{
    struct xpollfd pf = { .fd = 0, .events = XPOLLIN };
    uint64_t next = xl_clock(XCLOCK_MONOTONIC) + 1000000000ull;
    unsigned long ticks = 0;
    char buf[128];

    printf("Hello from xlite domain %d!\n", xl_domid());
    fflush(stdout);
    for (;;) {
        uint64_t now = xl_clock(XCLOCK_MONOTONIC);
        int ms = now >= next ? 0 : (int)((next - now) / 1000000) + 1;
        if (xl_poll(&pf, 1, ms) > 0 && (pf.revents & XPOLLIN)) {
            int n = (int)read(0, buf, sizeof(buf) - 1);
            if (n > 0) {
                buf[n] = '\0';
                printf("echo: %s", buf);
                fflush(stdout);
            }
        }
        if (xl_clock(XCLOCK_MONOTONIC) >= next) {
            printf("tick %lu\n", ++ticks);
            fflush(stdout);
            next += 1000000000ull;
        }
    }
}
