/* pvclock-style TSC scaling: the multiplier is normalised like Xen's and one second of
 * ticks converts to one second of nanoseconds within 1 ppm, across the frequency range
 * real and emulated TSCs have. */
#include <check.h>

#include "suites.h"
#include <hv/timescale.h>

static const uint64_t freqs[] = {
    1000000ULL, 32768ULL, 999999999ULL, 1000000000ULL, 1000000001ULL, 2000000000ULL,
    2595775000ULL, 3999999999ULL, 5000000000ULL, 10000000000ULL,
};

START_TEST(multiplier_is_normalised)
{
    for (size_t i = 0; i < sizeof(freqs) / sizeof(freqs[0]); i++) {
        struct time_scale ts;
        time_scale_init(&ts, freqs[i]);
        ck_assert_msg(ts.mul >= 0x80000000u, "hz %llu mul %#x not normalised",
                      (unsigned long long)freqs[i], ts.mul);
    }
}
END_TEST

START_TEST(one_second_of_ticks_is_one_second)
{
    for (size_t i = 0; i < sizeof(freqs) / sizeof(freqs[0]); i++) {
        struct time_scale ts;
        time_scale_init(&ts, freqs[i]);
        uint64_t ns = time_scale_apply(&ts, freqs[i]);
        uint64_t err = ns > 1000000000ULL ? ns - 1000000000ULL : 1000000000ULL - ns;
        ck_assert_msg(err <= 1000, "hz %llu: 1 s of ticks gave %llu ns",
                      (unsigned long long)freqs[i], (unsigned long long)ns);
    }
}
END_TEST

START_TEST(known_values_for_2ghz)
{
    struct time_scale ts;

    time_scale_init(&ts, 2000000000ULL);
    /* 0.5 ns per tick = 2^31 / 2^32 at shift 0, or 2^32-ish at shift -1. */
    ck_assert_uint_eq(time_scale_apply(&ts, 2), 1);
    ck_assert_uint_eq(time_scale_apply(&ts, 2000), 1000);
    ck_assert_uint_eq(time_scale_apply(&ts, 0), 0);
}
END_TEST

START_TEST(monotonic_in_delta)
{
    struct time_scale ts;
    uint64_t prev = 0;

    time_scale_init(&ts, 2595775000ULL);
    for (uint64_t d = 0; d < 100000; d += 7) {
        uint64_t ns = time_scale_apply(&ts, d);
        ck_assert_uint_ge(ns, prev);
        prev = ns;
    }
}
END_TEST

Suite *timescale_suite(void)
{
    Suite *s = suite_create("timescale");

    UNIT_ADD_TEST(s, multiplier_is_normalised);
    UNIT_ADD_TEST(s, one_second_of_ticks_is_one_second);
    UNIT_ADD_TEST(s, known_values_for_2ghz);
    UNIT_ADD_TEST(s, monotonic_in_delta);
    return s;
}
