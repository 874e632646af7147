/* Toolstack test runner: every suite in TOOLS_SUITES, CK_FORK mode, one line per
 * test: "PASS tools/<suite>/<test>" or "FAIL tools/<suite>/<test>: <message>".
 * Exits 1 if any test failed. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "suites.h"

struct tools_suite {
    const char *name;
    Suite *(*create)(void);
};

#define TOOLS_TABLE_ENTRY(name) { #name, name##_suite },
static const struct tools_suite tools_suites[] = {
    TOOLS_SUITES(TOOLS_TABLE_ENTRY)
};
#undef TOOLS_TABLE_ENTRY

static void print_one_line(const char *msg)
{
    for (; msg != NULL && *msg != '\0'; msg++)
        putchar(*msg == '\n' || *msg == '\r' ? ' ' : *msg);
}

static int run_suite(const struct tools_suite *ts)
{
    SRunner *sr = srunner_create(ts->create());
    TestResult **res;
    int n, failed = 0;

    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_SILENT);
    n = srunner_ntests_run(sr);
    res = srunner_results(sr);
    for (int i = 0; i < n; i++) {
        if (tr_rtype(res[i]) == CK_PASS) {
            printf("PASS tools/%s/%s\n", ts->name, tr_tcname(res[i]));
            continue;
        }
        failed++;
        printf("FAIL tools/%s/%s: ", ts->name, tr_tcname(res[i]));
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
    int failed = 0;

    for (size_t i = 0; i < sizeof(tools_suites) / sizeof(tools_suites[0]); i++)
        failed += run_suite(&tools_suites[i]);
    return failed != 0 ? 1 : 0;
}
