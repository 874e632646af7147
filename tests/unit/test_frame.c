/* Unit tests for common/frame.c: the buddy allocator, its refusals, its self-check,
 * and a long random run against a shadow model. */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hv/frame.h>
#include "suites.h"
#include <xlite/errno.h>

static struct frame_allocator fa;
static struct frame *table;

/* A fresh allocator over [base, base + nr) with every frame reserved. */
static void setup(mfn_t base, mfn_t nr)
{
    table = calloc(nr, sizeof(*table));
    ck_assert_ptr_nonnull(table);
    memset(table, 0x5a, nr * sizeof(*table));     /* init must overwrite everything */
    frames_init(&fa, table, base, nr);
}

/* Number of blocks on free_head[k] (walks the links). */
static unsigned int list_len(unsigned int k)
{
    unsigned int n = 0;
    uint32_t i;

    for (i = fa.free_head[k]; i != FRAME_NIL; i = table[i].next)
        n++;
    return n;
}

/* True when mfn heads a free block of order k that is on free_head[k]. */
static bool on_list(mfn_t mfn, unsigned int k)
{
    uint32_t i;

    for (i = fa.free_head[k]; i != FRAME_NIL; i = table[i].next)
        if (fa.base_mfn + i == mfn)
            return true;
    return false;
}

/* Free block heads as (mfn << 8 | order), in MFN order, by a per-frame walk. */
static size_t free_blocks(uint64_t *out, size_t max)
{
    size_t n = 0;
    mfn_t i;

    for (i = 0; i < fa.nr_frames; i++) {
        if ((table[i].flags & FRAME_F_FREE) && table[i].order <= FRAME_MAX_ORDER &&
            on_list(fa.base_mfn + i, table[i].order)) {
            ck_assert_uint_lt(n, max);
            out[n++] = ((fa.base_mfn + i) << 8) | table[i].order;
        }
    }
    return n;
}

START_TEST(init_all_reserved)
{
    mfn_t i;
    unsigned int k;

    setup(0x1000, 64);
    ck_assert_uint_eq(fa.nr_frames, 64);
    ck_assert_uint_eq(fa.nr_free, 0);
    ck_assert_uint_eq(fa.nr_managed, 0);
    for (k = 0; k <= FRAME_MAX_ORDER; k++)
        ck_assert_uint_eq(fa.free_head[k], FRAME_NIL);
    for (i = 0; i < 64; i++) {
        ck_assert_uint_eq(table[i].flags, FRAME_F_RESERVED);
        ck_assert_uint_eq(table[i].owner, FRAME_OWNER_NONE);
        ck_assert_uint_eq(table[i].count, 0);
        ck_assert_uint_eq(table[i].type_count, 0);
        ck_assert_uint_eq(table[i].type, FRAME_TYPE_NONE);
    }
    ck_assert_int_eq(frames_check(&fa), 0);
    ck_assert_uint_eq(frames_alloc(&fa, 0, 1), INVALID_MFN);
    ck_assert_ptr_eq(frame_of(&fa, 0x1000), &table[0]);
    ck_assert_ptr_eq(frame_of(&fa, 0x103f), &table[63]);
    ck_assert_ptr_null(frame_of(&fa, 0x1040));
    ck_assert_ptr_null(frame_of(&fa, 0xfff));
    ck_assert_ptr_null(frame_of(NULL, 0x1000));
    free(table);
}
END_TEST

