/* /dev/xlite/evtchn (dom0): event channels for a process. Ports bound through one open
 * file deliver into that file's queue; read() takes pending ports, poll() waits. */
#include "devices.h"
#include "proc.h"
#include "ring.h"
#include "uapi/xlite_dev.h"

#define MAXPORTS 32
#define QLEN 64

struct evdev {
    uint32_t ports[MAXPORTS];          /* 0 = free slot */
    uint32_t q[QLEN];
    uint32_t rd, wr;
    struct waitq wq;
};

static void deliver(unsigned int port, void *arg)
{
    struct evdev *e = arg;

    if (e->wr - e->rd < QLEN)
        e->q[e->wr++ % QLEN] = port;
    waitq_wake_all(&e->wq);
    waitq_wake_all(&poll_waitq);
}

static int ev_open(struct file *f)
{
    struct evdev *e = kzalloc(sizeof(*e));

    if (!e)
        return -XE_NOMEM;
    waitq_init(&e->wq);
    f->priv = e;
    return 0;
}

static int slot_of(struct evdev *e, uint32_t port)
{
    for (int i = 0; i < MAXPORTS; i++)
        if (e->ports[i] == port)
            return i;
    return -1;
}

/* Refuses a full table (-XE_NOSPC) and what the hypervisor refuses. */
static long bind(struct evdev *e, uint64_t uarg, unsigned long how)
{
    struct xl_evtchn_bind b;
    int s = slot_of(e, 0);

    if (copy_from_user(&b, uarg, sizeof(b)))
        return -XE_FAULT;
    if (s < 0)
        return -XE_NOSPC;
    int port = how == XL_EVTCHN_BIND_UNBOUND ? evtchn_alloc_unbound(b.remote_dom) :
               how == XL_EVTCHN_BIND_VIRQ ? evtchn_bind_virq(b.remote_port, deliver, e) :
               evtchn_bind_interdomain(b.remote_dom, b.remote_port);
    if (port < 0)
        return port;
    e->ports[s] = (uint32_t)port;
    if (how != XL_EVTCHN_BIND_VIRQ) {
        evtchn_set_handler((unsigned int)port, deliver, e);
        evtchn_unmask((unsigned int)port);
    }
    b.port = (uint32_t)port;
    return copy_to_user(uarg, &b, sizeof(b)) ? -XE_FAULT : 0;
}

static long ev_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
    struct evdev *e = f->priv;
    int s;

    switch (cmd) {
    case XL_EVTCHN_BIND_INTERDOMAIN:
    case XL_EVTCHN_BIND_UNBOUND:
    case XL_EVTCHN_BIND_VIRQ:
        return bind(e, arg, cmd);
    case XL_EVTCHN_NOTIFY:
        if (!arg || slot_of(e, (uint32_t)arg) < 0)
            return -XE_INVAL;          /* only ports bound through this file */
        evtchn_notify((unsigned int)arg);
        return 0;
    case XL_EVTCHN_UNBIND:
        if (!arg || (s = slot_of(e, (uint32_t)arg)) < 0)
            return -XE_INVAL;
        evtchn_close((unsigned int)arg);
        e->ports[s] = 0;
        return 0;
    default:
        return -XE_INVAL;
    }
}

static long ev_read(struct file *f, char *kbuf, size_t n)
{
    struct evdev *e = f->priv;
    size_t k = 0;

    if (n < 4)
        return -XE_INVAL;
    while (e->rd == e->wr) {
        if (f->flags & XO_NONBLOCK)
            return -XE_AGAIN;
        waitq_wait(&e->wq, 0);
        if (cur_proc() && cur_proc()->killed)
            return -XE_INTR;
    }
    while (k + 4 <= n && e->rd != e->wr) {
        memcpy(kbuf + k, &e->q[e->rd++ % QLEN], 4);
        k += 4;
    }
    return (long)k;
}

static int ev_poll(struct file *f)
{
    struct evdev *e = f->priv;
    return e->rd != e->wr ? XPOLLIN : 0;
}

static void ev_close(struct file *f)
{
    struct evdev *e = f->priv;

    for (int i = 0; i < MAXPORTS; i++)
        if (e->ports[i])
            evtchn_close(e->ports[i]);
    kfree(e);
}

const struct devops evtchn_dev_ops = {
    .open = ev_open, .read = ev_read, .poll = ev_poll, .ioctl = ev_ioctl, .close = ev_close,
};
