/* Tests for xlstored's wire decoding: framing errors drop the connection, bad
 * payloads get XS_ERROR replies echoing req_id/tx_id, unknown and unsupported types,
 * and random garbage never crashes the engine. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlite/io/store.h>

#include "store.h"
#include "store_client.h"
#include "suites.h"
#include "wire.h"

static struct store_engine *e;
static struct sc d0, u1;

static void setup(void)
{
    e = store_engine_create(NULL);
    ck_assert_ptr_nonnull(e);
    sc_open(&d0, e, 0, 1);
    sc_open(&u1, e, 1, 7);
}

static void teardown(void)
{
    store_engine_destroy(e);
}

/* A message with header {type, 5, tx, len} followed by payload[plen]. */
static size_t raw(unsigned char *buf, uint32_t type, uint32_t tx, uint32_t len,
                  const void *payload, size_t plen)
{
    struct xsd_sockmsg h = { type, 5, tx, len };

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), payload, plen);
    return sizeof(h) + plen;
}

/* The reply to msg on d0 (which must be an error named want). */
static void want_error(const void *msg, size_t len, const char *want)
{
    struct xsd_sockmsg h;
    const unsigned char *r;
    size_t rlen;

    ck_assert_int_eq(store_handle_message(e, d0.id, msg, len, NULL), STORE_OK);
    r = store_output_peek(e, d0.id, &rlen);
    ck_assert_ptr_nonnull(r);
    memcpy(&h, r, sizeof(h));
    ck_assert_uint_eq(h.type, XS_ERROR);
    ck_assert_uint_eq(h.req_id, 5);
    ck_assert_uint_eq(h.len, strlen(want) + 1);
    ck_assert_str_eq((const char *)r + sizeof(h), want);
    store_output_pop(e, d0.id);
    ck_assert_ptr_null(store_output_peek(e, d0.id, &rlen));
}

START_TEST(framing_errors_drop)
{
    unsigned char m[16 + XENSTORE_PAYLOAD_MAX + 8] = { 0 };
    size_t n;

    ck_assert_int_eq(store_handle_message(e, d0.id, m, 0, NULL), STORE_DROP);
    ck_assert_int_eq(store_handle_message(e, d0.id, m, 15, NULL), STORE_DROP);
    ck_assert_int_eq(store_handle_message(e, d0.id, NULL, 16, NULL), STORE_DROP);
    n = raw(m, XS_READ, 0, 3, "/a", 2);                 /* header says more */
    ck_assert_int_eq(store_handle_message(e, d0.id, m, n, NULL), STORE_DROP);
    n = raw(m, XS_READ, 0, 1, "/a", 3);                 /* header says less */
    ck_assert_int_eq(store_handle_message(e, d0.id, m, n, NULL), STORE_DROP);
    memset(m + 16, 'a', XENSTORE_PAYLOAD_MAX + 1);
    n = raw(m, XS_READ, 0, XENSTORE_PAYLOAD_MAX + 1, "", 0) + XENSTORE_PAYLOAD_MAX + 1;
    ck_assert_int_eq(store_handle_message(e, d0.id, m, n, NULL), STORE_DROP);
    n = raw(m, XS_READ, 0, 0xffffffffu, "", 0);
    ck_assert_int_eq(store_handle_message(e, d0.id, m, n, NULL), STORE_DROP);
    n = raw(m, XS_READ, 0, 2, "/", 2);
    ck_assert_int_eq(store_handle_message(e, (struct store_conn_id){ 9, 9 }, m, n, NULL),
                     STORE_DROP);                       /* unknown connection */
    ck_assert_ptr_null(store_output_peek(e, d0.id, &n));
    /* A full-size payload is fine. */
    m[16 + XENSTORE_PAYLOAD_MAX - 1] = '\0';
    m[16] = '/';
    n = raw(m, XS_READ, 0, XENSTORE_PAYLOAD_MAX, "", 0) + XENSTORE_PAYLOAD_MAX;
    want_error(m, n, "EINVAL");                         /* path over 3072 */
}
END_TEST

START_TEST(bad_payloads_get_einval)
{
    unsigned char m[256];

    want_error(m, raw(m, XS_READ, 0, 0, "", 0), "EINVAL");          /* empty */
    want_error(m, raw(m, XS_READ, 0, 2, "/a", 2), "EINVAL");        /* no NUL */
    want_error(m, raw(m, XS_READ, 0, 5, "/a\0/b", 5), "EINVAL");    /* two strings */
    want_error(m, raw(m, XS_READ, 0, 1, "", 1), "EINVAL");          /* empty path */
    want_error(m, raw(m, XS_WRITE, 0, 2, "/a", 2), "EINVAL");       /* no path NUL */
    want_error(m, raw(m, XS_WATCH, 0, 3, "/a\0", 3), "EINVAL");     /* no token */
    want_error(m, raw(m, XS_WATCH, 0, 7, "/a\0t\0x\0", 7), "EINVAL");
    want_error(m, raw(m, XS_TRANSACTION_START, 0, 0, "", 0), "EINVAL");
    want_error(m, raw(m, XS_GET_DOMAIN_PATH, 0, 3, "1x\0", 3), "EINVAL");
    want_error(m, raw(m, XS_GET_DOMAIN_PATH, 0, 1, "", 1), "EINVAL");
    want_error(m, raw(m, XS_SET_PERMS, 0, 50, "/\0r0\0r0\0r0\0r0\0r0\0r0\0r0\0r0\0r0\0r0\0"
                      "r0\0r0\0r0\0r0\0r0\0r0\0", 50), "EINVAL");   /* 17 strings */
}
END_TEST