START_TEST(alloc_free_every_order)
{
    const mfn_t base = 0x40000, nr = 2 * ((mfn_t)1 << FRAME_MAX_ORDER);
    mfn_t got[FRAME_MAX_ORDER + 1], j;
    unsigned int k;

    setup(base, nr);
    frames_add_free_range(&fa, base, base + nr);
    ck_assert_uint_eq(fa.nr_free, nr);
    ck_assert_uint_eq(fa.nr_managed, nr);
    ck_assert_uint_eq(list_len(FRAME_MAX_ORDER), 2);
    ck_assert_int_eq(frames_check(&fa), 0);
    ck_assert_uint_eq(frames_alloc(&fa, FRAME_MAX_ORDER + 1, 1), INVALID_MFN);
    for (k = 0; k <= FRAME_MAX_ORDER; k++) {
        uint64_t before = fa.nr_free;

        got[k] = frames_alloc(&fa, k, (uint16_t)(k + 1));
        ck_assert_msg(got[k] != INVALID_MFN, "order %u", k);
        ck_assert_uint_eq(got[k] & (((mfn_t)1 << k) - 1), 0);
        ck_assert_uint_ge(got[k], base);
        ck_assert_uint_le(got[k] + ((mfn_t)1 << k), base + nr);
        ck_assert_uint_eq(fa.nr_free, before - ((mfn_t)1 << k));
        for (j = 0; j < ((mfn_t)1 << k); j++) {
            struct frame *f = frame_of(&fa, got[k] + j);

            UNIT_REQUIRE(f->owner == k + 1 && f->flags == 0 &&
                         f->count + f->type_count + f->type == 0,
                         "order %u frame %llu not set up", k, (unsigned long long)j);
        }
        ck_assert_int_eq(frames_check(&fa), 0);
    }
    /* Orders 0..18 use 2^19 - 1 frames: exactly one frame is left. */
    ck_assert_uint_eq(fa.nr_free, 1);
    ck_assert_uint_eq(frames_alloc(&fa, 1, 1), INVALID_MFN);
    for (k = 0; k <= FRAME_MAX_ORDER; k++) {
        ck_assert_int_eq(frames_free(&fa, got[k], k), 0);
        ck_assert_int_eq(frames_check(&fa), 0);
    }
    ck_assert_uint_eq(fa.nr_free, nr);
    ck_assert_uint_eq(list_len(FRAME_MAX_ORDER), 2);
    for (k = 0; k < FRAME_MAX_ORDER; k++)
        ck_assert_uint_eq(list_len(k), 0);
    free(table);
}
END_TEST

START_TEST(exhaustion_and_fragmentation)
{
    mfn_t m[16];
    int i;

    setup(0x100, 16);
    frames_add_free_range(&fa, 0x100, 0x110);
    ck_assert_uint_eq(list_len(4), 1);
    for (i = 0; i < 16; i++) {
        m[i] = frames_alloc(&fa, 0, 3);
        ck_assert_uint_ne(m[i], INVALID_MFN);
    }
    ck_assert_uint_eq(fa.nr_free, 0);
    ck_assert_uint_eq(frames_alloc(&fa, 0, 3), INVALID_MFN);
    ck_assert_uint_eq(frames_alloc(&fa, 4, 3), INVALID_MFN);
    for (i = 0; i < 16; i++)                      /* free every other frame */
        if ((m[i] & 1) == 0)
            ck_assert_int_eq(frames_free(&fa, m[i], 0), 0);
    ck_assert_uint_eq(fa.nr_free, 8);
    ck_assert_uint_eq(list_len(0), 8);
    ck_assert_uint_eq(frames_alloc(&fa, 1, 3), INVALID_MFN);   /* no two adjacent */
    ck_assert_int_eq(frames_check(&fa), 0);
    for (i = 0; i < 16; i++)
        if ((m[i] & 1) == 1)
            ck_assert_int_eq(frames_free(&fa, m[i], 0), 0);
    ck_assert_uint_eq(list_len(4), 1);
    ck_assert_uint_eq(list_len(0), 0);
    ck_assert_uint_eq(frames_alloc(&fa, 4, 3), 0x100);
    free(table);
}
END_TEST

