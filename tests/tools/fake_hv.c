/* The in-memory hypervisor of fake_hv.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_hv.h"
#include <xlite/errno.h>
#include <xlite/event_channel.h>
#include <xlite/grant_table.h>
#include <xlite/memory.h>

static const uint8_t zero_page[4096];

/* Records something the real hypervisor would refuse or that would leak. */
static void violate(struct fake_hv *hv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void violate(struct fake_hv *hv, const char *fmt, ...)
{
    va_list ap;

    if (hv->violations++ == 0) {
        va_start(ap, fmt);
        vsnprintf(hv->violation, sizeof(hv->violation), fmt, ap);
        va_end(ap);
    }
}

struct fake_frame *fake_frame(struct fake_hv *hv, uint64_t mfn)
{
    if (mfn < FAKE_MFN_BASE || mfn >= FAKE_MFN_BASE + FAKE_NR_FRAMES)
        return NULL;
    return &hv->frames[mfn - FAKE_MFN_BASE];
}

const uint8_t *fake_page(struct fake_hv *hv, uint64_t mfn)
{
    struct fake_frame *f = fake_frame(hv, mfn);

    return f && f->page ? f->page : zero_page;
}

struct fake_dom *fake_dom(struct fake_hv *hv, domid_t id)
{
    for (unsigned int i = 0; i < FAKE_MAX_DOMS; i++)
        if (hv->dom[i].exists && hv->dom[i].id == id)
            return &hv->dom[i];
    return NULL;
}

uint64_t fake_used_frames(const struct fake_hv *hv)
{
    return FAKE_NR_FRAMES - hv->free_frames;
}

/* From the top down, so MFN order differs from PFN order's identity. */
static uint64_t frame_alloc(struct fake_hv *hv, struct fake_dom *d, bool grant)
{
    for (uint64_t n = 0; n < FAKE_NR_FRAMES; n++) {
        uint64_t i = (hv->next_free + FAKE_NR_FRAMES - n) % FAKE_NR_FRAMES;
        struct fake_frame *f = &hv->frames[i];
        if (f->used)
            continue;
        memset(f, 0, sizeof(*f));
        f->used = true;
        f->grant = grant;
        f->owner = d->id;
        f->m2p = ~0ull;
        hv->free_frames--;
        hv->next_free = i;
        return FAKE_MFN_BASE + i;
    }
    return 0;
}

static void *page_of(struct fake_frame *f)
{
    if (!f->page)
        f->page = calloc(1, 4096);
    return f->page;
}

static void dom_destroy(struct fake_hv *hv, struct fake_dom *d)
{
    for (uint64_t i = 0; i < FAKE_NR_FRAMES; i++) {
        struct fake_frame *f = &hv->frames[i];
        if (!f->used || f->owner != d->id)
            continue;
        if (f->maps)
            violate(hv, "frame %#lx freed while mapped %u times",
                    (unsigned long)(FAKE_MFN_BASE + i), f->maps);
        free(f->page);
        memset(f, 0, sizeof(*f));
        hv->free_frames++;
    }
    d->exists = false;
    hv->destroys++;
}

static long do_create(struct fake_hv *hv, struct xlite_domctl *op)
{
    struct xlite_domctl_createdomain *c = &op->u.createdomain;
    domid_t id = op->domain;
    struct fake_dom *d = NULL;

    if (c->max_vcpus == 0 || c->max_vcpus > 8 || c->max_pages == 0 || c->flags ||
        memchr(c->name, '\0', sizeof(c->name)) == NULL || c->name[0] == '\0')
        return -XEN_EINVAL;
    for (unsigned int i = 0; i < FAKE_MAX_DOMS; i++)
        if (hv->dom[i].exists && !strcmp(hv->dom[i].name, c->name))
            return -XEN_EEXIST;
    if (id == 0)
        for (id = 1; fake_dom(hv, id); id++)
            ;
    else if (fake_dom(hv, id))
        return -XEN_EEXIST;
    for (unsigned int i = 0; i < FAKE_MAX_DOMS && !d; i++)
        if (!hv->dom[i].exists)
            d = &hv->dom[i];
    if (!d)
        return -XEN_ENOMEM;
    memset(d, 0, sizeof(*d));
    d->exists = true;
    d->id = id;
    memcpy(d->name, c->name, sizeof(d->name));
    d->max_pages = c->max_pages;
    d->max_vcpus = c->max_vcpus;
    d->paused = true;
    d->next_port = 1;
    d->shared_info_mfn = frame_alloc(hv, d, false);
    op->domain = id;
    c->shared_info_frame = d->shared_info_mfn;
    hv->creates++;
    return 0;
}

static bool any_writable_pt(struct fake_hv *hv, uint64_t mfn, int level)
{
    struct fake_frame *f = fake_frame(hv, mfn);

    if (!f || f->wmaps)
        return true;
    if (level == 1)
        return false;
    const uint64_t *t = (const uint64_t *)fake_page(hv, mfn);
    for (unsigned int i = 0; i < 512; i++)
        if ((t[i] & 1) && any_writable_pt(hv, (t[i] & 0x000FFFFFFFFFF000ull) >> 12,
                                          level - 1))
            return true;
    return false;
}

static long do_domctl(struct fake_hv *hv, struct xlite_domctl *op)
{
    if (op->interface_version != XLITE_DOMCTL_INTERFACE_VERSION)
        return -XEN_EACCES;
    if (op->cmd == XLITE_DOMCTL_createdomain)
        return do_create(hv, op);
    if (op->cmd == XLITE_DOMCTL_physinfo) {
        op->u.physinfo.total_pages = FAKE_NR_FRAMES;
        op->u.physinfo.free_pages = hv->free_frames;
        return 0;
    }
    struct fake_dom *d = fake_dom(hv, op->domain);
    if (!d)
        return -XEN_ESRCH;
    switch (op->cmd) {
    case XLITE_DOMCTL_getdomaininfo:
        memset(&op->u.getdomaininfo, 0, sizeof(op->u.getdomaininfo));
        op->u.getdomaininfo.domain = d->id;
        op->u.getdomaininfo.tot_pages = d->tot_pages;
        op->u.getdomaininfo.max_pages = d->max_pages;
        op->u.getdomaininfo.flags = d->paused ? XLITE_DOMINFO_paused : 0;
        return 0;
    case XLITE_DOMCTL_destroydomain:
        if (hv->destroy_fails)
            return -XEN_EBUSY;
        dom_destroy(hv, d);
        return 0;
    case XLITE_DOMCTL_unpausedomain:
        if (!d->has_ctx)
            return -XEN_EINVAL;
        d->paused = false;
        return 0;
    case XLITE_DOMCTL_hypercall_init: {
        struct fake_frame *f = fake_frame(hv, op->u.hypercall_init.gmfn);
        if (!f || !f->used || f->owner != d->id || f->grant || f->wmaps)
            return -XEN_EINVAL;
        memset(page_of(f), 0xCC, 4096);
        d->hypercall_mfn = op->u.hypercall_init.gmfn;
        return 0;
    }
    case XLITE_DOMCTL_setvcpucontext: {
        const struct vcpu_guest_context *ctx =
            (const void *)(uintptr_t)op->u.setvcpucontext.ctxt;
        if (op->u.setvcpucontext.vcpu >= d->max_vcpus)
            return -XEN_ENOENT;
        if (d->has_ctx)
            return -XEN_EEXIST;
        if (ctx->ctrlreg[3] >> 12 != d->pinned_l4 || !d->pinned_l4)
            return -XEN_EINVAL;
        d->ctx = *ctx;
        d->has_ctx = true;
        return 0;
    }
    default:
        return -XEN_ENOSYS;
    }
}

static long do_reservation(struct fake_hv *hv, struct xen_memory_reservation *r)
{
    struct fake_dom *d = fake_dom(hv, r->domid);
    uint64_t i;

    if (!d || r->extent_order)
        return 0;
    for (i = 0; i < r->nr_extents && d->tot_pages < d->max_pages; i++) {
        uint64_t mfn = frame_alloc(hv, d, false);
        if (!mfn)
            break;
        d->tot_pages++;
        hv->reservation_frames++;
        r->extent_start[i] = mfn;
    }
    return (long)i;
}

static long do_mmu_update(struct fake_hv *hv, const struct mmu_update *req, unsigned int n,
                          domid_t dom)
{
    for (unsigned int i = 0; i < n; i++) {
        struct fake_frame *f = fake_frame(hv, req[i].ptr >> 12);
        if ((req[i].ptr & 7) != MMU_MACHPHYS_UPDATE)
            return -XEN_ENOSYS;
        if (!f || !f->used || f->owner != dom)
            return -XEN_EINVAL;
        f->m2p = req[i].val;
    }
    return 0;
}

static long do_mmuext(struct fake_hv *hv, const struct mmuext_op *op, unsigned int n,
                      domid_t dom)
{
    struct fake_dom *d = fake_dom(hv, dom);

    if (!d || n != 1 || op->cmd != MMUEXT_PIN_L4_TABLE)
        return -XEN_EINVAL;
    if (any_writable_pt(hv, op->arg1.mfn, 4)) {
        violate(hv, "pin of L4 %#lx with a table frame mapped writable",
                (unsigned long)op->arg1.mfn);
        return -XEN_EBUSY;
    }
    d->pinned_l4 = op->arg1.mfn;
    return 0;
}

static long do_hypercall(struct fake_hv *hv, unsigned int nr, uint64_t a1, uint64_t a2,
                         uint64_t a3, uint64_t a4)
{
    /* The argument struct: first for the MMU calls and domctl, after the command else. */
    void *p = (void *)(uintptr_t)(nr == __HYPERVISOR_mmu_update ||
                                  nr == __HYPERVISOR_mmuext_op ||
                                  nr == __HYPERVISOR_domctl ? a1 : a2);
    (void)a3;
    switch (nr) {
    case __HYPERVISOR_domctl:
        return do_domctl(hv, p);
    case __HYPERVISOR_memory_op:
        return a1 == XENMEM_increase_reservation ? do_reservation(hv, p) : -XEN_ENOSYS;
    case __HYPERVISOR_mmu_update:
        return do_mmu_update(hv, p, (unsigned int)a2, (domid_t)a4);
    case __HYPERVISOR_mmuext_op:
        return do_mmuext(hv, p, (unsigned int)a2, (domid_t)a4);
    case __HYPERVISOR_event_channel_op: {
        struct evtchn_alloc_unbound *u = p;
        struct fake_dom *d = fake_dom(hv, u->dom);
        if (a1 != EVTCHNOP_alloc_unbound)
            return -XEN_ENOSYS;
        if (!d)
            return -XEN_ESRCH;
        if (d->next_port >= 8)
            return -XEN_ENOSPC;
        d->port_remote[d->next_port] = u->remote_dom;
        u->port = d->next_port++;
        return 0;
    }
    case __HYPERVISOR_grant_table_op: {
        struct gnttab_setup_table *g = p;
        struct fake_dom *d = fake_dom(hv, g->dom);
        if (a1 != GNTTABOP_setup_table || a3 != 1)
            return -XEN_ENOSYS;
        g->status = !d ? GNTST_bad_domain : g->nr_frames != 1 ? GNTST_general_error : 0;
        if (g->status)
            return 0;
        if (!d->grant_mfn)
            d->grant_mfn = frame_alloc(hv, d, true);
        g->frame_list[0] = d->grant_mfn;
        return 0;
    }
    default:
        return -XEN_ENOSYS;
    }
}

static long fake_hypercall(void *ctx, unsigned int nr, uint64_t a1, uint64_t a2,
                           uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct fake_hv *hv = ctx;

    (void)a5;
    if (++hv->calls == hv->fail_at) {
        if (nr == __HYPERVISOR_memory_op)
            return 0;                             /* "no extent done" */
        if (nr == __HYPERVISOR_grant_table_op) {
            ((struct gnttab_setup_table *)(uintptr_t)a2)->status = GNTST_general_error;
            return 0;
        }
        return -XEN_ENOMEM;
    }
    return do_hypercall(hv, nr, a1, a2, a3, a4);
}

static void *fake_map(void *ctx, domid_t dom, uint64_t mfn, bool writable)
{
    struct fake_hv *hv = ctx;
    struct fake_frame *f = fake_frame(hv, mfn);

    if (++hv->maps_done == hv->map_fail_at)
        return NULL;
    if (!f || !f->used || f->owner != dom)
        return NULL;
    for (unsigned int i = 0; i < FAKE_MAX_MAPS; i++) {
        if (hv->live[i].va)
            continue;
        hv->live[i].va = page_of(f);
        hv->live[i].mfn = mfn;
        hv->live[i].writable = writable;
        f->maps++;
        f->wmaps += writable;
        f->ever_mapped = true;
        hv->maps_live++;
        return hv->live[i].va;
    }
    return NULL;
}

static int fake_unmap(void *ctx, void *va)
{
    struct fake_hv *hv = ctx;

    for (unsigned int i = 0; i < FAKE_MAX_MAPS; i++) {
        if (hv->live[i].va != va || !va)
            continue;
        struct fake_frame *f = fake_frame(hv, hv->live[i].mfn);
        f->maps--;
        f->wmaps -= hv->live[i].writable;
        hv->live[i].va = NULL;
        hv->maps_live--;
        return 0;
    }
    violate(hv, "unmap of %p, which is not mapped", va);
    return -XEN_EINVAL;
}

static void *fake_alloc(void *ctx, size_t bytes)
{
    struct fake_hv *hv = ctx;
    void *p = calloc(1, bytes);

    if (p)
        hv->allocs_live++;
    return p;
}

static void fake_free(void *ctx, void *p)
{
    struct fake_hv *hv = ctx;

    if (p)
        hv->allocs_live--;
    free(p);
}

static const struct ctrl_ops fake_ops = {
    .hypercall = fake_hypercall,
    .map = fake_map,
    .unmap = fake_unmap,
    .alloc = fake_alloc,
    .free = fake_free,
};

void fake_hv_init(struct fake_hv *hv)
{
    memset(hv, 0, sizeof(*hv));
    hv->frames = calloc(FAKE_NR_FRAMES, sizeof(*hv->frames));
    hv->free_frames = FAKE_NR_FRAMES;
    hv->next_free = FAKE_NR_FRAMES - 1;
    hv->ctrl.ops = &fake_ops;
    hv->ctrl.ctx = hv;
}

void fake_hv_free(struct fake_hv *hv)
{
    for (uint64_t i = 0; i < FAKE_NR_FRAMES; i++)
        free(hv->frames[i].page);
    free(hv->frames);
    hv->frames = NULL;
}