START_TEST(types_unknown_and_unsupported)
{
    static const uint32_t unsupported[] = { XS_RESUME, XS_SET_TARGET, XS_DIRECTORY_PART,
                                            XS_GET_FEATURE, XS_SET_FEATURE, XS_GET_QUOTA,
                                            XS_SET_QUOTA };
    static const uint32_t invalid[] = { XS_WATCH_EVENT, XS_ERROR, 20, XS_TYPE_COUNT, 1000,
                                        XS_INVALID, 0xffffffffu };
    unsigned char m[64];

    for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
        want_error(m, raw(m, unsupported[i], 0, 2, "1", 2), "ENOSYS");
    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
        want_error(m, raw(m, invalid[i], 0, 2, "1", 2), "EINVAL");
    want_error(m, raw(m, XS_CONTROL, 0, 5, "junk", 5), "ENOSYS");
    ck_assert_str_eq(sc_req(&d0, XS_CONTROL, 0, "print", "hello", NULL), "OK|");
}
END_TEST

START_TEST(replies_echo_header)
{
    unsigned char m[64];
    struct xsd_sockmsg h;
    const unsigned char *r;
    size_t n = raw(m, XS_GET_DOMAIN_PATH, 0, 2, "3", 2);

    ((struct xsd_sockmsg *)(void *)m)->req_id = 0xdeadbeef;
    ck_assert_int_eq(store_handle_message(e, u1.id, m, n, NULL), STORE_OK);
    r = store_output_peek(e, u1.id, &n);
    memcpy(&h, r, sizeof(h));
    ck_assert_uint_eq(h.type, XS_GET_DOMAIN_PATH);
    ck_assert_uint_eq(h.req_id, 0xdeadbeef);
    ck_assert_uint_eq(h.tx_id, 0);
    ck_assert_uint_eq(h.len, 16);
    ck_assert_uint_eq(n, 32);
    ck_assert_mem_eq(r + 16, "/local/domain/3", 16);
}
END_TEST

START_TEST(directory_too_big)
{
    char p[64];

    for (int i = 0; i < 200; i++) {
        snprintf(p, sizeof(p), "/big/child-with-a-long-name-%04d", i);
        TOOLS_REQUIRE(strcmp(sc_write(&d0, 0, p, ""), "OK|") == 0, "%s", p);
    }
    ck_assert_str_eq(sc_req(&d0, XS_DIRECTORY, 0, "/big", NULL), "E:E2BIG");
}
END_TEST

/* xorshift64*: reproducible random numbers for the fuzzers. */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

START_TEST(random_garbage_never_crashes)
{
    static const char *const words[] = { "/", "/a", "a", "/a/b", "@releaseDomain", "T",
                                         "F", "r0", "b1", "1", "", "0", "99999" };
    unsigned char m[16 + 300];
    uint64_t s = 0x1234567;

    for (int i = 0; i < 50000; i++) {
        struct sc *c = rnd(&s) & 1 ? &d0 : &u1;
        uint32_t plen = (uint32_t)(rnd(&s) % 300), off = 0;
        struct xsd_sockmsg h = { (uint32_t)(rnd(&s) % 30), (uint32_t)rnd(&s),
                                 (uint32_t)(rnd(&s) % 4), 0 };
        enum store_verdict v;
        size_t len;

        /* Half structured (words joined by NULs), half raw bytes. */
        while (off < plen) {
            if (rnd(&s) & 1) {
                const char *w = words[rnd(&s) % (sizeof(words) / sizeof(words[0]))];
                size_t wl = strlen(w) + 1;

                if (off + wl > plen)
                    break;
                memcpy(m + 16 + off, w, wl);
                off += (uint32_t)wl;
            } else {
                m[16 + off++] = (unsigned char)rnd(&s);
            }
        }
        h.len = off;
        memcpy(m, &h, sizeof(h));
        len = 16 + off;
        if (rnd(&s) % 50 == 0)
            len = rnd(&s) % len;        /* framing damage now and then */
        v = store_handle_message(e, c->id, m, len, NULL);
        TOOLS_REQUIRE(v == STORE_OK || v == STORE_DROP || v == STORE_STALL, "verdict %d", v);
        while (store_output_peek(e, c->id, &len) != NULL && rnd(&s) % 8 != 0)
            store_output_pop(e, c->id);
        if (store_conn_dead(e, c->id)) {
            store_conn_close(e, c->id);
            TOOLS_REQUIRE(store_conn_open(e, c->id) == 0, "reopen");
        }
    }
}
END_TEST

#define ADD(s, fn) TOOLS_ADD_FIXTURE_TEST(s, fn, setup, teardown)

Suite *store_wire_suite(void)
{
    Suite *s = suite_create("store_wire");

    ADD(s, framing_errors_drop);
    ADD(s, bad_payloads_get_einval);
    ADD(s, types_unknown_and_unsupported);
    ADD(s, replies_echo_header);
    ADD(s, directory_too_big);
    tcase_add_checked_fixture(TOOLS_ADD_SLOW_TEST(s, random_garbage_never_crashes, 60),
                              setup, teardown);
    return s;
}