START_TEST(unaligned_base_blocks_aligned)
{
    /* [0x1003, 0x2003): maximal MFN-aligned blocks. */
    static const mfn_t want[][2] = {
        { 0x1003, 0 }, { 0x1004, 2 }, { 0x1008, 3 }, { 0x1010, 4 }, { 0x1020, 5 },
        { 0x1040, 6 }, { 0x1080, 7 }, { 0x1100, 8 }, { 0x1200, 9 }, { 0x1400, 10 },
        { 0x1800, 11 }, { 0x2000, 1 }, { 0x2002, 0 },
    };
    uint64_t blocks[64];
    size_t n, i;
    mfn_t m;

    setup(0x1003, 0x1000);
    frames_add_free_range(&fa, 0x1003, 0x2003);
    ck_assert_int_eq(frames_check(&fa), 0);
    n = free_blocks(blocks, 64);
    ck_assert_uint_eq(n, sizeof(want) / sizeof(want[0]));
    for (i = 0; i < n; i++)
        ck_assert_uint_eq(blocks[i], (want[i][0] << 8) | want[i][1]);
    ck_assert_uint_eq(frames_alloc(&fa, 12, 1), INVALID_MFN);
    ck_assert_uint_eq(frames_alloc(&fa, 11, 1), 0x1800);
    ck_assert_uint_eq(frames_alloc(&fa, 11, 1), INVALID_MFN);
    ck_assert_uint_eq(frames_alloc(&fa, 10, 1), 0x1400);
    for (i = 0; i < 40; i++) {
        unsigned int k = (unsigned int)(i % 5);

        m = frames_alloc(&fa, k, 2);
        if (m != INVALID_MFN)
            ck_assert_msg((m & (((mfn_t)1 << k) - 1)) == 0, "%#llx order %u",
                          (unsigned long long)m, k);
    }
    ck_assert_int_eq(frames_check(&fa), 0);
    free(table);
}
END_TEST

START_TEST(add_free_range_edges)
{
    mfn_t m;

    setup(0x200, 64);
    frames_add_free_range(&fa, 0x0, 0x100);       /* wholly outside: ignored */
    frames_add_free_range(&fa, 0x240, 0x1000);
    frames_add_free_range(&fa, 0x210, 0x208);     /* empty */
    ck_assert_uint_eq(fa.nr_free, 0);
    ck_assert_uint_eq(fa.nr_managed, 0);
    frames_add_free_range(&fa, 0x1f0, 0x208);     /* clipped to [0x200, 0x208) */
    ck_assert_uint_eq(fa.nr_free, 8);
    frames_add_free_range(&fa, 0x208, 0x210);     /* adjacent: merges to order 4 */
    ck_assert_uint_eq(list_len(4), 1);
    ck_assert_uint_eq(list_len(3), 0);
    frames_add_free_range(&fa, 0x200, 0x220);     /* the free half is skipped */
    ck_assert_uint_eq(fa.nr_free, 32);
    ck_assert_uint_eq(fa.nr_managed, 32);
    ck_assert_uint_eq(list_len(5), 1);
    m = frames_alloc(&fa, 0, 7);
    ck_assert_uint_eq(m, 0x200);
    frames_add_free_range(&fa, 0x200, 0x201);     /* allocated frames are skipped */
    ck_assert_uint_eq(frame_of(&fa, 0x200)->owner, 7);
    ck_assert_uint_eq(fa.nr_free, 31);
    ck_assert_int_eq(frames_check(&fa), 0);
    frames_add_free_range(NULL, 0, 1);
    frames_add_free_range(&fa, 0x220, 0x240);
    ck_assert_int_eq(frames_free(&fa, m, 0), 0);
    ck_assert_uint_eq(list_len(6), 1);
    ck_assert_uint_eq(fa.nr_free, 64);
    ck_assert_int_eq(frames_check(&fa), 0);
    free(table);
}
END_TEST

