/* Grant tables, version 1 (PV ABI notes §2.4, §4.1, §4.6, §6.5).
 *
 * Two layers:
 *  - common/grant_core.c: the grant/maptrack state machine, free of hardware access.
 *    It reaches frames and host mappings through the arch interface asm/grant.h and
 *    gets its memory from struct gnt_ops, so the unit tests run it on the page-type
 *    fixture's fake RAM.
 *  - common/grant_table.c: the hypercall (grant_table_op, 20): copies arguments in and
 *    out of the guest, resolves DOMID_SELF and privilege, flushes the TLB.
 *
 * Model:
 *  - A domain's grant table is up to GNT_MAX_FRAMES frames of 512 v1 entries
 *    (struct grant_entry_v1: flags, domid, frame). The frames are owned by the domain
 *    (so it may map them writable with an ordinary L1e) but held by the hypervisor
 *    with a WRITABLE type ref (they never become page tables, decrease_reservation
 *    refuses them); they are not counted in tot_pages. The hold goes at teardown.
 *  - Each entry has an active entry: pin counts of the mappings (host RO/RW, device
 *    RO/RW) and of copies in progress, the frame pinned by the first of them and the
 *    domain that pinned it. While any pin exists the shared entry has GTF_reading, and
 *    GTF_writing while a writable one exists; the hypervisor sets them with a
 *    compare-exchange that also checks the entry (GTF_permit_access, domid = the
 *    grantee, not GTF_readonly for a writable pin) and clears them when the last such
 *    pin goes. A granter that ends access with a compare-exchange (Mini-OS) therefore
 *    cannot revoke a mapped grant; one that just overwrites the entry only stops new
 *    mappings: existing ones keep their frame alive.
 *  - The frame is the one in the shared entry when the entry is first pinned (later
 *    pins reuse it); it must be RAM owned by the granter.
 *  - Every mapping has a maptrack entry in the mapping domain (handle = its index,
 *    GNT_MAX_HANDLES per domain, freed handles are reused last). A host half is an L1
 *    entry pt_install_grant_l1e wrote (it holds the frame refs: general + WRITABLE type
 *    if writable); a device half is a hold of the same refs taken here. Unmapping a
 *    half drops exactly the refs it took (XSA-224, XSA-234); a host half is removed
 *    only if the L1 entry at the given address is still that grant entry.
 *  - The map's PTE is frame | P|A|D|U|NX|PG_GNTTAB (+RW): the guest kernel runs in
 *    ring 3 so U is always there (GNTMAP_application_map changes nothing).
 *  - A domain that dies loses its own mappings first (its grant entries are cleared
 *    from its page tables before they are torn down). Frames it granted that others
 *    still map become orphans (frame.h's one orphan mechanism: owner
 *    FRAME_OWNER_ORPHAN), the maptrack entries naming them orphan maps, and the frame
 *    is freed once its last reference goes, whether that is the last grant unmap or
 *    something outside grants (a privileged domain's foreign mapping): no
 *    use-after-free, no leak.
 *
 * Status codes (the hypercall returns 0; each op carries its GNTST_* status):
 *   map_grant_ref: neither host_map nor device_map -> bad_gntref; unknown domain ->
 *     bad_domain; ref beyond the table -> bad_gntref; no free handle ->
 *     no_device_space; entry not granting the caller (type, domid, GTF_readonly for a
 *     writable map, pinned by another domain), frame not RAM of the granter, a
 *     writable map of a typed frame, host_addr not mapped by a validated L1 of the
 *     caller, a GNTMAP_contains_pte address not 8-byte aligned (XSA-227) or not in a
 *     validated L1 of the caller, a grant mapping already at host_addr ->
 *     general_error.
 *   unmap_grant_ref: handle not in use -> bad_handle; no requested half (host_addr /
 *     dev_bus_addr 0, or a half the mapping does not have) -> general_error; device
 *     address of another frame -> bad_dev_addr; host_addr not holding that grant
 *     entry -> general_error (nothing changed).
 *   unmap_and_replace: bad_handle; no host half, host or new address unresolvable, the
 *     same slot, new_addr with a GNTMAP_contains_pte mapping -> general_error.
 *   copy: offset + len beyond a page -> bad_copy_arg; a frame side (no GNTCOPY_*_gref)
 *     with a domid other than DOMID_SELF -> permission_denied; unknown domain ->
 *     bad_domain; ref beyond the table -> bad_gntref; entry not granting the caller
 *     (or read-only as destination) -> general_error; own frame not RAM of the caller
 *     -> bad_page; own destination frame typed other than WRITABLE -> general_error.
 *   setup_table: more than GNT_MAX_FRAMES frames, or out of memory -> general_error.
 */
