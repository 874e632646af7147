/* One domain's console ring: the guest writes out[], we copy it to the history file
 * (what `xlite console` replays and follows) and the per-name log; lines typed into
 * `xlite console` arrive in the input file and go to in[]. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "uapi/xlite_dev.h"
#include "xlconsoled.h"
#include "xlite.h"

static long ioc(int fd, unsigned long cmd, void *arg)
{
    return xl_syscall(XS_ioctl, fd, (long)cmd, (long)arg, 0);
}

static void file_name(const struct dom_console *d, const char *ext, char *buf, size_t n)
{
    snprintf(buf, n, "%s/d%u.%s", DOMREC_DIR, d->domid, ext);
}

int console_attach(struct dom_console *d, const struct domrec *r)
{
    char path[128];

    memset(d, 0, sizeof(*d));
    d->domid = r->domid;
    d->rec = *r;
    d->hist_fd = d->log_fd = -1;
    d->ring = cd_ctrl.ops->map(cd_ctrl.ctx, (domid_t)r->domid, r->console_mfn, true);
    if (!d->ring) {
        cd_log("d%u: cannot map its console ring (MFN %#llx)", r->domid,
               (unsigned long long)r->console_mfn);
        return -1;
    }
    struct xl_evtchn_bind b = { .remote_dom = r->domid, .remote_port = r->console_port };
    if (cd_evtchn_fd >= 0 && ioc(cd_evtchn_fd, XL_EVTCHN_BIND_INTERDOMAIN, &b) == 0)
        d->port = b.port;
    else
        cd_log("d%u: cannot bind console port %u: polling", r->domid, r->console_port);
    file_name(d, "console", path, sizeof(path));
    d->hist_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (d->hist_fd < 0)
        cd_log("d%u: cannot open %s: %s", r->domid, path, strerror(errno));
    snprintf(path, sizeof(path), "%s/%s.log", LOG_DIR, r->name);
    d->log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (d->log_fd < 0)
        cd_log("d%u: cannot open %s: %s", r->domid, path, strerror(errno));
    d->ring->connection = 1;        /* XENCONSOLE_CONNECTED */
    d->used = true;
    return 0;
}

void console_detach(struct dom_console *d)
{
    char path[128];

    if (!d->used)
        return;
    console_pump(d);
    if (d->port)
        ioc(cd_evtchn_fd, XL_EVTCHN_UNBIND, (void *)(uintptr_t)d->port);
    if (d->ring)
        cd_ctrl.ops->unmap(cd_ctrl.ctx, (void *)d->ring);
    if (d->hist_fd >= 0)
        close(d->hist_fd);
    if (d->log_fd >= 0)
        close(d->log_fd);
    file_name(d, "console", path, sizeof(path));
    unlink(path);
    file_name(d, "input", path, sizeof(path));
    unlink(path);
    d->used = false;
}

/* Guest output: at most one ring's worth per call; indexes are checked so a hostile
 * guest's out_prod cannot make us read more than the ring holds. */
static bool drain_out(struct dom_console *d)
{
    volatile struct xencons_interface *r = d->ring;
    char buf[sizeof(r->out)];
    uint32_t cons = r->out_cons, prod = r->out_prod;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    uint32_t n = prod - cons;

    if (n == 0)
        return false;
    if (n > sizeof(r->out))
        n = sizeof(r->out);             /* garbage indexes: take one ring and go on */
    for (uint32_t i = 0; i < n; i++)
        buf[i] = r->out[(cons + i) % sizeof(r->out)];
    __atomic_thread_fence(__ATOMIC_RELEASE);
    r->out_cons = cons + n;
    if (d->hist_fd >= 0 && write(d->hist_fd, buf, n) < 0)
        cd_log("d%u: history write failed", d->domid);
    if (d->log_fd >= 0 && write(d->log_fd, buf, n) < 0)
        cd_log("d%u: log write failed", d->domid);
    return true;
}

/* Typed input: what the input file holds past in_off, as far as in[] has room. Refuses
 * to write when the guest's in indexes say more than a ring is in use. */
static bool feed_in(struct dom_console *d)
{
    volatile struct xencons_interface *r = d->ring;
    char path[128], buf[sizeof(r->in)];

    file_name(d, "input", path, sizeof(path));
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return false;
    uint32_t cons = r->in_cons, prod = r->in_prod;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    uint32_t room = sizeof(r->in) - (prod - cons);
    if (prod - cons > sizeof(r->in))
        room = 0;
    long n = 0;
    if (room && lseek(fd, d->in_off, SEEK_SET) == d->in_off)
        n = read(fd, buf, room);
    close(fd);
    if (n <= 0)
        return false;
    for (long i = 0; i < n; i++)
        r->in[(prod + (uint32_t)i) % sizeof(r->in)] = buf[i];
    __atomic_thread_fence(__ATOMIC_RELEASE);
    r->in_prod = prod + (uint32_t)n;
    d->in_off += n;
    return true;
}

void console_pump(struct dom_console *d)
{
    bool kick = false;

    if (!d->used || !d->ring)
        return;
    for (int i = 0; i < 8 && drain_out(d); i++)
        kick = true;
    if (feed_in(d))
        kick = true;
    if (kick && d->port)
        ioc(cd_evtchn_fd, XL_EVTCHN_NOTIFY, (void *)(uintptr_t)d->port);
}
