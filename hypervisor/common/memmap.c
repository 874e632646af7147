/* Free physical ranges: union of the available ranges shrunk to pages, minus the
 * reserved ranges grown to pages. Works without scratch memory by sweeping upward
 * through the address space, so inputs are never modified and need not be sorted. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/lib.h>
#include <hv/memmap.h>
#include <xlite/errno.h>

#define MM_PAGE     4096ull

/* The page-aligned interior [*s, *e) of r; false when it holds no whole page. */
static bool avail_pages(const struct mem_range *r, uint64_t *s, uint64_t *e)
{
    if (r->start >= r->end || r->start > UINT64_MAX - (MM_PAGE - 1))
        return false;
    *s = (r->start + MM_PAGE - 1) & ~(MM_PAGE - 1);
    *e = r->end & ~(MM_PAGE - 1);
    return *s < *e;
}

/* The page-aligned hull [*s, *e) of r (an end past the last page saturates to
 * UINT64_MAX, which lies beyond every available page); false when r is empty. */
static bool reserved_pages(const struct mem_range *r, uint64_t *s, uint64_t *e)
{
    if (r->start >= r->end)
        return false;
    *s = r->start & ~(MM_PAGE - 1);
    *e = r->end > UINT64_MAX - (MM_PAGE - 1) ? UINT64_MAX
                                             : (r->end + MM_PAGE - 1) & ~(MM_PAGE - 1);
    return true;
}

/* Lowest address >= pos inside some available page range; false if there is none. */
static bool next_avail(const struct mem_range *a, size_t n, uint64_t pos, uint64_t *x)
{
    bool found = false;
    uint64_t s, e, best = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (!avail_pages(&a[i], &s, &e) || e <= pos)
            continue;
        s = MAX(s, pos);
        if (!found || s < best)
            best = s;
        found = true;
    }
    *x = best;
    return found;
}

/* End of the union of available page ranges that contains the available address x. */
static uint64_t avail_end(const struct mem_range *a, size_t n, uint64_t x)
{
    uint64_t s, e, end = x;
    bool grew = true;
    size_t i;

    while (grew) {
        grew = false;
        for (i = 0; i < n; i++) {
            if (avail_pages(&a[i], &s, &e) && s <= end && e > end) {
                end = e;
                grew = true;
            }
        }
    }
    return end;
}

/* x if no reserved range covers x, else the end of the reserved coverage from x. */
static uint64_t skip_reserved(const struct mem_range *r, size_t n, uint64_t x)
{
    uint64_t s, e, end = x;
    bool grew = true;
    size_t i;

    while (grew) {
        grew = false;
        for (i = 0; i < n; i++) {
            if (reserved_pages(&r[i], &s, &e) && s <= end && e > end) {
                end = e;
                grew = true;
            }
        }
    }
    return end;
}

/* The lowest reserved start in (x, e), or e when none starts there. */
static uint64_t first_reserved(const struct mem_range *r, size_t n, uint64_t x,
                               uint64_t e)
{
    uint64_t rs, re;
    size_t i;

    for (i = 0; i < n; i++)
        if (reserved_pages(&r[i], &rs, &re) && rs > x && rs < e)
            e = rs;
    return e;
}

/* Per memmap.h; also refuses (-XEN_EINVAL) a NULL array with a non-zero count. Ranges
 * are emitted in increasing order, each maximal, hence non-overlapping and
 * non-adjacent. O((nr_avail + nr_reserved)^2 * nr_avail) worst case. */
int memmap_free_ranges(const struct mem_range *avail, size_t nr_avail,
                       const struct mem_range *reserved, size_t nr_reserved,
                       struct mem_range *out, size_t max_out)
{
    uint64_t pos = 0, x, y, e;
    size_t n = 0;

    if ((avail == NULL && nr_avail != 0) || (reserved == NULL && nr_reserved != 0) ||
        (out == NULL && max_out != 0))
        return -XEN_EINVAL;
    while (next_avail(avail, nr_avail, pos, &x)) {
        y = skip_reserved(reserved, nr_reserved, x);
        if (y != x) {
            pos = y;            /* strictly increases: progress */
            continue;
        }
        e = avail_end(avail, nr_avail, x);
        e = first_reserved(reserved, nr_reserved, x, e);
        if (n >= max_out || n >= (size_t)INT32_MAX)
            return -XEN_ENOSPC;
        out[n].start = x;
        out[n].end = e;
        n++;
        pos = e;
    }
    return (int)n;
}