/* A refused free must leave the table and the allocator exactly as they were. */
static void expect_free_refused(mfn_t mfn, unsigned int order)
{
    static struct frame_allocator fa_before;
    struct frame *copy = malloc(fa.nr_frames * sizeof(*table));

    ck_assert_ptr_nonnull(copy);
    memcpy(copy, table, fa.nr_frames * sizeof(*table));
    fa_before = fa;
    ck_assert_msg(frames_free(&fa, mfn, order) == -XEN_EINVAL, "free(%#llx, %u) accepted",
                  (unsigned long long)mfn, order);
    ck_assert_msg(memcmp(copy, table, fa.nr_frames * sizeof(*table)) == 0,
                  "table changed by refused free(%#llx, %u)", (unsigned long long)mfn, order);
    ck_assert_msg(memcmp(&fa_before, &fa, sizeof(fa)) == 0, "allocator changed");
    free(copy);
}

START_TEST(free_refusals)
{
    mfn_t a, b, c;

    setup(0x400, 128);
    frames_add_free_range(&fa, 0x400, 0x470);     /* 0x470..0x47f stay reserved */
    a = frames_alloc(&fa, 2, 1);
    b = frames_alloc(&fa, 0, 1);
    c = frames_alloc(&fa, 3, 1);
    ck_assert(a != INVALID_MFN && b != INVALID_MFN && c != INVALID_MFN);

    ck_assert_int_eq(frames_free(&fa, b, 0), 0);
    expect_free_refused(b, 0);                    /* double free */
    expect_free_refused(b & ~(mfn_t)1, 1);        /* block containing a free frame */
    expect_free_refused(0x470, 0);                /* reserved */
    expect_free_refused(0x478, 3);
    expect_free_refused(0x460, 5);                /* straddles free and reserved */
    expect_free_refused(a + 1, 2);                /* misaligned */
    expect_free_refused(a + 2, 2);
    expect_free_refused(0x3ff, 0);                /* below the table */
    expect_free_refused(0x480, 0);                /* past the table */
    expect_free_refused(0x0, 12);                 /* aligned, covers base, too long */
    expect_free_refused(0x400, 8);                /* runs past the end */
    expect_free_refused(c, FRAME_MAX_ORDER + 1);  /* bad order */
    expect_free_refused(INVALID_MFN, 0);
    frame_of(&fa, a + 3)->count = 1;              /* still referenced */
    expect_free_refused(a, 2);
    frame_of(&fa, a + 3)->count = 0;
    frame_of(&fa, a)->type_count = 2;
    expect_free_refused(a, 2);
    frame_of(&fa, a)->type_count = 0;
    ck_assert_int_eq(frames_free(NULL, a, 2), -XEN_EINVAL);
    ck_assert_int_eq(frames_free(&fa, a, 2), 0);
    ck_assert_int_eq(frames_free(&fa, c, 3), 0);
    ck_assert_uint_eq(fa.nr_free, 0x70);
    ck_assert_int_eq(frames_check(&fa), 0);
    ck_assert_uint_eq(list_len(6), 1);            /* [0x400, 0x440) */
    ck_assert_uint_eq(list_len(5), 1);            /* [0x440, 0x460) */
    ck_assert_uint_eq(list_len(4), 1);            /* [0x460, 0x470) */
    free(table);
}
END_TEST

