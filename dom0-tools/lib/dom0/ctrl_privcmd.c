/* struct ctrl_ops over /dev/xlite/privcmd (see uapi/xlite_dev.h for what it allows). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctrl_privcmd.h"
#include "uapi/xlite_dev.h"
#include "xlite.h"
#include <xlite/errno.h>

struct privcmd {
    int fd;
};

static long ioc(int fd, unsigned long cmd, void *arg)
{
    return xl_syscall(XS_ioctl, fd, (long)cmd, (long)arg, 0);
}

/* A kernel refusal (EFAULT, EPERM) comes back as the matching negative Xen errno. */
static long pc_hypercall(void *ctx, unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3,
                         uint64_t a4, uint64_t a5)
{
    struct privcmd *p = ctx;
    struct xl_privcmd_hypercall h = { .op = nr, .arg = { a1, a2, a3, a4, a5 } };
    long rc = ioc(p->fd, XL_PRIVCMD_HYPERCALL, &h);

    return rc < 0 ? rc : h.ret;
}

static void *pc_map(void *ctx, domid_t dom, uint64_t mfn, bool writable)
{
    struct privcmd *p = ctx;
    struct xl_privcmd_map_foreign m = {
        .dom = dom, .flags = writable ? 0 : XL_MAP_READONLY, .count = 1,
        .mfns = (uint64_t)(uintptr_t)&mfn,
    };

    return ioc(p->fd, XL_PRIVCMD_MAP_FOREIGN, &m) < 0 ? NULL : (void *)(uintptr_t)m.va;
}

static int pc_unmap(void *ctx, void *va)
{
    struct privcmd *p = ctx;
    struct xl_privcmd_unmap u = { .va = (uint64_t)(uintptr_t)va, .count = 1 };

    return ioc(p->fd, XL_PRIVCMD_UNMAP, &u) < 0 ? -XEN_EINVAL : 0;
}

static void *pc_alloc(void *ctx, size_t bytes)
{
    (void)ctx;
    return calloc(1, bytes ? bytes : 1);
}

static void pc_free(void *ctx, void *ptr)
{
    (void)ctx;
    free(ptr);
}

static const struct ctrl_ops privcmd_ops = {
    .hypercall = pc_hypercall, .map = pc_map, .unmap = pc_unmap,
    .alloc = pc_alloc, .free = pc_free,
};

int ctrl_privcmd_open(struct ctrl *c)
{
    struct privcmd *p = calloc(1, sizeof(*p));

    if (!p)
        return -1;
    p->fd = open("/dev/xlite/privcmd", O_RDWR);
    if (p->fd < 0) {
        int e = errno;
        free(p);
        errno = e;
        return -1;
    }
    c->ops = &privcmd_ops;
    c->ctx = p;
    return 0;
}

void ctrl_privcmd_close(struct ctrl *c)
{
    struct privcmd *p = c->ctx;

    if (p) {
        close(p->fd);
        free(p);
    }
    c->ctx = NULL;
}

int ctrl_check_version(const struct ctrl *c, char *err, size_t errlen)
{
    struct xlite_domctl op = { .cmd = XLITE_DOMCTL_physinfo };
    long rc = ctrl_domctl(c, &op);

    if (rc == -XEN_EACCES) {
        snprintf(err, errlen, "the hypervisor does not speak domctl interface version %u "
                 "(this toolstack's); use the toolstack built with it",
                 XLITE_DOMCTL_INTERFACE_VERSION);
        return -1;
    }
    if (rc) {
        snprintf(err, errlen, "cannot talk to the hypervisor: domctl failed (error %ld)", rc);
        return -1;
    }
    return 0;
}
