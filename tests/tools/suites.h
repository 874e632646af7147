/* Toolstack test suites run by main.c; add one X(name) line per suite (results print
 * as tools/<name>/<test>). Same conventions as tests/unit/suites.h. */
#ifndef XLITE_TESTS_TOOLS_SUITES_H
#define XLITE_TESTS_TOOLS_SUITES_H

#include <check.h>

#define TOOLS_SUITES(X) \
    X(config)           \
    X(store)            \
    X(store_tx)         \
    X(store_wire)       \
    X(store_model)      \
    X(guest_build)

#define TOOLS_DECLARE_SUITE(name) Suite *name##_suite(void);
TOOLS_SUITES(TOOLS_DECLARE_SUITE)
#undef TOOLS_DECLARE_SUITE

#define TOOLS_ADD_TEST(suite, fn) tools_add_test((suite), #fn, (fn), 0.0)
#define TOOLS_ADD_SLOW_TEST(suite, fn, secs) tools_add_test((suite), #fn, (fn), (secs))
/* The same with a checked fixture (run in the test's own process). */
#define TOOLS_ADD_FIXTURE_TEST(suite, fn, setup, teardown) \
    tcase_add_checked_fixture(tools_add_test((suite), #fn, (fn), 0.0), (setup), (teardown))

/* Assertion for hot loops (a passing ck_assert costs a syscall in CK_FORK mode). */
#define TOOLS_REQUIRE(cond, ...)            \
    do {                                    \
        if (!(cond))                        \
            ck_abort_msg(__VA_ARGS__);      \
    } while (0)

static inline TCase *tools_add_test(Suite *s, const char *name, const TTest *fn, double secs)
{
    TCase *tc = tcase_create(name);

    if (secs > 0)
        tcase_set_timeout(tc, secs);
    tcase_add_test(tc, fn);
    suite_add_tcase(s, tc);
    return tc;
}

#endif
