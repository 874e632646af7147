/* The grant table state machine: tables, active entries, maptracks, orphans. Free of
 * hardware access; the model and the status codes are in grant_table.h.
 *
 * Shared entries are read and updated as one 64-bit word (flags bits 0-15, domid
 * 16-31, frame 32-63) so that the hypervisor's flag updates are compare-exchanges
 * against whatever the granter writes at the same time.
 *
 * Ordering: an op validates everything that can fail before it changes state, or
 * undoes what it changed; refs are taken before pins are counted, and a pin's
 * GTF_reading/GTF_writing are set before its refs are taken (and cleared again if
 * that fails), so a granter never sees a mapped entry without the flags. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <asm/grant.h>
#include <hv/frame.h>
#include <hv/grant_core_int.h>
#include <hv/grant_table.h>
#include <hv/lib.h>
#include <xlite/errno.h>
#include <xlite/grant_table.h>

/* For the helpers of the grant-copy path: one function body, no calls (under TCG each
 * call and return is a round through the translated-block lookup). */
#define ALWAYS_INLINE   static inline __attribute__((always_inline))

#define PIN_MAX         0xFFFEu     /* a u16 pin count may grow by 1 from here, no more */
#define COPY_PIN_MAX    0xFEu

/* ---------------------------------------------------------------- lookups */

struct grant_domain *gnt_domain(struct gnt_core *c, uint16_t id)
{
    unsigned int i;

    for (i = 0; i < GNT_MAX_DOMAINS; i++)
        if (c->doms[i] != NULL && c->doms[i]->id == id)
            return c->doms[i];
    return NULL;
}

ALWAYS_INLINE uint8_t *bytes_of(struct gnt_core *c, mfn_t mfn)
{
    return (uint8_t *)grant_frame_map(c->pt, mfn);
}

static struct gnt_map *map_lookup(struct grant_domain *gd, uint32_t h)
{
    struct gnt_map *m;

    if (h >= gd->maptrack_pages * GNT_MAPTRACK_PER_PAGE)
        return NULL;
    m = map_at(gd, h);
    return (m->flags & GNT_M_USED) ? m : NULL;
}

/* ---------------------------------------------------------------- pins and flags */

/* Sets the status bits `set` of entry ref in the v1 word if its flags, domid and frame
 * still pass check (the word is compare-exchanged, so a granter changing the entry at
 * the same moment is seen); false if they do not. */
ALWAYS_INLINE bool v1_pin(uint64_t *slot, uint16_t who, bool rw, uint16_t set, uint32_t *frame)
{
    uint64_t old = __atomic_load_n(slot, __ATOMIC_RELAXED), want;

    do {
        uint16_t fl = GE_FLAGS(old);

        if ((fl & GTF_type_mask) != GTF_permit_access || GE_DOMID(old) != who ||
            (rw && (fl & GTF_readonly)))
            return false;
        want = old | set;
    } while (!__atomic_compare_exchange_n(slot, &old, want, false, __ATOMIC_SEQ_CST,
                                          __ATOMIC_RELAXED));
    *frame = GE_FRAME(want);
    return true;
}

/* The same for a v2 entry: header and frame checked, the bits set in its status word.
 * Refuses sub-page and transitive grants (not implemented) and frames beyond 32 bits. */
static bool v2_pin(struct gnt_core *c, struct grant_domain *gd, uint32_t ref, uint16_t who,
                   bool rw, uint16_t set, uint32_t *frame)
{
    struct gnt_entry e = entry_read(c, gd, ref);

    if ((e.flags & GTF_type_mask) != GTF_permit_access || (e.flags & GTF_sub_page) ||
        e.domid != who || (rw && (e.flags & GTF_readonly)) || e.frame > UINT32_MAX)
        return false;
    __atomic_fetch_or(status_of(c, gd, ref), set, __ATOMIC_SEQ_CST);
    *frame = (uint32_t)e.frame;
    return true;
}

