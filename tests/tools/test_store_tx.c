/* Tests for xlstored transactions: isolation, commit, abort, EAGAIN on conflicts,
 * events at commit, ids, and what is refused. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlite/io/store.h>

#include "store.h"
#include "store_client.h"
#include "suites.h"

static struct store_engine *e;
static struct sc a, b, u1;

static void setup(void)
{
    e = store_engine_create(NULL);
    ck_assert_ptr_nonnull(e);
    sc_open(&a, e, 0, 1);
    sc_open(&b, e, 0, 2);
    sc_open(&u1, e, 1, 1);
}

static void teardown(void)
{
    store_engine_destroy(e);
}

#define TX(c, type, tx, ...) sc_req((c), (type), (tx), __VA_ARGS__, NULL)
#define EXPECT(got, want) ck_assert_str_eq((got), (want))

static uint32_t start(struct sc *c)
{
    const char *r = TX(c, XS_TRANSACTION_START, 0, "");
    char *end;
    unsigned long id = strtoul(r, &end, 10);

    ck_assert_msg(id != 0 && strcmp(end, "|") == 0, "start: %s", r);
    return (uint32_t)id;
}

START_TEST(isolated_until_commit)
{
    uint32_t t;

    EXPECT(sc_write(&a, 0, "/t/old", "1"), "OK|");
    t = start(&a);
    EXPECT(sc_write(&a, t, "/t/new/deep", "2"), "OK|");
    EXPECT(sc_write(&a, t, "/t/old", "changed"), "OK|");
    EXPECT(TX(&a, XS_RM, t, "/t/gone"), "OK|");
    EXPECT(TX(&a, XS_READ, t, "/t/new/deep"), "2");
    EXPECT(TX(&a, XS_DIRECTORY, t, "/t"), "old|new|");
    EXPECT(TX(&a, XS_READ, 0, "/t/new/deep"), "E:ENOENT");
    EXPECT(TX(&b, XS_READ, 0, "/t/old"), "1");
    EXPECT(TX(&b, XS_DIRECTORY, 0, "/t"), "old|");
    EXPECT(TX(&a, XS_TRANSACTION_END, t, "T"), "OK|");
    EXPECT(TX(&b, XS_READ, 0, "/t/new/deep"), "2");
    EXPECT(TX(&b, XS_READ, 0, "/t/old"), "changed");
    EXPECT(TX(&b, XS_DIRECTORY, 0, "/t"), "old|new|");
    EXPECT(TX(&a, XS_READ, t, "/t/old"), "E:ENOENT");  /* the id is gone */
}
END_TEST

START_TEST(abort_discards)
{
    uint32_t t = start(&a);

    EXPECT(sc_write(&a, t, "/ab", "x"), "OK|");
    EXPECT(TX(&a, XS_RM, t, "/local"), "OK|");
    EXPECT(TX(&a, XS_READ, t, "/local"), "E:ENOENT");
    EXPECT(TX(&a, XS_TRANSACTION_END, t, "F"), "OK|");
    EXPECT(TX(&a, XS_READ, 0, "/ab"), "E:ENOENT");
    EXPECT(TX(&a, XS_DIRECTORY, 0, "/"), "local|tool|");
}
END_TEST

START_TEST(conflict_gives_eagain)
{
    uint32_t t;

    EXPECT(sc_write(&a, 0, "/c/x", "0"), "OK|");
    t = start(&a);
    EXPECT(TX(&a, XS_READ, t, "/c/x"), "0");
    EXPECT(sc_write(&a, t, "/c/y", "from tx"), "OK|");
    EXPECT(sc_write(&b, 0, "/c/x", "1"), "OK|");           /* under the tx's feet */
    EXPECT(TX(&a, XS_TRANSACTION_END, t, "T"), "E:EAGAIN");
    EXPECT(TX(&b, XS_READ, 0, "/c/y"), "E:ENOENT");
    EXPECT(TX(&a, XS_TRANSACTION_END, t, "T"), "E:ENOENT");
    /* Unrelated changes do not conflict. */
    t = start(&a);
    EXPECT(TX(&a, XS_READ, t, "/c/x"), "1");
    EXPECT(sc_write(&a, t, "/c/y", "from tx"), "OK|");
    EXPECT(sc_write(&b, 0, "/elsewhere", "1"), "OK|");
    EXPECT(TX(&a, XS_TRANSACTION_END, t, "T"), "OK|");
    EXPECT(TX(&b, XS_READ, 0, "/c/y"), "from tx");
}
END_TEST