#ifndef XLITE_GRANT_TABLE_H
#define XLITE_GRANT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/frame.h>

struct pt_env;          /* the architecture's memory-management context (asm/grant.h) */
struct pt_hold;
#include <xlite/grant_table.h>

#define GNT_MAX_FRAMES          32      /* per domain: 16384 entries */
#define GNT_ENTRIES_PER_FRAME   512     /* v1: 8-byte entries */
#define GNT_V2_ENTRIES_PER_FRAME 256    /* v2: 16-byte entries */
#define GNT_STATUS_PER_FRAME    2048    /* v2: 2-byte status words */
#define GNT_MAX_STATUS_FRAMES   (GNT_MAX_FRAMES * GNT_V2_ENTRIES_PER_FRAME / GNT_STATUS_PER_FRAME)
#define GNT_RESERVED_ENTRIES    8       /* kept across a version change (console, store) */
#define GNT_MAX_ENTRIES         (GNT_MAX_FRAMES * GNT_ENTRIES_PER_FRAME)
#define GNT_ACTIVE_PER_PAGE     256     /* 16-byte active entries */
#define GNT_MAPTRACK_PER_PAGE   128     /* 32-byte maptrack entries */
#define GNT_MAPTRACK_PAGES      64
#define GNT_MAX_HANDLES         (GNT_MAPTRACK_PAGES * GNT_MAPTRACK_PER_PAGE)
#define GNT_MAX_DOMAINS         64
#define GNT_NO_HANDLE           0xFFFFFFFFu
#define GNT_ORPHAN              0x7FF4  /* maptrack granter once the granter died */

struct gnt_active {
    uint16_t host_ro, host_rw, dev_ro, dev_rw;  /* mappings */
    uint32_t frame;                 /* pinned frame (valid while any pin exists) */
    uint16_t domid;                 /* who pinned it */
    uint8_t copy_ro, copy_rw;       /* copies in progress (0 between calls) */
};

/* struct gnt_map.flags */
#define GNT_M_HOST      0x01        /* host half present */
#define GNT_M_DEV       0x02        /* device half present */
#define GNT_M_RO        0x04        /* GNTMAP_readonly */
#define GNT_M_PTE       0x08        /* host half mapped with GNTMAP_contains_pte */
#define GNT_M_HOLD      0x10        /* orphan map: holds a general ref on its frame, so
                                     * the frame outlives every map that names it */
#define GNT_M_USED      0x80

struct gnt_map {
    uint64_t host_slot;             /* machine address of the L1 slot written at map */
    uint32_t ref;
    uint32_t frame;
    uint32_t next_free;             /* free list link while unused */
    uint16_t granter;               /* domid, GNT_ORPHAN once it died */
    uint8_t flags;                  /* GNT_M_* */
    uint8_t pad[9];
};

struct grant_domain {
    uint16_t id;
    uint8_t version;                /* 1 (also when 0: never set) or 2 */
    uint32_t nr_frames;
    mfn_t frames[GNT_MAX_FRAMES];
    uint32_t nr_status;             /* v2 status frames (kept once allocated) */
    mfn_t status[GNT_MAX_STATUS_FRAMES];
    struct gnt_active *active[GNT_MAX_FRAMES * GNT_ENTRIES_PER_FRAME / GNT_ACTIVE_PER_PAGE];
    struct gnt_map *maptrack[GNT_MAPTRACK_PAGES];
    uint32_t maptrack_pages;
    uint32_t free_head, free_tail;  /* unused handles, oldest first */
    uint32_t maps_in_use;
};

/* Memory for the core. page_alloc: a 4 KiB-aligned page the core keeps (contents
 * undefined; NULL when out of memory); page_free gives it back. frame_alloc: a zeroed frame owned by
 * owner, for a grant table (INVALID_MFN when out of memory); frame_free: a frame with
 * no references left (a table frame whose setup failed, an orphaned frame). */
struct gnt_ops {
    void *(*page_alloc)(void *ctx);
    void (*page_free)(void *ctx, void *page);
    mfn_t (*frame_alloc)(void *ctx, uint16_t owner);
    void (*frame_free)(void *ctx, mfn_t mfn);
};

struct gnt_core {
    const struct pt_env *pt;
    const struct gnt_ops *ops;
    void *ctx;
    struct grant_domain *doms[GNT_MAX_DOMAINS];
    unsigned long orphans_freed;    /* orphaned frames given back by grant unmaps */
};

