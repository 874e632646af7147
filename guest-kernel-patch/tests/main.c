/* Host unit tests of the guest kernel's portable code: one line per test,
 * "PASS kunit/<suite>/<test>" or "FAIL kunit/<suite>/<test>: <message>". */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "ktests.h"

static const struct { const char *name; Suite *(*make)(void); } suites[] = {
    { "cpio", cpio_suite }, { "elf", elf_suite }, { "store_wire", store_wire_suite },
    { "ring", ring_suite }, { "pvclock", pvclock_suite }, { "path", path_suite },
    { "store_client", store_client_suite }, { "vfs", vfs_suite },
    { "console", console_suite },
};

int main(void)
{
    int failed = 0;

    for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
        SRunner *sr = srunner_create(suites[s].make());
        srunner_set_fork_status(sr, CK_FORK);
        srunner_run_all(sr, CK_SILENT);
        int n = srunner_ntests_run(sr);
        TestResult **res = srunner_results(sr);
        for (int i = 0; i < n; i++) {
            if (tr_rtype(res[i]) == CK_PASS) {
                printf("PASS kunit/%s/%s\n", suites[s].name, tr_tcname(res[i]));
                continue;
            }
            failed++;
            printf("FAIL kunit/%s/%s: ", suites[s].name, tr_tcname(res[i]));
            for (const char *m = tr_msg(res[i]); m && *m; m++)
                putchar(*m == '\n' ? ' ' : *m);
            putchar('\n');
        }
        free(res);
        srunner_free(sr);
    }
    return failed != 0;
}
