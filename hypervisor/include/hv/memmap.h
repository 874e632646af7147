/* Physical memory ranges: turning the firmware map into the frames the allocator may
 * hand out. Free of hardware access. */
#ifndef XLITE_MEMMAP_H
#define XLITE_MEMMAP_H

#include <stddef.h>
#include <stdint.h>

struct mem_range {
    uint64_t start;   /* inclusive */
    uint64_t end;     /* exclusive */
};

/* Compute the page-aligned free ranges: the union of `avail` (shrunk inward to 4 KiB
 * boundaries) minus every range in `reserved` (grown outward to 4 KiB boundaries).
 * Writes at most `max_out` sorted, non-overlapping, non-adjacent ranges to `out` and
 * returns how many it wrote, or -XEN_ENOSPC if more were needed. Inputs may be
 * unsorted and overlapping; empty ranges are ignored. */
int memmap_free_ranges(const struct mem_range *avail, size_t nr_avail,
                       const struct mem_range *reserved, size_t nr_reserved,
                       struct mem_range *out, size_t max_out);

#endif
