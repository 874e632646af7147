/* The toolstack's way to the hypervisor: a small set of operations a host provides (a
 * freestanding test guest issues hypercalls through its hypercall page and maps foreign
 * frames with its own L1 entries; a dom0 process goes through the kernel's privileged
 * devices; host tests fake them in memory), and thin typed wrappers over the hypercalls
 * the toolstack uses. Nothing here keeps state: every call takes a `struct ctrl`. */
#ifndef XLITE_TOOLS_CTRL_H
#define XLITE_TOOLS_CTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xlite/domctl.h>
#include <xlite/event_channel.h>
#include <xlite/xen.h>

struct ctrl_ops {
    /* A hypercall with the caller's pointers as arguments; returns what it returned. */
    long (*hypercall)(void *ctx, unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3,
                      uint64_t a4, uint64_t a5);
    /* Maps frame mfn of domain dom (read-only unless writable); NULL if refused. */
    void *(*map)(void *ctx, domid_t dom, uint64_t mfn, bool writable);
    /* Undoes map(); 0 or a negative errno. */
    int (*unmap)(void *ctx, void *va);
    /* Zeroed memory of the caller's own, or NULL; free(ctx, NULL) does nothing. */
    void *(*alloc)(void *ctx, size_t bytes);
    void (*free)(void *ctx, void *p);
};

struct ctrl {
    const struct ctrl_ops *ops;
    void *ctx;
};

/* ---- domctl (xlite/domctl.h): every wrapper returns 0 or the hypercall's -errno ---- */

/* Fills in cmd's version and issues it. */
long ctrl_domctl(const struct ctrl *c, struct xlite_domctl *op);
/* A paused, empty domain; *domid in: 0 for any id; out: its id. */
long ctrl_domain_create(const struct ctrl *c, const char *name, uint64_t max_pages,
                        uint32_t max_vcpus, domid_t *domid, uint64_t *shared_info_mfn);
/* The first domain with an id >= domid (check info->domain). */
long ctrl_domain_getinfo(const struct ctrl *c, domid_t domid,
                         struct xlite_domctl_getdomaininfo *info);
long ctrl_domain_pause(const struct ctrl *c, domid_t domid);
long ctrl_domain_unpause(const struct ctrl *c, domid_t domid);
long ctrl_domain_destroy(const struct ctrl *c, domid_t domid);
long ctrl_vcpu_setcontext(const struct ctrl *c, domid_t domid, uint32_t vcpu,
                          const struct vcpu_guest_context *ctxt);
long ctrl_hypercall_init(const struct ctrl *c, domid_t domid, uint64_t gmfn);
long ctrl_physinfo(const struct ctrl *c, struct xlite_domctl_physinfo *info);
/* Copies at most size bytes of the hypervisor log to buf; *count gets the bytes. */
long ctrl_readconsole(const struct ctrl *c, char *buf, uint32_t size, bool clear,
                      uint32_t *count);

/* ---- memory and MMU ---- */

/* increase_reservation of nr single frames for domid; their MFNs land in mfns[].
 * Returns the number of frames allocated (fewer than nr: out of memory or refused). */
long ctrl_increase_reservation(const struct ctrl *c, domid_t domid, uint64_t nr,
                               uint64_t *mfns);
long ctrl_mmu_update(const struct ctrl *c, const struct mmu_update *req, unsigned int count,
                     unsigned int *done, domid_t foreigndom);
long ctrl_mmuext(const struct ctrl *c, const struct mmuext_op *op, unsigned int count,
                 unsigned int *done, domid_t foreigndom);
/* mmuext_op(MMUEXT_PIN_L4_TABLE, mfn) on domid's behalf. */
long ctrl_pin_l4(const struct ctrl *c, domid_t domid, uint64_t mfn);

/* ---- event channels and grant tables ---- */

/* A port of domain dom, unbound, for remote to bind; *port gets it. */
long ctrl_evtchn_alloc_unbound(const struct ctrl *c, domid_t dom, domid_t remote,
                               uint32_t *port);
/* EVTCHNOP_status of port of domain dom into *st: 0 or the hypercall's -errno
 * (-EINVAL past the last port). */
long ctrl_evtchn_status(const struct ctrl *c, domid_t dom, uint32_t port,
                        struct evtchn_status *st);
/* GNTTABOP_setup_table for domain dom: its first nr grant-table frames' MFNs in frames[].
 * Returns 0, the hypercall's -errno, or -XEN_EINVAL if the op's GNTST status was not okay
 * (*status gets it when status is not NULL). */
long ctrl_gnttab_setup_table(const struct ctrl *c, domid_t dom, uint32_t nr,
                             uint64_t *frames, int16_t *status);

#endif
