/* cpio newc reader: well-formed archives list their entries; malformed ones are
 * refused with -XE_INVAL without reading outside the buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "cpio.h"
#include "ktests.h"

/* Append one newc entry; returns the new length. */
static size_t add(char *a, size_t off, const char *name, unsigned int mode, const char *data,
                  size_t len)
{
    size_t nlen = strlen(name) + 1;
    off += (size_t)sprintf(a + off, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
                           1u, mode, 0u, 0u, 1u, 0u, (unsigned int)len, 0u, 0u, 0u, 0u,
                           (unsigned int)nlen, 0u);
    memcpy(a + off, name, nlen);
    off += nlen;
    while (off % 4)
        a[off++] = 0;
    memcpy(a + off, data, len);
    off += len;
    while (off % 4)
        a[off++] = 0;
    return off;
}

static size_t sample(char *a)
{
    size_t n = add(a, 0, "bin", CPIO_S_IFDIR | 0755, "", 0);
    n = add(a, n, "bin/hello", CPIO_S_IFREG | 0755, "HELLO", 5);
    return add(a, n, "TRAILER!!!", 0, "", 0);
}

START_TEST(reads_entries_in_order)
{
    static char a[4096];
    size_t len = sample(a), off = 0;
    struct cpio_entry e;

    ck_assert_int_eq(cpio_next(a, len, &off, &e), 1);
    ck_assert_str_eq(e.name, "bin");
    ck_assert_int_eq(e.mode & CPIO_S_IFMT, CPIO_S_IFDIR);
    ck_assert_int_eq(cpio_next(a, len, &off, &e), 1);
    ck_assert_str_eq(e.name, "bin/hello");
    ck_assert_uint_eq(e.size, 5);
    ck_assert_int_eq(memcmp(e.data, "HELLO", 5), 0);
    ck_assert_int_eq(cpio_next(a, len, &off, &e), 0);
}
END_TEST

START_TEST(refuses_every_truncation)
{
    static char a[4096];
    size_t len = sample(a);

    /* Every prefix that cuts an entry short must be refused, never over-read: copy it
     * into an exactly-sized heap block so ASan would catch a stray read. */
    for (size_t cut = 0; cut < len; cut++) {
        char *b = malloc(cut ? cut : 1);
        memcpy(b, a, cut);
        size_t off = 0;
        struct cpio_entry e;
        int rc;
        while ((rc = cpio_next(b, cut, &off, &e)) == 1)
            ;
        ck_assert_msg(rc == -XE_INVAL || (rc == 0 && cut >= len - 4),
                      "cut at %zu gave %d", cut, rc);
        free(b);
    }
}
END_TEST

START_TEST(refuses_bad_magic_hex_and_names)
{
    static char a[4096];
    size_t len = sample(a), off;
    struct cpio_entry e;

    a[0] = '1';
    off = 0;
    ck_assert_int_eq(cpio_next(a, len, &off, &e), -XE_INVAL);
    len = sample(a);
    a[6 + 8 * 6] = 'G';                /* filesize field */
    off = 0;
    ck_assert_int_eq(cpio_next(a, len, &off, &e), -XE_INVAL);
    len = sample(a);
    memcpy(a + 6 + 8 * 11, "00000001", 8);     /* namesize 1: empty name */
    off = 0;
    ck_assert_int_eq(cpio_next(a, len, &off, &e), -XE_INVAL);
    len = sample(a);
    memcpy(a + 6 + 8 * 11, "FFFFFFFF", 8);     /* name past the end */
    off = 0;
    ck_assert_int_eq(cpio_next(a, len, &off, &e), -XE_INVAL);
    len = sample(a);
    memcpy(a + 6 + 8 * 6, "7FFFFFFF", 8);      /* data past the end */
    off = 0;
    ck_assert_int_eq(cpio_next(a, len, &off, &e), -XE_INVAL);
}
END_TEST

START_TEST(refuses_unterminated_name)
{
    static char a[4096];
    size_t len = sample(a), off = 0;
    struct cpio_entry e;

    a[110 + 3] = 'X';                  /* "bin\0" -> "binX" */
    ck_assert_int_eq(cpio_next(a, len, &off, &e), -XE_INVAL);
}
END_TEST

Suite *cpio_suite(void)
{
    Suite *s = suite_create("cpio");
    ADD_TEST(s, reads_entries_in_order);
    ADD_TEST(s, refuses_every_truncation);
    ADD_TEST(s, refuses_bad_magic_hex_and_names);
    ADD_TEST(s, refuses_unterminated_name);
    return s;
}
