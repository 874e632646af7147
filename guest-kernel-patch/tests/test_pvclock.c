/* pvclock scaling against reference values computed with arbitrary precision
 * (positive and negative shifts, products beyond 64 bits, a TSC behind the stamp). */
#include <string.h>

#include "kernel.h"
#include "ktests.h"
#include "pvclock.h"

START_TEST(pvclock_reference_values)
{
    ck_assert_uint_eq(pvclock_scale(1000000000ull, 0xc4f0f52a, -1), 384650861ull);
    ck_assert_uint_eq(pvclock_scale(123456789ull, 0x80000000, 2), 246913578ull);
    ck_assert_uint_eq(pvclock_scale((1ull << 40) + 12345, 0xffffffff, 0), 1099511639864ull);
    ck_assert_uint_eq(pvclock_scale(0xFFFFFFFFFFFFull, 0x9abcdef0, -3), 21266998099967ull);
    ck_assert_uint_eq(pvclock_ns(5000, 100, 200, 0x80000000, 0), 5000);   /* TSC behind */
    ck_assert_uint_eq(pvclock_ns(5000, 300, 100, 0x80000000, 0), 5100);
}
END_TEST

Suite *pvclock_suite(void)
{
    Suite *s = suite_create("pvclock");
    ADD_TEST(s, pvclock_reference_values);
    return s;
}
