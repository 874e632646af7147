/* xlstored: the store daemon of dom0. Every 100 ms, or sooner on an event (a guest's
 * store port), it introduces domains the toolstack built (record in /run/xlite with a
 * store ring), pumps each ring, answers dom0's request files, and releases domains that
 * are dying or gone. Its pid file tells `xlite create` to give guests a store. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctrl_privcmd.h"
#include "doorbell.h"
#include "xlite.h"
#include "xlstored_io.h"

#define MAX_DOMS 64

struct ctrl xs_ctrl;
int xs_evtchn_fd = -1;
struct store_engine *xs_engine;
static struct store_dom doms[MAX_DOMS];

static struct store_dom *tracked(uint32_t domid)
{
    for (int i = 0; i < MAX_DOMS; i++)
        if (doms[i].used && doms[i].domid == domid)
            return &doms[i];
    return NULL;
}

static void attach_new(uint32_t domid)
{
    struct domrec r;

    if (domrec_read(domid, &r) || !r.store_mfn || !r.store_port)
        return;
    for (int i = 0; i < MAX_DOMS; i++)
        if (!doms[i].used) {
            ring_attach(&doms[i], &r);
            return;
        }
}

/* One pass over the domains and the local request files; true if a dom0 client was
 * answered (one that asks again soon should not wait for a whole idle poll). */
static bool scan(void)
{
    struct xlite_domctl_getdomaininfo info;
    bool seen[MAX_DOMS] = { false };
    struct stat st;
    char path[64];

    for (uint32_t d = 1; !ctrl_domain_getinfo(&xs_ctrl, (domid_t)d, &info); d = info.domain + 1u) {
        struct store_dom *s = tracked(info.domain);
        domrec_path(info.domain, path, sizeof(path));
        if ((info.flags & XLITE_DOMINFO_dying) || stat(path, &st)) {
            if (s)
                ring_detach(s);
            continue;
        }
        if (!s) {
            attach_new(info.domain);
            s = tracked(info.domain);
        }
        if (!s)
            continue;
        seen[s - doms] = true;
        ring_pump(s);
    }
    for (int i = 0; i < MAX_DOMS; i++)
        if (doms[i].used && !seen[i])
            ring_detach(&doms[i]);
    unsigned int served = local_pump();
    for (int i = 0; i < MAX_DOMS; i++)    /* watch events a dom0 write raised */
        ring_pump(&doms[i]);
    return served > 0;
}

int main(void)
{
    char why[256];

    mkdir(DOMREC_DIR, 0755);
    mkdir(LOCAL_DIR, 0755);
    if (ctrl_privcmd_open(&xs_ctrl)) {
        xs_log("cannot open /dev/xlite/privcmd: %s", strerror(errno));
        return 1;
    }
    if (ctrl_check_version(&xs_ctrl, why, sizeof(why))) {
        xs_log("%s", why);
        return 1;
    }
    xs_engine = store_engine_create(NULL);
    xs_evtchn_fd = open("/dev/xlite/evtchn", O_RDWR | O_NONBLOCK);
    doorbell_install(xs_evtchn_fd, XLSTORED_DOORBELL);   /* xlite and store clients ring it */
    struct store_conn_id admin = { 0, 0 };
    if (!xs_engine || xs_evtchn_fd < 0 || store_conn_open(xs_engine, admin)) {
        xs_log("cannot start: no memory or no /dev/xlite/evtchn");
        return 1;
    }
    FILE *pf = fopen(XLSTORED_PIDFILE, "w");
    if (pf) {
        fprintf(pf, "%d\n", getpid());
        fclose(pf);
    }
    /* dom0 clients have no event to wake us (request files): while they are busy,
     * look every 2 ms, for 100 passes after the last request; else every 100 ms. */
    for (unsigned int busy = 0;;) {
        struct xpollfd p = { .fd = xs_evtchn_fd, .events = XPOLLIN };
        uint32_t ports[16];
        if (xl_poll(&p, 1, busy ? 2 : 100) > 0)
            while (read(xs_evtchn_fd, ports, sizeof(ports)) > 0)
                ;
        if (scan())
            busy = 100;
        else if (busy)
            busy--;
    }
}