/* Checks that entry ref of gd grants `who` access (writable if rw), sets GTF_reading
 * (and GTF_writing) and reports the frame the pins use. The caller counts its pin
 * once its refs are taken, and calls pin_sync whatever happens. */
ALWAYS_INLINE int16_t pin_begin(struct gnt_core *c, struct grant_domain *gd, uint32_t ref,
                         uint16_t who, bool rw, uint32_t *frame)
{
    struct gnt_active *a;
    uint16_t set;
    uint32_t f;
    bool ok;

    if (ref >= nr_entries(gd))
        return GNTST_bad_gntref;
    a = active_of(gd, ref);
    if ((all_pins(a) != 0 && a->domid != who) || a->host_ro > PIN_MAX ||
        a->host_rw > PIN_MAX || a->dev_ro > PIN_MAX || a->dev_rw > PIN_MAX ||
        a->copy_ro > COPY_PIN_MAX || a->copy_rw > COPY_PIN_MAX)
        return GNTST_general_error;
    set = GTF_reading | (rw ? GTF_writing : 0);
    ok = gd->version == 2 ? v2_pin(c, gd, ref, who, rw, set, &f)
                          : v1_pin(shared_of(c, gd, ref), who, rw, set, &f);
    if (!ok)
        return GNTST_general_error;
    if (all_pins(a) == 0) {
        a->domid = who;
        a->frame = f;
    }
    *frame = a->frame;
    return GNTST_okay;
}

