/* /dev/xlite/privcmd (dom0): hypercalls made for a process (privcmd_hcall.c), and
 * foreign mappings of another domain's frames into the process's device window, read-only
 * or read-write, undone by XL_PRIVCMD_UNMAP or when the process goes. Window pages are
 * reused once unmapped, so a long-running daemon can map and unmap forever. */
#include "devices.h"
#include "privcmd.h"
#include "proc.h"
#include "uapi/xlite_dev.h"

#define WINDOW_PAGES ((XU_MAP_TOP - XU_MAP_BASE) / PAGE_SIZE)

/* One open privcmd: which window pages it mapped, so unmap touches only those (not a
 * gntdev mapping or page) and close undoes what is left. */
struct pcdev {
    struct proc *owner;
    uint64_t *mine;                 /* WINDOW_PAGES bits: one page */
};

static bool is_mine(const struct pcdev *d, uint64_t i)
{
    return d->mine[i / 64] >> (i % 64) & 1;
}

static void set_mine(struct pcdev *d, uint64_t i, bool on)
{
    if (on)
        d->mine[i / 64] |= 1ull << (i % 64);
    else
        d->mine[i / 64] &= ~(1ull << (i % 64));
}

static bool page_free_at(const struct aspace *as, uint64_t i)
{
    return as_prot(as, XU_MAP_BASE + i * PAGE_SIZE) < 0;
}

/* First fit from the hint (map_next), then from the window's start. */
uint64_t privcmd_window_find(const struct aspace *as, uint64_t count)
{
    if (!count || count > WINDOW_PAGES)
        return 0;
    for (int pass = 0; pass < 2; pass++) {
        uint64_t i = pass ? 0 : MIN(as->map_next, WINDOW_PAGES);
        while (i + count <= WINDOW_PAGES) {
            uint64_t k = 0;
            while (k < count && page_free_at(as, i + k))
                k++;
            if (k == count)
                return XU_MAP_BASE + i * PAGE_SIZE;
            i += k + 1;
        }
    }
    return 0;
}

/* Refuses 0 or more than 64 frames or unknown flags (-XE_INVAL), a full device window
 * (-XE_NOMEM), and frames the hypervisor will not map (all undone then). */
static long do_map_foreign(struct pcdev *d, uint64_t uarg)
{
    struct xl_privcmd_map_foreign m;
    struct proc *p = cur_proc();
    uint64_t mfns[64];

    if (copy_from_user(&m, uarg, sizeof(m)))
        return -XE_FAULT;
    if (!m.count || m.count > 64 || (m.flags & ~XL_MAP_READONLY))
        return -XE_INVAL;
    if (copy_from_user(mfns, m.mfns, m.count * sizeof(uint64_t)))
        return -XE_FAULT;
    uint64_t va = privcmd_window_find(&p->as, m.count);
    if (!va)
        return -XE_NOMEM;
    for (uint32_t i = 0; i < m.count; i++) {
        int rc = as_map_foreign(&p->as, va + i * PAGE_SIZE, mfns[i], m.dom,
                                !(m.flags & XL_MAP_READONLY));
        if (rc) {
            while (i--)
                as_unmap(&p->as, va + i * PAGE_SIZE);
            return rc;
        }
    }
    uint64_t first = (va - XU_MAP_BASE) / PAGE_SIZE;
    p->as.map_next = first + m.count;
    m.va = va;
    if (copy_to_user(uarg, &m, sizeof(m))) {
        for (uint32_t i = 0; i < m.count; i++)
            as_unmap(&p->as, va + i * PAGE_SIZE);
        return -XE_FAULT;
    }
    for (uint32_t i = 0; i < m.count; i++)
        set_mine(d, first + i, true);
    return 0;
}

/* Refuses a range outside the window, unaligned, or with a page not mapped through this
 * file (-XE_INVAL). */
static long do_unmap(struct pcdev *d, uint64_t uarg)
{
    struct xl_privcmd_unmap u;
    struct proc *p = cur_proc();

    if (copy_from_user(&u, uarg, sizeof(u)))
        return -XE_FAULT;
    if (u.va < XU_MAP_BASE || u.va >= XU_MAP_TOP || (u.va & (PAGE_SIZE - 1)) || !u.count ||
        u.count > (XU_MAP_TOP - u.va) / PAGE_SIZE)
        return -XE_INVAL;
    uint64_t first = (u.va - XU_MAP_BASE) / PAGE_SIZE;
    for (uint64_t i = 0; i < u.count; i++)
        if (!is_mine(d, first + i) || as_prot(&p->as, u.va + i * PAGE_SIZE) < 0)
            return -XE_INVAL;
    for (uint64_t i = 0; i < u.count; i++) {
        if (as_unmap(&p->as, u.va + i * PAGE_SIZE))
            return -XE_INVAL;
        set_mine(d, first + i, false);
    }
    if (first < p->as.map_next)
        p->as.map_next = first;
    return 0;
}

static int privcmd_open(struct file *f)
{
    struct pcdev *d = kzalloc(sizeof(*d));
    uint64_t *bits = kzalloc(WINDOW_PAGES / 8);

    if (!d || !bits) {
        kfree(d);
        kfree(bits);
        return -XE_NOMEM;
    }
    d->mine = bits;
    d->owner = cur_proc();
    f->priv = d;
    return 0;
}

/* Mappings are the opener's: another process (an inherited descriptor) may only make
 * hypercalls through it (-XE_PERM otherwise). */
static long privcmd_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
    struct pcdev *d = f->priv;

    if (cmd == XL_PRIVCMD_HYPERCALL)
        return privcmd_hypercall(arg);
    if (cur_proc() != d->owner)
        return -XE_PERM;
    switch (cmd) {
    case XL_PRIVCMD_MAP_FOREIGN:
        return do_map_foreign(d, arg);
    case XL_PRIVCMD_UNMAP:
        return do_unmap(d, arg);
    default:
        return -XE_INVAL;
    }
}

/* What the opener still maps goes; if the opener has exited, its space went with it. */
static void privcmd_close(struct file *f)
{
    struct pcdev *d = f->priv;

    if (cur_proc() == d->owner)
        for (uint64_t i = 0; i < WINDOW_PAGES; i++)
            if (is_mine(d, i))
                as_unmap(&d->owner->as, XU_MAP_BASE + i * PAGE_SIZE);
    kfree(d->mine);
    kfree(d);
}

static const struct devops privcmd_ops = {
    .open = privcmd_open, .ioctl = privcmd_ioctl, .close = privcmd_close,
};

void privdev_init(void)
{
    vfs_mkdir_p("/dev/xlite", false);
    vfs_add_device("/dev/xlite/privcmd", &privcmd_ops);
    vfs_add_device("/dev/xlite/evtchn", &evtchn_dev_ops);
    vfs_add_device("/dev/xlite/gntdev", &gntdev_ops);
}