START_TEST(conflict_on_absence_and_directory)
{
    uint32_t t = start(&a);

    EXPECT(TX(&a, XS_READ, t, "/n"), "E:ENOENT");
    EXPECT(sc_write(&b, 0, "/n", "now here"), "OK|");
    EXPECT(TX(&a, XS_TRANSACTION_END, t, "T"), "E:EAGAIN");
    t = start(&a);
    EXPECT(TX(&a, XS_DIRECTORY, t, "/n"), "");
    EXPECT(sc_write(&b, 0, "/n/kid", "1"), "OK|");
    EXPECT(TX(&a, XS_TRANSACTION_END, t, "T"), "E:EAGAIN");
    t = start(&a);
    EXPECT(TX(&a, XS_READ, t, "/n/kid"), "1");
    EXPECT(TX(&b, XS_RM, 0, "/n/kid"), "OK|");
    EXPECT(TX(&a, XS_TRANSACTION_END, t, "T"), "E:EAGAIN");
}
END_TEST

START_TEST(two_transactions_first_wins)
{
    uint32_t ta = start(&a), tb = start(&b);

    EXPECT(TX(&a, XS_READ, ta, "/local"), "");
    EXPECT(TX(&b, XS_READ, tb, "/local"), "");
    EXPECT(sc_write(&a, ta, "/local/k", "a"), "OK|");
    EXPECT(sc_write(&b, tb, "/local/k", "b"), "OK|");
    EXPECT(TX(&b, XS_TRANSACTION_END, tb, "T"), "OK|");
    EXPECT(TX(&a, XS_TRANSACTION_END, ta, "T"), "E:EAGAIN");
    EXPECT(TX(&a, XS_READ, 0, "/local/k"), "b");
}
END_TEST

START_TEST(events_fire_at_commit_only)
{
    uint32_t t;

    EXPECT(TX(&b, XS_WATCH, 0, "/ev", "w"), "OK|");
    sc_clear_events(&b);
    t = start(&a);
    EXPECT(sc_write(&a, t, "/ev/a", "1"), "OK|");
    EXPECT(sc_write(&a, t, "/ev/a", "2"), "OK|");
    ck_assert_int_eq(sc_drain(&b), 0);
    EXPECT(TX(&a, XS_TRANSACTION_END, t, "T"), "OK|");
    sc_drain(&b);
    ck_assert(sc_event(&b, "/ev/a|w|"));    /* once, for the written path */
    ck_assert_int_eq(b.nevents, 0);
    t = start(&a);
    EXPECT(TX(&a, XS_RM, t, "/ev"), "OK|");
    EXPECT(TX(&a, XS_TRANSACTION_END, t, "F"), "OK|");
    ck_assert_int_eq(sc_drain(&b), 0);
    t = start(&a);
    EXPECT(TX(&a, XS_RM, t, "/ev"), "OK|");
    EXPECT(TX(&a, XS_TRANSACTION_END, t, "T"), "OK|");
    sc_drain(&b);
    ck_assert(sc_event(&b, "/ev|w|"));
    ck_assert_int_eq(b.nevents, 0);
}
END_TEST

START_TEST(ids_and_refusals)
{
    uint32_t t1 = start(&a), t2 = start(&a);

    ck_assert_uint_ne(t1, t2);
    EXPECT(TX(&a, XS_TRANSACTION_START, t1, ""), "E:EBUSY");
    EXPECT(TX(&a, XS_READ, 999, "/"), "E:ENOENT");
    EXPECT(TX(&b, XS_READ, t1, "/"), "E:ENOENT");  /* ids are per connection */
    EXPECT(TX(&a, XS_TRANSACTION_END, t1, "X"), "E:EINVAL");
    EXPECT(TX(&a, XS_TRANSACTION_END, t1, "T", "T"), "E:EINVAL");
    EXPECT(TX(&a, XS_TRANSACTION_END, 0, "T"), "E:ENOENT");
    EXPECT(TX(&a, XS_TRANSACTION_END, t1, "T"), "OK|");
    EXPECT(TX(&a, XS_RESET_WATCHES, 0, ""), "OK|");  /* drops t2 */
    EXPECT(TX(&a, XS_READ, t2, "/"), "E:ENOENT");
}
END_TEST