START_TEST(check_detects_corruption)
{
    mfn_t a;
    uint32_t h, h2;

    setup(0x800, 64);
    frames_add_free_range(&fa, 0x800, 0x840);
    a = frames_alloc(&fa, 0, 1);                  /* splits: lists 0..5 populated */
    ck_assert_int_eq(frames_check(&fa), 0);

    fa.nr_free++;                                 /* wrong count */
    ck_assert_int_lt(frames_check(&fa), 0);
    fa.nr_free--;
    h = fa.free_head[3];
    table[h].order = 2;                           /* head on the wrong list */
    ck_assert_int_lt(frames_check(&fa), 0);
    table[h].order = 3;
    table[h + 1].order = 0;                       /* a tail that looks like a head */
    ck_assert_int_lt(frames_check(&fa), 0);
    table[h + 1].order = 0xff;
    table[h + 2].flags = 0;                       /* a tail that is not free */
    ck_assert_int_lt(frames_check(&fa), 0);
    table[h + 2].flags = FRAME_F_FREE;
    table[h].next = h;                            /* a cycle */
    ck_assert_int_lt(frames_check(&fa), 0);
    table[h].next = FRAME_NIL;
    h2 = fa.free_head[2];
    fa.free_head[2] = 63;                         /* link to a non-head frame */
    ck_assert_int_lt(frames_check(&fa), 0);
    fa.free_head[2] = 1000;                       /* link out of the table */
    ck_assert_int_lt(frames_check(&fa), 0);
    fa.free_head[2] = h2;
    ck_assert_int_eq(frames_check(&fa), 0);
    fa.free_head[3] = FRAME_NIL;                  /* a free block on no list */
    ck_assert_int_lt(frames_check(&fa), 0);
    fa.free_head[3] = h;
    ck_assert_int_eq(frames_check(&fa), 0);
    ck_assert_int_eq(frames_free(&fa, a, 0), 0);
    ck_assert_int_eq(frames_check(&fa), 0);
    ck_assert_int_lt(frames_check(NULL), 0);
    free(table);
}
END_TEST

START_TEST(check_detects_unmerged_buddies)
{
    setup(0x800, 4);
    frames_add_free_range(&fa, 0x800, 0x801);
    frames_add_free_range(&fa, 0x801, 0x802);
    ck_assert_uint_eq(list_len(1), 1);            /* merged on insertion */
    ck_assert_int_eq(frames_check(&fa), 0);
    /* Split it by hand into two order-0 blocks: buddies left unmerged. */
    fa.free_head[1] = FRAME_NIL;
    table[0].order = 0;
    table[1].order = 0;
    table[0].next = 1;
    table[0].prev = FRAME_NIL;
    table[1].prev = 0;
    table[1].next = FRAME_NIL;
    fa.free_head[0] = 0;
    ck_assert_int_lt(frames_check(&fa), 0);
    free(table);
}
END_TEST

/* ---- property test -------------------------------------------------------------- */

#define P_NR        8192
#define P_BASE      0x12345ull          /* deliberately not aligned */
#define P_OPS       1000000
#define P_MAXLIVE   4096

struct live {
    mfn_t mfn;
    unsigned int order;
    uint16_t owner;
};

static uint8_t managed[P_NR], owned[P_NR];
static struct live live[P_MAXLIVE];

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

/* Mostly small orders, sometimes large ones, rarely an invalid one. */
static unsigned int random_order(void)
{
    uint32_t r = rng() % 100;

    if (r < 60)
        return rng() % 2;
    if (r < 90)
        return 2 + rng() % 4;
    if (r < 99)
        return 6 + rng() % 8;
    return FRAME_MAX_ORDER + 1;
}

/* True when the model has a fully free 2^order-aligned (in MFN terms) block. */
static bool model_has_block(unsigned int order)
{
    mfn_t size = (mfn_t)1 << order, m, j;

    for (m = (P_BASE + size - 1) & ~(size - 1); m + size <= P_BASE + P_NR; m += size) {
        for (j = 0; j < size; j++)
            if (!managed[m - P_BASE + j] || owned[m - P_BASE + j])
                break;
        if (j == size)
            return true;
    }
    return false;
}

/* Full cross-check of the table against the model. */
static void model_compare(void)
{
    size_t i;

    for (i = 0; i < P_NR; i++) {
        bool is_free = managed[i] && !owned[i];

        UNIT_REQUIRE(!!(table[i].flags & FRAME_F_FREE) == is_free, "frame %zu: free flag", i);
        UNIT_REQUIRE(!!(table[i].flags & FRAME_F_RESERVED) == !managed[i],
                     "frame %zu: reserved", i);
        UNIT_REQUIRE(!owned[i] || table[i].owner == owned[i] - 1, "frame %zu: owner", i);
    }
}

