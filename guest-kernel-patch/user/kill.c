/* kill [-SIG] PID...: send a signal (default 15, TERM) to processes. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int sig = 15, i = 1, rc = 0;

    if (argc > 1 && argv[1][0] == '-') {
        sig = atoi(argv[1] + 1);
        i = 2;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: kill [-SIG] PID...\n");
        return 2;
    }
    for (; i < argc; i++) {
        if (kill(atoi(argv[i]), sig) < 0) {
            fprintf(stderr, "kill: %s: %s\n", argv[i], strerror(errno));
            rc = 1;
        }
    }
    return rc;
}
