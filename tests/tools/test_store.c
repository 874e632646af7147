/* Tests for the xlstored engine: the tree (read, write, mkdir, rm, directory, implicit
 * parents), paths, permissions, watches, domains and quotas. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include <xlite/io/store.h>

#include "domain_nodes.h"
#include "store.h"
#include "store_client.h"
#include "suites.h"
#include "wire.h"

static struct store_engine *e;
static struct sc d0, u1, u2;    /* dom0, domU 1, domU 2 */

static void setup(void)
{
    e = store_engine_create(NULL);
    ck_assert_ptr_nonnull(e);
    sc_open(&d0, e, 0, 1);
    sc_open(&u1, e, 1, 1);
    sc_open(&u2, e, 2, 1);
}

static void teardown(void)
{
    store_engine_destroy(e);
}

#define REQ(c, type, ...) sc_req((c), (type), 0, __VA_ARGS__, NULL)
#define EXPECT(got, want) ck_assert_str_eq((got), (want))

START_TEST(initial_tree)
{
    EXPECT(REQ(&d0, XS_DIRECTORY, "/"), "local|tool|");
    EXPECT(REQ(&d0, XS_DIRECTORY, "/local"), "domain|");
    EXPECT(REQ(&d0, XS_GET_PERMS, "/"), "n0|");
    EXPECT(REQ(&d0, XS_READ, "/"), "");
    EXPECT(REQ(&u1, XS_READ, "/"), "E:EACCES");
}
END_TEST

START_TEST(write_read_implicit_parents)
{
    EXPECT(sc_write(&d0, 0, "/a/b/c", "hello"), "OK|");
    EXPECT(REQ(&d0, XS_READ, "/a/b/c"), "hello");
    EXPECT(REQ(&d0, XS_READ, "/a/b"), "");
    EXPECT(REQ(&d0, XS_DIRECTORY, "/a"), "b|");
    EXPECT(REQ(&d0, XS_DIRECTORY, "/a/b/c"), "");
    EXPECT(sc_write(&d0, 0, "/a/b/c", ""), "OK|");
    EXPECT(REQ(&d0, XS_READ, "/a/b/c"), "");
    EXPECT(REQ(&d0, XS_READ, "/a/x"), "E:ENOENT");
    EXPECT(REQ(&d0, XS_DIRECTORY, "/nope"), "E:ENOENT");
    EXPECT(sc_write(&d0, 0, "/a/b/d", "2"), "OK|");
    EXPECT(REQ(&d0, XS_DIRECTORY, "/a/b"), "c|d|");
}
END_TEST

START_TEST(binary_values)
{
    unsigned char msg[64];
    const char *path = "/bin";
    static const char val[] = { 'a', 0, 'b', 0 };

    ck_assert_uint_gt(store_msg_build(msg, sizeof(msg), XS_WRITE, 1, 0, &path, 1, val, 4), 0);
    ck_assert_int_eq(store_handle_message(e, d0.id, msg, 16 + 5 + 4, NULL), STORE_OK);
    store_output_pop(e, d0.id);
    EXPECT(REQ(&d0, XS_READ, "/bin"), "a|b|");
}
END_TEST

START_TEST(mkdir_and_rm)
{
    EXPECT(REQ(&d0, XS_MKDIR, "/m/n"), "OK|");
    EXPECT(REQ(&d0, XS_MKDIR, "/m/n"), "OK|");      /* exists: fine */
    EXPECT(REQ(&d0, XS_READ, "/m/n"), "");
    EXPECT(sc_write(&d0, 0, "/m/n/o/p", "v"), "OK|");
    EXPECT(REQ(&d0, XS_RM, "/m/n"), "OK|");
    EXPECT(REQ(&d0, XS_READ, "/m/n/o/p"), "E:ENOENT");
    EXPECT(REQ(&d0, XS_DIRECTORY, "/m"), "");
    EXPECT(REQ(&d0, XS_RM, "/m/n"), "OK|");         /* gone, parent there: OK */
    EXPECT(REQ(&d0, XS_RM, "/m/x/y"), "E:ENOENT"); /* parent missing too */
    EXPECT(REQ(&d0, XS_RM, "/"), "E:EINVAL");
    EXPECT(REQ(&d0, XS_RM, "/m"), "OK|");
    EXPECT(REQ(&d0, XS_DIRECTORY, "/"), "local|tool|");
}
END_TEST

