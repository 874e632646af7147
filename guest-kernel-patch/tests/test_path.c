/* Path canonicalisation (".", "..", "//", relative paths, limits) and component
 * iteration. */
#include <string.h>

#include "kernel.h"
#include "ktests.h"
#include "path.h"

START_TEST(path_canonical)
{
    char out[64];

    ck_assert_int_eq(path_resolve("/", "/a//b/./c/", out, sizeof(out)), 0);
    ck_assert_str_eq(out, "/a/b/c");
    ck_assert_int_eq(path_resolve("/", "/a/b/../../..", out, sizeof(out)), 0);
    ck_assert_str_eq(out, "/");
    ck_assert_int_eq(path_resolve("/tmp", "x/../y", out, sizeof(out)), 0);
    ck_assert_str_eq(out, "/tmp/y");
    ck_assert_int_eq(path_resolve("/", "", out, sizeof(out)), -XE_NOENT);
    char longc[80];
    memset(longc, 'a', 79);
    longc[79] = '\0';
    ck_assert_int_eq(path_resolve("/", longc, out, sizeof(out)), -XE_NAMETOOLONG);
    ck_assert_int_eq(path_resolve("/", "/aaaaaaaaaa/bbbbbbbbbb/cccccccccc", out, 16),
                     -XE_NAMETOOLONG);
    const char *p = "/bin/sh";
    char name[56];
    ck_assert_int_eq(path_next(&p, name), 1);
    ck_assert_str_eq(name, "bin");
    ck_assert_int_eq(path_next(&p, name), 1);
    ck_assert_str_eq(name, "sh");
    ck_assert_int_eq(path_next(&p, name), 0);
}
END_TEST

Suite *path_suite(void)
{
    Suite *s = suite_create("path");
    ADD_TEST(s, path_canonical);
    return s;
}
