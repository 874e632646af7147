/* TSC-to-nanosecond scaling in the form Xen's pvclock uses (vcpu_time_info:
 * tsc_to_system_mul, tsc_shift), so guests and the hypervisor compute the same time:
 *   ns = ((delta << shift  or  delta >> -shift) * mul) >> 32
 * Free of hardware access. */
#ifndef XLITE_TIMESCALE_H
#define XLITE_TIMESCALE_H

#include <stdint.h>

struct time_scale {
    uint32_t mul;       /* 0.32 fixed point, in [2^31, 2^32) */
    int8_t shift;
};

/* Scale for a counter running at hz ticks per second (hz > 0). */
void time_scale_init(struct time_scale *ts, uint64_t hz);
/* Nanoseconds in `delta` ticks. */
uint64_t time_scale_apply(const struct time_scale *ts, uint64_t delta);

#endif