START_TEST(paths_refused)
{
    static const char *const bad[] = { "", "//a", "/a//b", "/a/", "a/", "/a b", "/a.b",
                                       "/a\xff", "@introduceDomain", "@other" };
    char longp[XENSTORE_ABS_PATH_MAX + 2];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(strcmp(REQ(&d0, XS_READ, bad[i]), "E:EINVAL") == 0, "'%s'", bad[i]);
        ck_assert_msg(strcmp(sc_write(&d0, 0, bad[i], "x"), "E:EINVAL") == 0, "'%s'",
                      bad[i]);
    }
    EXPECT(sc_write(&d0, 0, "/A-Z_09@x", "ok"), "OK|");
    memset(longp, 'a', sizeof(longp));
    longp[0] = '/';
    longp[XENSTORE_ABS_PATH_MAX] = '\0';            /* 3072 bytes: the limit */
    EXPECT(REQ(&d0, XS_MKDIR, longp), "OK|");
    longp[XENSTORE_ABS_PATH_MAX] = 'a';
    longp[XENSTORE_ABS_PATH_MAX + 1] = '\0';
    EXPECT(REQ(&d0, XS_MKDIR, longp), "E:EINVAL");
    memset(longp, 'b', XENSTORE_REL_PATH_MAX + 1);
    longp[XENSTORE_REL_PATH_MAX + 1] = '\0';
    EXPECT(REQ(&d0, XS_MKDIR, longp), "E:EINVAL"); /* relative: 2048 at most */
}
END_TEST

START_TEST(relative_paths)
{
    EXPECT(REQ(&d0, XS_MKDIR, "/local/domain/1"), "OK|");
    EXPECT(REQ(&d0, XS_SET_PERMS, "/local/domain/1", "n1"), "OK|");
    EXPECT(sc_write(&u1, 0, "data/x", "1"), "OK|");
    EXPECT(REQ(&d0, XS_READ, "/local/domain/1/data/x"), "1");
    EXPECT(REQ(&u1, XS_READ, "/local/domain/1/data/x"), "1");
    EXPECT(sc_write(&d0, 0, "rel", "dom0's"), "OK|");
    EXPECT(REQ(&d0, XS_READ, "/local/domain/0/rel"), "dom0's");
    EXPECT(REQ(&u1, XS_GET_DOMAIN_PATH, "1"), "/local/domain/1|");
    EXPECT(REQ(&u1, XS_GET_DOMAIN_PATH, "65535"), "/local/domain/65535|");
    EXPECT(REQ(&u1, XS_GET_DOMAIN_PATH, "65536"), "E:EINVAL");
    EXPECT(REQ(&u1, XS_GET_DOMAIN_PATH, "x"), "E:EINVAL");
}
END_TEST

