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
 * Results: 0; -EPERM if the caller is not the privileged domain (checked
 * first, before anything is read); -EFAULT if the struct cannot be read or
 * written back; -EACCES if interface_version != XLITE_DOMCTL_INTERFACE_VERSION;
 * -EINVAL if pad is not zero; -ESRCH for no such domain; -ENOSYS for an
 * unknown cmd (-ESRCH if domain names no domain); per command below.
 *
 * Building a domain, in order (what dom0-tools/lib/guest does):
 *   1. createdomain: an empty, paused domain with its shared_info page;
 *   2. memory_op(XENMEM_increase_reservation, domid = the new one): its RAM;
 *      mmu_update(MMU_MACHPHYS_UPDATE, foreigndom = it): its M2P entries;
 *   3. mmu_update of dom0's own L1 entries with foreigndom = it: map its
 *      frames, write the kernel, page tables, start_info, P2M; unmap the
 *      page-table frames again;
 *   4. mmuext_op(MMUEXT_PIN_L4_TABLE, foreigndom = it): validate the tables;
 *   5. hypercall_init on the frame the kernel's HYPERCALL_PAGE note names;
 *   6. event_channel_op(EVTCHNOP_alloc_unbound, dom = it, remote_dom = 0):
 *      its console and store ports;
 *   7. setvcpucontext for vCPU 0 (its kernel L4 in ctrlreg[3]);
 *   8. unpausedomain.
 *
 * Any change to a layout below bumps XLITE_DOMCTL_INTERFACE_VERSION; new
 * commands may be added without a bump.
 */
#define XLITE_DOMCTL_INTERFACE_VERSION  2

#define XLITE_DOMCTL_getdomaininfo  1  /* u.getdomaininfo (OUT) */
#define XLITE_DOMCTL_pausedomain    2  /* no payload; -EINVAL for dom0 itself */
#define XLITE_DOMCTL_unpausedomain  3  /* no payload; -EINVAL if vCPU 0 has no context */
#define XLITE_DOMCTL_destroydomain  4  /* no payload; -EINVAL for dom0 itself */
#define XLITE_DOMCTL_createdomain   5  /* u.createdomain (IN/OUT), domain OUT */
#define XLITE_DOMCTL_setvcpucontext 6  /* u.setvcpucontext (IN) */
#define XLITE_DOMCTL_hypercall_init 7  /* u.hypercall_init (IN) */
#define XLITE_DOMCTL_readconsole    8  /* u.readconsole (IN/OUT); domain ignored */
#define XLITE_DOMCTL_physinfo       9  /* u.physinfo (OUT); domain ignored */

/* xlite_domctl_getdomaininfo.flags */
#define XLITE_DOMINFO_dying     (1u << 0)  /* being destroyed (never set yet) */
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
    uint32_t max_vcpus;
    uint64_t cpu_time;         /* ns of CPU time used, all vCPUs */
    uint64_t shared_info_frame;  /* MFN of its shared_info page */
    char     name[32];         /* NUL-terminated */
};
typedef struct xlite_domctl_getdomaininfo xlite_domctl_getdomaininfo_t;

/*
 * A new domain, paused, with max_vcpus offline vCPUs, no RAM yet (up to
 * max_pages may be added), and its shared_info page. IN domain: 0 picks the
 * lowest free id >= 1, else that id (-EEXIST if taken, -EINVAL above 0x7FEF).
 * name: 1-31 of [A-Za-z0-9_.-], unique (-EEXIST), not "dom0" (-EINVAL).
 * -EINVAL: flags != 0, max_vcpus 0 or above 8, max_pages 0 or above 2^22;
 * -ENOMEM: no slot or frame left. OUT: domain, shared_info_frame.
 */
struct xlite_domctl_createdomain {
    char     name[32];
    uint64_t max_pages;
    uint32_t max_vcpus;
    uint32_t flags;            /* none defined: 0 */
    uint64_t shared_info_frame;  /* OUT */
};

/*
 * vCPU `vcpu`'s initial state from the struct vcpu_guest_context at `ctxt`
 * in the caller's memory, validated exactly as VCPUOP_initialise validates a
 * domain's own (canonical addresses, flat CS/SS, ctrlreg[3] an L4 the domain
 * owns, which gets a base-pointer reference, MXCSR masked). -ENOENT: no such
 * vCPU; -EEXIST: it has a context already; -EFAULT: ctxt unreadable;
 * -EINVAL: pad != 0, the caller's own domain, or a domain that shut down;
 * and whatever VCPUOP_initialise refuses.
 */