static void do_alloc(uint64_t *model_free, size_t *nlive, unsigned int op)
{
    unsigned int order = random_order();
    uint16_t owner = (uint16_t)(rng() % 200);
    mfn_t m = frames_alloc(&fa, order, owner), j, size = (mfn_t)1 << order;

    if (m == INVALID_MFN) {
        UNIT_REQUIRE(order > FRAME_MAX_ORDER || !model_has_block(order),
                      "op %u: order %u refused although a free block exists", op, order);
        return;
    }
    UNIT_REQUIRE(order <= FRAME_MAX_ORDER, "op %u: invalid order accepted", op);
    UNIT_REQUIRE((m & (size - 1)) == 0, "op %u: misaligned block", op);
    UNIT_REQUIRE(m >= P_BASE && m - P_BASE + size <= P_NR, "op %u: block outside the table", op);
    for (j = m - P_BASE; j < m - P_BASE + size; j++) {
        UNIT_REQUIRE(managed[j], "op %u: unmanaged frame handed out", op);
        UNIT_REQUIRE(!owned[j], "op %u: block overlaps a live block", op);
        UNIT_REQUIRE(table[j].owner == owner, "op %u: owner not set", op);
        owned[j] = (uint8_t)(owner + 1);
    }
    *model_free -= size;
    live[(*nlive)++] = (struct live){ m, order, owner };
}

static void do_free(uint64_t *model_free, size_t *nlive, unsigned int op)
{
    size_t idx = rng() % *nlive;
    struct live b = live[idx];
    mfn_t j, size = (mfn_t)1 << b.order;
    uint64_t before = fa.nr_free;

    if (rng() % 50 == 0) {                        /* still referenced: refused */
        frame_of(&fa, b.mfn + size - 1)->count = 1;
        UNIT_REQUIRE(frames_free(&fa, b.mfn, b.order) == -XEN_EINVAL,
                "op %u: referenced block freed", op);
        frame_of(&fa, b.mfn + size - 1)->count = 0;
    }
    UNIT_REQUIRE(frames_free(&fa, b.mfn, b.order) == 0, "op %u: free refused", op);
    for (j = b.mfn - P_BASE; j < b.mfn - P_BASE + size; j++)
        owned[j] = 0;
    *model_free += size;
    live[idx] = live[--(*nlive)];
    if (rng() % 10 == 0) {                        /* double free: refused */
        UNIT_REQUIRE(frames_free(&fa, b.mfn, b.order) == -XEN_EINVAL, "op %u: double free", op);
        UNIT_REQUIRE(fa.nr_free == before + size, "op %u: nr_free after double free", op);
    }
}