START_TEST(perms_owner_default_and_entries)
{
    EXPECT(sc_write(&d0, 0, "/p", "secret"), "OK|");
    EXPECT(REQ(&u1, XS_READ, "/p"), "E:EACCES");
    EXPECT(sc_write(&u1, 0, "/p", "x"), "E:EACCES");
    EXPECT(REQ(&d0, XS_SET_PERMS, "/p", "r0", "w1", "b2"), "OK|");
    EXPECT(REQ(&d0, XS_GET_PERMS, "/p"), "r0|w1|b2|");
    EXPECT(REQ(&u1, XS_READ, "/p"), "E:EACCES");   /* w only */
    EXPECT(sc_write(&u1, 0, "/p", "by1"), "OK|");
    EXPECT(REQ(&u2, XS_READ, "/p"), "by1");
    EXPECT(sc_write(&u2, 0, "/p", "by2"), "OK|");
    EXPECT(REQ(&d0, XS_SET_PERMS, "/p", "r0"), "OK|");
    EXPECT(REQ(&u1, XS_READ, "/p"), "by2");         /* the default now reads */
    EXPECT(sc_write(&u1, 0, "/p", "x"), "E:EACCES");
    /* The owner may do everything, whatever its entry says. */
    EXPECT(REQ(&d0, XS_SET_PERMS, "/p", "n1", "n1"), "OK|");
    EXPECT(sc_write(&u1, 0, "/p", "own"), "OK|");
    EXPECT(REQ(&u1, XS_SET_PERMS, "/p", "n1", "r2"), "OK|");
    EXPECT(REQ(&u2, XS_READ, "/p"), "own");
    EXPECT(REQ(&u2, XS_SET_PERMS, "/p", "n2"), "E:EACCES");
    EXPECT(REQ(&u1, XS_SET_PERMS, "/p", "n2"), "E:EPERM");  /* only dom0 gives away */
    EXPECT(REQ(&d0, XS_SET_PERMS, "/p", "n2"), "OK|");
    EXPECT(REQ(&u1, XS_READ, "/p"), "E:EACCES");
}
END_TEST

START_TEST(perms_refused_forms)
{
    static const char *const bad[] = { "", "x1", "r", "r-1", "r65536", "r123456", "rr1",
                                       "r1a" };

    EXPECT(sc_write(&d0, 0, "/q", ""), "OK|");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(strcmp(REQ(&d0, XS_SET_PERMS, "/q", bad[i]), "E:EINVAL") == 0,
                      "'%s' accepted", bad[i]);
    EXPECT(REQ(&d0, XS_SET_PERMS, "/q"), "E:EINVAL");
    EXPECT(REQ(&d0, XS_SET_PERMS, "/none", "r0"), "E:ENOENT");
    EXPECT(REQ(&d0, XS_SET_PERMS, "/q", "b65535"), "OK|");
    EXPECT(REQ(&d0, XS_GET_PERMS, "/q"), "b65535|");
}
END_TEST

START_TEST(perms_inherited_by_new_nodes)
{
    EXPECT(REQ(&d0, XS_MKDIR, "/d"), "OK|");
    EXPECT(REQ(&d0, XS_SET_PERMS, "/d", "n0", "b1", "r2"), "OK|");
    EXPECT(sc_write(&d0, 0, "/d/by0/x", "v"), "OK|");
    EXPECT(REQ(&d0, XS_GET_PERMS, "/d/by0/x"), "n0|b1|r2|");
    EXPECT(sc_write(&u1, 0, "/d/by1/x", "v"), "OK|");
    EXPECT(REQ(&d0, XS_GET_PERMS, "/d/by1"), "n1|b1|r2|");   /* domU owns what it makes */
    EXPECT(REQ(&d0, XS_GET_PERMS, "/d/by1/x"), "n1|b1|r2|");
    ck_assert_uint_eq(store_domain_nodes(e, 1), 2);
    EXPECT(sc_write(&u2, 0, "/d/by2", "v"), "E:EACCES");
    EXPECT(REQ(&u2, XS_READ, "/d/by1/x"), "v");
}
END_TEST

START_TEST(absent_nodes_do_not_leak)
{
    EXPECT(REQ(&d0, XS_MKDIR, "/hidden/sub"), "OK|");
    EXPECT(REQ(&u1, XS_READ, "/hidden/nothing"), "E:EACCES");
    EXPECT(REQ(&u1, XS_READ, "/hidden/sub"), "E:EACCES");
    EXPECT(REQ(&u1, XS_DIRECTORY, "/hidden/a/b"), "E:EACCES");
    EXPECT(REQ(&u1, XS_RM, "/hidden/sub"), "E:EACCES");
    EXPECT(REQ(&u1, XS_RM, "/hidden/nothing"), "E:EACCES");
    EXPECT(REQ(&u1, XS_GET_PERMS, "/hidden"), "E:EACCES");
    EXPECT(REQ(&d0, XS_SET_PERMS, "/hidden", "r0"), "OK|");
    EXPECT(REQ(&u1, XS_READ, "/hidden/nothing"), "E:ENOENT");
    EXPECT(REQ(&u1, XS_RM, "/hidden/nothing"), "OK|");
}
END_TEST

