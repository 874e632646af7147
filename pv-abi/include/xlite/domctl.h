/* xlite PV ABI: xlite's own versioned dom0 domain-control interface (hypercall 36; not Xen's). */
#ifndef XLITE_PV_ABI_DOMCTL_H
#define XLITE_PV_ABI_DOMCTL_H

#include "xen.h"

/*
 * HYPERVISOR_domctl(struct xlite_domctl *op), issued by dom0's toolstack.
 * This is xlite-specific: it shares only the hypercall number with Xen's
 * domctl, and Xen tools talking to it are refused by the version check.
 *
 * The hypervisor copies the whole struct in, acts, and copies it back.
 * Results: 0; -EPERM if the caller is not dom0; -EACCES if
 * interface_version != XLITE_DOMCTL_INTERFACE_VERSION; -EINVAL if pad is not
 * zero; -ESRCH for no such domain; -ENOSYS for an unknown cmd.
 *
 * Any change to a layout below bumps XLITE_DOMCTL_INTERFACE_VERSION; new
 * commands may be added without a bump.
 */
#define XLITE_DOMCTL_INTERFACE_VERSION  1

#define XLITE_DOMCTL_getdomaininfo  1  /* u.getdomaininfo (OUT) */
#define XLITE_DOMCTL_pausedomain    2  /* no payload */
#define XLITE_DOMCTL_unpausedomain  3  /* no payload */
#define XLITE_DOMCTL_destroydomain  4  /* no payload; may return -EAGAIN: call again */

/* xlite_domctl_getdomaininfo.flags */
#define XLITE_DOMINFO_dying     (1u << 0)  /* being destroyed */
#define XLITE_DOMINFO_shutdown  (1u << 1)  /* shut down; reason below */
#define XLITE_DOMINFO_paused    (1u << 2)  /* paused by the toolstack */
#define XLITE_DOMINFO_blocked   (1u << 3)  /* every online vCPU is blocked */
#define XLITE_DOMINFO_running   (1u << 4)  /* some vCPU is on a physical CPU */
#define XLITE_DOMINFO_SHUTDOWN_SHIFT  8    /* bits 8-15: SHUTDOWN_* reason */
#define XLITE_DOMINFO_SHUTDOWN_MASK   0xffu
#define XLITE_DOMINFO_SHUTDOWN_REASON(flags) \
    (((flags) >> XLITE_DOMINFO_SHUTDOWN_SHIFT) & XLITE_DOMINFO_SHUTDOWN_MASK)

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Describes the first existing domain whose id is >= the requested one, so
 * a toolstack lists all domains by asking again with domain + 1 until
 * -ESRCH.
 */
struct xlite_domctl_getdomaininfo {
    domid_t  domain;           /* the domain described */
    uint16_t pad0;
    uint32_t flags;            /* XLITE_DOMINFO_* */
    uint64_t tot_pages;        /* pages currently owned */
    uint64_t max_pages;        /* allocation limit */
    uint32_t nr_online_vcpus;
    uint32_t pad1;
    uint64_t cpu_time;         /* ns of CPU time used, all vCPUs */
};
typedef struct xlite_domctl_getdomaininfo xlite_domctl_getdomaininfo_t;

struct xlite_domctl {
    uint32_t cmd;                /* XLITE_DOMCTL_* */
    uint32_t interface_version;  /* XLITE_DOMCTL_INTERFACE_VERSION */
    domid_t  domain;             /* target domain (never DOMID_SELF) */
    uint16_t pad[3];             /* must be zero */
    union {
        struct xlite_domctl_getdomaininfo getdomaininfo;
        uint8_t pad[128];        /* fixes the size for future commands */
    } u;
};
typedef struct xlite_domctl xlite_domctl_t;

XLITE_ABI_SIZE(struct xlite_domctl_getdomaininfo, 40, xlite_domctl_getdomaininfo_size);
XLITE_ABI_OFFSET(struct xlite_domctl_getdomaininfo, domain, 0, xlite_dominfo_domain);
XLITE_ABI_OFFSET(struct xlite_domctl_getdomaininfo, flags, 4, xlite_dominfo_flags);
XLITE_ABI_OFFSET(struct xlite_domctl_getdomaininfo, tot_pages, 8, xlite_dominfo_tot_pages);
XLITE_ABI_OFFSET(struct xlite_domctl_getdomaininfo, max_pages, 16, xlite_dominfo_max_pages);
XLITE_ABI_OFFSET(struct xlite_domctl_getdomaininfo, nr_online_vcpus, 24,
                 xlite_dominfo_nr_online_vcpus);
XLITE_ABI_OFFSET(struct xlite_domctl_getdomaininfo, cpu_time, 32, xlite_dominfo_cpu_time);

XLITE_ABI_SIZE(struct xlite_domctl, 144, xlite_domctl_size);
XLITE_ABI_OFFSET(struct xlite_domctl, cmd, 0, xlite_domctl_cmd);
XLITE_ABI_OFFSET(struct xlite_domctl, interface_version, 4, xlite_domctl_interface_version);
XLITE_ABI_OFFSET(struct xlite_domctl, domain, 8, xlite_domctl_domain);
XLITE_ABI_OFFSET(struct xlite_domctl, pad, 10, xlite_domctl_pad);
XLITE_ABI_OFFSET(struct xlite_domctl, u, 16, xlite_domctl_u);

#ifdef __cplusplus
}
#endif

#endif /* XLITE_PV_ABI_DOMCTL_H */
