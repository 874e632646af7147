/* pvclock-compatible TSC scaling (see timescale.h). */
#include <hv/lib.h>
#include <hv/timescale.h>

void time_scale_init(struct time_scale *ts, uint64_t hz)
{
    /* Want mul * 2^(shift-32) == 1e9 / hz with mul in [2^31, 2^32): pick shift so that
     * num/den = 1e9 / hz / 2^shift lies in [0.5, 1), then mul = num/den in 0.32 fixed
     * point. Both loops are bounded by the 64-bit range of hz. */
    uint64_t num = 1000000000ull;
    uint64_t den = hz ? hz : 1;
    int shift = 0;

    while (num >= den) {
        den <<= 1;
        shift++;
    }
    while (num < den / 2 + (den & 1)) {     /* num * 2 < den without overflow */
        num <<= 1;
        shift--;
    }
    ts->shift = (int8_t)shift;
    ts->mul = (uint32_t)muldiv64(num, 1ull << 32, den);   /* num/den < 1: fits */
}

uint64_t time_scale_apply(const struct time_scale *ts, uint64_t delta)
{
    if (ts->shift < 0)
        delta >>= -ts->shift;
    else
        delta <<= ts->shift;
    return (uint64_t)(((unsigned __int128)delta * ts->mul) >> 32);
}