START_TEST(watch_fires_on_path_and_below)
{
    EXPECT(REQ(&d0, XS_WATCH, "/w", "tok"), "OK|");
    ck_assert(sc_event(&d0, "/w|tok|"));            /* fires once at once */
    ck_assert_int_eq(d0.nevents, 0);
    EXPECT(sc_write(&d0, 0, "/w", "1"), "OK|");
    ck_assert(sc_event(&d0, "/w|tok|"));
    EXPECT(sc_write(&d0, 0, "/w/x/y", "1"), "OK|");
    ck_assert(sc_event(&d0, "/w/x/y|tok|"));        /* once, for the written path */
    ck_assert_int_eq(d0.nevents, 0);
    EXPECT(sc_write(&d0, 0, "/wx", "1"), "OK|");    /* a sibling with the prefix */
    EXPECT(sc_write(&d0, 0, "/v", "1"), "OK|");
    ck_assert_int_eq(d0.nevents, 0);
    EXPECT(REQ(&d0, XS_SET_PERMS, "/w/x", "n0"), "OK|");
    ck_assert(sc_event(&d0, "/w/x|tok|"));
    EXPECT(REQ(&d0, XS_MKDIR, "/w/x"), "OK|");      /* exists: no change, no event */
    ck_assert_int_eq(d0.nevents, 0);
    EXPECT(REQ(&d0, XS_RM, "/w/x/nothing"), "OK|");
    ck_assert_int_eq(d0.nevents, 0);
}
END_TEST

START_TEST(watch_rm_fires_descendants_exactly)
{
    EXPECT(sc_write(&d0, 0, "/r/a/b", "1"), "OK|");
    EXPECT(REQ(&d0, XS_WATCH, "/r/a/b", "deep"), "OK|");
    EXPECT(REQ(&d0, XS_WATCH, "/r/a/b/c", "absent"), "OK|");
    EXPECT(REQ(&d0, XS_WATCH, "/", "root"), "OK|");
    sc_clear_events(&d0);
    EXPECT(REQ(&d0, XS_RM, "/r/a"), "OK|");
    ck_assert_int_eq(d0.nevents, 2);
    /* /r/a/b goes first (children before parents), then /r/a for the root watch. */
    ck_assert(sc_event(&d0, "/r/a/b|deep|"));
    ck_assert(sc_event(&d0, "/r/a|root|"));
}
END_TEST

START_TEST(watch_relative_and_filtered_by_perms)
{
    EXPECT(REQ(&d0, XS_MKDIR, "/local/domain/1"), "OK|");
    EXPECT(REQ(&d0, XS_SET_PERMS, "/local/domain/1", "n0", "r1"), "OK|");
    EXPECT(REQ(&u1, XS_WATCH, "control", "t1"), "OK|");
    ck_assert(sc_event(&u1, "control|t1|"));
    EXPECT(REQ(&u1, XS_WATCH, "/local/domain/1/control", "abs"), "OK|");
    ck_assert(sc_event(&u1, "/local/domain/1/control|abs|"));
    EXPECT(sc_write(&d0, 0, "/local/domain/1/control/shutdown", "poweroff"), "OK|");
    sc_drain(&u1);
    ck_assert(sc_event(&u1, "control/shutdown|t1|"));
    ck_assert(sc_event(&u1, "/local/domain/1/control/shutdown|abs|"));
    /* A node domain 1 may not read sends it nothing. */
    EXPECT(REQ(&d0, XS_SET_PERMS, "/local/domain/1/control/shutdown", "n0"), "OK|");
    EXPECT(sc_write(&d0, 0, "/local/domain/1/control/shutdown", "reboot"), "OK|");
    ck_assert_int_eq(sc_drain(&u1), 0);
    /* Another domain's watch on the same path is the same absolute path. */
    EXPECT(REQ(&u2, XS_WATCH, "/local/domain/1", "spy"), "OK|");
    ck_assert(sc_event(&u2, "/local/domain/1|spy|"));
    EXPECT(sc_write(&d0, 0, "/local/domain/1/name", "x"), "OK|");
    ck_assert_int_eq(sc_drain(&u2), 0);
}
END_TEST

