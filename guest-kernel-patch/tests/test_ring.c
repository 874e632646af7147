/* Ring index arithmetic: free-running 32-bit indices across the wrap, full and empty
 * rings, and a producer index that claims more than the ring holds. */
#include <string.h>

#include "kernel.h"
#include "ktests.h"
#include "ring.h"

START_TEST(ring_wraps_around)
{
    char buf[8], out[16];
    uint32_t rd = 0xFFFFFFFA, wr = 0xFFFFFFFA;   /* indices about to wrap */

    ck_assert_uint_eq(ring_put(buf, 8, rd, &wr, "abcdefghij", 10), 8);
    ck_assert_uint_eq(wr, 2u);
    ck_assert_uint_eq(ring_used(rd, wr), 8);
    ck_assert_uint_eq(ring_put(buf, 8, rd, &wr, "z", 1), 0);
    ck_assert_uint_eq(ring_get(buf, 8, &rd, wr, out, 3), 3);
    ck_assert_int_eq(memcmp(out, "abc", 3), 0);
    ck_assert_uint_eq(ring_put(buf, 8, rd, &wr, "XYZ", 3), 3);
    ck_assert_uint_eq(ring_get(buf, 8, &rd, wr, out, 16), 8);
    ck_assert_int_eq(memcmp(out, "defghXYZ", 8), 0);
    ck_assert_uint_eq(ring_used(rd, wr), 0);
}
END_TEST

START_TEST(ring_clamps_bad_producer)
{
    char buf[8] = "01234567", out[32];
    uint32_t rd = 0;

    /* A producer claiming 1000 bytes gives at most the ring's size. */
    ck_assert_uint_eq(ring_get(buf, 8, &rd, 1000, out, sizeof(out)), 8);
    uint32_t wr = 1000;
    ck_assert_uint_eq(ring_put(buf, 8, 0, &wr, "x", 1), 0);
}
END_TEST

Suite *ring_suite(void)
{
    Suite *s = suite_create("ring");
    ADD_TEST(s, ring_wraps_around);
    ADD_TEST(s, ring_clamps_bad_producer);
    return s;
}
