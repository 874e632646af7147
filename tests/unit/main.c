/* Unit-test runner: runs every suite in UNIT_SUITES (suites.h) in CK_FORK mode and
 * prints one line per test, "PASS unit/<suite>/<test>" or
 * "FAIL unit/<suite>/<test>: <message>". Exits 1 if any test failed. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"

struct unit_suite {
    const char *name;
    Suite *(*create)(void);
};

#define UNIT_TABLE_ENTRY(name) { #name, name##_suite },
static const struct unit_suite unit_suites[] = {
    UNIT_SUITES(UNIT_TABLE_ENTRY)
};
#undef UNIT_TABLE_ENTRY

/* Prints msg on the current line with line breaks turned into spaces. */
static void print_one_line(const char *msg)
{
    for (; msg != NULL && *msg != '\0'; msg++)
        putchar(*msg == '\n' || *msg == '\r' ? ' ' : *msg);
}

/* Runs one suite; prints its results and returns how many tests did not pass. */
static int run_suite(const struct unit_suite *us)
{
    SRunner *sr = srunner_create(us->create());
    TestResult **res;
    int i, n, failed = 0;

    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_SILENT);
    n = srunner_ntests_run(sr);
    res = srunner_results(sr);
    for (i = 0; i < n; i++) {
        if (tr_rtype(res[i]) == CK_PASS) {
            printf("PASS unit/%s/%s\n", us->name, tr_tcname(res[i]));
            continue;
        }
        failed++;
        printf("FAIL unit/%s/%s: ", us->name, tr_tcname(res[i]));
        print_one_line(tr_msg(res[i]));
        putchar('\n');
    }
    free(res);
    srunner_free(sr);
    fflush(stdout);
    return failed;
}

int main(void)
{
    size_t i;
    int failed = 0;

    for (i = 0; i < sizeof(unit_suites) / sizeof(unit_suites[0]); i++)
        failed += run_suite(&unit_suites[i]);
    return failed != 0 ? 1 : 0;
}
