/* t_oom: spawns memory hogs until a hog's malloc fails, then small sleepers until
 * spawn itself fails (ENOMEM or EAGAIN, cleanly), kills them all, checks that every
 * page came back and that a new process still starts. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xlite.h"

#define MAXH 120

int main(int argc, char **argv)
{
    (void)argv;
    if (argc == 3) {                       /* sleeper: just wait to die */
        for (;;)
            xl_sleep_ns(3600000000000ull);
    }
    if (argc == 2) {                       /* hog: take 8 MiB, report, wait to die */
        int mib = 0;
        for (; mib < 8; mib++) {
            char *m = malloc(1 << 20);
            if (!m)
                break;
            memset(m, 1, 1 << 20);
        }
        char r = (char)mib;
        write(1, &r, 1);
        for (;;)
            xl_sleep_ns(3600000000000ull);
    }
    struct xmeminfo before, after;
    int pids[MAXH], n = 0, p[2], short_hog = 0;

    xl_meminfo(&before);
    if (pipe(p) < 0)
        return 1;
    while (n < MAXH) {
        char *cargv[] = { "t_oom", "hog", NULL };
        int fds[3] = { 0, p[1], 2 };
        int pid = xl_spawn("/bin/t_oom", cargv, fds);
        if (pid < 0) {
            printf("t_oom: spawn %d failed: %s\n", n + 1, strerror(errno));
            break;
        }
        pids[n++] = pid;
        char got;
        if (read(p[0], &got, 1) != 1 || got < 8) {
            short_hog = 1;
            printf("t_oom: hog %d got only %d MiB\n", n, got);
            break;
        }
    }
    int spawn_errno = 0;
    while (n < MAXH) {                     /* now small processes until spawn fails */
        char *sargv[] = { "t_oom", "sleep", "x", NULL };
        int pid = xl_spawn("/bin/t_oom", sargv, NULL);
        if (pid < 0) {
            spawn_errno = errno;
            break;
        }
        pids[n++] = pid;
    }
    printf("t_oom: spawn failed after %d processes: %s\n", n, strerror(spawn_errno));
    for (int i = 0; i < n; i++)
        kill(pids[i], 9);
    for (int i = 0; i < n; i++)
        xl_wait(pids[i], NULL);
    close(p[0]);
    close(p[1]);
    xl_meminfo(&after);
    char *eargv[] = { "echo", "t_oom: a new process runs", NULL };
    int e = xl_spawn("/bin/echo", eargv, NULL);
    int st = -1;
    if (e > 0)
        xl_wait(e, &st);
    printf("t_oom: %d hogs until out of memory (%s), free pages %lu before, %lu after\n", n,
           short_hog ? "malloc failed" : "spawn failed", (unsigned long)before.free_pages,
           (unsigned long)after.free_pages);
    /* The kernel's small-object caches keep the pages they grew into. */
    int ok = n > 1 && (spawn_errno == ENOMEM || spawn_errno == EAGAIN) &&
             after.free_pages + 16 >= before.free_pages && st == 0;
    printf("t_oom: %s\n", ok ? "recovered" : "NOT RECOVERED");
    return !ok;
}
