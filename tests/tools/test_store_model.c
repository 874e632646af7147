/* Property test: ~10^5 random operations (fixed seeds) by two dom0 connections, one
 * of them in and out of transactions, checked reply by reply against a plain model
 * (an array of path/value pairs), with full-tree comparisons along the way.
 *
 * A third connection watches a few paths; its events are predicted for every operation
 * made outside transactions.
 *
 * Transactions: while nothing else changed the tree, a transaction must see exactly
 * its snapshot and must commit; otherwise it may fail with EAGAIN, and if it commits
 * the result must equal replaying its operations at the moment of commit. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlite/io/store.h>

#include "store.h"
#include "store_client.h"
#include "suites.h"

#define MAX_NODES 64
#define MAX_LOG   64

struct mnode {
    char path[16];
    char value[8];
};

struct model {
    struct mnode n[MAX_NODES];
    int count;
};

enum op { OP_WRITE, OP_MKDIR, OP_RM, OP_READ, OP_DIR, OP_COUNT };

struct logged {
    enum op op;
    char path[16];
    char value[8];
};

static int find(const struct model *m, const char *path)
{
    for (int i = 0; i < m->count; i++) {
        if (strcmp(m->n[i].path, path) == 0)
            return i;
    }
    return -1;
}

static void parent_of(const char *path, char *out)
{
    const char *s = strrchr(path, '/');

    if (s == path) {
        strcpy(out, "/");
        return;
    }
    memcpy(out, path, (size_t)(s - path));
    out[s - path] = '\0';
}

/* "/" and "/local..." are outside the model: "/" always exists. */
static bool exists(const struct model *m, const char *path)
{
    return strcmp(path, "/") == 0 || find(m, path) >= 0;
}

static void ensure(struct model *m, const char *path)
{
    char up[16];

    if (exists(m, path))
        return;
    parent_of(path, up);
    ensure(m, up);
    ck_assert_int_lt(m->count, MAX_NODES);
    snprintf(m->n[m->count].path, sizeof(m->n[0].path), "%s", path);
    m->n[m->count++].value[0] = '\0';
}