START_TEST(unwatch_and_duplicates)
{
    EXPECT(REQ(&d0, XS_WATCH, "/u", "t"), "OK|");
    EXPECT(REQ(&d0, XS_WATCH, "/u", "t"), "E:EEXIST");
    EXPECT(REQ(&d0, XS_WATCH, "/u", "t2"), "OK|");
    sc_clear_events(&d0);
    EXPECT(sc_write(&d0, 0, "/u", "1"), "OK|");
    ck_assert_int_eq(d0.nevents, 2);
    sc_clear_events(&d0);
    EXPECT(REQ(&d0, XS_UNWATCH, "/u", "t"), "OK|");
    EXPECT(REQ(&d0, XS_UNWATCH, "/u", "t"), "E:ENOENT");
    EXPECT(sc_write(&d0, 0, "/u", "2"), "OK|");
    ck_assert(sc_event(&d0, "/u|t2|"));
    EXPECT(REQ(&d0, XS_RESET_WATCHES, ""), "OK|");
    EXPECT(sc_write(&d0, 0, "/u", "3"), "OK|");
    ck_assert_int_eq(d0.nevents, 0);
    EXPECT(REQ(&d0, XS_WATCH, "@bogus", "t"), "E:EINVAL");
    EXPECT(REQ(&d0, XS_WATCH, "/u"), "E:EINVAL");
}
END_TEST

START_TEST(introduce_release_and_special_watches)
{
    uint64_t mfn;
    uint32_t port;

    EXPECT(REQ(&d0, XS_WATCH, "@introduceDomain", "in"), "OK|");
    EXPECT(REQ(&d0, XS_WATCH, "@releaseDomain", "out"), "OK|");
    sc_clear_events(&d0);
    EXPECT(REQ(&d0, XS_IS_DOMAIN_INTRODUCED, "5"), "F|");
    EXPECT(REQ(&d0, XS_IS_DOMAIN_INTRODUCED, "0"), "T|");
    EXPECT(REQ(&u1, XS_INTRODUCE, "5", "1234", "7"), "E:EACCES");
    EXPECT(REQ(&d0, XS_INTRODUCE, "5", "1234", "7"), "OK|");
    ck_assert(sc_event(&d0, "@introduceDomain|in|"));
    ck_assert_int_eq(store_domain_ring(e, 5, &mfn, &port), 0);
    ck_assert(mfn == 1234 && port == 7);
    EXPECT(REQ(&d0, XS_INTRODUCE, "5", "1234", "7"), "OK|");   /* again: same ring */
    ck_assert_int_eq(d0.nevents, 0);
    EXPECT(REQ(&d0, XS_INTRODUCE, "5", "99", "7"), "E:EEXIST");
    EXPECT(REQ(&d0, XS_IS_DOMAIN_INTRODUCED, "5"), "T|");
    EXPECT(REQ(&d0, XS_INTRODUCE, "0", "1", "1"), "E:EINVAL");
    EXPECT(REQ(&d0, XS_INTRODUCE, "32752", "1", "1"), "E:EINVAL");
    EXPECT(REQ(&d0, XS_INTRODUCE, "6", "x", "1"), "E:EINVAL");
    EXPECT(REQ(&d0, XS_INTRODUCE, "6", "1", "4294967296"), "E:EINVAL");
    EXPECT(REQ(&d0, XS_INTRODUCE, "6", "1"), "E:EINVAL");
    EXPECT(REQ(&u1, XS_RELEASE, "5"), "E:EACCES");
    EXPECT(REQ(&d0, XS_RELEASE, "6"), "E:ENOENT");
    EXPECT(REQ(&d0, XS_RELEASE, "5"), "OK|");
    ck_assert(sc_event(&d0, "@releaseDomain|out|"));
    ck_assert_int_eq(store_domain_ring(e, 5, &mfn, &port), -1);
    EXPECT(REQ(&d0, XS_IS_DOMAIN_INTRODUCED, "5"), "F|");
    EXPECT(REQ(&u1, XS_IS_DOMAIN_INTRODUCED, "5"), "E:EACCES");
}
END_TEST

