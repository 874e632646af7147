/* pvclock arithmetic (portable, host-tested): system time from a TSC reading and the
 * hypervisor's scale. The shift is signed and the product needs 96 bits. */
#ifndef PVCLOCK_H
#define PVCLOCK_H

#include <stdint.h>

static inline uint64_t pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift)
{
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

/* A TSC before the stamp (cannot happen on one CPU) counts as no time passed. */
static inline uint64_t pvclock_ns(uint64_t system_time, uint64_t tsc, uint64_t stamp,
                                  uint32_t mul, int8_t shift)
{
    return system_time + (tsc > stamp ? pvclock_scale(tsc - stamp, mul, shift) : 0);
}

#endif