/* Clears GTF_writing / GTF_reading of entry ref once no pin needs them. */
ALWAYS_INLINE void pin_sync(struct gnt_core *c, struct grant_domain *gd, uint32_t ref)
{
    const struct gnt_active *a = active_of(gd, ref);
    uint16_t clear = 0;

    if (rw_pins(a) == 0)
        clear |= GTF_writing;
    if (all_pins(a) == 0)
        clear |= GTF_reading;
    if (!clear)
        return;
    if (gd->version == 2)
        __atomic_fetch_and(status_of(c, gd, ref), (uint16_t)~clear, __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_and(shared_of(c, gd, ref), ~(uint64_t)clear, __ATOMIC_SEQ_CST);
}

static uint16_t *host_pin(struct gnt_active *a, bool rw)
{
    return rw ? &a->host_rw : &a->host_ro;
}

static uint16_t *dev_pin(struct gnt_active *a, bool rw)
{
    return rw ? &a->dev_rw : &a->dev_ro;
}

/* ---------------------------------------------------------------- frame refs */

/* The refs of a device half or a copy: general, + WRITABLE type if rw. */
ALWAYS_INLINE int get_refs(struct gnt_core *c, uint16_t owner, mfn_t mfn, bool rw)
{
    return grant_frame_get(c->pt, owner, mfn, rw);
}

ALWAYS_INLINE void put_refs(struct gnt_core *c, mfn_t mfn, bool rw)
{
    grant_frame_put(c->pt, mfn, rw);
}

/* ---------------------------------------------------------------- maptrack */

/* Adds a page of handles to the free list; false when full or out of memory. */
static bool maptrack_grow(struct gnt_core *c, struct grant_domain *gd)
{
    uint32_t first, i;
    struct gnt_map *page;

    if (gd->maptrack_pages == GNT_MAPTRACK_PAGES ||
        (page = c->ops->page_alloc(c->ctx)) == NULL)
        return false;
    first = gd->maptrack_pages * GNT_MAPTRACK_PER_PAGE;
    gd->maptrack[gd->maptrack_pages++] = page;
    for (i = 0; i < GNT_MAPTRACK_PER_PAGE; i++) {
        page[i].flags = 0;
        page[i].next_free = i + 1 < GNT_MAPTRACK_PER_PAGE ? first + i + 1 : GNT_NO_HANDLE;
    }
    if (gd->free_head == GNT_NO_HANDLE)
        gd->free_head = first;
    else
        map_at(gd, gd->free_tail)->next_free = first;
    gd->free_tail = first + GNT_MAPTRACK_PER_PAGE - 1;
    return true;
}

/* A fresh handle (its entry zeroed and marked used), or GNT_NO_HANDLE. */
static uint32_t map_alloc(struct gnt_core *c, struct grant_domain *gd)
{
    struct gnt_map *m;
    uint32_t h;

    if (gd->free_head == GNT_NO_HANDLE && !maptrack_grow(c, gd))
        return GNT_NO_HANDLE;
    h = gd->free_head;
    m = map_at(gd, h);
    gd->free_head = m->next_free;
    if (gd->free_head == GNT_NO_HANDLE)
        gd->free_tail = GNT_NO_HANDLE;
    memset(m, 0, sizeof(*m));
    m->flags = GNT_M_USED;
    m->next_free = GNT_NO_HANDLE;
    gd->maps_in_use++;
    return h;
}

/* Puts handle h at the end of the free list (reused as late as possible); the entry
 * keeps its other fields until reused. */
static void map_free(struct grant_domain *gd, uint32_t h)
{
    struct gnt_map *m = map_at(gd, h);

    m->flags = 0;
    m->next_free = GNT_NO_HANDLE;
    if (gd->free_tail == GNT_NO_HANDLE)
        gd->free_head = h;
    else
        map_at(gd, gd->free_tail)->next_free = h;
    gd->free_tail = h;
    gd->maps_in_use--;
}

/* ---------------------------------------------------------------- orphans */

/* Halves `halves` of maptrack entry h of gd are gone (their refs already dropped):
 * update the granter's pins and flags, free the entry once it has no half left. */
static void release_halves(struct gnt_core *c, struct grant_domain *gd, uint32_t h,
                           uint8_t halves)
{
    struct gnt_map *m = map_at(gd, h);
    bool rw = !(m->flags & GNT_M_RO);
    struct grant_domain *g = m->granter != GNT_ORPHAN ? gnt_domain(c, m->granter) : NULL;

    if (g != NULL) {                    /* a live granter always has state */
        struct gnt_active *a = active_of(g, m->ref);

        if (halves & GNT_M_HOST)
            (*host_pin(a, rw))--;
        if (halves & GNT_M_DEV)
            (*dev_pin(a, rw))--;
        pin_sync(c, g, m->ref);
    }
    m->flags &= (uint8_t)~halves;
    if (!(m->flags & (GNT_M_HOST | GNT_M_DEV))) {
        bool hold = m->flags & GNT_M_HOLD;
        uint32_t frame = m->frame;

        map_free(gd, h);
        if (hold) {                     /* the orphan's last name may be gone: reap */
            put_refs(c, frame, false);
            c->orphans_freed += frames_reap_orphans(c->pt->fa);
        }
    }
}

/* ---------------------------------------------------------------- domains */

int gnt_domain_create(struct gnt_core *c, uint16_t id)
{
    struct grant_domain *gd;
    unsigned int i, slot = GNT_MAX_DOMAINS;

    if (gnt_domain(c, id) != NULL)
        return -XEN_EEXIST;
    for (i = 0; i < GNT_MAX_DOMAINS && slot == GNT_MAX_DOMAINS; i++)
        if (c->doms[i] == NULL)
            slot = i;
    if (slot == GNT_MAX_DOMAINS)
        return -XEN_ENOSPC;
    if (sizeof(*gd) > PAGE_SIZE || (gd = c->ops->page_alloc(c->ctx)) == NULL)
        return -XEN_ENOMEM;
    memset(gd, 0, sizeof(*gd));
    gd->id = id;
    gd->free_head = gd->free_tail = GNT_NO_HANDLE;
    c->doms[slot] = gd;
    return 0;
}

/* A frame the domain owns and the hypervisor holds WRITABLE (table and status
 * frames); INVALID_MFN when out of memory. */
static mfn_t held_frame(struct gnt_core *c, uint16_t id)
{
    mfn_t mfn = c->ops->frame_alloc(c->ctx, id);

    if (mfn != INVALID_MFN && grant_frame_get(c->pt, id, mfn, true) != 0) {
        c->ops->frame_free(c->ctx, mfn);
        mfn = INVALID_MFN;
    }
    return mfn;
}

/* Adds one table frame (and its active entries); false when out of memory. */
static bool table_grow(struct gnt_core *c, struct grant_domain *gd)
{
    unsigned int per = GNT_ENTRIES_PER_FRAME / GNT_ACTIVE_PER_PAGE, base = gd->nr_frames * per;
    unsigned int i;
    mfn_t mfn;

    for (i = 0; i < per; i++) {
        if ((gd->active[base + i] = c->ops->page_alloc(c->ctx)) == NULL)
            goto undo_pages;
        memset(gd->active[base + i], 0, PAGE_SIZE);
    }
    if ((mfn = held_frame(c, gd->id)) == INVALID_MFN)
        goto undo_pages;
    gd->frames[gd->nr_frames++] = mfn;
    return true;
undo_pages:
    for (i = 0; i < per; i++) {
        if (gd->active[base + i] != NULL)
            c->ops->page_free(c->ctx, gd->active[base + i]);
        gd->active[base + i] = NULL;
    }
    return false;
}

/* v2: enough status frames for every entry the table has; false when out of memory
 * (the frames already there stay). */
static bool status_grow(struct gnt_core *c, struct grant_domain *gd)
{
    uint32_t need = (gd->nr_frames * GNT_V2_ENTRIES_PER_FRAME + GNT_STATUS_PER_FRAME - 1) /
                    GNT_STATUS_PER_FRAME;

    while (gd->nr_status < need) {
        mfn_t mfn = held_frame(c, gd->id);
        if (mfn == INVALID_MFN)
            return false;
        gd->status[gd->nr_status++] = mfn;
    }
    return true;
}

int16_t gnt_setup_table(struct gnt_core *c, uint16_t id, uint32_t nr, mfn_t *frames_out)
{
    struct grant_domain *gd = gnt_domain(c, id);
    uint32_t i;

    if (gd == NULL)
        return GNTST_bad_domain;
    if (nr > GNT_MAX_FRAMES)
        return GNTST_general_error;
    while (gd->nr_frames < nr)
        if (!table_grow(c, gd))
            return GNTST_general_error;
    if (gd->version == 2 && !status_grow(c, gd))
        return GNTST_general_error;
    for (i = 0; i < nr; i++)
        frames_out[i] = gd->frames[i];
    return GNTST_okay;
}

/* Per grant_table.h. */
int gnt_set_version(struct gnt_core *c, uint16_t id, unsigned int version)
{
    struct grant_domain *gd = gnt_domain(c, id);
    struct gnt_entry keep[GNT_RESERVED_ENTRIES];
    unsigned int old = gd && gd->version == 2 ? 2 : 1;
    uint32_t n, ref, i;

    if (gd == NULL)
        return -XEN_ESRCH;
    if (version != 1 && version != 2)
        return -XEN_EINVAL;
    if (version == old)
        return 0;
    for (ref = GNT_RESERVED_ENTRIES; ref < nr_entries(gd); ref++)
        if (all_pins(active_of(gd, ref)) != 0)
            return -XEN_EBUSY;
    if (version == 2) {
        gd->version = 2;                      /* status_grow sizes for v2 */
        bool ok = status_grow(c, gd);
        gd->version = (uint8_t)old;
        if (!ok)
            return -XEN_ENOMEM;
    }
    /* The reserved entries (the toolstack's console and store grants, possibly
     * mapped) survive in the new format, status bits included; the rest is cleared. */
    n = nr_entries(gd) < GNT_RESERVED_ENTRIES ? nr_entries(gd) : GNT_RESERVED_ENTRIES;
    for (ref = 0; ref < n; ref++)
        keep[ref] = entry_read(c, gd, ref);
    for (i = 0; i < gd->nr_frames; i++)
        memset(grant_frame_map(c->pt, gd->frames[i]), 0, PAGE_SIZE);
    for (i = 0; i < gd->nr_status; i++)
        memset(grant_frame_map(c->pt, gd->status[i]), 0, PAGE_SIZE);
    gd->version = (uint8_t)version;
    for (ref = 0; ref < n && ref < nr_entries(gd); ref++) {
        uint64_t *w = shared_of(c, gd, ref);
        if (version == 2) {
            w[0] = (uint64_t)(keep[ref].flags & ~GTF_STATUS) | (uint64_t)keep[ref].domid << 16;
            w[1] = keep[ref].frame;
            *status_of(c, gd, ref) = keep[ref].flags & GTF_STATUS;
        } else {
            w[0] = keep[ref].flags | (uint64_t)keep[ref].domid << 16 | keep[ref].frame << 32;
        }
    }
    return 0;
}

unsigned int gnt_version(struct gnt_core *c, uint16_t id)
{
    struct grant_domain *gd = gnt_domain(c, id);

    return gd && gd->version == 2 ? 2 : 1;
}

int16_t gnt_status_frames(struct gnt_core *c, uint16_t id, uint32_t nr, mfn_t *frames_out)
{
    struct grant_domain *gd = gnt_domain(c, id);

    if (gd == NULL)
        return GNTST_bad_domain;
    if (gd->version != 2 || nr > gd->nr_status)
        return GNTST_general_error;
    for (uint32_t i = 0; i < nr; i++)
        frames_out[i] = gd->status[i];
    return GNTST_okay;
}

/* Machine address of an L1 slot as the maptrack records it. */
static uint64_t slot_ma(mfn_t l1, unsigned int idx)
{
    return (l1 << PAGE_SHIFT) | ((uint64_t)idx << 3);
}

/* Teardown, part 1: every mapping gd made goes. Grant entries are first looked for
 * where they were written; any not found there (moved by unmap_and_replace) are
 * cleared by a sweep of gd's L1s. */
static void destroy_mappings(struct gnt_core *c, struct grant_domain *gd)
{
    uint32_t n = gd->maptrack_pages * GNT_MAPTRACK_PER_PAGE, h;
    bool sweep = false;

    for (h = 0; h < n; h++) {
        struct gnt_map *m = map_at(gd, h);

        if ((m->flags & GNT_M_USED) && (m->flags & GNT_M_HOST) &&
            destroy_grant_host_mapping(c->pt, gd->id, m->host_slot >> PAGE_SHIFT,
                                (unsigned int)(m->host_slot & 0xFFF) >> 3, m->frame,
                                !(m->flags & GNT_M_RO), INVALID_MFN, 0) != 0)
            sweep = true;
    }
    if (sweep)
        grant_strip_host_mappings(c->pt, gd->id);
    for (h = 0; h < n; h++) {
        struct gnt_map *m = map_at(gd, h);

        if (!(m->flags & GNT_M_USED))
            continue;
        if (m->flags & GNT_M_DEV)
            put_refs(c, m->frame, !(m->flags & GNT_M_RO));
        release_halves(c, gd, h, m->flags & (GNT_M_HOST | GNT_M_DEV));
    }
}

/* Teardown, part 2: frames gd granted that others still map become the hypervisor's,
 * and the maptrack entries naming them orphans. Returns how many frames. */
static unsigned int orphan_grants(struct gnt_core *c, struct grant_domain *gd)
{
    unsigned int d, n = 0;
    uint32_t ref, h;

    for (ref = 0; ref < nr_entries(gd); ref++) {
        const struct gnt_active *a = active_of(gd, ref);

        if (all_pins(a) != 0 && owned(c, gd->id, a->frame) &&
            grant_orphan_frame(c->pt, gd->id, a->frame) == 0)
            n++;
    }
    for (d = 0; d < GNT_MAX_DOMAINS; d++) {
        struct grant_domain *o = c->doms[d];

        if (o == NULL || o == gd)
            continue;
        for (h = 0; h < o->maptrack_pages * GNT_MAPTRACK_PER_PAGE; h++) {
            struct gnt_map *m = map_at(o, h);

            if (!(m->flags & GNT_M_USED) || m->granter != gd->id)
                continue;
            m->granter = GNT_ORPHAN;
            /* Hold the frame while this map names it: a host half the guest dropped
             * implicitly no longer keeps it alive, and a reaped frame must never be
             * what a handle names. */
            if (get_refs(c, FRAME_OWNER_ORPHAN, m->frame, false) == 0)
                m->flags |= GNT_M_HOLD;
        }
    }
    return n;
}

unsigned int gnt_domain_destroy(struct gnt_core *c, uint16_t id)
{
    struct grant_domain *gd = gnt_domain(c, id);
    unsigned int i, orphans;

    if (gd == NULL)
        return 0;
    destroy_mappings(c, gd);
    orphans = orphan_grants(c, gd);
    for (i = 0; i < gd->nr_frames; i++)
        grant_frame_put(c->pt, gd->frames[i], true);
    for (i = 0; i < gd->nr_status; i++)
        grant_frame_put(c->pt, gd->status[i], true);
    for (i = 0; i < ARRAY_SIZE(gd->active); i++)
        if (gd->active[i] != NULL)
            c->ops->page_free(c->ctx, gd->active[i]);
    for (i = 0; i < gd->maptrack_pages; i++)
        c->ops->page_free(c->ctx, gd->maptrack[i]);
    for (i = 0; i < GNT_MAX_DOMAINS; i++)
        if (c->doms[i] == gd)
            c->doms[i] = NULL;
    c->ops->page_free(c->ctx, gd);
    return orphans;
}

/* ---------------------------------------------------------------- map and unmap */

/* The L1 slot a host address names: a linear address walked from l4, or (pte) the
 * machine address of the entry, which must be 8-byte aligned (XSA-227). */
static int16_t host_slot(struct gnt_core *c, mfn_t l4, uint64_t addr, bool pte, mfn_t *l1,
                         unsigned int *idx)
{
    if (pte) {
        if (addr & 7)
            return GNTST_general_error;
        *l1 = addr >> PAGE_SHIFT;
        *idx = (unsigned int)(addr & 0xFFF) >> 3;
        return GNTST_okay;
    }
    return grant_host_slot(c->pt, l4, addr, l1, idx) == 0 ? GNTST_okay : GNTST_general_error;
}

bool gnt_map(struct gnt_core *c, uint16_t self, mfn_t l4, struct gnttab_map_grant_ref *op)
{
    struct grant_domain *me = gnt_domain(c, self), *gd;
    bool host = op->flags & GNTMAP_host_map, dev = op->flags & GNTMAP_device_map;
    bool rw = !(op->flags & GNTMAP_readonly), pte = op->flags & GNTMAP_contains_pte;
    uint16_t granter = op->dom == DOMID_SELF ? self : op->dom;
    unsigned int idx = 0;
    mfn_t l1 = INVALID_MFN;
    uint32_t h, frame;
    struct gnt_map *m;
    struct gnt_active *a;
    int16_t st;

    if (!host && !dev) {
        op->status = GNTST_bad_gntref;
        return false;
    }
    if ((gd = gnt_domain(c, granter)) == NULL || me == NULL) {
        op->status = GNTST_bad_domain;
        return false;
    }
    if (op->ref >= nr_entries(gd)) {
        op->status = GNTST_bad_gntref;
        return false;
    }
    if ((h = map_alloc(c, me)) == GNT_NO_HANDLE) {
        op->status = GNTST_no_device_space;
        return false;
    }
    st = pin_begin(c, gd, op->ref, self, rw, &frame);
    if (st == GNTST_okay && host)
        st = host_slot(c, l4, op->host_addr, pte, &l1, &idx);
    if (st == GNTST_okay && dev && get_refs(c, granter, frame, rw) != 0)
        st = GNTST_general_error;
    int installed = 0;
    if (st == GNTST_okay && host &&
        (installed = create_grant_host_mapping(c->pt, self, l1, idx, granter, frame, rw,
                                               op->flags)) < 0) {
        if (dev)
            put_refs(c, frame, rw);
        st = GNTST_general_error;
    }
    if (st != GNTST_okay) {
        if (op->ref < nr_entries(gd))
            pin_sync(c, gd, op->ref);
        map_free(me, h);
        op->status = st;
        return false;
    }
    a = active_of(gd, op->ref);
    if (host)
        (*host_pin(a, rw))++;
    if (dev)
        (*dev_pin(a, rw))++;
    m = map_at(me, h);
    m->granter = granter;
    m->ref = op->ref;
    m->frame = frame;
    m->host_slot = host ? slot_ma(l1, idx) : 0;
    m->flags |= (uint8_t)((host ? GNT_M_HOST : 0) | (dev ? GNT_M_DEV : 0) |
                          (rw ? 0 : GNT_M_RO) | (host && pte ? GNT_M_PTE : 0));
    op->handle = h;
    if (dev)
        op->dev_bus_addr = (uint64_t)frame << PAGE_SHIFT;
    op->status = GNTST_okay;
    return installed > 0;       /* the slot held an ordinary mapping: flush */
}

bool gnt_unmap(struct gnt_core *c, uint16_t self, mfn_t l4, struct gnttab_unmap_grant_ref *op)
{
    struct grant_domain *me = gnt_domain(c, self);
    struct gnt_map *m = me != NULL ? map_lookup(me, op->handle) : NULL;
    bool host, dev, rw;
    unsigned int idx;
    mfn_t l1;

    if (m == NULL) {
        op->status = GNTST_bad_handle;
        return false;
    }
    host = op->host_addr != 0 && (m->flags & GNT_M_HOST);
    dev = op->dev_bus_addr != 0 && (m->flags & GNT_M_DEV);
    rw = !(m->flags & GNT_M_RO);
    if (!host && !dev) {
        op->status = GNTST_general_error;
        return false;
    }
    if (dev && (op->dev_bus_addr >> PAGE_SHIFT) != m->frame) {
        op->status = GNTST_bad_dev_addr;
        return false;
    }
    if (host && (host_slot(c, l4, op->host_addr, m->flags & GNT_M_PTE, &l1, &idx) != 0 ||
                 destroy_grant_host_mapping(c->pt, self, l1, idx, m->frame, rw, INVALID_MFN, 0))) {
        op->status = GNTST_general_error;
        return false;
    }
    if (dev)
        put_refs(c, m->frame, rw);
    release_halves(c, me, op->handle, (uint8_t)((host ? GNT_M_HOST : 0) |
                                                (dev ? GNT_M_DEV : 0)));
    op->status = GNTST_okay;
    return true;
}

bool gnt_unmap_and_replace(struct gnt_core *c, uint16_t self, mfn_t l4,
                           struct gnttab_unmap_and_replace *op)
{
    struct grant_domain *me = gnt_domain(c, self);
    struct gnt_map *m = me != NULL ? map_lookup(me, op->handle) : NULL;
    unsigned int idx, nidx = 0;
    mfn_t l1, nl1 = INVALID_MFN;
    bool pte;

    if (m == NULL) {
        op->status = GNTST_bad_handle;
        return false;
    }
    pte = m->flags & GNT_M_PTE;
    if (!(m->flags & GNT_M_HOST) || (pte && op->new_addr != 0) ||
        host_slot(c, l4, op->host_addr, pte, &l1, &idx) != 0 ||
        (op->new_addr != 0 && host_slot(c, l4, op->new_addr, false, &nl1, &nidx) != 0) ||
        destroy_grant_host_mapping(c->pt, self, l1, idx, m->frame, !(m->flags & GNT_M_RO), nl1,
                            nidx) != 0) {
        op->status = GNTST_general_error;
        return false;
    }
    release_halves(c, me, op->handle, GNT_M_HOST);
    op->status = GNTST_okay;
    return true;
}

/* ---------------------------------------------------------------- copy */

struct copy_side {
    bool gref;
    struct grant_domain *gd;    /* granter (gref) */
    uint32_t ref;
    mfn_t mfn;
    uint16_t owner;
    bool rw;
    bool pinned;                /* a copy pin to drop */
    bool held;                  /* refs to drop */
};

ALWAYS_INLINE void copy_release(struct gnt_core *c, struct copy_side *s)
{
    if (s->held)
        put_refs(c, s->mfn, s->rw);
    if (s->pinned) {
        struct gnt_active *a = active_of(s->gd, s->ref);

        if (s->rw)
            a->copy_rw--;
        else
            a->copy_ro--;
        pin_sync(c, s->gd, s->ref);
    }
    s->held = s->pinned = false;
}

/* Pins and references one side of a copy. */
ALWAYS_INLINE int16_t copy_acquire(struct gnt_core *c, uint16_t self, struct copy_side *s)
{
    uint32_t frame;
    int16_t st;

    if (!s->gref) {
        s->owner = self;
        if (!owned(c, self, s->mfn))
            return GNTST_bad_page;
        if (get_refs(c, self, s->mfn, s->rw) != 0)
            return GNTST_general_error;
        s->held = true;
        return GNTST_okay;
    }
    st = pin_begin(c, s->gd, s->ref, self, s->rw, &frame);
    if (st != GNTST_okay) {
        if (s->ref < nr_entries(s->gd))
            pin_sync(c, s->gd, s->ref);
        return st;
    }
    if (s->rw)
        active_of(s->gd, s->ref)->copy_rw++;
    else
        active_of(s->gd, s->ref)->copy_ro++;
    s->pinned = true;
    s->mfn = frame;
    s->owner = s->gd->id;
    if (get_refs(c, s->owner, s->mfn, s->rw) != 0)
        return GNTST_general_error;
    s->held = true;
    return GNTST_okay;
}

/* Fills a side from the op's pointer; GNTST_okay or the refusal. */
ALWAYS_INLINE int16_t copy_side_init(struct gnt_core *c, uint16_t self,
                              const struct gnttab_copy_ptr *p, bool gref, bool rw,
                              struct copy_side *s)
{
    *s = (struct copy_side){ .gref = gref, .rw = rw };
    if (!gref) {
        s->mfn = p->u.gmfn;
        return p->domid == DOMID_SELF ? GNTST_okay : GNTST_permission_denied;
    }
    s->ref = p->u.ref;
    s->gd = gnt_domain(c, p->domid == DOMID_SELF ? self : p->domid);
    return s->gd != NULL ? GNTST_okay : GNTST_bad_domain;
}

void gnt_copy(struct gnt_core *c, uint16_t self, struct gnttab_copy *op)
{
    struct copy_side src, dst;
    int16_t st;

    if ((uint32_t)op->source.offset + op->len > PAGE_SIZE ||
        (uint32_t)op->dest.offset + op->len > PAGE_SIZE) {
        op->status = GNTST_bad_copy_arg;
        return;
    }
    if ((!(op->flags & GNTCOPY_source_gref) && op->source.domid != DOMID_SELF) ||
        (!(op->flags & GNTCOPY_dest_gref) && op->dest.domid != DOMID_SELF)) {
        op->status = GNTST_permission_denied;
        return;
    }
    st = copy_side_init(c, self, &op->source, op->flags & GNTCOPY_source_gref, false, &src);
    if (st == GNTST_okay)
        st = copy_side_init(c, self, &op->dest, op->flags & GNTCOPY_dest_gref, true, &dst);
    if (st != GNTST_okay) {
        op->status = st;
        return;
    }
    st = copy_acquire(c, self, &src);
    if (st == GNTST_okay)
        st = copy_acquire(c, self, &dst);
    if (st == GNTST_okay && op->len != 0)
        memmove(bytes_of(c, dst.mfn) + op->dest.offset,
                bytes_of(c, src.mfn) + op->source.offset, op->len);
    copy_release(c, &dst);
    copy_release(c, &src);
    op->status = st;
}
