/* Internals of the grant state machine shared by grant_core.c and its checker
 * grant_check.c: lookups, pin counts, and the shared entries of either version. Not an
 * interface: nothing else includes this. */
#ifndef XLITE_GRANT_CORE_INT_H
#define XLITE_GRANT_CORE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <asm/grant.h>
#include <hv/frame.h>
#include <hv/grant_table.h>

/* A v1 entry is one 64-bit word: flags bits 0-15, domid 16-31, frame 32-63. */
#define GE_FLAGS(e)     ((uint16_t)((e) & 0xFFFF))
#define GE_DOMID(e)     ((uint16_t)(((e) >> 16) & 0xFFFF))
#define GE_FRAME(e)     ((uint32_t)((e) >> 32))
#define GTF_STATUS      (GTF_reading | GTF_writing)

static inline uint32_t entries_per_frame(const struct grant_domain *gd)
{
    return gd->version == 2 ? GNT_V2_ENTRIES_PER_FRAME : GNT_ENTRIES_PER_FRAME;
}

static inline uint32_t nr_entries(const struct grant_domain *gd)
{
    return gd->nr_frames * entries_per_frame(gd);
}

static inline struct gnt_active *active_of(struct grant_domain *gd, uint32_t ref)
{
    return &gd->active[ref / GNT_ACTIVE_PER_PAGE][ref % GNT_ACTIVE_PER_PAGE];
}

/* v1: the entry's word; v2: the first of its two words (header, then frame). */
static inline uint64_t *shared_of(struct gnt_core *c, struct grant_domain *gd, uint32_t ref)
{
    uint32_t per = entries_per_frame(gd), words = gd->version == 2 ? 2 : 1;

    return &((uint64_t *)grant_frame_map(c->pt, gd->frames[ref / per]))[(ref % per) * words];
}

/* v2: the entry's status word in the status frames. */
static inline uint16_t *status_of(struct gnt_core *c, struct grant_domain *gd, uint32_t ref)
{
    uint16_t *page = grant_frame_map(c->pt, gd->status[ref / GNT_STATUS_PER_FRAME]);
    return &page[ref % GNT_STATUS_PER_FRAME];
}

/* Flags (with the status bits, wherever the version keeps them), domid and frame. */
struct gnt_entry {
    uint16_t flags, domid;
    uint64_t frame;
};

static inline struct gnt_entry entry_read(struct gnt_core *c, struct grant_domain *gd,
                                          uint32_t ref)
{
    const uint64_t *w = shared_of(c, gd, ref);
    uint64_t e = __atomic_load_n(w, __ATOMIC_RELAXED);

    if (gd->version != 2)
        return (struct gnt_entry){ GE_FLAGS(e), GE_DOMID(e), GE_FRAME(e) };
    uint16_t st = __atomic_load_n(status_of(c, gd, ref), __ATOMIC_RELAXED);
    return (struct gnt_entry){ (uint16_t)((GE_FLAGS(e) & ~GTF_STATUS) | (st & GTF_STATUS)),
                               GE_DOMID(e), __atomic_load_n(&w[1], __ATOMIC_RELAXED) };
}

/* RAM frame owned by owner. */
static inline bool owned(struct gnt_core *c, uint16_t owner, mfn_t mfn)
{
    return frame_owned_by(c->pt->fa, mfn, owner) != NULL;
}

static inline struct gnt_map *map_at(struct grant_domain *gd, uint32_t h)
{
    return &gd->maptrack[h / GNT_MAPTRACK_PER_PAGE][h % GNT_MAPTRACK_PER_PAGE];
}

static inline unsigned int all_pins(const struct gnt_active *a)
{
    return (unsigned int)a->host_ro + a->host_rw + a->dev_ro + a->dev_rw + a->copy_ro +
           a->copy_rw;
}

static inline unsigned int rw_pins(const struct gnt_active *a)
{
    return (unsigned int)a->host_rw + a->dev_rw + a->copy_rw;
}

#endif