START_TEST(domu_quota_and_perms_inside)
{
    uint32_t t;
    char p[32];

    EXPECT(TX(&a, XS_MKDIR, 0, "/local/domain/1"), "OK|");
    EXPECT(TX(&a, XS_SET_PERMS, 0, "/local/domain/1", "n1"), "OK|");
    t = start(&u1);
    EXPECT(TX(&u1, XS_READ, t, "/local"), "E:EACCES");
    for (int i = 1; i < 1000; i++) {
        snprintf(p, sizeof(p), "k%d", i);
        TOOLS_REQUIRE(strcmp(sc_write(&u1, t, p, ""), "OK|") == 0, "k%d", i);
    }
    EXPECT(sc_write(&u1, t, "over", ""), "E:ENOSPC");
    EXPECT(TX(&u1, XS_TRANSACTION_END, t, "T"), "OK|");
    ck_assert_uint_eq(store_domain_nodes(e, 1), 1000);
    EXPECT(sc_write(&u1, 0, "over", ""), "E:ENOSPC");
    t = start(&u1);
    EXPECT(TX(&u1, XS_RM, t, "k1"), "OK|");
    EXPECT(sc_write(&u1, t, "fits", ""), "OK|");
    EXPECT(TX(&u1, XS_TRANSACTION_END, t, "T"), "OK|");
    ck_assert_uint_eq(store_domain_nodes(e, 1), 1000);
}
END_TEST

START_TEST(set_perms_in_transaction)
{
    uint32_t t;

    EXPECT(sc_write(&a, 0, "/sp", "v"), "OK|");
    t = start(&a);
    EXPECT(TX(&a, XS_SET_PERMS, t, "/sp", "r1"), "OK|");
    EXPECT(TX(&a, XS_GET_PERMS, t, "/sp"), "r1|");
    EXPECT(TX(&a, XS_GET_PERMS, 0, "/sp"), "n0|");
    EXPECT(TX(&u1, XS_READ, 0, "/sp"), "E:EACCES");
    EXPECT(TX(&a, XS_TRANSACTION_END, t, "T"), "OK|");
    EXPECT(TX(&u1, XS_READ, 0, "/sp"), "v");        /* owner 1 now */
    ck_assert_uint_eq(store_domain_nodes(e, 1), 1);
}
END_TEST

START_TEST(domu_transaction_cannot_grow_without_bound)
{
    uint32_t t;
    char p[32];
    int i;

    EXPECT(TX(&a, XS_MKDIR, 0, "/local/domain/1"), "OK|");
    EXPECT(TX(&a, XS_SET_PERMS, 0, "/local/domain/1", "n1"), "OK|");
    t = start(&u1);
    /* Each absent path read is remembered (for the commit check): bounded. */
    for (i = 0; i < 5000; i++) {
        snprintf(p, sizeof(p), "absent-%d", i);
        if (strcmp(TX(&u1, XS_READ, t, p), "E:ENOSPC") == 0)
            break;
    }
    ck_assert_int_lt(i, 4096);
    EXPECT(TX(&u1, XS_TRANSACTION_END, t, "T"), "OK|");
    t = start(&a);                      /* dom0 is not limited */
    for (i = 0; i < 5000; i++) {
        snprintf(p, sizeof(p), "/absent-%d", i);
        TOOLS_REQUIRE(strcmp(TX(&a, XS_READ, t, p), "E:ENOENT") == 0, "%s", p);
    }
    EXPECT(TX(&a, XS_TRANSACTION_END, t, "F"), "OK|");
}
END_TEST

#define ADD(s, fn) TOOLS_ADD_FIXTURE_TEST(s, fn, setup, teardown)

Suite *store_tx_suite(void)
{
    Suite *s = suite_create("store_tx");

    ADD(s, isolated_until_commit);
    ADD(s, abort_discards);
    ADD(s, conflict_gives_eagain);
    ADD(s, conflict_on_absence_and_directory);
    ADD(s, two_transactions_first_wins);
    ADD(s, events_fire_at_commit_only);
    ADD(s, ids_and_refusals);
    ADD(s, domu_quota_and_perms_inside);
    ADD(s, set_perms_in_transaction);
    ADD(s, domu_transaction_cannot_grow_without_bound);
    return s;
}
