/* Internals of the grant state machine shared by grant_core.c and its checker
 * grant_check.c: shared-entry fields and lookups. Not an interface: nothing else
 * includes this. */
#ifndef XLITE_GRANT_CORE_INT_H
#define XLITE_GRANT_CORE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <asm/grant.h>
#include <hv/frame.h>
#include <hv/grant_table.h>

#define GE_FLAGS(e)     ((uint16_t)((e) & 0xFFFF))
#define GE_DOMID(e)     ((uint16_t)(((e) >> 16) & 0xFFFF))
#define GE_FRAME(e)     ((uint32_t)((e) >> 32))
static inline uint32_t nr_entries(const struct grant_domain *gd)
{
    return gd->nr_frames * GNT_ENTRIES_PER_FRAME;
}

static struct gnt_active *active_of(struct grant_domain *gd, uint32_t ref)
{
    return &gd->active[ref / GNT_ACTIVE_PER_PAGE][ref % GNT_ACTIVE_PER_PAGE];
}

static uint64_t *shared_of(struct gnt_core *c, struct grant_domain *gd, uint32_t ref)
{
    return &c->pt->map(c->pt->ctx, gd->frames[ref / GNT_ENTRIES_PER_FRAME])
                [ref % GNT_ENTRIES_PER_FRAME];
}

/* RAM frame owned by owner. */
static inline bool owned(struct gnt_core *c, uint16_t owner, mfn_t mfn)
{
    return frame_owned_by(c->pt->fa, mfn, owner) != NULL;
}

static struct gnt_map *map_at(struct grant_domain *gd, uint32_t h)
{
    return &gd->maptrack[h / GNT_MAPTRACK_PER_PAGE][h % GNT_MAPTRACK_PER_PAGE];
}

/* The used maptrack entry `h` of gd, or NULL. */
static inline unsigned int all_pins(const struct gnt_active *a)
{
    return (unsigned int)a->host_ro + a->host_rw + a->dev_ro + a->dev_rw + a->copy_ro +
           a->copy_rw;
}

static inline unsigned int rw_pins(const struct gnt_active *a)
{
    return (unsigned int)a->host_rw + a->dev_rw + a->copy_rw;
}

/* Checks that entry ref of gd grants `who` access (writable if rw), sets GTF_reading
 * (and GTF_writing) and reports the frame the pins use. The caller counts its pin
 * once its refs are taken, and calls pin_sync whatever happens. */

#endif
