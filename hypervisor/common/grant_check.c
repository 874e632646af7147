/* gnt_check and gnt_holds: the grant state machine's invariants (grant_table.h)
 * recomputed from the maptracks, for the host property tests. Read-only. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/grant_core_int.h>
#include <hv/grant_table.h>
#include <hv/lib.h>
#include <xlite/errno.h>
#include <xlite/grant_table.h>

size_t gnt_holds(struct gnt_core *c, struct pt_hold *out, size_t max)
{
    size_t n = 0;
    unsigned int d;
    uint32_t i;

    for (d = 0; d < GNT_MAX_DOMAINS; d++) {
        struct grant_domain *gd = c->doms[d];

        if (gd == NULL)
            continue;
        for (i = 0; i < gd->nr_frames; i++, n++)
            if (n < max)
                out[n] = (struct pt_hold){ gd->frames[i], FRAME_TYPE_WRITABLE };
        for (i = 0; i < gd->nr_status; i++, n++)
            if (n < max)
                out[n] = (struct pt_hold){ gd->status[i], FRAME_TYPE_WRITABLE };
        for (i = 0; i < gd->maptrack_pages * GNT_MAPTRACK_PER_PAGE; i++) {
            const struct gnt_map *m = map_at(gd, i);

            if (!(m->flags & GNT_M_USED))
                continue;
            if ((m->flags & GNT_M_HOLD) && n++ < max)
                out[n - 1] = (struct pt_hold){ m->frame, FRAME_TYPE_NONE };
            if (!(m->flags & GNT_M_DEV))
                continue;
            if (n < max)
                out[n] = (struct pt_hold){ m->frame, (m->flags & GNT_M_RO)
                                                         ? FRAME_TYPE_NONE
                                                         : FRAME_TYPE_WRITABLE };
            n++;
        }
    }
    return n;
}

static int fail(struct gnt_check_report *rep, int code, uint16_t domid, uint32_t index)
{
    if (rep != NULL) {
        rep->code = code;
        rep->domid = domid;
        rep->index = index;
    }
    return -code;
}

/* Table frames, free list and each used maptrack entry of gd. */
static int check_domain(struct gnt_core *c, struct grant_domain *gd,
                        struct gnt_check_report *rep)
{
    uint32_t total = gd->maptrack_pages * GNT_MAPTRACK_PER_PAGE, used = 0, nfree = 0, h;
    uint32_t i;

    if (gd->nr_frames > GNT_MAX_FRAMES)
        return fail(rep, GNTCHK_TABLE, gd->id, 0);
    for (i = 0; i < gd->nr_frames; i++) {
        const struct frame *f = frame_of(c->pt->fa, gd->frames[i]);

        if (!owned(c, gd->id, gd->frames[i]) || f->type != FRAME_TYPE_WRITABLE ||
            f->type_count == 0)
            return fail(rep, GNTCHK_TABLE, gd->id, i);
    }
    for (h = gd->free_head; h != GNT_NO_HANDLE; h = map_at(gd, h)->next_free) {
        if (h >= total || (map_at(gd, h)->flags & GNT_M_USED) || ++nfree > total ||
            (map_at(gd, h)->next_free == GNT_NO_HANDLE && h != gd->free_tail))
            return fail(rep, GNTCHK_FREELIST, gd->id, h);
    }
    for (h = 0; h < total; h++) {
        const struct gnt_map *m = map_at(gd, h);
        struct grant_domain *g;

        if (!(m->flags & GNT_M_USED))
            continue;
        used++;
        if (!(m->flags & (GNT_M_HOST | GNT_M_DEV)))
            return fail(rep, GNTCHK_MAP, gd->id, h);
        if (m->granter == GNT_ORPHAN) {
            if (!owned(c, FRAME_OWNER_ORPHAN, m->frame))
                return fail(rep, GNTCHK_MAP, gd->id, h);
            continue;
        }
        g = gnt_domain(c, m->granter);
        if (g == NULL || m->ref >= nr_entries(g) ||
            all_pins(active_of(g, m->ref)) == 0 || active_of(g, m->ref)->frame != m->frame ||
            active_of(g, m->ref)->domid != gd->id)
            return fail(rep, GNTCHK_MAP, gd->id, h);
    }
    if (used != gd->maps_in_use || used + nfree != total)
        return fail(rep, GNTCHK_FREELIST, gd->id, used);
    return 0;
}

int gnt_check(struct gnt_core *c, uint32_t *scratch, struct gnt_check_report *rep)
{
    unsigned int d, o;
    uint32_t ref, h;
    int rc;

    if (rep != NULL)
        memset(rep, 0, sizeof(*rep));
    for (d = 0; d < GNT_MAX_DOMAINS; d++)
        if (c->doms[d] != NULL && (rc = check_domain(c, c->doms[d], rep)) != 0)
            return rc;
    for (d = 0; d < GNT_MAX_DOMAINS; d++) {
        struct grant_domain *gd = c->doms[d];

        if (gd == NULL)
            continue;
        memset(scratch, 0, 4 * sizeof(uint32_t) * nr_entries(gd));
        for (o = 0; o < GNT_MAX_DOMAINS; o++) {
            struct grant_domain *mg = c->doms[o];

            if (mg == NULL)
                continue;
            for (h = 0; h < mg->maptrack_pages * GNT_MAPTRACK_PER_PAGE; h++) {
                const struct gnt_map *m = map_at(mg, h);
                unsigned int rw = !(m->flags & GNT_M_RO);

                if (!(m->flags & GNT_M_USED) || m->granter != gd->id)
                    continue;
                if (m->flags & GNT_M_HOST)
                    scratch[4 * m->ref + rw]++;
                if (m->flags & GNT_M_DEV)
                    scratch[4 * m->ref + 2 + rw]++;
            }
        }
        for (ref = 0; ref < nr_entries(gd); ref++) {
            const struct gnt_active *a = active_of(gd, ref);
            uint16_t fl = entry_read(c, gd, ref).flags;

            if (a->copy_ro != 0 || a->copy_rw != 0)
                return fail(rep, GNTCHK_COPY, gd->id, ref);
            if (a->host_ro != scratch[4 * ref] || a->host_rw != scratch[4 * ref + 1] ||
                a->dev_ro != scratch[4 * ref + 2] || a->dev_rw != scratch[4 * ref + 3])
                return fail(rep, GNTCHK_PINS, gd->id, ref);
            if (!!(fl & GTF_reading) != (all_pins(a) != 0) ||
                !!(fl & GTF_writing) != (rw_pins(a) != 0))
                return fail(rep, GNTCHK_FLAGS, gd->id, ref);
        }
    }
    return 0;
}
