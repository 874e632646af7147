/* xl_vsnprintf/xl_snprintf/xl_strlcpy: every conversion printk relies on, compared
 * with the host libc where the two must agree, plus truncation and termination. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include <hv/lib.h>
#include "suites.h"

/* Format with both implementations and require identical output and return value. */
#define SAME(...)                                                               \
    do {                                                                        \
        char ours[128], libc[128];                                              \
        int a = xl_snprintf(ours, sizeof(ours), __VA_ARGS__);                   \
        int b = snprintf(libc, sizeof(libc), __VA_ARGS__);                      \
        ck_assert_str_eq(ours, libc);                                           \
        ck_assert_int_eq(a, b);                                                 \
    } while (0)

START_TEST(integers_match_libc)
{
    SAME("%d %i %u", -42, 7, 4000000000u);
    SAME("%ld %lu %lld %llu", -1L, ~0UL, (long long)-9223372036854775807LL - 1, ~0ULL);
    SAME("%x %X %lx %#x %#lx %#o %o", 255u, 255u, 0xdeadbeefcafeUL, 0x1fu, 0UL, 8u, 0u);
    SAME("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
    SAME("%zu %zd", (size_t)12345, (ssize_t)-5);
    SAME("[%5d] [%-5d] [%05d] [%+d] [% d] [%.3d] [%8.3d] [%-8.3x]", 42, 42, -42, 5, 5, 7, -7, 10u);
    SAME("[%016lx] [%*d] [%-*d] [%.0d]", 0xabcUL, 6, 1, 6, 2, 0);
}
END_TEST

START_TEST(strings_chars_percent)
{
    SAME("[%s] [%10s] [%-10s] [%.2s] [%c%c] [%%]", "abc", "right", "left", "truncate", 'x', 'y');
    SAME("%s=%d%s", "", 0, "\n");
}
END_TEST

START_TEST(pointer_is_hex_with_prefix)
{
    char buf[64];

    xl_snprintf(buf, sizeof(buf), "%p", (void *)0xffff82d040201234UL);
    ck_assert_str_eq(buf, "0xffff82d040201234");
    xl_snprintf(buf, sizeof(buf), "%p", (void *)0);
    ck_assert_str_eq(buf, "0x0");
}
END_TEST

START_TEST(truncation_terminates_and_reports_full_length)
{
    char buf[8];

    memset(buf, 'Z', sizeof(buf));
    ck_assert_int_eq(xl_snprintf(buf, sizeof(buf), "0123456789%d", 42), 12);
    ck_assert_str_eq(buf, "0123456");
    ck_assert_int_eq(xl_snprintf(buf, 1, "abc"), 3);
    ck_assert_str_eq(buf, "");
    /* size 0: nothing written at all */
    buf[0] = 'Q';
    ck_assert_int_eq(xl_snprintf(buf, 0, "abc"), 3);
    ck_assert_int_eq(buf[0], 'Q');
}
END_TEST

/* Deliberately malformed formats: the compiler's format check must not reject them. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
START_TEST(unknown_and_trailing_percent)
{
    char buf[32];

    xl_snprintf(buf, sizeof(buf), "a%qb");
    ck_assert_str_eq(buf, "a%qb");
    xl_snprintf(buf, sizeof(buf), "end%");
    ck_assert_str_eq(buf, "end");
}
END_TEST
#pragma GCC diagnostic pop

START_TEST(strlcpy_bounds)
{
    char buf[4];

    ck_assert_uint_eq(xl_strlcpy(buf, "abcdef", sizeof(buf)), 6);
    ck_assert_str_eq(buf, "abc");
    ck_assert_uint_eq(xl_strlcpy(buf, "ab", sizeof(buf)), 2);
    ck_assert_str_eq(buf, "ab");
}
END_TEST

START_TEST(muldiv64_uses_128_bit_intermediate)
{
    ck_assert_uint_eq(muldiv64(1ULL << 40, 3000000000ULL, 1000000000ULL), 3ULL << 40);
    ck_assert_uint_eq(muldiv64(~0ULL, 2, 4), ~0ULL / 2);
    ck_assert_uint_eq(muldiv64(7, 5, 3), 11);
}
END_TEST

Suite *vsnprintf_suite(void)
{
    Suite *s = suite_create("vsnprintf");

    UNIT_ADD_TEST(s, integers_match_libc);
    UNIT_ADD_TEST(s, strings_chars_percent);
    UNIT_ADD_TEST(s, pointer_is_hex_with_prefix);
    UNIT_ADD_TEST(s, truncation_terminates_and_reports_full_length);
    UNIT_ADD_TEST(s, unknown_and_trailing_percent);
    UNIT_ADD_TEST(s, strlcpy_bounds);
    UNIT_ADD_TEST(s, muldiv64_uses_128_bit_intermediate);
    return s;
}
