/* /dev/xlite/privcmd (dom0): hypercalls made for a process, from a short list whose
 * pointer arguments the kernel copies in and out itself (the hypervisor sees the
 * kernel's page tables, not the process's), and foreign mappings of another domain's
 * frames into the process's device window. */
#include <xlite/domctl.h>
#include <xlite/event_channel.h>
#include <xlite/sched.h>

#include "devices.h"
#include "proc.h"
#include "uapi/xlite_dev.h"

#define HC_CONSOLE_IO 18
#define HC_SCHED_OP 29
#define HC_EVTCHN_OP 32
#define HC_DOMCTL 36

/* Which argument points at memory and how many bytes: -1 if the call is refused. */
static long buffer_of(const uint64_t a[5], uint64_t op, int *idx)
{
    switch (op) {
    case HC_DOMCTL:
        *idx = 0;
        return sizeof(struct xlite_domctl);
    case HC_SCHED_OP:
        *idx = 1;
        return a[0] == SCHEDOP_remote_shutdown ? (long)sizeof(struct sched_remote_shutdown)
                                               : -1;
    case HC_CONSOLE_IO:
        *idx = 2;
        return (a[0] == CONSOLEIO_write || a[0] == CONSOLEIO_read) && a[1] <= PAGE_SIZE ?
               (long)a[1] : -1;
    case HC_EVTCHN_OP:
        *idx = 1;
        switch (a[0]) {
        case EVTCHNOP_alloc_unbound: return sizeof(struct evtchn_alloc_unbound);
        case EVTCHNOP_bind_interdomain: return sizeof(struct evtchn_bind_interdomain);
        case EVTCHNOP_close: return sizeof(struct evtchn_close);
        case EVTCHNOP_send: return sizeof(struct evtchn_send);
        case EVTCHNOP_status: return sizeof(struct evtchn_status);
        case EVTCHNOP_unmask: return sizeof(struct evtchn_unmask);
        default: return -1;
        }
    default:
        return -1;
    }
}

/* Refuses calls outside the list (-XE_PERM) and unreadable/unwritable buffers. */
static long do_hypercall(uint64_t uarg)
{
    struct xl_privcmd_hypercall h;
    int idx = 0;

    if (copy_from_user(&h, uarg, sizeof(h)))
        return -XE_FAULT;
    long size = buffer_of(h.arg, h.op, &idx);
    if (size < 0)
        return -XE_PERM;
    char *k = kmalloc(size ? (size_t)size : 1);
    if (!k)
        return -XE_NOMEM;
    uint64_t a[5];
    memcpy(a, h.arg, sizeof(a));
    uint64_t ubuf = a[idx];
    long rc = 0;
    if (size && copy_from_user(k, ubuf, (size_t)size))
        rc = -XE_FAULT;
    if (!rc) {
        a[idx] = (uint64_t)k;
        h.ret = arch_hypercall(h.op, a);
        if ((size && copy_to_user(ubuf, k, (size_t)size)) ||
            copy_to_user(uarg + offsetof(struct xl_privcmd_hypercall, ret), &h.ret, 8))
            rc = -XE_FAULT;
    }
    kfree(k);
    return rc;
}

/* Refuses 0 or more than 64 frames (-XE_INVAL) and a full device window (-XE_NOMEM). */
static long do_map_foreign(uint64_t uarg)
{
    struct xl_privcmd_map_foreign m;
    struct proc *p = cur_proc();
    uint64_t mfns[64];

    if (copy_from_user(&m, uarg, sizeof(m)))
        return -XE_FAULT;
    if (!m.count || m.count > 64)
        return -XE_INVAL;
    if (copy_from_user(mfns, m.mfns, m.count * sizeof(uint64_t)))
        return -XE_FAULT;
    uint64_t va = XU_MAP_BASE + p->as.map_next * PAGE_SIZE;
    if (va + m.count * PAGE_SIZE > XU_MAP_TOP)
        return -XE_NOMEM;
    for (uint32_t i = 0; i < m.count; i++) {
        int rc = as_map_foreign(&p->as, va + i * PAGE_SIZE, mfns[i], m.dom);
        if (rc)
            return rc;
    }
    p->as.map_next += m.count;
    m.va = va;
    return copy_to_user(uarg, &m, sizeof(m)) ? -XE_FAULT : 0;
}

static long privcmd_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
    (void)f;
    switch (cmd) {
    case XL_PRIVCMD_HYPERCALL:
        return do_hypercall(arg);
    case XL_PRIVCMD_MAP_FOREIGN:
        return do_map_foreign(arg);
    default:
        return -XE_INVAL;
    }
}

static const struct devops privcmd_ops = { .ioctl = privcmd_ioctl };

void privdev_init(void)
{
    vfs_mkdir_p("/dev/xlite", false);
    vfs_add_device("/dev/xlite/privcmd", &privcmd_ops);
    vfs_add_device("/dev/xlite/evtchn", &evtchn_dev_ops);
    vfs_add_device("/dev/xlite/gntdev", &gntdev_ops);
}
