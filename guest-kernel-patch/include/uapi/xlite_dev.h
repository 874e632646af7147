/* The privileged devices of the xlite guest kernel (present only in a domain whose
 * start_info has SIF_PRIVILEGED, i.e. dom0), for the toolstack. Each is opened with
 * open() and driven with ioctl(fd, XL_*, &arg) (the XS_ioctl system call); results
 * are >= 0 or -1 with errno. Mappings land in the process's device window
 * [XU_MAP_BASE, XU_MAP_TOP) and go away with the process (or on close for gntdev).
 *
 *   /dev/xlite/privcmd  XL_PRIVCMD_HYPERCALL, XL_PRIVCMD_MAP_FOREIGN, XL_PRIVCMD_UNMAP
 *   /dev/xlite/evtchn   XL_EVTCHN_BIND_INTERDOMAIN, _BIND_UNBOUND, _BIND_VIRQ, _NOTIFY,
 *                       _UNBIND;
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
 *   36 domctl(struct xlite_domctl *), with setvcpucontext's context and readconsole's
 *      buffer (at most 128 KiB are copied) bounced too
 *   12 memory_op(XENMEM_increase_reservation, struct xen_memory_reservation *) for
 *      another domain (not dom0, not DOMID_SELF), extent order 0
 *    1 mmu_update(reqs, count, done, foreigndom): MMU_MACHPHYS_UPDATE requests only,
 *      foreigndom another domain
 *   26 mmuext_op(ops, count <= 16, done, foreigndom): PIN_L4_TABLE / UNPIN_TABLE only,
 *      foreigndom another domain
 *   20 grant_table_op(GNTTABOP_setup_table, op, 1) for another domain, <= 32 frames
 *   32 event_channel_op(cmd, arg) for alloc_unbound, bind_interdomain, close, send,
 *      status, unmask (arg: that command's struct)
 *   29 sched_op(SCHEDOP_remote_shutdown, struct sched_remote_shutdown *)
 *   18 console_io(CONSOLEIO_write/read, count <= 4096, buf)
 * The kernel copies each struct, array or buffer (nested ones too) in and out itself;
 * the ioctl fails with EFAULT if it cannot (output arrays are checked writable before
 * the call). ret receives the hypercall's own result (a negative Xen errno on failure). */
#define XL_PRIVCMD_HYPERCALL 0x5801
struct xl_privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
    int64_t ret;                       /* OUT */
};

/* Map count machine frames of domain dom at consecutive free pages of the window,
 * read-write unless flags has XL_MAP_READONLY; va gets the address (OUT). Fails with
 * EINVAL (bad count/flags, or the hypervisor refused: nothing stays mapped), EPERM (no
 * such domain / not allowed), ENOMEM (window full). */
#define XL_PRIVCMD_MAP_FOREIGN 0x5802
#define XL_MAP_READONLY 1u
struct xl_privcmd_map_foreign {
    uint16_t dom;
    uint16_t flags;                    /* XL_MAP_* */
    uint32_t count;                    /* 1..64 */
    uint64_t mfns;                     /* user pointer to count uint64_t MFNs */
    uint64_t va;                       /* OUT */
};

/* Unmap count pages at va (all must be mapped window pages, else EINVAL). */
#define XL_PRIVCMD_UNMAP 0x5803
struct xl_privcmd_unmap {
    uint64_t va;
    uint64_t count;
};

#define XL_EVTCHN_BIND_INTERDOMAIN 0x5811   /* arg: struct xl_evtchn_bind, port OUT */
#define XL_EVTCHN_BIND_UNBOUND     0x5812   /* remote_dom used; port OUT */
#define XL_EVTCHN_NOTIFY           0x5813   /* arg: port number (value, not pointer) */
#define XL_EVTCHN_UNBIND           0x5814   /* arg: port number */
#define XL_EVTCHN_BIND_VIRQ        0x5815   /* remote_port = the VIRQ number; port OUT */
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