START_TEST(release_drops_the_domains_connections)
{
    unsigned char msg[64];
    const char *arg = "x";
    size_t len = store_msg_build(msg, sizeof(msg), XS_READ, 1, 0, &arg, 1, NULL, 0);

    EXPECT(REQ(&d0, XS_INTRODUCE, "1", "10", "3"), "OK|");
    EXPECT(REQ(&u1, XS_WATCH, "/x", "t"), "OK|");
    EXPECT(REQ(&d0, XS_RELEASE, "1"), "OK|");
    ck_assert(store_conn_dead(e, u1.id));
    ck_assert_ptr_null(store_output_peek(e, u1.id, &(size_t){ 0 }));
    ck_assert_int_eq(store_handle_message(e, u1.id, msg, len, NULL), STORE_DROP);
    store_conn_close(e, u1.id);
    EXPECT(sc_write(&d0, 0, "/x", "1"), "OK|");
}
END_TEST

START_TEST(quota_nodes)
{
    char path[64];

    EXPECT(REQ(&d0, XS_MKDIR, "/local/domain/1"), "OK|");
    EXPECT(REQ(&d0, XS_SET_PERMS, "/local/domain/1", "n1"), "OK|");
    ck_assert_uint_eq(store_domain_nodes(e, 1), 1);
    for (int i = 1; i < 1000; i++) {
        snprintf(path, sizeof(path), "n%d", i);
        TOOLS_REQUIRE(strcmp(sc_write(&u1, 0, path, "v"), "OK|") == 0, "node %d", i);
    }
    ck_assert_uint_eq(store_domain_nodes(e, 1), 1000);
    EXPECT(sc_write(&u1, 0, "one-more", "v"), "E:ENOSPC");
    EXPECT(sc_write(&u1, 0, "n5", "rewrite is fine"), "OK|");
    EXPECT(REQ(&u1, XS_RM, "n5"), "OK|");
    EXPECT(sc_write(&u1, 0, "a/b", "v"), "E:ENOSPC");     /* needs two */
    EXPECT(sc_write(&u1, 0, "a", "v"), "OK|");
    EXPECT(sc_write(&d0, 0, "/local/domain/1/by-dom0", "dom0 has no quota"), "OK|");
    ck_assert_uint_eq(store_domain_nodes(e, 1), 1001);    /* inherited owner 1 */
    EXPECT(REQ(&d0, XS_RM, "/local/domain/1"), "OK|");
    ck_assert_uint_eq(store_domain_nodes(e, 1), 0);
}
END_TEST

