/* xlconsoled: every 100 ms, or sooner when an event arrives (a console port or
 * VIRQ_DOM_EXC), it matches the domains the hypervisor has against the records in
 * /run/xlite, attaches new consoles, pumps each ring, lets go of dying domains (so
 * their frames can be freed) and applies shutdown actions. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctrl_privcmd.h"
#include "uapi/xlite_dev.h"
#include "doorbell.h"
#include "xlconsoled.h"
#include "xlite.h"
#include <xlite/event_channel.h>

#define MAX_DOMS 64

struct ctrl cd_ctrl;
int cd_evtchn_fd = -1;
static struct dom_console doms[MAX_DOMS];

void cd_log(const char *fmt, ...)
{
    va_list ap;

    fputs("xlconsoled: ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

static struct dom_console *tracked(uint32_t domid)
{
    for (int i = 0; i < MAX_DOMS; i++)
        if (doms[i].used && doms[i].domid == domid)
            return &doms[i];
    return NULL;
}

static void attach_new(uint32_t domid)
{
    struct domrec r;

    if (domrec_read(domid, &r) || !r.console_mfn)
        return;                      /* not ours, or its record is still being written */
    for (int i = 0; i < MAX_DOMS; i++)
        if (!doms[i].used) {
            console_attach(&doms[i], &r);
            return;
        }
}

/* One pass over the hypervisor's domains and ours. */
static void scan(void)
{
    struct xlite_domctl_getdomaininfo info;
    bool seen[MAX_DOMS] = { false };
    struct stat st;
    char path[64];

    for (uint32_t d = 1; !ctrl_domain_getinfo(&cd_ctrl, (domid_t)d, &info); d = info.domain + 1u) {
        struct dom_console *c = tracked(info.domain);
        if (info.flags & XLITE_DOMINFO_dying) {
            if (c)
                console_detach(c);
            continue;
        }
        if (!c) {
            attach_new(info.domain);
            c = tracked(info.domain);
        }
        if (!c)
            continue;
        seen[c - doms] = true;
        domrec_path(c->domid, path, sizeof(path));
        if (stat(path, &st)) {       /* destroyed by xlite: let go now */
            console_detach(c);
            continue;
        }
        console_pump(c);
        if ((info.flags & XLITE_DOMINFO_shutdown) && !c->acted)
            lifecycle_apply(c, info.flags);
    }
    for (int i = 0; i < MAX_DOMS; i++)
        if (doms[i].used && !seen[i])
            console_detach(&doms[i]);
}

int main(void)
{
    char why[256];

    mkdir(DOMREC_DIR, 0755);
    mkdir(LOG_DIR, 0755);
    if (ctrl_privcmd_open(&cd_ctrl)) {
        cd_log("cannot open /dev/xlite/privcmd: %s", strerror(errno));
        return 1;
    }
    if (ctrl_check_version(&cd_ctrl, why, sizeof(why))) {
        cd_log("%s", why);
        return 1;
    }
    cd_evtchn_fd = open("/dev/xlite/evtchn", O_RDWR | O_NONBLOCK);
    struct xl_evtchn_bind virq = { .remote_port = VIRQ_DOM_EXC };
    if (cd_evtchn_fd < 0 ||
        xl_syscall(XS_ioctl, cd_evtchn_fd, XL_EVTCHN_BIND_VIRQ, (long)&virq, 0) < 0)
        cd_log("no VIRQ_DOM_EXC: noticing shutdowns by polling");
    doorbell_install(cd_evtchn_fd, XLCONSOLED_DOORBELL);   /* xlite create rings it */
    FILE *pf = fopen(XLCONSOLED_PIDFILE, "w");
    if (pf) {
        fprintf(pf, "%d\n", getpid());
        fclose(pf);
    }
    for (;;) {
        struct xpollfd p = { .fd = cd_evtchn_fd, .events = XPOLLIN };
        uint32_t ports[16];
        if (cd_evtchn_fd >= 0 && xl_poll(&p, 1, 100) > 0)
            while (read(cd_evtchn_fd, ports, sizeof(ports)) > 0)
                ;                    /* which port does not matter: everything is pumped */
        else if (cd_evtchn_fd < 0)
            xl_sleep_ns(100000000ull);
        scan();
    }
}