START_TEST(random_ops_match_model)
{
    uint64_t before[P_NR], after[P_NR], model_free = 0;
    size_t nlive = 0, nb, na, i;
    unsigned int op;

    setup(P_BASE, P_NR);
    memset(managed, 0, sizeof(managed));
    memset(owned, 0, sizeof(owned));
    /* Two ranges with holes and ragged ends. */
    frames_add_free_range(&fa, P_BASE + 5, P_BASE + 3000);
    frames_add_free_range(&fa, P_BASE + 3100, P_BASE + P_NR - 7);
    for (i = 0; i < P_NR; i++) {
        managed[i] = (i >= 5 && i < 3000) || (i >= 3100 && i < P_NR - 7);
        model_free += managed[i];
    }
    ck_assert_uint_eq(fa.nr_free, model_free);
    ck_assert_int_eq(frames_check(&fa), 0);
    nb = free_blocks(before, P_NR);

    for (op = 0; op < P_OPS; op++) {
        if (nlive == 0 || (nlive < P_MAXLIVE && rng() % 100 < 52))
            do_alloc(&model_free, &nlive, op);
        else
            do_free(&model_free, &nlive, op);
        UNIT_REQUIRE(fa.nr_free == model_free, "op %u: nr_free %llu, model %llu", op,
                      (unsigned long long)fa.nr_free, (unsigned long long)model_free);
        if (op % 1000 == 999) {
            UNIT_REQUIRE(frames_check(&fa) == 0, "op %u: frames_check %d", op,
                          frames_check(&fa));
            model_compare();
        }
    }
    ck_assert_int_eq(frames_check(&fa), 0);
    model_compare();
    while (nlive > 0)
        do_free(&model_free, &nlive, op);
    ck_assert_uint_eq(fa.nr_free, fa.nr_managed);
    ck_assert_int_eq(frames_check(&fa), 0);
    na = free_blocks(after, P_NR);                /* merged back to the same blocks */
    ck_assert_uint_eq(na, nb);
    for (i = 0; i < na; i++)
        ck_assert_uint_eq(after[i], before[i]);
    free(table);
}
END_TEST

static unsigned int flushes;

static void count_flush(void)
{
    flushes++;
    frames_tlb_flushed(&fa);
}

/* A frame freed since the last full TLB flush is handed out only after a flush (some
 * TLB may still map it); one freed before a flush, or never used, needs none; a block
 * with one such frame among many flushes once. */
START_TEST(alloc_flushes_for_frames_freed_since_last_flush)
{
    setup(0, 64);
    fa.flush_tlb = count_flush;
    frames_add_free_range(&fa, 0, 64);
    frames_tlb_flushed(&fa);                      /* boot-time frames: nothing cached */
    flushes = 0;

    mfn_t a = frames_alloc(&fa, 0, 1);
    ck_assert_uint_eq(flushes, 0);
    ck_assert_int_eq(frames_free(&fa, a, 0), 0);
    ck_assert_uint_eq(frames_alloc(&fa, 0, 2), a);    /* most recently freed first */
    ck_assert_uint_eq(flushes, 1);
    ck_assert_uint_eq(frames_alloc(&fa, 0, 2) != INVALID_MFN, 1);
    ck_assert_uint_eq(flushes, 1);                /* that one was never freed since */

    ck_assert_int_eq(frames_free(&fa, a, 0), 0);
    count_flush();                                /* someone flushed meanwhile */
    flushes = 0;
    ck_assert_uint_eq(frames_alloc(&fa, 0, 3), a);
    ck_assert_uint_eq(flushes, 0);

    mfn_t big = frames_alloc(&fa, 3, 4);
    ck_assert_uint_ne(big, INVALID_MFN);
    ck_assert_int_eq(frames_free(&fa, big, 3), 0);
    ck_assert_uint_eq(frames_alloc(&fa, 3, 5), big);
    ck_assert_uint_eq(flushes, 1);                /* once for the whole block */
    ck_assert_int_eq(frames_check(&fa), 0);
    free(table);
}
END_TEST

Suite *frame_suite(void)
{
    Suite *s = suite_create("frame");

    UNIT_ADD_TEST(s, init_all_reserved);
    UNIT_ADD_SLOW_TEST(s, alloc_free_every_order, 60);
    UNIT_ADD_TEST(s, exhaustion_and_fragmentation);
    UNIT_ADD_TEST(s, unaligned_base_blocks_aligned);
    UNIT_ADD_TEST(s, add_free_range_edges);
    UNIT_ADD_TEST(s, free_refusals);
    UNIT_ADD_TEST(s, check_detects_corruption);
    UNIT_ADD_TEST(s, check_detects_unmerged_buddies);
    UNIT_ADD_TEST(s, alloc_flushes_for_frames_freed_since_last_flush);
    UNIT_ADD_SLOW_TEST(s, random_ops_match_model, 300);
    return s;
}
