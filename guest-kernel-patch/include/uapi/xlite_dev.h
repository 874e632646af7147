/* The privileged devices of the xlite guest kernel (present only in a domain whose
 * start_info has SIF_PRIVILEGED, i.e. dom0), for the toolstack. Each is opened with
 * open() and driven with ioctl(fd, XL_*, &arg) (the XS_ioctl system call); results
 * are >= 0 or -1 with errno. Mappings land in the process's device window
 * [XU_MAP_BASE, XU_MAP_TOP) and go away with the process (or on close for gntdev).
 *
 *   /dev/xlite/privcmd  XL_PRIVCMD_HYPERCALL, XL_PRIVCMD_MAP_FOREIGN
 *   /dev/xlite/evtchn   XL_EVTCHN_BIND_INTERDOMAIN, _BIND_UNBOUND, _NOTIFY, _UNBIND;
 *                       read() returns pending ports (uint32_t each), blocking unless
 *                       O_NONBLOCK; poll() reports XPOLLIN when one is pending
 *   /dev/xlite/gntdev   XL_GNTDEV_MAP, XL_GNTDEV_UNMAP, XL_GNTDEV_ALLOC
 */
#ifndef XLITE_UAPI_DEV_H
#define XLITE_UAPI_DEV_H

#include <stdint.h>

#define XU_MAP_BASE 0x30000000ul
#define XU_MAP_TOP  0x38000000ul

/* A hypercall made for the process. Allowed (anything else: EPERM):
 *   36 domctl(struct xlite_domctl *)
 *   32 event_channel_op(cmd, arg) for alloc_unbound, bind_interdomain, close, send,
 *      status, unmask (arg: that command's struct)
 *   29 sched_op(SCHEDOP_remote_shutdown, struct sched_remote_shutdown *)
 *   18 console_io(CONSOLEIO_write/read, count <= 4096, buf)
 * The kernel copies each struct or buffer in and out itself (EFAULT if it cannot);
 * ret receives the hypercall's own result (a negative Xen errno on failure). */
#define XL_PRIVCMD_HYPERCALL 0x5801
struct xl_privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
    int64_t ret;                       /* OUT */
};

/* Map count machine frames of domain dom, read-write, at consecutive pages; va gets
 * the address (OUT). ESRCH/EPERM/EINVAL from the hypervisor as errno EINVAL. */
#define XL_PRIVCMD_MAP_FOREIGN 0x5802
struct xl_privcmd_map_foreign {
    uint16_t dom;
    uint16_t pad;
    uint32_t count;                    /* 1..64 */
    uint64_t mfns;                     /* user pointer to count uint64_t MFNs */
    uint64_t va;                       /* OUT */
};

#define XL_EVTCHN_BIND_INTERDOMAIN 0x5811   /* arg: struct xl_evtchn_bind, port OUT */
#define XL_EVTCHN_BIND_UNBOUND     0x5812   /* remote_dom used; port OUT */
#define XL_EVTCHN_NOTIFY           0x5813   /* arg: port number (value, not pointer) */
#define XL_EVTCHN_UNBIND           0x5814   /* arg: port number */
struct xl_evtchn_bind {
    uint32_t remote_dom;
    uint32_t remote_port;
    uint32_t port;                     /* OUT: our local port */
};

/* Map grant ref of domain dom (read-only if readonly) at a page of the window. */
#define XL_GNTDEV_MAP   0x5821
#define XL_GNTDEV_UNMAP 0x5822               /* arg: the va (value) */
struct xl_gntdev_map {
    uint16_t dom;
    uint16_t readonly;
    uint32_t ref;
    uint64_t va;                       /* OUT */
};

/* A fresh zeroed page mapped read-write at va (OUT) in the window and granted to
 * domain dom (ref OUT); it is revoked and freed on close, or kept if the grantee
 * still maps it then. */
#define XL_GNTDEV_ALLOC 0x5823
struct xl_gntdev_alloc {
    uint16_t dom;
    uint16_t readonly;
    uint32_t ref;                      /* OUT */
    uint64_t va;                       /* OUT */
};

#endif
