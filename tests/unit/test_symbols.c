/* Symbol lookup for stack traces: exact starts, offsets inside a symbol, the last
 * symbol bounded by the end of text, and addresses outside the table. */
#include <check.h>

#include "suites.h"
#include <hv/symbols.h>

static const uint64_t addrs[] = { 0x1000, 0x1040, 0x1100 };
static const uint32_t offs[] = { 0, 6, 11 };
static const char names[] = "alpha\0beta\0gamma";
static const struct ksym_table table = { 3, addrs, offs, names, 0x1200 };

START_TEST(finds_containing_symbol)
{
    uint64_t off, size;

    ck_assert_str_eq(ksym_find(&table, 0x1000, &off, &size), "alpha");
    ck_assert_uint_eq(off, 0);
    ck_assert_uint_eq(size, 0x40);
    ck_assert_str_eq(ksym_find(&table, 0x10ff, &off, &size), "beta");
    ck_assert_uint_eq(off, 0xbf);
    ck_assert_uint_eq(size, 0xc0);
    ck_assert_str_eq(ksym_find(&table, 0x11ff, &off, &size), "gamma");
    ck_assert_uint_eq(off, 0xff);
    ck_assert_uint_eq(size, 0x100);
}
END_TEST

START_TEST(outside_the_table_is_unknown)
{
    uint64_t off, size;
    const struct ksym_table empty = { 0, addrs, offs, names, 0x1200 };

    ck_assert_ptr_null(ksym_find(&table, 0xfff, &off, &size));
    ck_assert_ptr_null(ksym_find(&table, 0x1200, &off, &size));
    ck_assert_ptr_null(ksym_find(&table, ~0ULL, &off, &size));
    ck_assert_ptr_null(ksym_find(&empty, 0x1000, &off, &size));
}
END_TEST

Suite *symbols_suite(void)
{
    Suite *s = suite_create("symbols");

    UNIT_ADD_TEST(s, finds_containing_symbol);
    UNIT_ADD_TEST(s, outside_the_table_is_unknown);
    return s;
}