START_TEST(quota_value_watches_transactions_perms)
{
    static char big[2050];
    char tok[16];

    EXPECT(REQ(&d0, XS_MKDIR, "/local/domain/1"), "OK|");
    EXPECT(REQ(&d0, XS_SET_PERMS, "/local/domain/1", "n1"), "OK|");
    memset(big, 'v', 2048);
    EXPECT(sc_write(&u1, 0, "v", big), "OK|");
    big[2048] = 'v';
    EXPECT(sc_write(&u1, 0, "v", big), "E:E2BIG");
    EXPECT(sc_write(&d0, 0, "/local/domain/1/v", big), "OK|");
    for (int i = 0; i < 128; i++) {
        snprintf(tok, sizeof(tok), "t%d", i);
        TOOLS_REQUIRE(strcmp(REQ(&u1, XS_WATCH, "/x", tok), "OK|") == 0, "watch %d", i);
        sc_clear_events(&u1);
    }
    EXPECT(REQ(&u1, XS_WATCH, "/x", "one-more"), "E:ENOSPC");
    EXPECT(REQ(&u1, XS_UNWATCH, "/x", "t0"), "OK|");
    EXPECT(REQ(&u1, XS_WATCH, "/x", "one-more"), "OK|");
    for (int i = 0; i < 10; i++)
        ck_assert_str_ne(REQ(&u1, XS_TRANSACTION_START, ""), "E:ENOSPC");
    EXPECT(REQ(&u1, XS_TRANSACTION_START, ""), "E:ENOSPC");
    EXPECT(REQ(&u1, XS_SET_PERMS, "v", "n1", "r2", "r3", "r4", "r5"), "OK|");
    EXPECT(REQ(&u1, XS_SET_PERMS, "v", "n1", "r2", "r3", "r4", "r5", "r6"), "E:ENOSPC");
    EXPECT(REQ(&d0, XS_SET_PERMS, "/local/domain/1/v", "n1", "r2", "r3", "r4", "r5", "r6"),
           "OK|");
}
END_TEST

START_TEST(quota_outstanding_requests_stall)
{
    unsigned char msg[64];
    const char *arg = "/local";
    size_t len = store_msg_build(msg, sizeof(msg), XS_GET_PERMS, 9, 0, &arg, 1, NULL, 0);
    int i;

    for (i = 0; i < 20; i++)
        ck_assert_int_eq(store_handle_message(e, u1.id, msg, len, NULL), STORE_OK);
    ck_assert_int_eq(store_handle_message(e, u1.id, msg, len, NULL), STORE_STALL);
    store_output_pop(e, u1.id);
    ck_assert_int_eq(store_handle_message(e, u1.id, msg, len, NULL), STORE_OK);
    for (i = 0; i < 100; i++)           /* dom0 is not limited */
        ck_assert_int_eq(store_handle_message(e, d0.id, msg, len, NULL), STORE_OK);
}
END_TEST

static int notified;

static void count_notify(void *opaque, struct store_conn_id conn)
{
    (void)opaque;
    notified += conn.domid == 1 ? 100 : 1;
}

START_TEST(event_flood_drops_the_reader)
{
    struct store_sink sink = { count_notify, NULL };
    unsigned char msg[3000];
    static char val[2000];
    const char *path = "/f";
    size_t len;
    int i;

    memset(val, 'x', sizeof(val) - 1);
    EXPECT(REQ(&d0, XS_MKDIR, "/f"), "OK|");
    EXPECT(REQ(&d0, XS_SET_PERMS, "/f", "r0"), "OK|");
    EXPECT(REQ(&u1, XS_WATCH, "/f", "t"), "OK|");
    sc_clear_events(&u1);
    len = store_msg_build(msg, sizeof(msg), XS_WRITE, 1, 0, &path, 1, val, 10);
    notified = 0;
    ck_assert_int_eq(store_handle_message(e, d0.id, msg, len, &sink), STORE_OK);
    ck_assert_int_eq(notified, 101);    /* dom0's reply and domain 1's event */
    for (i = 0; i < 100000 && !store_conn_dead(e, u1.id); i++) {
        store_handle_message(e, d0.id, msg, len, NULL);
        store_output_pop(e, d0.id);
    }
    ck_assert(store_conn_dead(e, u1.id));       /* never read its events */
    ck_assert_int_lt(i, 100000);
    ck_assert(!store_conn_dead(e, d0.id));
}
END_TEST

