/* console: replays the domain's console history kept by xlconsoled, then follows it and
 * forwards typed lines to the domain; a line holding Ctrl-] (or starting "~.")
 * detaches. dmesg: the
 * hypervisor's log. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domrec.h"
#include "xlcmd.h"
#include "xlite.h"

#define DETACH_CHAR 0x1d            /* Ctrl-] */
#define DMESG_MAX   (128u << 10)

/* Copies what the history file holds past our offset to stdout; whether it had any. */
static bool drain(int fd)
{
    char buf[512];
    long n;
    bool any = false;

    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        fwrite(buf, 1, (size_t)n, stdout);
        any = true;
    }
    fflush(stdout);
    return any;
}

/* One typed line: detach if it holds Ctrl-] or starts with "~.", else hand it on. */
static bool forward(const char *in_path)
{
    char buf[256];
    long n = read(0, buf, sizeof(buf));

    if (n <= 0)
        return n == 0;               /* end of input: detach */
    if (memchr(buf, DETACH_CHAR, (size_t)n) || (n >= 2 && !memcmp(buf, "~.", 2)))
        return true;
    int fd = open(in_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
        if (write(fd, buf, (size_t)n) != n)
            err("console: input lost: %s", strerror(errno));
        close(fd);
    }
    return false;
}

/* The history file xlconsoled keeps for domid, opened for reading; waits up to 2 s for
 * the daemon to notice a domain just built. -1 (after one message) if it never comes. */
int console_open(uint32_t domid, const char *name)
{
    char hist[64];
    struct stat st;
    int fd = -1;

    snprintf(hist, sizeof(hist), "%s/d%u.console", DOMREC_DIR, domid);
    for (int t = 0; t < 100 && fd < 0; t++) {
        fd = open(hist, O_RDONLY);
        if (fd < 0)
            xl_sleep_ns(20000000ull);
    }
    if (fd < 0)
        err("console: no console for %s (is xlconsoled running? %s)", name,
            stat(XLCONSOLED_PIDFILE, &st) ? "no" : "yes");
    return fd;
}

/* Replays and follows the history open on fd until the user detaches or the domain
 * (or its history) is gone; closes fd. An open history outlives its unlinking, so the
 * last lines of a domain that just died are still shown. */
int console_follow(uint32_t domid, int fd)
{
    char hist[64], in_path[64];
    struct stat st;

    snprintf(hist, sizeof(hist), "%s/d%u.console", DOMREC_DIR, domid);
    snprintf(in_path, sizeof(in_path), "%s/d%u.input", DOMREC_DIR, domid);
    /* The history file cannot be waited on: look often while output flows (a guest
     * that has just started or is printing), every 50 ms once it has been quiet. */
    for (unsigned int quiet = 0;;) {
        struct xpollfd pf = { .fd = 0, .events = XPOLLIN };
        struct xlite_domctl_getdomaininfo now;
        quiet = drain(fd) ? 0 : quiet + 1;
        bool typed = xl_poll(&pf, 1, quiet < 400 ? 2 : 50) > 0 &&
                     (pf.revents & (XPOLLIN | XPOLLHUP));
        /* Checked before a typed line is taken: what is typed after the domain is gone
         * belongs to the shell, not to a domain that no longer reads it. */
        if (ctrl_domain_getinfo(&xl_ctrl, (domid_t)domid, &now) || now.domain != domid ||
            stat(hist, &st)) {
            drain(fd);
            break;
        }
        if (typed && forward(in_path))
            break;
    }
    close(fd);
    return 0;
}

int cmd_console(int argc, char **argv)
{
    struct xlite_domctl_getdomaininfo info;

    if (argc != 2)
        return usage("console");
    if (find_domain(argv[1], &info))
        return 1;
    struct domrec r;
    if (info.domain == 0)
        return err("console: Domain-0's console is this one");
    if (domrec_read(info.domain, &r))
        return err("console: %s was not built by xlite: its output goes to the hypervisor's "
                   "console (xlite dmesg)", info.name);
    int fd = console_open(info.domain, info.name);
    return fd < 0 ? 1 : console_follow(info.domain, fd);
}

int cmd_dmesg(int argc, char **argv)
{
    bool clear = argc == 2 && !strcmp(argv[1], "-c");
    uint32_t count = 0;

    if (argc > 2 || (argc == 2 && !clear))
        return usage("dmesg");
    char *buf = malloc(DMESG_MAX);
    if (!buf)
        return err("dmesg: out of memory");
    long rc = ctrl_readconsole(&xl_ctrl, buf, DMESG_MAX, clear, &count);
    if (rc) {
        free(buf);
        return err("dmesg: readconsole refused (error %ld)", rc);
    }
    fwrite(buf, 1, count, stdout);
    if (count && buf[count - 1] != '\n')
        putchar('\n');
    free(buf);
    return 0;
}