struct xlite_domctl_setvcpucontext {
    uint32_t vcpu;
    uint32_t pad;
    uint64_t ctxt;             /* guest address of a struct vcpu_guest_context */
};

/*
 * Fill the domain's frame `gmfn` with the hypercall page (as
 * MSR-less PV guests expect it at their HYPERCALL_PAGE note). -EINVAL: not
 * a RAM frame the domain owns, or a frame in use as a page table or
 * descriptor page. A frame mapped writable (by dom0 while it builds the
 * image, say) is accepted.
 */
struct xlite_domctl_hypercall_init {
    uint64_t gmfn;
};

/*
 * Copy the hypervisor's log (the oldest bytes first) to `buffer`: at most
 * `size` bytes; OUT `count` bytes written. clear = 1 empties the log after
 * the copy. -EFAULT: buffer unwritable.
 */
struct xlite_domctl_readconsole {
    uint64_t buffer;
    uint32_t size;
    uint32_t clear;
    uint32_t count;            /* OUT */
    uint32_t pad;
};

/* Host memory and CPUs. */
struct xlite_domctl_physinfo {
    uint64_t total_pages;      /* RAM managed by the frame allocator */
    uint64_t free_pages;
    uint32_t nr_cpus;
    uint32_t cpu_khz;          /* TSC frequency */
    uint32_t max_domains;
    uint32_t nr_domains;       /* existing, dom0 included */
};

struct xlite_domctl {
    uint32_t cmd;                /* XLITE_DOMCTL_* */
    uint32_t interface_version;  /* XLITE_DOMCTL_INTERFACE_VERSION */
    domid_t  domain;             /* target domain (never DOMID_SELF) */
    uint16_t pad[3];             /* must be zero */
    union {
        struct xlite_domctl_getdomaininfo getdomaininfo;
        struct xlite_domctl_createdomain createdomain;
        struct xlite_domctl_setvcpucontext setvcpucontext;
        struct xlite_domctl_hypercall_init hypercall_init;
        struct xlite_domctl_readconsole readconsole;
        struct xlite_domctl_physinfo physinfo;
        uint8_t pad[128];        /* fixes the size for future commands */
    } u;
};
typedef struct xlite_domctl xlite_domctl_t;

XLITE_ABI_SIZE(struct xlite_domctl_getdomaininfo, 80, xlite_domctl_getdomaininfo_size);
XLITE_ABI_OFFSET(struct xlite_domctl_getdomaininfo, domain, 0, xlite_dominfo_domain);
XLITE_ABI_OFFSET(struct xlite_domctl_getdomaininfo, flags, 4, xlite_dominfo_flags);
XLITE_ABI_OFFSET(struct xlite_domctl_getdomaininfo, tot_pages, 8, xlite_dominfo_tot_pages);
XLITE_ABI_OFFSET(struct xlite_domctl_getdomaininfo, max_pages, 16, xlite_dominfo_max_pages);
XLITE_ABI_OFFSET(struct xlite_domctl_getdomaininfo, nr_online_vcpus, 24,
                 xlite_dominfo_nr_online_vcpus);
XLITE_ABI_OFFSET(struct xlite_domctl_getdomaininfo, cpu_time, 32, xlite_dominfo_cpu_time);
XLITE_ABI_OFFSET(struct xlite_domctl_getdomaininfo, shared_info_frame, 40,
                 xlite_dominfo_shared_info_frame);
XLITE_ABI_OFFSET(struct xlite_domctl_getdomaininfo, name, 48, xlite_dominfo_name);
XLITE_ABI_SIZE(struct xlite_domctl_createdomain, 56, xlite_domctl_createdomain_size);
XLITE_ABI_SIZE(struct xlite_domctl_setvcpucontext, 16, xlite_domctl_setvcpucontext_size);
XLITE_ABI_SIZE(struct xlite_domctl_hypercall_init, 8, xlite_domctl_hypercall_init_size);
XLITE_ABI_SIZE(struct xlite_domctl_readconsole, 24, xlite_domctl_readconsole_size);
XLITE_ABI_SIZE(struct xlite_domctl_physinfo, 32, xlite_domctl_physinfo_size);

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
