/* init (pid 1): starts each command of /etc/rc in the background (the place for the
 * toolstack daemons), then the shell on the console (or, in a domain without one, the
 * hello program); restarts the shell when it exits and reaps every orphan. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xlite.h"

/* One command per line, words split on blanks; '#' starts a comment. */
static void run_rc(void)
{
    FILE *f = fopen("/etc/rc", "r");
    char line[256], path[128];

    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        char *argv[17];
        int argc = 0;
        for (char *w = strtok(line, " \t\n"); w && argc < 16; w = strtok(NULL, " \t\n")) {
            if (w[0] == '#')
                break;
            argv[argc++] = w;
        }
        if (!argc)
            continue;
        argv[argc] = NULL;
        int pid = xl_spawn(xl_which(argv[0], path, sizeof(path)), argv, NULL);
        if (pid < 0)
            printf("init: /etc/rc: cannot start %s\n", argv[0]);
        else
            printf("init: started %s (pid %d)\n", argv[0], pid);
    }
    fclose(f);
}

int main(void)
{
    struct stat st;
    const char *prog = stat("/bin/sh", &st) == 0 ? "/bin/sh" : "/bin/hello";
    char *argv[] = { (char *)prog, NULL };

    run_rc();
    printf("init: starting %s\n", prog);
    for (;;) {
        int pid = xl_spawn(prog, argv, NULL);
        if (pid < 0) {
            printf("init: cannot start %s\n", prog);
            for (;;)
                xl_sleep_ns(1000000000ull * 3600);
        }
        int status, r;
        while ((r = xl_wait(-1, &status)) != pid)
            if (r < 0)
                break;
        if (XW_EXITED(status) && prog[5] == 'h')
            break;                     /* hello ended on purpose */
        printf("init: %s exited (status %d), restarting\n", prog, status);
    }
    for (;;)
        xl_wait(-1, NULL);
}