START_TEST(standard_domain_nodes)
{
    struct domain_nodes_info info = {
        .domid = 1, .name = "guest", .uuid = "01234567-89ab-cdef-0123-456789abcdef",
        .memory_kib = 65536, .maxmem_kib = 131072, .vcpus = 1, .maxvcpus = 2,
        .console_mfn = 0x1234, .console_port = 3, .store_mfn = 0x1235, .store_port = 2,
    };
    struct domain_node nodes[DOMAIN_NODES_MAX];

    ck_assert_int_eq(domain_nodes_write(e, d0.id, &info), 0);
    EXPECT(REQ(&u1, XS_READ, "name"), "guest");
    EXPECT(REQ(&u1, XS_READ, "domid"), "1");
    EXPECT(REQ(&u1, XS_READ, "vm"), "/vm/01234567-89ab-cdef-0123-456789abcdef");
    EXPECT(REQ(&u1, XS_READ, "memory/target"), "65536");
    EXPECT(REQ(&u1, XS_READ, "memory/static-max"), "131072");
    EXPECT(REQ(&u1, XS_READ, "cpu/0/availability"), "online");
    EXPECT(REQ(&u1, XS_READ, "cpu/1/availability"), "offline");
    EXPECT(REQ(&u1, XS_READ, "console/ring-ref"), "4660");
    EXPECT(REQ(&u1, XS_READ, "console/port"), "3");
    EXPECT(REQ(&u1, XS_READ, "console/type"), "xenconsoled");
    EXPECT(REQ(&u1, XS_READ, "store/ring-ref"), "4661");
    EXPECT(REQ(&u1, XS_READ, "store/port"), "2");
    EXPECT(REQ(&u1, XS_READ, "control/shutdown"), "");
    EXPECT(REQ(&d0, XS_GET_PERMS, "/local/domain/1"), "n0|r1|");
    EXPECT(REQ(&d0, XS_GET_PERMS, "/local/domain/1/data"), "n1|");
    EXPECT(sc_write(&u1, 0, "name", "evil"), "E:EACCES");
    EXPECT(sc_write(&u1, 0, "memory/target", "1"), "E:EACCES");
    EXPECT(sc_write(&u1, 0, "control/shutdown", ""), "OK|");
    EXPECT(sc_write(&u1, 0, "control/feature-poweroff", "1"), "OK|");
    EXPECT(sc_write(&u1, 0, "data/anything/below", "1"), "OK|");
    EXPECT(sc_write(&u1, 0, "device/vif/0/state", "1"), "OK|");
    EXPECT(sc_write(&u1, 0, "control/new", "1"), "E:EACCES");
    EXPECT(REQ(&u2, XS_READ, "/local/domain/1/name"), "E:EACCES");
    ck_assert_uint_eq(domain_nodes_build(&info, nodes, 3), 0);
    info.vcpus = 3;
    ck_assert_uint_eq(domain_nodes_build(&info, nodes, DOMAIN_NODES_MAX), 0);
    info.vcpus = 1;
    info.domid = 0;
    ck_assert_int_eq(domain_nodes_write(e, d0.id, &info), -1);
}
END_TEST

#define ADD(s, fn) TOOLS_ADD_FIXTURE_TEST(s, fn, setup, teardown)

Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    ADD(s, initial_tree);
    ADD(s, write_read_implicit_parents);
    ADD(s, binary_values);
    ADD(s, mkdir_and_rm);
    ADD(s, paths_refused);
    ADD(s, relative_paths);
    ADD(s, perms_owner_default_and_entries);
    ADD(s, perms_refused_forms);
    ADD(s, perms_inherited_by_new_nodes);
    ADD(s, absent_nodes_do_not_leak);
    ADD(s, watch_fires_on_path_and_below);
    ADD(s, watch_rm_fires_descendants_exactly);
    ADD(s, watch_relative_and_filtered_by_perms);
    ADD(s, unwatch_and_duplicates);
    ADD(s, introduce_release_and_special_watches);
    ADD(s, release_drops_the_domains_connections);
    ADD(s, quota_nodes);
    ADD(s, quota_value_watches_transactions_perms);
    ADD(s, quota_outstanding_requests_stall);
    ADD(s, event_flood_drops_the_reader);
    ADD(s, standard_domain_nodes);
    return s;
}
