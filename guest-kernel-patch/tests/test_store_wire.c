/* Store wire format: encoding of requests (NULs, raw values, size limits) and
 * decoding of headers, fields and error names. */
#include <string.h>

#include "kernel.h"
#include "ktests.h"
#include "store_wire.h"

START_TEST(store_encode_read_and_write)
{
    char buf[64];
    const char *rd[] = { "control/shutdown" };
    long n = xsw_encode(buf, sizeof(buf), XS_READ, 7, 3, rd, 1, 0);
    struct xsd_sockmsg h;

    ck_assert_int_eq(n, 16 + 17);
    ck_assert_int_eq(xsw_header(buf, (size_t)n, &h), 0);
    ck_assert_uint_eq(h.type, XS_READ);
    ck_assert_uint_eq(h.req_id, 7);
    ck_assert_uint_eq(h.tx_id, 3);
    ck_assert_uint_eq(h.len, 17);
    ck_assert_int_eq(memcmp(buf + 16, "control/shutdown\0", 17), 0);
    const char *wr[] = { "a/b", "value" };
    n = xsw_encode(buf, sizeof(buf), XS_WRITE, 8, 0, wr, 2, 1);
    ck_assert_int_eq(n, 16 + 4 + 5);                 /* the value has no NUL */
    ck_assert_int_eq(memcmp(buf + 16, "a/b\0value", 9), 0);
}
END_TEST

START_TEST(store_encode_refuses_oversize)
{
    static char big[XENSTORE_PAYLOAD_MAX + 10], out[XENSTORE_PAYLOAD_MAX + 64];
    memset(big, 'x', sizeof(big) - 1);
    const char *f[] = { big };
    ck_assert_int_eq(xsw_encode(out, sizeof(out), XS_READ, 1, 0, f, 1, 0), -XE_2BIG);
    const char *g[] = { "abc" };
    ck_assert_int_eq(xsw_encode(out, 18, XS_READ, 1, 0, g, 1, 0), -XE_2BIG);
}
END_TEST

START_TEST(store_decode)
{
    char buf[64] = { 0 };
    struct xsd_sockmsg h = { XS_WATCH_EVENT, 0, 0, 12 };
    const char *f[3];

    memcpy(buf, &h, sizeof(h));
    ck_assert_int_eq(xsw_header(buf, 15, &h), -XE_AGAIN);
    ck_assert_int_eq(xsw_header(buf, 16, &h), 0);
    ck_assert_int_eq(xsw_fields("a/b\0tok\0", 8, f, 3), 2);
    ck_assert_str_eq(f[0], "a/b");
    ck_assert_str_eq(f[1], "tok");
    ck_assert_int_eq(xsw_fields("a/b\0tok", 7, f, 3), -XE_INVAL);
    ck_assert_int_eq(xsw_fields("a\0b\0c\0d\0", 8, f, 3), -XE_INVAL);
    h.len = XENSTORE_PAYLOAD_MAX + 1;
    memcpy(buf, &h, sizeof(h));
    ck_assert_int_eq(xsw_header(buf, 16, &h), -XE_INVAL);
    h = (struct xsd_sockmsg){ 999, 0, 0, 0 };
    memcpy(buf, &h, sizeof(h));
    ck_assert_int_eq(xsw_header(buf, 16, &h), -XE_INVAL);
    ck_assert_int_eq(xsw_error("EAGAIN", 7), -XE_AGAIN);
    ck_assert_int_eq(xsw_error("ENOENT", 7), -XE_NOENT);
    ck_assert_int_eq(xsw_error("EWHAT", 6), -XE_IO);
}
END_TEST

Suite *store_wire_suite(void)
{
    Suite *s = suite_create("store_wire");
    ADD_TEST(s, store_encode_read_and_write);
    ADD_TEST(s, store_encode_refuses_oversize);
    ADD_TEST(s, store_decode);
    return s;
}