/* gnt_check failure codes (returned negated) */
enum {
    GNTCHK_TABLE = 1,   /* table frame not held WRITABLE by its domain */
    GNTCHK_FREELIST,    /* maptrack free list broken or maps_in_use wrong */
    GNTCHK_MAP,         /* maptrack entry with no half, bad granter/ref/frame */
    GNTCHK_PINS,        /* active pin counts differ from the maptrack census */
    GNTCHK_FLAGS,       /* GTF_reading/GTF_writing differ from the pins */
    GNTCHK_COPY,        /* copy pins left between calls */
};

struct gnt_check_report {
    int code;
    uint16_t domid;     /* domain concerned */
    uint32_t index;     /* ref or handle */
};

/* Registers id's (empty) grant state: 0, -XEN_EEXIST, -XEN_ENOSPC (registry full),
 * -XEN_ENOMEM. */
int gnt_domain_create(struct gnt_core *c, uint16_t id);
struct grant_domain *gnt_domain(struct gnt_core *c, uint16_t id);

/* Teardown of id, before its page tables are relinquished: removes its mappings
 * (grant entries in its L1s, device holds, pins), orphans the frames others still map
 * through its grants, drops its table frames' holds (the frames stay id's and are
 * freed with its memory) and frees its state. Returns the number of frames orphaned.
 * Unknown id: nothing (0). */
unsigned int gnt_domain_destroy(struct gnt_core *c, uint16_t id);

/* Grows id's table to nr frames; frames_out (GNT_MAX_FRAMES entries) receives the
 * first nr MFNs. Returns GNTST_okay, GNTST_bad_domain, or GNTST_general_error (too
 * many, out of memory: frames added before stay). */
int16_t gnt_setup_table(struct gnt_core *c, uint16_t id, uint32_t nr, mfn_t *frames_out);

/* Grant table version 2 (16-byte entries: header, then a 64-bit frame; GTF_reading and
 * GTF_writing in separate status frames of 2-byte words, which the domain owns, may
 * map and gets with gnt_status_frames). gnt_set_version refuses (-XEN_EINVAL) a version
 * other than 1 or 2, (-XEN_EBUSY) a change while an entry other than the first
 * GNT_RESERVED_ENTRIES is in use, (-XEN_ENOMEM) missing memory for status frames; the
 * reserved entries are converted (a console or store grant may stay mapped), the rest
 * cleared. Status frames stay allocated until the domain dies. Sub-page and
 * transitive v2 grants are refused like any entry that grants nothing. */
int gnt_set_version(struct gnt_core *c, uint16_t id, unsigned int version);
unsigned int gnt_version(struct gnt_core *c, uint16_t id);
/* v2 only (else general_error): the first nr status frames (general_error past
 * them). */
int16_t gnt_status_frames(struct gnt_core *c, uint16_t id, uint32_t nr, mfn_t *frames_out);

/* The ops for the mapping domain `self`, whose current kernel L4 is l4 (for host
 * addresses that are linear addresses). Each sets op->status (and handle,
 * dev_bus_addr on a successful map); see the top of this file. Return true if the
 * TLB must be flushed (a mapping went away, or a map replaced a present entry: a map
 * into an empty slot needs none). */
bool gnt_map(struct gnt_core *c, uint16_t self, mfn_t l4, struct gnttab_map_grant_ref *op);
bool gnt_unmap(struct gnt_core *c, uint16_t self, mfn_t l4,
               struct gnttab_unmap_grant_ref *op);
bool gnt_unmap_and_replace(struct gnt_core *c, uint16_t self, mfn_t l4,
                           struct gnttab_unmap_and_replace *op);
void gnt_copy(struct gnt_core *c, uint16_t self, struct gnttab_copy *op);

/* The holds the core has taken, for pt_check: every table and status frame (WRITABLE),
 * every orphan map's frame (NONE) and every device half (WRITABLE, or NONE if
 * read-only). Fills at most max, returns how many there are. */
size_t gnt_holds(struct gnt_core *c, struct pt_hold *out, size_t max);

/* Recomputes every pin from the maptracks and checks the invariants above; scratch
 * holds 4 * GNT_MAX_ENTRIES uint32_t. Returns 0 or -GNTCHK_* (rep may be NULL). */
int gnt_check(struct gnt_core *c, uint32_t *scratch, struct gnt_check_report *rep);

/* ---------------------------------------------------------------- hypervisor */
struct domain;

/* domain_create: an empty grant table (0 or -XEN_ENOMEM). */
int grant_domain_init(struct domain *d);
/* domain_destroy, before the domain's memory is released. */
void grant_domain_destroy(struct domain *d);

#endif
