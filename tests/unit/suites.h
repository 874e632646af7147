/* Unit-test suites run by main.c. To add a suite, add one X(name) line to UNIT_SUITES:
 * it declares `Suite *name_suite(void);` and registers it under the name "name"
 * (results print as unit/<name>/<test>). */
#ifndef XLITE_TESTS_UNIT_SUITES_H
#define XLITE_TESTS_UNIT_SUITES_H

#include <check.h>

#define UNIT_SUITES(X) \
    X(multiboot2)      \
    X(cmdline)         \
    X(memmap)          \
    X(frame)           \
    X(vsnprintf)       \
    X(timescale)       \
    X(symbols)          \
    X(pv_layout)         \
    X(elf_loader)        \
    X(console_input)     \
    X(x86_insn)          \
    X(page_type)         \
    X(timer_queue)       \
    X(domu_config)       \
    X(evtchn_ports)      \
    X(grant_table)       \
    X(ptwr_insn)         \
    X(string)

#define UNIT_DECLARE_SUITE(name) Suite *name##_suite(void);
UNIT_SUITES(UNIT_DECLARE_SUITE)
#undef UNIT_DECLARE_SUITE

/* One TCase per test function, named after it, so each result names its function. */
#define UNIT_ADD_TEST(suite, fn) unit_add_test((suite), #fn, (fn), 0.0)
/* The same with a timeout in seconds for long-running tests (default is check's 4 s,
 * scaled by CK_TIMEOUT_MULTIPLIER). */
#define UNIT_ADD_SLOW_TEST(suite, fn, secs) unit_add_test((suite), #fn, (fn), (secs))

/* Assertion for hot loops: a passing ck_assert writes a checkpoint (a syscall in
 * CK_FORK mode), this costs nothing unless it fails. Needs a format string. */
#define UNIT_REQUIRE(cond, ...)             \
    do {                                    \
        if (!(cond))                        \
            ck_abort_msg(__VA_ARGS__);      \
    } while (0)

static inline void unit_add_test(Suite *s, const char *name, const TTest *fn, double secs)
{
    TCase *tc = tcase_create(name);

    if (secs > 0)
        tcase_set_timeout(tc, secs);
    tcase_add_test(tc, fn);
    suite_add_tcase(s, tc);
}

#endif