static bool within(const char *path, const char *base)
{
    size_t n = strlen(base);

    return strncmp(path, base, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Applies op to m and returns the reply the engine must give. */
static const char *apply(struct model *m, enum op op, const char *path, const char *value,
                         char *buf)
{
    char up[16];
    int i;

    switch (op) {
    case OP_WRITE:
        ensure(m, path);
        snprintf(m->n[find(m, path)].value, sizeof(m->n[0].value), "%s", value);
        return "OK|";
    case OP_MKDIR:
        ensure(m, path);
        return "OK|";
    case OP_RM:
        parent_of(path, up);
        if (!exists(m, path))
            return exists(m, up) ? "OK|" : "E:ENOENT";
        for (i = 0; i < m->count;) {
            if (within(m->n[i].path, path))
                m->n[i] = m->n[--m->count];
            else
                i++;
        }
        return "OK|";
    case OP_READ:
        i = find(m, path);
        return i < 0 ? "E:ENOENT" : m->n[i].value;
    default:
        if (!exists(m, path))
            return "E:ENOENT";
        /* Children, sorted, as "a|b|" (the engine's reply is sorted before comparing). */
        buf[0] = '\0';
        for (char c = 'a'; c <= 'c'; c++) {
            char kid[16];

            snprintf(kid, sizeof(kid), "%s/%c", path, c);
            if (find(m, kid) >= 0)
                sprintf(buf + strlen(buf), "%c|", c);
        }
        return buf;
    }
}

/* Sorts a DIRECTORY reply "x|y|" (single-letter names here). */
static const char *sorted(const char *reply, char *buf)
{
    size_t n = strlen(reply);

    strcpy(buf, reply);
    if (strncmp(reply, "E:", 2) == 0)
        return buf;
    for (size_t i = 0; i + 2 < n; i += 2) {
        for (size_t j = i + 2; j < n; j += 2) {
            if (buf[j] < buf[i]) {
                char t = buf[i];

                buf[i] = buf[j];
                buf[j] = t;
            }
        }
    }
    return buf;
}

static const char *send_op(struct sc *c, uint32_t tx, enum op op, const char *path,
                           const char *value)
{
    static const uint32_t types[] = { XS_WRITE, XS_MKDIR, XS_RM, XS_READ, XS_DIRECTORY };

    if (op == OP_WRITE)
        return sc_write(c, tx, path, value);
    return sc_req(c, types[op], tx, path, NULL);
}

static void random_path(uint64_t *s, char *out);

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

/* /m, then 0-3 levels of a, b or c. */
static void random_path(uint64_t *s, char *out)
{
    int depth = (int)(rnd(s) % 4);

    strcpy(out, "/m");
    for (int i = 0; i < depth; i++)
        sprintf(out + strlen(out), "/%c", (char)('a' + rnd(s) % 3));
}

/* Paths a third connection watches; the model predicts its events for every
 * operation made outside transactions. */
static const char *const watched[] = { "/", "/m", "/m/a", "/m/a/b", "/m/c/c/c" };
#define NWATCHED ((int)(sizeof(watched) / sizeof(watched[0])))
#define MAX_EVENTS (MAX_NODES * NWATCHED)

static int add_event(char (*ev)[40], int n, const char *path, int token)
{
    TOOLS_REQUIRE(n < MAX_EVENTS, "too many events");
    snprintf(ev[n], sizeof(ev[0]), "%s|%d|", path, token);
    return n + 1;
}

/* Events op on path causes, from the model before the op: a write or a new directory
 * fires watches on it and above; RM fires those of the removed node and above, and
 * the exact watches of each removed descendant. */
static int predict(const struct model *m, enum op op, const char *path, char (*ev)[40])
{
    int n = 0;

    if (op == OP_READ || op == OP_DIR || (op == OP_RM && !exists(m, path)) ||
        (op == OP_MKDIR && exists(m, path)))
        return 0;
    for (int w = 0; w < NWATCHED; w++) {
        if (within(path, watched[w]) || strcmp(watched[w], "/") == 0)
            n = add_event(ev, n, path, w);
    }
    if (op != OP_RM)
        return n;
    for (int i = 0; i < m->count; i++) {
        if (strcmp(m->n[i].path, path) == 0 || !within(m->n[i].path, path))
            continue;
        for (int w = 0; w < NWATCHED; w++) {
            if (strcmp(m->n[i].path, watched[w]) == 0)
                n = add_event(ev, n, m->n[i].path, w);
        }
    }
    return n;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The watcher's events must be exactly the predicted ones (in any order). */
static void check_events(struct sc *w, char (*want)[40], int nwant, int step)
{
    sc_drain(w);
    TOOLS_REQUIRE(w->nevents == nwant, "step %d: %d events, want %d (first: %s)", step,
                  w->nevents, nwant, nwant ? want[0] : w->events[0]);
    qsort(want, (size_t)nwant, sizeof(want[0]), cmp_str);
    qsort(w->events, (size_t)w->nevents, sizeof(w->events[0]), cmp_str);
    for (int i = 0; i < nwant; i++)
        TOOLS_REQUIRE(strcmp(w->events[i], want[i]) == 0, "step %d: event '%s', want '%s'",
                      step, w->events[i], want[i]);
    sc_clear_events(w);
}

/* Walks the engine's /m subtree and checks it equals the model. */
static void compare_trees(struct sc *c, const struct model *m, int step)
{
    char stack[MAX_NODES * 2][24];
    int top = 0, seen = 0;

    if (!exists(m, "/m")) {
        TOOLS_REQUIRE(strcmp(sc_req(c, XS_READ, 0, "/m", NULL), "E:ENOENT") == 0,
                      "step %d: /m should be gone", step);
        return;
    }
    strcpy(stack[top++], "/m");
    while (top > 0) {
        char path[24], dir[64];
        const char *r;
        int i;

        strcpy(path, stack[--top]);
        i = find(m, path);
        TOOLS_REQUIRE(i >= 0, "step %d: engine has %s, model not", step, path);
        r = sc_req(c, XS_READ, 0, path, NULL);
        TOOLS_REQUIRE(strcmp(r, m->n[i].value) == 0, "step %d: %s = '%s', model '%s'",
                      step, path, r, m->n[i].value);
        seen++;
        snprintf(dir, sizeof(dir), "%s", sc_req(c, XS_DIRECTORY, 0, path, NULL));
        for (char *k = dir; *k != '\0'; k += 2) {
            TOOLS_REQUIRE(k[1] == '|' && top < MAX_NODES * 2, "step %d: dir %s", step, dir);
            size_t pl = strlen(path);

            TOOLS_REQUIRE(pl + 3 <= sizeof(stack[0]), "step %d: %s too deep", step, path);
            memcpy(stack[top], path, pl);
            stack[top][pl] = '/';
            stack[top][pl + 1] = k[0];
            stack[top++][pl + 2] = '\0';
        }
    }
    TOOLS_REQUIRE(seen == m->count, "step %d: engine has %d nodes, model %d", step, seen,
                  m->count);
}

static void run(uint64_t seed, int steps)
{
    struct store_engine *e = store_engine_create(NULL);
    struct model main_m = { .count = 0 }, tx_m;
    struct logged log[MAX_LOG];
    static char want_ev[MAX_EVENTS][40];
    struct sc a, b, w;
    uint64_t s = seed;
    uint32_t tx = 0;
    int nlog = 0, commits = 0, conflicts = 0;
    bool dirty = false;

    ck_assert_ptr_nonnull(e);
    sc_open(&a, e, 0, 1);
    sc_open(&b, e, 0, 2);
    sc_open(&w, e, 0, 3);
    for (int i = 0; i < NWATCHED; i++) {
        char tok[16];

        snprintf(tok, sizeof(tok), "%d", i);
        ck_assert_str_eq(sc_req(&w, XS_WATCH, 0, watched[i], tok, NULL), "OK|");
    }
    sc_clear_events(&w);
    for (int step = 0; step < steps; step++) {
        unsigned pick = (unsigned)(rnd(&s) % 100);
        char path[16], value[8], want_buf[64], got_buf[64];
        enum op op = (enum op)(rnd(&s) % OP_COUNT);
        const char *want, *got;

        random_path(&s, path);
        snprintf(value, sizeof(value), "v%u", (unsigned)(rnd(&s) % 1000));
        if (tx == 0 && pick < 8) {
            const char *r = sc_req(&a, XS_TRANSACTION_START, 0, "", NULL);

            tx = (uint32_t)strtoul(r, NULL, 10);
            TOOLS_REQUIRE(tx != 0, "step %d: start gave %s", step, r);
            tx_m = main_m;
            nlog = 0;
            dirty = false;
        } else if (tx != 0 && (pick < 10 || nlog == MAX_LOG)) {
            bool commit = rnd(&s) % 5 != 0;
            const char *r = sc_req(&a, XS_TRANSACTION_END, tx, commit ? "T" : "F", NULL);

            tx = 0;
            if (!commit) {
                TOOLS_REQUIRE(strcmp(r, "OK|") == 0, "step %d: abort gave %s", step, r);
            } else if (strcmp(r, "E:EAGAIN") == 0) {
                TOOLS_REQUIRE(dirty, "step %d: EAGAIN with no concurrent change", step);
                conflicts++;
            } else {
                TOOLS_REQUIRE(strcmp(r, "OK|") == 0, "step %d: commit gave %s", step, r);
                for (int i = 0; i < nlog; i++)
                    apply(&main_m, log[i].op, log[i].path, log[i].value, want_buf);
                commits++;
            }
        } else if (tx != 0 && pick < 70) {
            want = apply(&tx_m, op, path, value, want_buf);
            got = send_op(&a, tx, op, path, value);
            if (op == OP_DIR)
                got = sorted(got, got_buf);
            TOOLS_REQUIRE(dirty || strcmp(got, want) == 0, "step %d: tx op %d %s: got '%s',"
                          " want '%s'", step, op, path, got, want);
            log[nlog].op = op;
            strcpy(log[nlog].path, path);
            strcpy(log[nlog++].value, value);
        } else {
            int nev = predict(&main_m, op, path, want_ev);

            want = apply(&main_m, op, path, value, want_buf);
            got = send_op(&b, 0, op, path, value);
            if (op == OP_DIR)
                got = sorted(got, got_buf);
            TOOLS_REQUIRE(strcmp(got, want) == 0, "step %d: op %d %s: got '%s', want '%s'",
                          step, op, path, got, want);
            dirty = dirty || op <= OP_RM;
            check_events(&w, want_ev, nev, step);
        }
        if (step % 997 == 0)
            compare_trees(&b, &main_m, step);
        sc_clear_events(&a);
        sc_clear_events(&b);
        if (tx == 0) {              /* a commit's events are not predicted */
            sc_drain(&w);
            sc_clear_events(&w);
        }
    }
    compare_trees(&b, &main_m, steps);
    ck_assert_int_gt(commits, 0);
    ck_assert_int_gt(conflicts, 0);
    store_engine_destroy(e);
}

START_TEST(model_seed_1)
{
    run(0x9e3779b97f4a7c15ULL, 25000);
}
END_TEST

START_TEST(model_seed_2)
{
    run(0x243f6a8885a308d3ULL, 25000);
}
END_TEST

START_TEST(model_seed_3)
{
    run(0x13198a2e03707344ULL, 25000);
}
END_TEST

START_TEST(model_seed_4)
{
    run(0xa4093822299f31d0ULL, 25000);
}
END_TEST

Suite *store_model_suite(void)
{
    Suite *s = suite_create("store_model");

    TOOLS_ADD_SLOW_TEST(s, model_seed_1, 120);
    TOOLS_ADD_SLOW_TEST(s, model_seed_2, 120);
    TOOLS_ADD_SLOW_TEST(s, model_seed_3, 120);
    TOOLS_ADD_SLOW_TEST(s, model_seed_4, 120);
    return s;
}
