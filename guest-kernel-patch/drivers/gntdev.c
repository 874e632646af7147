/* /dev/xlite/gntdev (dom0): map another domain's grant into the process that opened
 * the device, in its device window, or share a fresh page with another domain; every
 * mapping goes away on unmap or close, every shared page is revoked on close. */
#include "devices.h"
#include "privcmd.h"
#include "proc.h"
#include "uapi/xlite_dev.h"

#define MAXMAPS 64

struct gdev {
    struct proc *owner;
    struct { uint64_t va; uint32_t handle; } maps[MAXMAPS];   /* va 0 = free */
    struct { uint64_t va, pfn; uint32_t ref; } shared[MAXMAPS]; /* pfn 0 = free */
};

static int g_open(struct file *f)
{
    struct gdev *g = kzalloc(sizeof(*g));

    if (!g)
        return -XE_NOMEM;
    g->owner = cur_proc();
    f->priv = g;
    return 0;
}

/* Refuses use by another process (-XE_PERM) and a full table (-XE_NOSPC). */
static long g_map(struct gdev *g, uint64_t uarg)
{
    struct xl_gntdev_map m;
    struct proc *p = cur_proc();
    int s = -1;

    if (copy_from_user(&m, uarg, sizeof(m)))
        return -XE_FAULT;
    if (p != g->owner)
        return -XE_PERM;
    for (int i = 0; i < MAXMAPS && s < 0; i++)
        if (!g->maps[i].va)
            s = i;
    uint64_t va = privcmd_window_find(&p->as, 1);
    if (s < 0 || !va)
        return -XE_NOSPC;
    uint32_t handle;
    int rc = as_map_grant(&p->as, va, m.dom, m.ref, m.readonly != 0, &handle);
    if (rc)
        return rc;
    p->as.map_next = (va - XU_MAP_BASE) / PAGE_SIZE + 1;
    g->maps[s].va = va;
    g->maps[s].handle = handle;
    m.va = va;
    return copy_to_user(uarg, &m, sizeof(m)) ? -XE_FAULT : 0;
}

/* Refuses use by another process (-XE_PERM) and a full table (-XE_NOSPC). */
static long g_alloc(struct gdev *g, uint64_t uarg)
{
    struct xl_gntdev_alloc a;
    struct proc *p = cur_proc();
    int s = -1;

    if (copy_from_user(&a, uarg, sizeof(a)))
        return -XE_FAULT;
    if (p != g->owner)
        return -XE_PERM;
    for (int i = 0; i < MAXMAPS && s < 0; i++)
        if (!g->shared[i].pfn)
            s = i;
    uint64_t va = privcmd_window_find(&p->as, 1);
    if (s < 0 || !va)
        return -XE_NOSPC;
    uint64_t pfn = page_alloc();
    if (!pfn)
        return -XE_NOMEM;
    int rc = as_map(&p->as, va, pfn, true);
    if (rc) {
        page_free(pfn);
        return rc;
    }
    p->as.map_next = (va - XU_MAP_BASE) / PAGE_SIZE + 1;
    int ref = gnttab_grant(a.dom, pfn, a.readonly != 0);
    if (ref < 0) {
        as_unmap(&p->as, va);
        page_free(pfn);
        return ref;
    }
    g->shared[s].va = va;
    g->shared[s].pfn = pfn;
    g->shared[s].ref = (uint32_t)ref;
    a.ref = (uint32_t)ref;
    a.va = va;
    return copy_to_user(uarg, &a, sizeof(a)) ? -XE_FAULT : 0;
}

static long g_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
    struct gdev *g = f->priv;

    if (cmd == XL_GNTDEV_MAP)
        return g_map(g, arg);
    if (cmd == XL_GNTDEV_ALLOC)
        return g_alloc(g, arg);
    if (cmd != XL_GNTDEV_UNMAP || cur_proc() != g->owner)
        return -XE_INVAL;
    for (int i = 0; i < MAXMAPS; i++) {
        if (g->maps[i].va == arg && arg) {
            int rc = as_unmap_grant(&g->owner->as, arg, g->maps[i].handle);
            g->maps[i].va = 0;
            return rc;
        }
    }
    return -XE_INVAL;
}

static void g_close(struct file *f)
{
    struct gdev *g = f->priv;

    for (int i = 0; i < MAXMAPS; i++)
        if (g->maps[i].va)
            as_unmap_grant(&g->owner->as, g->maps[i].va, g->maps[i].handle);
    for (int i = 0; i < MAXMAPS; i++) {
        if (!g->shared[i].pfn)
            continue;
        as_unmap(&g->owner->as, g->shared[i].va);
        if (gnttab_end(g->shared[i].ref) == 0)
            page_free(g->shared[i].pfn);
        else                           /* the grantee still holds it: never reuse */
            printk("gntdev: grant %u still in use, page kept\n", g->shared[i].ref);
    }
    kfree(g);
}

const struct devops gntdev_ops = { .open = g_open, .ioctl = g_ioctl, .close = g_close };
