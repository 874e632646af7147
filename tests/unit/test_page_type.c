/* Unit tests for arch/x86_64/page_type.c: frame types, reference counts and page-table
 * validation. Deterministic tests for every rule and refusal (with exact error codes),
 * the attacks the ABI notes list, and a long random run checked against pt_check and
 * an independent oracle (page_type_fixture.c). */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/frame.h>
#include <x86/page_type.h>
#include "page_type_fixture.h"
#include "suites.h"
#include <xlite/errno.h>

#define D1 1
#define D2 2

static struct ptf X;
#define ENV (&X.env)

static struct frame *fr(mfn_t m)
{
    return ptf_frame(&X, m);
}

static uint64_t *pg(mfn_t m)
{
    return ptf_page(&X, m);
}

/* pt_check and the oracle both accept the current state. */
static void expect_consistent(const struct pt_hold *holds, size_t n)
{
    int rc = ptf_check(&X, holds, n);
    const char *o;

    ck_assert_msg(rc == 0, "pt_check %d at mfn %#llx entry %u (expected %u actual %u)", rc,
                  (unsigned long long)X.rep.mfn, X.rep.index, X.rep.expected, X.rep.actual);
    o = ptf_oracle(&X, holds, n);
    ck_assert_msg(o == NULL, "%s", o);
    ck_assert_uint_eq(X.hook_errors, 0);
}

static void expect_frame(mfn_t m, uint32_t count, uint32_t type_count, unsigned int type,
                         unsigned int flags)
{
    struct frame *f = fr(m);

    ck_assert_msg(f->count == count && f->type_count == type_count && f->type == type &&
                  f->flags == flags,
                  "mfn %#llx: count %u tc %u type %u flags %#x, want %u %u %u %#x",
                  (unsigned long long)m, f->count, f->type_count, f->type, f->flags, count,
                  type_count, type, flags);
}

/* Every allocated frame of owner has no references and no flags. */
static void expect_released(uint16_t owner)
{
    mfn_t i;

    for (i = 0; i < X.nr; i++) {
        const struct frame *f = &X.table[i];

        if (f->owner == owner && !(f->flags & (FRAME_F_FREE | FRAME_F_RESERVED)))
            ck_assert_msg(f->count == 0 && f->type_count == 0 && f->flags == 0,
                          "mfn %#llx still count %u tc %u flags %#x",
                          (unsigned long long)(PTF_BASE + i), f->count, f->type_count,
                          f->flags);
    }
}

/* Frees every frame of owner; all must be free of references. */
static void free_all(uint16_t owner)
{
    mfn_t i;

    for (i = 0; i < X.nr; i++) {
        const struct frame *f = &X.table[i];

        if (f->owner == owner && !(f->flags & (FRAME_F_FREE | FRAME_F_RESERVED)))
            ck_assert_int_eq(frames_free(&X.fa, PTF_BASE + i, 0), 0);
    }
    ck_assert_int_eq(frames_check(&X.fa), 0);
}

#define VALID   FRAME_F_VALIDATED
#define PINNED  (FRAME_F_VALIDATED | FRAME_F_PINNED)
#define MOD(tbl, i, v) pt_mod_entry(ENV, D1, D1, (tbl), (i), (v), 0)

/* A built and pinned tree of D1. */
static void pinned_tree(struct ptf_tree *t)
{
    ptf_build_tree(&X, D1, t);
    ck_assert_int_eq(pt_pin(ENV, D1, t->l4, 4), 0);
}

START_TEST(pin_types_and_counts)
{
    struct ptf_tree t;
    unsigned int i;

    ptf_init(&X, 256);
    pinned_tree(&t);
    expect_frame(t.l4, 2, 1, FRAME_TYPE_L4, PINNED);   /* pin + RO map from l1[4] */
    expect_frame(t.l3, 2, 1, FRAME_TYPE_L3, VALID);    /* l4[0] + l1[5] */
    expect_frame(t.l2, 2, 1, FRAME_TYPE_L2, VALID);
    expect_frame(t.l1, 2, 1, FRAME_TYPE_L1, VALID);    /* l2[0] + its own l1[7] */
    for (i = 0; i < 4; i++)
        expect_frame(t.data[i], 1, 1, FRAME_TYPE_WRITABLE, 0);
    /* U added, nothing else; the hypervisor's slots filled. */
    ck_assert_uint_eq(pg(t.l4)[0], PTE(t.l3, F_UPPER));
    ck_assert_uint_eq(pg(t.l1)[0], PTE(t.data[0], F_L1RW | PG_U));
    ck_assert_uint_eq(pg(t.l1)[4], PTE(t.l4, F_L1RO | PG_U));
    for (i = 0; i < PT_HV_NR_SLOTS; i++)
        ck_assert_uint_eq(pg(t.l4)[PT_HV_FIRST_SLOT + i], X.hv[i]);
    ck_assert_uint_eq(X.type_changes, 0);
    expect_consistent(NULL, 0);
    ptf_fini(&X);
}
END_TEST

START_TEST(unpin_releases_everything)
{
    struct ptf_tree t;
    unsigned int i;

    ptf_init(&X, 256);
    pinned_tree(&t);
    ck_assert_int_eq(pt_unpin(ENV, D1, t.l4), 0);
    expect_released(D1);
    ck_assert_uint_eq(fr(t.l1)->type, FRAME_TYPE_L1);      /* stale type stays */
    for (i = 0; i < PT_HV_NR_SLOTS; i++)
        ck_assert_uint_eq(pg(t.l4)[PT_HV_FIRST_SLOT + i], 0);
    expect_consistent(NULL, 0);
    ck_assert_int_eq(pt_unpin(ENV, D1, t.l4), -XEN_EINVAL);
    free_all(D1);
    ptf_fini(&X);
}
END_TEST

START_TEST(pin_refusals)
{
    struct ptf_tree t;
    mfn_t gone;

    ptf_init(&X, 256);
    ptf_build_tree(&X, D1, &t);
    ck_assert_int_eq(pt_pin(ENV, D1, t.l4, 0), -XEN_EINVAL);
    ck_assert_int_eq(pt_pin(ENV, D1, t.l4, 5), -XEN_EINVAL);
    ck_assert_int_eq(pt_pin(ENV, D2, t.l4, 4), -XEN_EINVAL);          /* foreign */
    ck_assert_int_eq(pt_pin(ENV, D1, PTF_BASE + 1, 1), -XEN_EINVAL);  /* reserved */
    ck_assert_int_eq(pt_pin(ENV, D1, PTF_BASE + X.nr, 1), -XEN_EINVAL);
    gone = ptf_alloc(&X, D1);
    ck_assert_int_eq(frames_free(&X.fa, gone, 0), 0);
    ck_assert_int_eq(pt_pin(ENV, D1, gone, 1), -XEN_EINVAL);          /* free */
    ck_assert_int_eq(pt_pin(ENV, D1, t.l4, 4), 0);
    ck_assert_int_eq(pt_pin(ENV, D1, t.l4, 4), -XEN_EINVAL);          /* pinned */
    ck_assert_int_eq(pt_pin(ENV, D1, t.l4, 3), -XEN_EINVAL);
    ck_assert_int_eq(pt_pin(ENV, D1, t.l3, 2), -XEN_EINVAL);          /* type conflict */
    ck_assert_int_eq(pt_unpin(ENV, D1, t.l3), -XEN_EINVAL);           /* not pinned */
    ck_assert_int_eq(pt_unpin(ENV, D2, t.l4), -XEN_EINVAL);
    /* xsa-224/234: a frame with a writable mapping cannot become a table. */
    ck_assert_int_eq(pt_pin(ENV, D1, t.data[0], 1), -XEN_EINVAL);
    ck_assert_int_eq(MOD(t.l1, 0, 0), 0);
    ck_assert_int_eq(pt_pin(ENV, D1, t.data[0], 1), 0);
    ck_assert_uint_eq(X.type_changes, 1);                  /* WRITABLE -> L1 flushed */
    ck_assert_uint_eq(X.last_old, FRAME_TYPE_WRITABLE);
    ck_assert_uint_eq(X.last_new, FRAME_TYPE_L1);
    /* Pinning a table that is already in use takes one more type ref. */
    ck_assert_int_eq(pt_pin(ENV, D1, t.l3, 3), 0);
    expect_frame(t.l3, 3, 2, FRAME_TYPE_L3, PINNED);
    expect_consistent(NULL, 0);
    ptf_fini(&X);
}
END_TEST

START_TEST(rw_mapping_of_table_refused)
{
    struct ptf_tree t;
    struct ptf_snap s;
    mfn_t l1b;

    ptf_init(&X, 256);
    pinned_tree(&t);
    ck_assert_int_eq(MOD(t.l1, 8, PTE(t.l2, F_L1RW)), -XEN_EBUSY);
    ck_assert_int_eq(MOD(t.l1, 8, PTE(t.l1, F_L1RW)), -XEN_EBUSY);    /* itself */
    ck_assert_int_eq(MOD(t.l1, 8, PTE(t.l4, F_L1RW)), -XEN_EBUSY);
    ck_assert_uint_eq(pg(t.l1)[8], 0);
    ck_assert_int_eq(MOD(t.l1, 8, PTE(t.l4, F_L1RO)), 0);              /* RO is fine */
    expect_frame(t.l4, 3, 1, FRAME_TYPE_L4, PINNED);
    /* A second L1 that maps a live table RW cannot be hooked in. */
    l1b = ptf_alloc(&X, D1);
    ck_assert_int_eq(MOD(l1b, 0, PTE(t.l3, F_L1RW)), 0);               /* plain write */
    ptf_snap_take(&X, &s);
    ck_assert_int_eq(MOD(t.l2, 1, PTE(l1b, F_UPPER)), -XEN_EBUSY);
    ck_assert_uint_eq(ptf_snap_diff(&X, &s, 0), INVALID_MFN);
    ck_assert_uint_eq(pg(t.l2)[1], 0);
    /* A frame mapped RW cannot be hooked in as a table. */
    ck_assert_int_eq(MOD(t.l2, 2, PTE(t.data[0], F_UPPER)), -XEN_EINVAL);
    ck_assert_uint_eq(ptf_snap_diff(&X, &s, 1), INVALID_MFN);
    ptf_snap_free(&s);
    expect_consistent(NULL, 0);
    ptf_fini(&X);
}
END_TEST

START_TEST(linear_mappings)
{
    struct ptf_tree t;
    struct ptf_snap s;
    mfn_t b, c, l1;
    unsigned int idx;

    ptf_init(&X, 256);
    pinned_tree(&t);
    ck_assert_int_eq(MOD(t.l4, 510, PTE(t.l4, F_LINEAR)), 0);          /* self-map RO */
    expect_frame(t.l4, 2, 1, FRAME_TYPE_L4, PINNED);                    /* holds nothing */
    ptf_snap_take(&X, &s);
    /* xsa-182: the RW version is refused, also over the RO one. */
    ck_assert_int_eq(MOD(t.l4, 511, PTE(t.l4, F_LINEAR | PG_RW)), -XEN_EINVAL);
    ck_assert_int_eq(MOD(t.l4, 510, PTE(t.l4, F_LINEAR | PG_RW)), -XEN_EINVAL);
    ck_assert_uint_eq(pg(t.l4)[510], PTE(t.l4, F_LINEAR));
    ck_assert_uint_eq(ptf_snap_diff(&X, &s, 1), INVALID_MFN);
    ptf_snap_free(&s);
    /* The same at L3 and L2. */
    ck_assert_int_eq(MOD(t.l3, 7, PTE(t.l3, F_LINEAR)), 0);
    ck_assert_int_eq(MOD(t.l3, 8, PTE(t.l3, F_LINEAR | PG_RW)), -XEN_EINVAL);
    ck_assert_int_eq(MOD(t.l2, 7, PTE(t.l2, F_LINEAR)), 0);
    ck_assert_int_eq(MOD(t.l2, 8, PTE(t.l2, F_LINEAR | PG_RW)), -XEN_EINVAL);
    /* Linear onto another validated L4. */
    b = ptf_alloc(&X, D1);
    ck_assert_int_eq(pt_pin(ENV, D1, b, 4), 0);
    ck_assert_int_eq(MOD(t.l4, 509, PTE(b, F_LINEAR)), 0);
    expect_frame(b, 2, 2, FRAME_TYPE_L4, PINNED);
    ck_assert_int_eq(MOD(t.l4, 508, PTE(b, F_LINEAR | PG_RW)), -XEN_EINVAL);
    /* A stale L4 (type_count 0) is no linear target: it is validated as an L3. */
    c = ptf_alloc(&X, D1);
    ck_assert_int_eq(pt_pin(ENV, D1, c, 4), 0);
    ck_assert_int_eq(pt_unpin(ENV, D1, c), 0);
    ck_assert_int_eq(MOD(t.l4, 508, PTE(c, F_LINEAR)), 0);
    expect_frame(c, 1, 1, FRAME_TYPE_L3, VALID);
    ck_assert_uint_eq(X.last_old, FRAME_TYPE_L4);
    /* A walk through the linear slot does not find an L1. */
    ck_assert_int_eq(pt_walk_l1e(ENV, t.l4, 0xFFFFFF0000000000ull, &l1, &idx), -XEN_EINVAL);
    expect_consistent(NULL, 0);
    ck_assert_int_eq(MOD(t.l4, 509, 0), 0);
    expect_frame(b, 1, 1, FRAME_TYPE_L4, PINNED);
    expect_consistent(NULL, 0);
    /* Self-maps at every level do not keep the tree alive. */
    ck_assert_int_eq(pt_unpin(ENV, D1, t.l4), 0);
    expect_frame(t.l4, 0, 0, FRAME_TYPE_L4, 0);
    expect_frame(t.l3, 0, 0, FRAME_TYPE_L3, 0);
    expect_frame(t.l2, 0, 0, FRAME_TYPE_L2, 0);
    expect_frame(c, 0, 0, FRAME_TYPE_L3, 0);
    expect_consistent(NULL, 0);
    ptf_fini(&X);
}
END_TEST

START_TEST(foreign_mappings)
{
    struct ptf_tree t;
    mfn_t f, g, l1x;

    ptf_init(&X, 256);
    pinned_tree(&t);
    f = ptf_alloc(&X, D2);
    g = ptf_alloc(&X, D2);
    ck_assert_int_eq(pt_mod_entry(ENV, D1, D1, t.l1, 9, PTE(f, F_L1RW), 0), -XEN_EINVAL);
    /* A privileged caller names D2 as pg_owner. */
    ck_assert_int_eq(pt_mod_entry(ENV, D1, D2, t.l1, 9, PTE(f, F_L1RW), 0), 0);
    expect_frame(f, 1, 1, FRAME_TYPE_WRITABLE, 0);
    ck_assert_int_eq(pt_mod_entry(ENV, D1, D2, t.l1, 10, PTE(g, F_L1RO), 0), 0);
    /* Upper levels never point at foreign frames, whatever pg_owner says. */
    ck_assert_int_eq(pt_mod_entry(ENV, D1, D2, t.l2, 3, PTE(g, F_UPPER), 0), -XEN_EINVAL);
    ck_assert_int_eq(pt_mod_entry(ENV, D1, D2, t.l4, 3, PTE(g, F_UPPER), 0), -XEN_EINVAL);
    /* Tables belong to pt_owner. */
    ck_assert_int_eq(pt_mod_entry(ENV, D2, D2, t.l1, 11, 0, 0), -XEN_EINVAL);
    /* Validation checks targets against the table's owner. */
    l1x = ptf_alloc(&X, D1);
    pg(l1x)[3] = PTE(g, F_L1RO);
    ck_assert_int_eq(pt_pin(ENV, D1, l1x, 1), -XEN_EINVAL);
    expect_frame(l1x, 0, 0, FRAME_TYPE_NONE, 0);
    expect_consistent(NULL, 0);
    /* D2 dies while D1 still maps two of its frames. */
    ck_assert_uint_eq(pt_domain_relinquish(ENV, D2), 2);
    expect_frame(f, 1, 1, FRAME_TYPE_WRITABLE, 0);
    expect_consistent(NULL, 0);
    ck_assert_uint_eq(pt_domain_relinquish(ENV, D1), 0);
    expect_released(D1);
    expect_released(D2);
    free_all(D1);
    free_all(D2);
    ck_assert_uint_eq(X.fa.nr_free, X.fa.nr_managed);
    ptf_fini(&X);
}
END_TEST

START_TEST(hypervisor_slots)
{
    struct ptf_tree t;
    mfn_t a, b, l1, plain;
    unsigned int i, idx;

    ptf_init(&X, 256);
    ptf_build_tree(&X, D1, &t);
    /* Whatever the guest left in slots 256..271 is ignored and replaced. */
    pg(t.l4)[256] = 0xdeadbeefull;
    pg(t.l4)[260] = PTE(0x12345, PG_P | PG_PS | PG_PCD);
    ck_assert_int_eq(pt_pin(ENV, D1, t.l4, 4), 0);
    for (i = 0; i < PT_HV_NR_SLOTS; i++)
        ck_assert_uint_eq(pg(t.l4)[PT_HV_FIRST_SLOT + i], X.hv[i]);
    a = ptf_alloc(&X, D1);
    b = ptf_alloc(&X, D1);
    ck_assert_int_eq(MOD(t.l4, 256, 0), -XEN_EINVAL);
    ck_assert_int_eq(MOD(t.l4, 263, PTE(a, F_UPPER)), -XEN_EINVAL);
    ck_assert_int_eq(MOD(t.l4, 271, PTE(a, F_UPPER)), -XEN_EINVAL);
    ck_assert_int_eq(MOD(t.l4, 255, PTE(a, F_UPPER)), 0);
    ck_assert_int_eq(MOD(t.l4, 272, PTE(b, F_UPPER)), 0);
    ck_assert_int_eq(pt_walk_l1e(ENV, t.l4, 0xFFFF800000000000ull, &l1, &idx), -XEN_EINVAL);
    ck_assert_int_eq(pt_walk_l1e(ENV, t.l4, 0xFFFF87FFFFFFF000ull, &l1, &idx), -XEN_EINVAL);
    expect_consistent(NULL, 0);
    /* Devalidation takes the hypervisor's entries away again. */
    ck_assert_int_eq(pt_unpin(ENV, D1, t.l4), 0);
    for (i = 0; i < PT_HV_NR_SLOTS; i++)
        ck_assert_uint_eq(pg(t.l4)[PT_HV_FIRST_SLOT + i], 0);
    /* In a frame that is no table, index 256 is just data. */
    plain = ptf_alloc(&X, D1);
    ck_assert_int_eq(MOD(plain, 256, 0x1234567), 0);
    ck_assert_uint_eq(pg(plain)[256], 0x1234567);
    expect_consistent(NULL, 0);
    ptf_fini(&X);
}
END_TEST

/* Writes val at l[idx] and expects rc; on success the stored value is val + U. */
static void try_flags(mfn_t l, unsigned int idx, uint64_t val, int rc)
{
    int got = MOD(l, idx, val);

    ck_assert_msg(got == rc, "entry %#llx: rc %d, want %d", (unsigned long long)val, got, rc);
    if (rc == 0)
        ck_assert_uint_eq(pg(l)[idx], val | PG_U);
}

START_TEST(flag_rules)
{
    static const uint64_t bad_any[] = { PG_PWT, PG_PCD, PG_PS };
    static const uint64_t ok_l1[] = { 0, PG_G, PG_NX, PG_AVAIL, 1ull << 52, 1ull << 61,
                                      PG_D, PG_U };
    static const uint64_t ok_upper[] = { 0, PG_NX, PG_AVAIL, 1ull << 52, 1ull << 62,
                                         PG_AVAIL_HIGH };
    struct ptf_tree t;
    mfn_t tbl[5], z[5];
    unsigned int lv, i;
    struct ptf_snap s;
    uint64_t e;

    ptf_init(&X, 256);
    pinned_tree(&t);
    tbl[1] = t.l1, tbl[2] = t.l2, tbl[3] = t.l3, tbl[4] = t.l4;
    for (lv = 1; lv <= 4; lv++) {
        uint64_t base = lv == 1 ? PTE(t.data[0], F_L1RO) : 0;

        z[lv] = ptf_alloc(&X, D1);                      /* empty: validates as anything */
        if (lv > 1)
            base = PTE(z[lv], F_UPPER);
        for (i = 0; i < 3; i++)
            try_flags(tbl[lv], 20, base | bad_any[i], -XEN_EINVAL);
        if (lv == 1) {
            try_flags(tbl[lv], 20, base | PG_GNTTAB, -XEN_EINVAL);
            for (i = 0; i < sizeof(ok_l1) / sizeof(ok_l1[0]); i++)
                try_flags(tbl[lv], 20, base | ok_l1[i], 0);
        } else {
            try_flags(tbl[lv], 20, base | PG_G, -XEN_EINVAL);
            for (i = 0; i < sizeof(ok_upper) / sizeof(ok_upper[0]); i++)
                try_flags(tbl[lv], 20, base | ok_upper[i], 0);   /* never NX/high added */
        }
        /* Address bits at or above MAXPHYADDR. */
        X.env.paddr_bits = 40;
        try_flags(tbl[lv], 21, base | (1ull << 45), -XEN_EINVAL);
        X.env.paddr_bits = 52;
        try_flags(tbl[lv], 21, base | (1ull << 51), lv == 1 ? -XEN_EPERM : -XEN_EINVAL);
        expect_consistent(NULL, 0);
    }
    /* Non-present entries are free-form and stored as written. */
    ck_assert_int_eq(MOD(t.l1, 20, ~PG_P), 0);
    ck_assert_uint_eq(pg(t.l1)[20], ~PG_P);
    /* Mini-OS set_readonly: read back (with the U we added), clear RW, write back. */
    e = pg(t.l1)[0];
    ptf_snap_take(&X, &s);
    ck_assert_int_eq(MOD(t.l1, 0, e), 0);
    ck_assert_uint_eq(ptf_snap_diff(&X, &s, 1), INVALID_MFN);
    ptf_snap_free(&s);
    ck_assert_int_eq(MOD(t.l1, 0, e & ~PG_RW), 0);
    ck_assert_uint_eq(pg(t.l1)[0], e & ~PG_RW);
    e = pg(t.l2)[0];
    ck_assert_int_eq(MOD(t.l2, 0, e), 0);
    ck_assert_uint_eq(pg(t.l2)[0], e);
    expect_consistent(NULL, 0);
    ptf_fini(&X);
}
END_TEST

START_TEST(entry_target_classes)
{
    struct ptf_tree t;
    mfn_t gone;

    ptf_init(&X, 256);
    pinned_tree(&t);
    gone = ptf_alloc(&X, D1);
    ck_assert_int_eq(frames_free(&X.fa, gone, 0), 0);
    ck_assert_int_eq(MOD(t.l1, 30, PTE(PTF_BASE + 1, F_L1RO)), -XEN_EPERM);   /* reserved */
    ck_assert_int_eq(MOD(t.l1, 30, PTE(PTF_BASE + X.nr + 5, F_L1RO)), -XEN_EPERM);
    ck_assert_int_eq(MOD(t.l1, 30, PTE(0, F_L1RO)), -XEN_EPERM);
    ck_assert_int_eq(MOD(t.l1, 30, PTE(gone, F_L1RO)), -XEN_EINVAL);          /* free */
    ck_assert_int_eq(MOD(t.l2, 30, PTE(PTF_BASE + 1, F_UPPER)), -XEN_EINVAL);
    ck_assert_int_eq(MOD(t.l2, 30, PTE(PTF_BASE + X.nr + 5, F_UPPER)), -XEN_EINVAL);
    ck_assert_int_eq(MOD(t.l2, 30, PTE(gone, F_UPPER)), -XEN_EINVAL);
    /* L2e onto an L3 (wrong level) and onto an L1 of the right level. */
    ck_assert_int_eq(MOD(t.l2, 30, PTE(t.l3, F_UPPER)), -XEN_EINVAL);
    ck_assert_int_eq(MOD(t.l2, 30, PTE(t.l1, F_UPPER)), 0);
    expect_frame(t.l1, 3, 2, FRAME_TYPE_L1, VALID);
    ck_assert_int_eq(MOD(t.l1, 30, 0), 0);
    ck_assert_int_eq(MOD(t.l1, 512, 0), -XEN_EINVAL);
    ck_assert_int_eq(pt_mod_entry(ENV, D1, D1, t.l1, 30, 0, 2), -XEN_EINVAL);
    ck_assert_int_eq(MOD(PTF_BASE + 1, 0, 0), -XEN_EINVAL);
    expect_consistent(NULL, 0);
    ptf_fini(&X);
}
END_TEST

START_TEST(replace_entry_refs)
{
    struct ptf_tree t;
    struct ptf_snap s;
    uint64_t e;

    ptf_init(&X, 256);
    pinned_tree(&t);
    /* Replacing an entry by itself changes nothing. */
    ptf_snap_take(&X, &s);
    e = pg(t.l1)[0];
    ck_assert_int_eq(MOD(t.l1, 0, e), 0);
    e = pg(t.l3)[0];
    ck_assert_int_eq(MOD(t.l3, 0, e), 0);
    ck_assert_uint_eq(ptf_snap_diff(&X, &s, 1), INVALID_MFN);
    ptf_snap_free(&s);
    /* RW -> RO drops exactly the writable type ref. */
    ck_assert_int_eq(MOD(t.l1, 0, PTE(t.data[0], F_L1RO)), 0);
    expect_frame(t.data[0], 1, 0, FRAME_TYPE_WRITABLE, 0);
    /* Another target: the old one loses its ref, the new one gains. */
    ck_assert_int_eq(MOD(t.l1, 0, PTE(t.data[1], F_L1RW)), 0);
    expect_frame(t.data[0], 0, 0, FRAME_TYPE_WRITABLE, 0);
    expect_frame(t.data[1], 2, 2, FRAME_TYPE_WRITABLE, 0);
    /* Unhooking an L1 devalidates it and releases what its entries held. */
    ck_assert_int_eq(MOD(t.l2, 0, 0), 0);
    expect_frame(t.l1, 0, 0, FRAME_TYPE_L1, 0);
    expect_frame(t.data[1], 0, 0, FRAME_TYPE_WRITABLE, 0);
    expect_frame(t.l4, 1, 1, FRAME_TYPE_L4, PINNED);
    expect_frame(t.l3, 1, 1, FRAME_TYPE_L3, VALID);
    expect_frame(t.l2, 1, 1, FRAME_TYPE_L2, VALID);
    expect_consistent(NULL, 0);
    /* Hooking it back revalidates it. */
    ck_assert_int_eq(MOD(t.l2, 0, PTE(t.l1, F_UPPER)), 0);
    expect_frame(t.l1, 2, 1, FRAME_TYPE_L1, VALID);
    expect_frame(t.data[1], 2, 2, FRAME_TYPE_WRITABLE, 0);
    /* Unhooking the L3 takes the whole subtree down. */
    ck_assert_int_eq(MOD(t.l4, 0, 0), 0);
    expect_frame(t.l3, 0, 0, FRAME_TYPE_L3, 0);
    expect_frame(t.l2, 0, 0, FRAME_TYPE_L2, 0);
    expect_frame(t.l1, 0, 0, FRAME_TYPE_L1, 0);
    expect_frame(t.l4, 1, 1, FRAME_TYPE_L4, PINNED);
    expect_consistent(NULL, 0);
    ptf_fini(&X);
}
END_TEST

START_TEST(preserve_ad)
{
    struct ptf_tree t;
    uint64_t v = PTE(0, PG_P | PG_RW);

    ptf_init(&X, 256);
    pinned_tree(&t);
    v |= PTE(t.data[0], 0);
    pg(t.l1)[0] |= PG_A | PG_D;                 /* as the hardware would */
    ck_assert_int_eq(pt_mod_entry(ENV, D1, D1, t.l1, 0, v, PT_MOD_PRESERVE_AD), 0);
    ck_assert_uint_eq(pg(t.l1)[0], v | PG_U | PG_A | PG_D);
    ck_assert_int_eq(pt_mod_entry(ENV, D1, D1, t.l1, 0, v, 0), 0);
    ck_assert_uint_eq(pg(t.l1)[0], v | PG_U);
    pg(t.l1)[1] |= PG_D;
    ck_assert_int_eq(pt_mod_entry(ENV, D1, D1, t.l1, 1, 0, PT_MOD_PRESERVE_AD), 0);
    ck_assert_uint_eq(pg(t.l1)[1], 0);
    expect_consistent(NULL, 0);
    ptf_fini(&X);
}
END_TEST

START_TEST(validation_failure_leaves_no_trace)
{
    struct ptf_tree t;
    struct ptf_snap s;
    mfn_t sl3, l3b, l2b, l2c, l1c, l1d;
    static const uint64_t bad[] = { F_L1RO | PG_PCD, F_L1RW, F_L1RO };
    static const int want[] = { -XEN_EINVAL, -XEN_EBUSY, -XEN_EPERM };
    unsigned int k;

    ptf_init(&X, 256);
    ptf_build_tree(&X, D1, &t);
    sl3 = ptf_alloc(&X, D1);
    ck_assert_int_eq(pt_pin(ENV, D1, sl3, 3), 0);          /* an existing, pinned L3 */
    l3b = ptf_alloc(&X, D1);
    l2b = ptf_alloc(&X, D1);
    l2c = ptf_alloc(&X, D1);
    l1c = ptf_alloc(&X, D1);
    l1d = ptf_alloc(&X, D1);
    pg(t.l4)[1] = PTE(t.l4, F_LINEAR);                     /* self-map, taken first */
    pg(t.l4)[2] = PTE(sl3, F_UPPER);
    pg(t.l4)[3] = PTE(l3b, F_UPPER);
    pg(l3b)[0] = PTE(l2b, F_UPPER);
    pg(l3b)[1] = PTE(l2b, F_UPPER);                        /* shared, validated once */
    pg(l3b)[2] = PTE(l2c, F_UPPER);
    pg(l2b)[0] = PTE(l1c, F_UPPER);
    pg(l1c)[0] = PTE(t.data[2], F_L1RW);
    pg(l1c)[1] = PTE(sl3, F_L1RO);
    pg(l2c)[0] = PTE(l1d, F_UPPER);
    pg(l1d)[0] = PTE(t.data[3], F_L1RW);
    for (k = 0; k < 3; k++) {
        mfn_t target = k == 0 ? t.data[1] : k == 1 ? l3b : PTF_BASE + 2;

        pg(l1d)[511] = PTE(target, bad[k]);
        ptf_snap_take(&X, &s);
        ck_assert_int_eq(pt_pin(ENV, D1, t.l4, 4), want[k]);
        ck_assert_uint_eq(ptf_snap_diff(&X, &s, 0), INVALID_MFN);
        ck_assert_uint_eq(fr(t.l4)->type, FRAME_TYPE_NONE);
        ptf_snap_free(&s);
        expect_consistent(NULL, 0);
    }
    pg(l1d)[511] = PTE(t.data[1], F_L1RO);
    ck_assert_int_eq(pt_pin(ENV, D1, t.l4, 4), 0);
    expect_frame(t.l4, 2, 1, FRAME_TYPE_L4, PINNED);       /* pin, l1[4]; self: none */
    expect_frame(sl3, 3, 2, FRAME_TYPE_L3, PINNED);        /* pin, l4[2], l1c[1] */
    expect_frame(l2b, 2, 2, FRAME_TYPE_L2, VALID);
    expect_frame(t.data[1], 2, 1, FRAME_TYPE_WRITABLE, 0);
    expect_consistent(NULL, 0);
    ptf_fini(&X);
}
END_TEST

START_TEST(walk_l1e)
{
    struct ptf_tree t;
    mfn_t l1 = 0, l3h, l2h, l1h;
    unsigned int idx = 0;

    ptf_init(&X, 256);
    pinned_tree(&t);
    ck_assert_int_eq(pt_walk_l1e(ENV, t.l4, 0, &l1, &idx), 0);
    ck_assert_uint_eq(l1, t.l1);
    ck_assert_uint_eq(idx, 0);
    ck_assert_int_eq(pt_walk_l1e(ENV, t.l4, 0x1fffff, &l1, &idx), 0);
    ck_assert_uint_eq(idx, 511);
    ck_assert_int_eq(pt_walk_l1e(ENV, t.l4, 1ull << 63, &l1, &idx), -XEN_EINVAL);  /* xsa-279 */
    ck_assert_int_eq(pt_walk_l1e(ENV, t.l4, 0x0000800000000000ull, &l1, &idx), -XEN_EINVAL);
    ck_assert_int_eq(pt_walk_l1e(ENV, t.l4, 0xFFFF7FFFFFFFFFFFull, &l1, &idx), -XEN_EINVAL);
    ck_assert_int_eq(pt_walk_l1e(ENV, t.l4, 0x200000, &l1, &idx), -XEN_EINVAL);  /* no L2e */
    ck_assert_int_eq(pt_walk_l1e(ENV, t.l4, 1ull << 39, &l1, &idx), -XEN_EINVAL); /* no L4e */
    ck_assert_int_eq(pt_walk_l1e(ENV, t.l3, 0, &l1, &idx), -XEN_EINVAL);         /* not L4 */
    ck_assert_int_eq(pt_walk_l1e(ENV, t.data[0], 0, &l1, &idx), -XEN_EINVAL);
    ck_assert_int_eq(pt_walk_l1e(ENV, PTF_BASE + 1, 0, &l1, &idx), -XEN_EINVAL);
    ck_assert_int_eq(pt_walk_l1e(ENV, t.l4, 0, NULL, &idx), -XEN_EINVAL);
    /* Upper half: slot 272 is the guest's. */
    l3h = ptf_alloc(&X, D1);
    l2h = ptf_alloc(&X, D1);
    l1h = ptf_alloc(&X, D1);
    ck_assert_int_eq(pt_walk_l1e(ENV, t.l4, 0xFFFF880000005000ull, &l1, &idx), -XEN_EINVAL);
    ck_assert_int_eq(MOD(t.l4, 272, PTE(l3h, F_UPPER)), 0);
    ck_assert_int_eq(MOD(l3h, 0, PTE(l2h, F_UPPER)), 0);
    ck_assert_int_eq(MOD(l2h, 0, PTE(l1h, F_UPPER)), 0);
    ck_assert_int_eq(pt_walk_l1e(ENV, t.l4, 0xFFFF880000005000ull, &l1, &idx), 0);
    ck_assert_uint_eq(l1, l1h);
    ck_assert_uint_eq(idx, 5);
    /* xsa-286: the walk sees an L3 update at once. */
    ck_assert_int_eq(MOD(l3h, 0, 0), 0);
    ck_assert_int_eq(pt_walk_l1e(ENV, t.l4, 0xFFFF880000005000ull, &l1, &idx), -XEN_EINVAL);
    expect_consistent(NULL, 0);
    ptf_fini(&X);
}
END_TEST

START_TEST(baseptr)
{
    struct ptf_tree t;
    mfn_t bp = INVALID_MFN, b, w, bad;
    struct pt_hold h[2];

    ptf_init(&X, 256);
    ptf_build_tree(&X, D1, &t);
    ck_assert_int_eq(pt_set_baseptr(ENV, D1, &bp, t.l4), 0);
    ck_assert_uint_eq(bp, t.l4);
    expect_frame(t.l4, 2, 1, FRAME_TYPE_L4, VALID);
    h[0] = (struct pt_hold){ bp, FRAME_TYPE_L4 };
    expect_consistent(h, 1);
    ck_assert_int_eq(pt_set_baseptr(ENV, D1, &bp, t.l4), 0);  /* same: no change */
    expect_frame(t.l4, 2, 1, FRAME_TYPE_L4, VALID);
    b = ptf_alloc(&X, D1);
    ck_assert_int_eq(pt_set_baseptr(ENV, D1, &bp, b), 0);
    ck_assert_uint_eq(bp, b);
    expect_frame(t.l4, 0, 0, FRAME_TYPE_L4, 0);
    expect_frame(t.data[0], 0, 0, FRAME_TYPE_WRITABLE, 0);
    h[0].mfn = b;
    expect_consistent(h, 1);
    /* A frame with a writable ref cannot become CR3. */
    w = ptf_alloc(&X, D1);
    ck_assert_int_eq(pt_get_page_and_type(ENV, D1, w, FRAME_TYPE_WRITABLE), 0);
    ck_assert_int_eq(pt_set_baseptr(ENV, D1, &bp, w), -XEN_EINVAL);
    ck_assert_uint_eq(bp, b);
    ck_assert_int_eq(pt_set_baseptr(ENV, D2, &bp, t.l4), -XEN_EINVAL);
    bad = t.data[1];                            /* holds no L4 ref */
    ck_assert_int_eq(pt_set_baseptr(ENV, D1, &bad, b), -XEN_EINVAL);
    h[1] = (struct pt_hold){ w, FRAME_TYPE_WRITABLE };
    expect_consistent(h, 2);
    ck_assert_int_eq(pt_set_baseptr(ENV, D1, &bp, INVALID_MFN), 0);
    ck_assert_uint_eq(bp, INVALID_MFN);
    expect_frame(b, 0, 0, FRAME_TYPE_L4, 0);
    ck_assert_int_eq(pt_put_page_and_type(ENV, w), 0);
    expect_consistent(NULL, 0);
    ptf_fini(&X);
}
END_TEST

START_TEST(relinquish_cycles_and_shared_subtrees)
{
    struct ptf_tree t2;
    mfn_t a, b, c, l3a, l2a, l2b, l1s, data, gdt, bp = INVALID_MFN;
    struct ptf_snap s;

    ptf_init(&X, 256);
    ptf_build_tree(&X, D2, &t2);                    /* a bystander */
    ck_assert_int_eq(pt_pin(ENV, D2, t2.l4, 4), 0);
    a = ptf_alloc(&X, D1);
    b = ptf_alloc(&X, D1);
    c = ptf_alloc(&X, D1);
    l3a = ptf_alloc(&X, D1);
    l2a = ptf_alloc(&X, D1);
    l2b = ptf_alloc(&X, D1);
    l1s = ptf_alloc(&X, D1);
    data = ptf_alloc(&X, D1);
    gdt = ptf_alloc(&X, D1);
    pg(a)[0] = PTE(l3a, F_UPPER);
    pg(a)[1] = PTE(l3a, F_UPPER);
    pg(a)[510] = PTE(a, F_LINEAR);
    pg(a)[511] = PTE(b, F_LINEAR);
    pg(l3a)[0] = PTE(l2a, F_UPPER);
    pg(l3a)[1] = PTE(l2b, F_UPPER);
    pg(l2a)[0] = PTE(l1s, F_UPPER);
    pg(l2b)[0] = PTE(l1s, F_UPPER);                 /* one L1 under two L2s */
    pg(l1s)[0] = PTE(data, F_L1RW);
    pg(l1s)[1] = PTE(a, F_L1RO);
    pg(l1s)[2] = PTE(l1s, F_L1RO);
    ck_assert_int_eq(pt_pin(ENV, D1, b, 4), 0);
    ck_assert_int_eq(pt_pin(ENV, D1, a, 4), 0);
    ck_assert_int_eq(MOD(b, 511, PTE(a, F_LINEAR)), 0);            /* a <-> b cycle */
    ck_assert_int_eq(MOD(l3a, 5, PTE(l3a, F_LINEAR)), 0);
    ck_assert_int_eq(MOD(l2a, 5, PTE(l2b, F_LINEAR)), 0);
    ck_assert_int_eq(pt_mod_entry(ENV, D1, D2, l1s, 4, PTE(t2.data[1], F_L1RW), 0), 0);
    ck_assert_int_eq(pt_pin(ENV, D1, c, 4), 0);
    ck_assert_int_eq(MOD(c, 510, PTE(c, F_LINEAR)), 0);
    ck_assert_int_eq(pt_unpin(ENV, D1, c), 0);                    /* self-map: gone */
    expect_frame(c, 0, 0, FRAME_TYPE_L4, 0);
    ck_assert_int_eq(pt_unpin(ENV, D1, a), 0);                    /* kept by the cycle */
    ck_assert_int_eq(pt_unpin(ENV, D1, b), 0);
    expect_frame(a, 2, 1, FRAME_TYPE_L4, VALID);      /* b[511], l1s[1] */
    expect_frame(b, 1, 1, FRAME_TYPE_L4, VALID);
    expect_frame(l1s, 3, 2, FRAME_TYPE_L1, VALID);
    expect_frame(t2.data[1], 2, 2, FRAME_TYPE_WRITABLE, 0);
    ck_assert_int_eq(pt_set_baseptr(ENV, D1, &bp, a), 0);
    ck_assert_int_eq(pt_get_page_and_type(ENV, D1, gdt, FRAME_TYPE_SEG_DESC), 0);
    ck_assert_int_eq(pt_put_page_and_type(ENV, gdt), 0);
    ck_assert_int_eq(pt_set_baseptr(ENV, D1, &bp, INVALID_MFN), 0);
    expect_consistent(NULL, 0);
    ptf_snap_take(&X, &s);
    ck_assert_uint_eq(pt_domain_relinquish(ENV, D1), 0);
    expect_released(D1);
    expect_frame(t2.data[1], 1, 1, FRAME_TYPE_WRITABLE, 0);   /* D2's own mapping */
    expect_consistent(NULL, 0);
    free_all(D1);
    ck_assert_uint_eq(pt_domain_relinquish(ENV, D2), 0);
    free_all(D2);
    ck_assert_uint_eq(X.fa.nr_free, X.fa.nr_managed);
    ptf_snap_free(&s);
    ptf_fini(&X);
}
END_TEST

#define CHAIN 3000

/* XSA-240 shape: L4s chained by linear entries, only the head pinned. Dropping the
 * head must release the whole chain without recursion. */
static void build_chain(mfn_t *x)
{
    unsigned int k;

    for (k = 0; k < CHAIN; k++)
        x[k] = ptf_alloc(&X, D1);
    ck_assert_int_eq(pt_pin(ENV, D1, x[CHAIN - 1], 4), 0);
    for (k = CHAIN - 1; k-- > 0;) {
        pg(x[k])[k % 256] = PTE(x[k + 1], F_LINEAR);
        UNIT_REQUIRE(pt_pin(ENV, D1, x[k], 4) == 0, "pin %u", k);
        UNIT_REQUIRE(pt_unpin(ENV, D1, x[k + 1]) == 0, "unpin %u", k + 1);
    }
    expect_frame(x[0], 1, 1, FRAME_TYPE_L4, PINNED);
    expect_frame(x[1], 1, 1, FRAME_TYPE_L4, VALID);
    expect_frame(x[CHAIN - 1], 1, 1, FRAME_TYPE_L4, VALID);
    expect_consistent(NULL, 0);
}

START_TEST(long_linear_chain)
{
    static mfn_t x[CHAIN];

    ptf_init(&X, CHAIN + 64);
    build_chain(x);
    ck_assert_int_eq(pt_unpin(ENV, D1, x[0]), 0);
    expect_released(D1);
    expect_consistent(NULL, 0);
    free_all(D1);
    build_chain(x);
    ck_assert_uint_eq(pt_domain_relinquish(ENV, D1), 0);
    expect_released(D1);
    free_all(D1);
    ptf_fini(&X);
}
END_TEST

START_TEST(seg_desc)
{
    struct ptf_tree t;
    struct pt_hold h = { 0, FRAME_TYPE_SEG_DESC };
    struct ptf_snap s;
    mfn_t w, z;

    ptf_init(&X, 256);
    pinned_tree(&t);
    w = ptf_alloc(&X, D1);
    ck_assert_int_eq(MOD(t.l1, 10, PTE(w, F_L1RW)), 0);
    ck_assert_int_eq(pt_get_page_and_type(ENV, D1, w, FRAME_TYPE_SEG_DESC), -XEN_EINVAL);
    ck_assert_int_eq(MOD(t.l1, 10, 0), 0);
    ck_assert_int_eq(pt_get_page_and_type(ENV, D1, w, FRAME_TYPE_SEG_DESC), 0);
    ck_assert_uint_eq(X.last_new, FRAME_TYPE_SEG_DESC);
    ck_assert_int_eq(MOD(t.l1, 10, PTE(w, F_L1RW)), -XEN_EBUSY);
    ck_assert_int_eq(MOD(t.l1, 10, PTE(w, F_L1RO)), 0);
    ck_assert_int_eq(MOD(w, 0, 0x1234), -XEN_EBUSY);                /* plain write */
    ck_assert_int_eq(pt_pin(ENV, D1, w, 1), -XEN_EINVAL);
    ck_assert_int_eq(pt_get_page_and_type(ENV, D1, w, FRAME_TYPE_SEG_DESC), 0);
    expect_frame(w, 3, 2, FRAME_TYPE_SEG_DESC, 0);
    h.mfn = w;
    {
        struct pt_hold hh[2] = { h, h };

        expect_consistent(hh, 2);
    }
    ck_assert_int_eq(pt_put_page_and_type(ENV, w), 0);
    ck_assert_int_eq(pt_put_page_and_type(ENV, w), 0);
    expect_frame(w, 1, 0, FRAME_TYPE_SEG_DESC, 0);
    /* Descriptor check refuses: nothing taken. */
    z = ptf_alloc(&X, D1);
    pg(z)[0] = PTF_BAD_SEG_DESC;
    ptf_snap_take(&X, &s);
    ck_assert_int_eq(pt_get_page_and_type(ENV, D1, z, FRAME_TYPE_SEG_DESC), -XEN_EINVAL);
    ck_assert_uint_eq(ptf_snap_diff(&X, &s, 1), INVALID_MFN);
    ptf_snap_free(&s);
    expect_consistent(NULL, 0);
    ptf_fini(&X);
}
END_TEST

START_TEST(type_change_hook)
{
    struct ptf_tree t;
    mfn_t f;

    ptf_init(&X, 256);
    pinned_tree(&t);
    ck_assert_uint_eq(X.type_changes, 0);
    f = ptf_alloc(&X, D1);
    ck_assert_int_eq(pt_pin(ENV, D1, f, 1), 0);                     /* NONE -> L1 */
    ck_assert_int_eq(pt_unpin(ENV, D1, f), 0);
    ck_assert_int_eq(pt_pin(ENV, D1, f, 1), 0);                     /* L1 -> L1 */
    ck_assert_int_eq(pt_unpin(ENV, D1, f), 0);
    ck_assert_uint_eq(X.type_changes, 0);
    ck_assert_int_eq(MOD(t.l1, 11, PTE(f, F_L1RW)), 0);             /* L1 -> WRITABLE */
    ck_assert_uint_eq(X.type_changes, 1);
    ck_assert_uint_eq(X.last_old, FRAME_TYPE_L1);
    ck_assert_int_eq(MOD(t.l1, 11, 0), 0);
    ck_assert_int_eq(pt_pin(ENV, D1, f, 2), 0);                     /* WRITABLE -> L2 */
    ck_assert_uint_eq(X.type_changes, 2);
    ck_assert_int_eq(pt_unpin(ENV, D1, f), 0);
    ck_assert_int_eq(MOD(f, 3, 0x55), 0);                           /* plain: L2 -> W */
    ck_assert_uint_eq(X.type_changes, 3);
    ck_assert_uint_eq(X.last_old, FRAME_TYPE_L2);
    ck_assert_uint_eq(X.last_new, FRAME_TYPE_WRITABLE);
    ck_assert_uint_eq(X.hook_errors, 0);
    expect_consistent(NULL, 0);
    ptf_fini(&X);
}
END_TEST

START_TEST(count_limit)
{
    struct ptf_tree t;
    mfn_t f;

    ptf_init(&X, 256);
    pinned_tree(&t);
    f = ptf_alloc(&X, D1);
    fr(f)->count = 0xFFFF0000u;
    ck_assert_int_eq(pt_get_page(ENV, D1, f), -XEN_EINVAL);
    ck_assert_int_eq(MOD(t.l1, 12, PTE(f, F_L1RO)), -XEN_EINVAL);
    ck_assert_int_eq(MOD(t.l2, 12, PTE(f, F_UPPER)), -XEN_EINVAL);
    ck_assert_int_eq(pt_pin(ENV, D1, f, 1), -XEN_EINVAL);
    ck_assert_uint_eq(fr(f)->count, 0xFFFF0000u);
    ck_assert_uint_eq(fr(f)->type_count, 0);
    fr(f)->count = 0;
    expect_consistent(NULL, 0);
    ptf_fini(&X);
}
END_TEST

START_TEST(general_refs_and_refusals)
{
    struct ptf_tree t;
    struct pt_hold h = { 0, FRAME_TYPE_NONE };
    uint32_t small[4];
    mfn_t f;

    ptf_init(&X, 256);
    pinned_tree(&t);
    f = ptf_alloc(&X, D1);
    ck_assert_int_eq(pt_put_page(ENV, f), -XEN_EINVAL);
    ck_assert_int_eq(pt_get_page(ENV, D2, f), -XEN_EINVAL);
    ck_assert_int_eq(pt_get_page(ENV, D1, f), 0);
    h.mfn = f;
    expect_consistent(&h, 1);
    ck_assert_int_eq(pt_put_page(ENV, f), 0);
    ck_assert_int_eq(pt_put_page(ENV, t.data[0]), -XEN_EINVAL);     /* only type refs */
    ck_assert_int_eq(pt_put_page_and_type(ENV, f), -XEN_EINVAL);    /* no type ref */
    ck_assert_int_eq(pt_put_page_and_type(ENV, PTF_BASE + 1), -XEN_EINVAL);
    ck_assert_int_eq(pt_get_page_and_type(ENV, D1, f, FRAME_TYPE_NONE), -XEN_EINVAL);
    ck_assert_int_eq(pt_get_page_and_type(ENV, D1, f, FRAME_TYPE_SEG_DESC + 1), -XEN_EINVAL);
    ck_assert_int_eq(pt_get_page_and_type(ENV, D1, t.l2, FRAME_TYPE_L3), -XEN_EINVAL);
    ck_assert_int_eq(pt_get_page_and_type(ENV, D1, t.l2, FRAME_TYPE_L2), 0);
    ck_assert_int_eq(pt_put_page_and_type(ENV, t.l2), 0);
    ck_assert_int_eq(pt_pin(NULL, D1, f, 1), -XEN_EINVAL);
    ck_assert_int_eq(pt_mod_entry(NULL, D1, D1, f, 0, 0, 0), -XEN_EINVAL);
    ck_assert_int_eq(pt_check(ENV, NULL, 0, small, 4, NULL), -PTCHK_SCRATCH);
    expect_consistent(NULL, 0);
    ptf_fini(&X);
}
END_TEST

static struct pt_check_report last_rep;

/* Applies a corruption, expects pt_check (and the oracle) to name it, undoes it; the
 * report stays in last_rep. */
#define EXPECT_CORRUPT(stmt, undo, code, where)                                  \
    do {                                                                        \
        stmt;                                                                   \
        ck_assert_int_eq(ptf_check(&X, NULL, 0), -(code));                      \
        last_rep = X.rep;                                                       \
        ck_assert_uint_eq(last_rep.mfn, (where));                               \
        ck_assert(ptf_oracle(&X, NULL, 0) != NULL);                             \
        undo;                                                                   \
        expect_consistent(NULL, 0);                                             \
    } while (0)

START_TEST(check_detects_corruption)
{
    struct ptf_tree t;
    struct pt_hold h;
    mfn_t gone;
    uint64_t e;

    ptf_init(&X, 256);
    pinned_tree(&t);
    expect_consistent(NULL, 0);
    EXPECT_CORRUPT(fr(t.l3)->count++, fr(t.l3)->count--, PTCHK_COUNT, t.l3);
    ck_assert_uint_eq(last_rep.expected, 2);
    ck_assert_uint_eq(last_rep.actual, 3);
    EXPECT_CORRUPT(fr(t.l4)->type_count++, fr(t.l4)->type_count--, PTCHK_TYPE_COUNT, t.l4);
    EXPECT_CORRUPT(fr(t.data[0])->type_count++, fr(t.data[0])->type_count--,
                   PTCHK_COUNTS, t.data[0]);
    EXPECT_CORRUPT(fr(t.l2)->flags &= ~FRAME_F_VALIDATED, fr(t.l2)->flags |= VALID,
                   PTCHK_FLAGS, t.l2);
    EXPECT_CORRUPT(fr(t.l3)->next = 5, fr(t.l3)->next = FRAME_NIL, PTCHK_LINK, t.l3);
    e = pg(t.l1)[0];
    EXPECT_CORRUPT(pg(t.l1)[0] = e & ~PG_U, pg(t.l1)[0] = e, PTCHK_ENTRY_BITS, t.l1);
    EXPECT_CORRUPT(pg(t.l1)[0] = e | PG_PCD, pg(t.l1)[0] = e, PTCHK_ENTRY_BITS, t.l1);
    EXPECT_CORRUPT(pg(t.l1)[0] = e & ~PG_RW, pg(t.l1)[0] = e, PTCHK_TYPE_COUNT, t.data[0]);
    EXPECT_CORRUPT(pg(t.l1)[0] = PTE(PTF_BASE + 1, F_L1RO | PG_U), pg(t.l1)[0] = e,
                   PTCHK_ENTRY_TARGET, t.l1);
    e = pg(t.l2)[0];
    EXPECT_CORRUPT(pg(t.l2)[0] = PTE(t.data[1], F_UPPER), pg(t.l2)[0] = e,
                   PTCHK_ENTRY_TYPE, t.l2);
    e = pg(t.l4)[260];
    EXPECT_CORRUPT(pg(t.l4)[260] = 0, pg(t.l4)[260] = e, PTCHK_HV_SLOT, t.l4);
    ck_assert_uint_eq(last_rep.index, 260);
    gone = ptf_alloc(&X, D1);
    ck_assert_int_eq(frames_free(&X.fa, gone, 0), 0);
    EXPECT_CORRUPT(fr(gone)->count = 1, fr(gone)->count = 0, PTCHK_FREE, gone);
    h = (struct pt_hold){ gone, FRAME_TYPE_NONE };
    ck_assert_int_eq(ptf_check(&X, &h, 1), -PTCHK_HOLD);
    h = (struct pt_hold){ t.l3, FRAME_TYPE_L2 };
    ck_assert_int_eq(ptf_check(&X, &h, 1), -PTCHK_HOLD);
    ptf_fini(&X);
}
END_TEST

START_TEST(plain_writes)
{
    struct ptf_tree t;
    mfn_t f, g;

    ptf_init(&X, 256);
    pinned_tree(&t);
    f = ptf_alloc(&X, D1);
    g = ptf_alloc(&X, D2);
    ck_assert_int_eq(MOD(f, 7, PTE(t.l4, F_L1RW)), 0);     /* no checks, no U added */
    ck_assert_uint_eq(pg(f)[7], PTE(t.l4, F_L1RW));
    expect_frame(f, 0, 0, FRAME_TYPE_WRITABLE, 0);
    ck_assert_int_eq(MOD(g, 0, 1), -XEN_EINVAL);            /* foreign */
    ck_assert_int_eq(MOD(t.data[0], 5, 99), 0);             /* mapped RW: fine */
    ck_assert_uint_eq(pg(t.data[0])[5], 99);
    ck_assert_int_eq(MOD(f, 512, 0), -XEN_EINVAL);
    /* The written content is validated when the frame becomes a table. */
    ck_assert_int_eq(MOD(t.l2, 40, PTE(f, F_UPPER)), -XEN_EBUSY);
    ck_assert_int_eq(MOD(f, 7, PTE(t.l4, F_L1RO)), 0);
    ck_assert_int_eq(MOD(t.l2, 40, PTE(f, F_UPPER)), 0);
    expect_frame(f, 1, 1, FRAME_TYPE_L1, VALID);
    ck_assert_uint_eq(pg(f)[7], PTE(t.l4, F_L1RO | PG_U));
    expect_consistent(NULL, 0);
    ptf_fini(&X);
}
END_TEST

START_TEST(leaked_hold_after_relinquish)
{
    struct ptf_tree t;
    mfn_t bp = INVALID_MFN, y, l1;
    unsigned int idx;

    ptf_init(&X, 256);
    ptf_build_tree(&X, D1, &t);
    ck_assert_int_eq(pt_set_baseptr(ENV, D1, &bp, t.l4), 0);
    y = ptf_alloc(&X, D1);
    ck_assert_int_eq(pt_pin(ENV, D1, y, 4), 0);
    /* The caller "forgets" the baseptr: the L4 stays referenced, nothing else. */
    ck_assert_uint_eq(pt_domain_relinquish(ENV, D1), 1);
    expect_frame(t.l4, 1, 1, FRAME_TYPE_L4, 0);
    expect_frame(t.l3, 0, 0, FRAME_TYPE_L3, 0);
    ck_assert_int_eq(ptf_check(&X, NULL, 0), -PTCHK_FLAGS);
    /* Its entries hold nothing any more, so it hands out no new refs. */
    ck_assert_int_eq(MOD(t.l4, 5, 0), -XEN_EINVAL);
    ck_assert_int_eq(pt_pin(ENV, D1, t.l4, 4), -XEN_EINVAL);
    ck_assert_int_eq(pt_pin(ENV, D1, y, 4), 0);
    ck_assert_int_eq(MOD(y, 0, PTE(t.l4, F_LINEAR)), -XEN_EINVAL);
    ck_assert_int_eq(pt_walk_l1e(ENV, t.l4, 0, &l1, &idx), -XEN_EINVAL);
    ck_assert_int_eq(pt_set_baseptr(ENV, D1, &bp, INVALID_MFN), 0);
    ck_assert_int_eq(pt_unpin(ENV, D1, y), 0);
    expect_released(D1);
    expect_consistent(NULL, 0);
    ptf_fini(&X);
}
END_TEST

/* ---------------------------------------------------------------- data refs */

/* The frame states the inline data-ref paths must agree with the state machine on. */
struct dr_state {
    uint32_t count, type_count;
    uint8_t type, flags;
};

static const struct dr_state dr_states[] = {
    { 0, 0, FRAME_TYPE_NONE, 0 },           /* fresh frame */
    { 1, 0, FRAME_TYPE_NONE, 0 },
    { 1, 0, FRAME_TYPE_WRITABLE, 0 },       /* stale WRITABLE: the inline case */
    { 3, 2, FRAME_TYPE_WRITABLE, 0 },       /* mapped RW twice */
    { 2, 2, FRAME_TYPE_WRITABLE, 0 },       /* no general ref beyond the type refs */
    { 2, 1, FRAME_TYPE_L1, VALID },         /* a live L1: no WRITABLE ref */
    { 1, 0, FRAME_TYPE_L1, 0 },             /* stale L1: type change (flush hook) */
    { 1, 0, FRAME_TYPE_SEG_DESC, 0 },
    { PT_COUNT_MAX, 0, FRAME_TYPE_WRITABLE, 0 },    /* general refs at the limit */
    { PT_COUNT_MAX - 1, 1, FRAME_TYPE_WRITABLE, 0 },
};

static void dr_set(mfn_t m, const struct dr_state *st)
{
    struct frame *f = fr(m);

    f->count = st->count;
    f->type_count = st->type_count;
    f->type = st->type;
    f->flags = (uint8_t)((f->flags & ~(FRAME_F_VALIDATED | FRAME_F_PINNED)) | st->flags);
}

/* Runs the inline path and the state machine's functions on the same state; their
 * results, frames and hook calls must be identical. */
static void dr_compare(mfn_t m, const struct dr_state *st, uint16_t owner, bool rw, bool get)
{
    struct frame fast, slow;
    unsigned long hooks;
    int rc_fast = 0, rc_slow = 0;

    dr_set(m, st);
    hooks = X.type_changes;
    if (get)
        rc_fast = pt_get_data_ref(ENV, owner, m, rw);
    else
        pt_put_data_ref(ENV, m, rw);
    if (fr(m) != NULL)
        fast = *fr(m);
    unsigned long hooks_fast = X.type_changes - hooks;

    dr_set(m, st);
    hooks = X.type_changes;
    if (get)
        rc_slow = rw ? pt_get_page_and_type(ENV, owner, m, FRAME_TYPE_WRITABLE)
                     : pt_get_page(ENV, owner, m);
    else if (rw)
        pt_put_page_and_type(ENV, m);
    else
        pt_put_page(ENV, m);
    ck_assert_msg(rc_fast == rc_slow, "state %td %s %s: rc %d, the state machine's %d",
                  st - dr_states, get ? "get" : "put", rw ? "rw" : "ro", rc_fast, rc_slow);
    ck_assert_uint_eq(hooks_fast, X.type_changes - hooks);
    if (fr(m) != NULL) {
        slow = *fr(m);
        ck_assert_msg(memcmp(&fast, &slow, sizeof(fast)) == 0,
                      "state %td %s %s: frame count %u/%u type %u flags %#x, the state "
                      "machine's %u/%u type %u flags %#x", st - dr_states,
                      get ? "get" : "put", rw ? "rw" : "ro", fast.count, fast.type_count,
                      fast.type, fast.flags, slow.count, slow.type_count, slow.type,
                      slow.flags);
    }
}

START_TEST(data_refs_match_the_state_machine)
{
    mfn_t m;

    ptf_init(&X, 64);
    m = ptf_alloc(&X, D1);
    for (size_t i = 0; i < sizeof(dr_states) / sizeof(dr_states[0]); i++)
        for (int rw = 0; rw < 2; rw++)
            for (int get = 0; get < 2; get++) {
                dr_compare(m, &dr_states[i], D1, rw, get);
                dr_compare(m, &dr_states[i], D2, rw, get);     /* foreign */
            }
    /* Frames that are not RAM a domain owns: reserved, free, outside the table. */
    for (int rw = 0; rw < 2; rw++) {
        ck_assert_int_eq(pt_get_data_ref(ENV, D1, PTF_BASE, rw), -XEN_EINVAL);
        ck_assert_int_eq(pt_get_data_ref(ENV, D1, m + 1, rw), -XEN_EINVAL);
        ck_assert_int_eq(pt_get_data_ref(ENV, D1, PTF_BASE + 64, rw), -XEN_EINVAL);
        ck_assert_int_eq(pt_get_data_ref(ENV, D1, 1, rw), -XEN_EINVAL);
    }
    dr_set(m, &dr_states[0]);
    ptf_fini(&X);
}
END_TEST

/* ---------------------------------------------------------------- grant mappings */

#define GNT(m, rw) pt_grant_l1e((m), (rw))

START_TEST(grant_install_and_remove)
{
    struct ptf_tree t;
    struct ptf_snap s;
    mfn_t f, g, p;

    ptf_init(&X, 256);
    pinned_tree(&t);
    f = ptf_alloc(&X, D2);                  /* granted writable */
    g = ptf_alloc(&X, D2);                  /* granted read-only */
    p = ptf_alloc(&X, D2);                  /* one of D2's page tables */
    ck_assert_int_eq(pt_pin(ENV, D2, p, 1), 0);
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, t.l1, 20, D2, f, true, 0), 0);
    ck_assert_uint_eq(pg(t.l1)[20], PTE(f, PG_P | PG_RW | PG_A | PG_D | PG_U) | PG_NX |
                                    PG_GNTTAB);
    expect_frame(f, 1, 1, FRAME_TYPE_WRITABLE, 0);
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, t.l1, 21, D2, g, false, 0), 0);
    expect_frame(g, 1, 0, FRAME_TYPE_NONE, 0);
    /* Read-only onto a page table is fine, writable is not. */
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, t.l1, 22, D2, p, false, 0), 0);
    expect_frame(p, 2, 1, FRAME_TYPE_L1, PINNED);
    expect_consistent(NULL, 0);
    ptf_snap_take(&X, &s);
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, t.l1, 23, D2, p, true, 0), -XEN_EBUSY);
    /* Refusals: wrong frame owner, not a validated L1 of the mapper, bad index, a
     * grant already in the slot. */
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, t.l1, 23, D1, f, true, 0), -XEN_EINVAL);
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, t.l2, 23, D2, f, true, 0), -XEN_EINVAL);
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D2, t.l1, 23, D2, f, true, 0), -XEN_EINVAL);
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, p, 23, D2, f, true, 0), -XEN_EINVAL);
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, t.data[1], 23, D2, f, true, 0), -XEN_EINVAL);
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, t.l1, 512, D2, f, true, 0), -XEN_EINVAL);
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, t.l1, 20, D2, g, false, 0), -XEN_EINVAL);
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, t.l1, 23, D2, PTF_BASE + 1, false, 0),
                     -XEN_EINVAL);
    ck_assert_uint_eq(pg(t.l1)[23], 0);
    ck_assert_uint_eq(ptf_snap_diff(&X, &s, 1), INVALID_MFN);
    /* The guest can neither overwrite nor clear a grant entry, nor write one. */
    ck_assert_int_eq(MOD(t.l1, 20, 0), -XEN_EINVAL);
    ck_assert_int_eq(MOD(t.l1, 20, PTE(t.data[3], F_L1RO)), -XEN_EINVAL);
    ck_assert_int_eq(MOD(t.l1, 20, pg(t.l1)[20]), -XEN_EINVAL);           /* write-back */
    ck_assert_int_eq(pt_mod_entry(ENV, D1, D1, t.l1, 20, 0, PT_MOD_PRESERVE_AD), -XEN_EINVAL);
    ck_assert_int_eq(MOD(t.l1, 24, GNT(t.data[3], false)), -XEN_EINVAL);
    ck_assert_uint_eq(ptf_snap_diff(&X, &s, 1), INVALID_MFN);
    ptf_snap_free(&s);
    /* XSA-224: the frame's writable grant keeps it from becoming a table. */
    ck_assert_int_eq(pt_pin(ENV, D2, f, 1), -XEN_EINVAL);
    /* A grant mapped over an ordinary entry replaces it and drops its refs; 1 asks
     * the caller to flush the old translation. */
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, t.l1, 0, D2, g, false, 0), 1);
    expect_frame(t.data[0], 0, 0, FRAME_TYPE_WRITABLE, 0);
    expect_frame(g, 2, 0, FRAME_TYPE_NONE, 0);
    expect_consistent(NULL, 0);
    /* Removal must name exactly the grant entry in the slot. */
    ptf_snap_take(&X, &s);
    ck_assert_int_eq(pt_remove_grant_l1e(ENV, D1, t.l1, 20, f, false, INVALID_MFN, 0),
                     -XEN_EINVAL);
    ck_assert_int_eq(pt_remove_grant_l1e(ENV, D1, t.l1, 20, g, true, INVALID_MFN, 0),
                     -XEN_EINVAL);
    ck_assert_int_eq(pt_remove_grant_l1e(ENV, D1, t.l1, 19, f, true, INVALID_MFN, 0),
                     -XEN_EINVAL);
    ck_assert_int_eq(pt_remove_grant_l1e(ENV, D2, t.l1, 20, f, true, INVALID_MFN, 0),
                     -XEN_EINVAL);
    ck_assert_int_eq(pt_remove_grant_l1e(ENV, D1, t.l1, 512, f, true, INVALID_MFN, 0),
                     -XEN_EINVAL);
    ck_assert_int_eq(pt_remove_grant_l1e(ENV, D1, t.l1, 20, f, true, t.l1, 20),
                     -XEN_EINVAL);                                  /* same slot */
    ck_assert_int_eq(pt_remove_grant_l1e(ENV, D1, t.l1, 20, f, true, t.l2, 3),
                     -XEN_EINVAL);                                  /* not an L1 */
    ck_assert_int_eq(pt_remove_grant_l1e(ENV, D1, t.l1, 3, t.data[3], true, INVALID_MFN, 0),
                     -XEN_EINVAL);                                  /* ordinary entry */
    ck_assert_uint_eq(ptf_snap_diff(&X, &s, 1), INVALID_MFN);
    ptf_snap_free(&s);
    /* Hardware-set A/D (already there) and a correct removal. */
    ck_assert_int_eq(pt_remove_grant_l1e(ENV, D1, t.l1, 20, f, true, INVALID_MFN, 0), 0);
    ck_assert_uint_eq(pg(t.l1)[20], 0);
    expect_frame(f, 0, 0, FRAME_TYPE_WRITABLE, 0);
    ck_assert_int_eq(pt_pin(ENV, D2, f, 1), 0);
    ck_assert_int_eq(pt_remove_grant_l1e(ENV, D1, t.l1, 21, g, false, INVALID_MFN, 0), 0);
    ck_assert_int_eq(pt_remove_grant_l1e(ENV, D1, t.l1, 22, p, false, INVALID_MFN, 0), 0);
    ck_assert_int_eq(pt_remove_grant_l1e(ENV, D1, t.l1, 0, g, false, INVALID_MFN, 0), 0);
    expect_frame(g, 0, 0, FRAME_TYPE_NONE, 0);
    expect_frame(p, 1, 1, FRAME_TYPE_L1, PINNED);
    expect_consistent(NULL, 0);
    ptf_fini(&X);
}
END_TEST

/* XSA-234: unmap_and_replace of a read-only grant at 8K with the PTE at 4K, which is
 * a writable grant: the writable entry moves with its refs, the read-only one goes. */
START_TEST(grant_replace_moves_entry)
{
    struct ptf_tree t;
    mfn_t f1, f2, l1b;

    ptf_init(&X, 256);
    pinned_tree(&t);
    f1 = ptf_alloc(&X, D2);
    f2 = ptf_alloc(&X, D2);
    /* Slots 1 and 2 map data pages: 1 = a present entry was replaced. */
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, t.l1, 1, D2, f1, true, 0), 1);
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, t.l1, 2, D2, f2, false, 0), 1);
    ck_assert_int_eq(pt_remove_grant_l1e(ENV, D1, t.l1, 2, f2, false, t.l1, 1), 0);
    ck_assert_uint_eq(pg(t.l1)[1], 0);
    ck_assert_uint_eq(pg(t.l1)[2], GNT(f1, true));
    expect_frame(f1, 1, 1, FRAME_TYPE_WRITABLE, 0);
    expect_frame(f2, 0, 0, FRAME_TYPE_NONE, 0);
    expect_consistent(NULL, 0);
    /* 4K now holds an ordinary read-only mapping: "unmapping" f1 there fails. */
    ck_assert_int_eq(MOD(t.l1, 1, PTE(t.data[1], F_L1RO)), 0);
    ck_assert_int_eq(pt_remove_grant_l1e(ENV, D1, t.l1, 1, f1, true, INVALID_MFN, 0),
                     -XEN_EINVAL);
    ck_assert_int_eq(pt_pin(ENV, D2, f1, 1), -XEN_EINVAL);
    /* An ordinary entry moves too, into another L1, without changing counts. */
    l1b = ptf_alloc(&X, D1);
    ck_assert_int_eq(MOD(t.l2, 1, PTE(l1b, F_UPPER)), 0);
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, l1b, 7, D2, f2, false, 0), 0);
    ck_assert_int_eq(pt_remove_grant_l1e(ENV, D1, l1b, 7, f2, false, t.l1, 3), 0);
    ck_assert_uint_eq(pg(l1b)[7], PTE(t.data[3], F_L1RW | PG_U));
    ck_assert_uint_eq(pg(t.l1)[3], 0);
    expect_frame(t.data[3], 1, 1, FRAME_TYPE_WRITABLE, 0);
    /* A non-present new slot just clears the grant slot. */
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, l1b, 8, D2, f2, false, 0), 0);
    ck_assert_int_eq(pt_remove_grant_l1e(ENV, D1, l1b, 8, f2, false, t.l1, 100), 0);
    ck_assert_uint_eq(pg(l1b)[8], 0);
    expect_consistent(NULL, 0);
    ck_assert_int_eq(pt_remove_grant_l1e(ENV, D1, t.l1, 2, f1, true, INVALID_MFN, 0), 0);
    ck_assert_int_eq(pt_pin(ENV, D2, f1, 1), 0);
    expect_consistent(NULL, 0);
    ptf_fini(&X);
}
END_TEST

START_TEST(grant_devalidation_and_teardown)
{
    struct ptf_tree t;
    mfn_t f, g, l1b;
    uint64_t e;

    ptf_init(&X, 256);
    pinned_tree(&t);
    f = ptf_alloc(&X, D2);
    g = ptf_alloc(&X, D2);
    /* Unhooking the L1 drops the grant entry's refs like any entry's... */
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, t.l1, 40, D2, f, true, 0), 0);
    e = pg(t.l1)[40];
    ck_assert_int_eq(MOD(t.l2, 0, 0), 0);
    expect_frame(f, 0, 0, FRAME_TYPE_WRITABLE, 0);
    ck_assert_uint_eq(pg(t.l1)[40], e);             /* stale and inert */
    expect_consistent(NULL, 0);
    /* ...and the table does not validate again while the stale entry is there. */
    ck_assert_int_eq(MOD(t.l2, 0, PTE(t.l1, F_UPPER)), -XEN_EINVAL);
    ck_assert_int_eq(pt_pin(ENV, D1, t.l1, 1), -XEN_EINVAL);
    ck_assert_int_eq(MOD(t.l1, 40, 0), 0);          /* plain data now */
    ck_assert_int_eq(MOD(t.l2, 0, PTE(t.l1, F_UPPER)), 0);
    expect_frame(f, 0, 0, FRAME_TYPE_WRITABLE, 0);
    expect_consistent(NULL, 0);
    /* Strip: every grant entry of the domain's validated L1s. */
    l1b = ptf_alloc(&X, D1);
    ck_assert_int_eq(MOD(t.l2, 1, PTE(l1b, F_UPPER)), 0);
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, t.l1, 41, D2, f, true, 0), 0);
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, t.l1, 42, D2, f, false, 0), 0);
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, l1b, 0, D2, g, true, 0), 0);
    expect_frame(f, 2, 1, FRAME_TYPE_WRITABLE, 0);
    ck_assert_uint_eq(pt_strip_grant_l1es(ENV, D2), 0);
    ck_assert_uint_eq(pt_strip_grant_l1es(ENV, D1), 3);
    ck_assert_uint_eq(pg(t.l1)[41] | pg(t.l1)[42] | pg(l1b)[0], 0);
    expect_frame(f, 0, 0, FRAME_TYPE_WRITABLE, 0);
    expect_frame(g, 0, 0, FRAME_TYPE_WRITABLE, 0);
    ck_assert_uint_eq(pg(t.l1)[0], PTE(t.data[0], F_L1RW | PG_U));  /* others stay */
    expect_consistent(NULL, 0);
    /* The mapping domain dies with grant entries in place: their refs go too. */
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, t.l1, 43, D2, f, true, 0), 0);
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, l1b, 1, D2, g, false, 0), 0);
    ck_assert_uint_eq(pt_domain_relinquish(ENV, D1), 0);
    expect_frame(f, 0, 0, FRAME_TYPE_WRITABLE, 0);
    expect_frame(g, 0, 0, FRAME_TYPE_WRITABLE, 0);
    expect_released(D1);
    expect_consistent(NULL, 0);
    free_all(D1);
    ptf_fini(&X);
}
END_TEST

/* The granting domain dies while D1 maps its frames: a data frame and a pinned table
 * (read-only). They become the hypervisor's, its teardown skips them, and they are
 * free once the mappings go. */
START_TEST(grant_orphan_frames)
{
    struct ptf_tree t, t2;
    mfn_t p;

    ptf_init(&X, 256);
    pinned_tree(&t);
    ptf_build_tree(&X, D2, &t2);
    ck_assert_int_eq(pt_pin(ENV, D2, t2.l4, 4), 0);
    p = ptf_alloc(&X, D2);
    ck_assert_int_eq(pt_pin(ENV, D2, p, 2), 0);
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, t.l1, 10, D2, t2.data[0], true, 0), 0);
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, t.l1, 11, D2, t2.l1, false, 0), 0);
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, t.l1, 12, D2, p, false, 0), 0);
    ck_assert_int_eq(pt_orphan_frame(ENV, D1, t2.data[0]), -XEN_EINVAL);
    ck_assert_int_eq(pt_orphan_frame(ENV, D2, t2.data[0]), 0);
    ck_assert_int_eq(pt_orphan_frame(ENV, D2, t2.l1), 0);
    ck_assert_int_eq(pt_orphan_frame(ENV, D2, p), 0);
    expect_frame(p, 1, 0, FRAME_TYPE_L2, 0);                /* unpinned, devalidated */
    ck_assert_uint_eq(pt_domain_relinquish(ENV, D2), 0);
    expect_released(D2);
    free_all(D2);
    expect_frame(t2.data[0], 1, 1, FRAME_TYPE_WRITABLE, 0);
    expect_frame(t2.l1, 1, 0, FRAME_TYPE_L1, 0);
    expect_consistent(NULL, 0);
    ck_assert_int_eq(pt_remove_grant_l1e(ENV, D1, t.l1, 10, t2.data[0], true, INVALID_MFN, 0),
                     0);
    ck_assert_int_eq(pt_remove_grant_l1e(ENV, D1, t.l1, 11, t2.l1, false, INVALID_MFN, 0), 0);
    ck_assert_int_eq(pt_remove_grant_l1e(ENV, D1, t.l1, 12, p, false, INVALID_MFN, 0), 0);
    expect_released(FRAME_OWNER_ORPHAN);
    ck_assert_uint_eq(X.fa.nr_orphans, 3);
    ck_assert_uint_eq(frames_reap_orphans(&X.fa), 3);
    expect_consistent(NULL, 0);
    ck_assert_uint_eq(pt_domain_relinquish(ENV, D1), 0);
    free_all(D1);
    ck_assert_uint_eq(X.fa.nr_free, X.fa.nr_managed);
    ptf_fini(&X);
}
END_TEST

START_TEST(grant_check_detects_corruption)
{
    struct ptf_tree t;
    mfn_t f;
    uint64_t e;

    ptf_init(&X, 256);
    pinned_tree(&t);
    f = ptf_alloc(&X, D2);
    ck_assert_int_eq(pt_install_grant_l1e(ENV, D1, t.l1, 20, D2, f, true, 0), 0);
    expect_consistent(NULL, 0);
    e = pg(t.l1)[20];
    EXPECT_CORRUPT(pg(t.l1)[20] = e & ~PG_NX, pg(t.l1)[20] = e, PTCHK_ENTRY_BITS, t.l1);
    EXPECT_CORRUPT(pg(t.l1)[20] = e | PG_PCD, pg(t.l1)[20] = e, PTCHK_ENTRY_BITS, t.l1);
    EXPECT_CORRUPT(pg(t.l1)[20] = e & ~PG_U, pg(t.l1)[20] = e, PTCHK_ENTRY_BITS, t.l1);
    EXPECT_CORRUPT(pg(t.l1)[20] = e & ~PG_RW, pg(t.l1)[20] = e, PTCHK_TYPE_COUNT, f);
    EXPECT_CORRUPT(fr(f)->count++, fr(f)->count--, PTCHK_COUNT, f);
    ptf_fini(&X);
}
END_TEST

/* ---------------------------------------------------------------- random run
 * Two domains with frame pools drive random operations (a mix of valid and invalid
 * entries at every level, pins, baseptrs, holds, frees, walks, relinquish and
 * restart). After every operation: the return code is one the contract allows, a
 * refused operation left every count/flag and the entry unchanged, a successful one
 * stored exactly what it should. Every R_CHECK operations: pt_check and the oracle
 * agree with the frame table (which covers: no RW L1e onto a non-WRITABLE frame, no
 * referenced free frame, counts exact), and the pin model matches. */
#define R_FRAMES    640
#define R_POOL      96
#define R_OPS       120000u
#define R_CHECK     1u
#define R_HOLDS     24
#define R_VCPUS     2

enum { OP_MOD, OP_WRITEBACK, OP_PIN, OP_UNPIN, OP_BASEPTR, OP_HOLD, OP_UNHOLD, OP_ALLOC,
       OP_FREE, OP_WALK, OP_GMAP, OP_GUNMAP, OP_NR };
static const char *const op_names[OP_NR] = { "mod", "writeback", "pin", "unpin", "baseptr",
                                             "hold", "unhold", "alloc", "free", "walk",
                                             "gntmap", "gntunmap" };

struct rdom {
    uint16_t id;
    unsigned int n;
    mfn_t pool[R_POOL];
    mfn_t bp[R_VCPUS];
};

struct rstats {
    unsigned long ok[OP_NR], fail[OP_NR], mod_rc[4], linear, relinquish, resets;
    unsigned long max_tables[5], checks;
    unsigned long gnt_over_grant, gnt_replaced, gnt_moved, gnt_strips, gnt_stripped;
};

static struct rdom rd[2];
static struct pt_hold rh[R_HOLDS + 2 * R_VCPUS];
static unsigned int nrh;
static mfn_t dead[R_FRAMES];
static unsigned int ndead;
static uint8_t pin_model[R_FRAMES];
static uint16_t next_domid;
static uint64_t rs = 0x243F6A8885A308D3ull;
static struct rstats st;
static uint32_t snap_c[R_FRAMES], snap_t[R_FRAMES];
static uint8_t snap_f[R_FRAMES];

static uint32_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return (uint32_t)(rs >> 16);
}

static uint64_t rnd64(void)
{
    return ((uint64_t)rnd() << 32) | rnd();
}

static bool is_grant(uint64_t e)
{
    return (e & (PG_P | PG_GNTTAB)) == (PG_P | PG_GNTTAB);
}

static bool live_table(mfn_t m)
{
    const struct frame *f = frame_of(&X.fa, m);

    return f != NULL && f->type >= FRAME_TYPE_L1 && f->type <= FRAME_TYPE_L4 &&
           f->type_count > 0;
}

static unsigned int level_of_frame(mfn_t m)
{
    return fr(m)->type - FRAME_TYPE_L1 + 1;
}

static void snap(void)
{
    unsigned int i;

    for (i = 0; i < R_FRAMES; i++) {
        snap_c[i] = X.table[i].count;
        snap_t[i] = X.table[i].type_count;
        snap_f[i] = X.table[i].flags;
    }
}

static bool snap_same(void)
{
    unsigned int i;

    for (i = 0; i < R_FRAMES; i++)
        if (snap_c[i] != X.table[i].count || snap_t[i] != X.table[i].type_count ||
            snap_f[i] != X.table[i].flags)
            return false;
    return true;
}

static mfn_t pick_pool(const struct rdom *d)
{
    return d->n != 0 ? d->pool[rnd() % d->n] : INVALID_MFN;
}

/* A pool frame of d with a live type `type` (any live table for type 0), else any. */
static mfn_t pick_typed(const struct rdom *d, unsigned int type)
{
    unsigned int i, s;

    if (d->n == 0)
        return INVALID_MFN;
    s = rnd() % d->n;
    for (i = 0; i < d->n; i++) {
        mfn_t m = d->pool[(s + i) % d->n];
        const struct frame *f = fr(m);

        if (f->type_count > 0 && (type == 0 ? live_table(m) : f->type == type))
            return m;
    }
    return d->pool[s];
}

static unsigned int pick_index(void)
{
    static const unsigned int idx[] = { 0, 1, 2, 3, 4, 255, 256, 263, 271, 272, 300, 510, 511 };

    return rnd() % 4 == 0 ? rnd() % PT_ENTRIES : idx[rnd() % (sizeof(idx) / sizeof(idx[0]))];
}

static mfn_t pick_target(unsigned int dom, unsigned int level, mfn_t table)
{
    unsigned int r = rnd() % 100;
    const struct rdom *d = &rd[dom], *o = &rd[!dom];

    if (r < 55 && d->n != 0)
        return pick_pool(d);
    if (r < 70 && d->n != 0)
        return pick_typed(d, level > 1 ? FRAME_TYPE_L1 + level - 2 : FRAME_TYPE_WRITABLE);
    if (r < 78)
        return table;
    if (r < 84 && o->n != 0)
        return pick_pool(o);
    if (r < 88)
        return PTF_BASE + rnd() % PTF_RESERVED;
    if (r < 91)
        return PTF_BASE + R_FRAMES + rnd() % 64;
    return PTF_BASE + rnd() % R_FRAMES;             /* anything, often free */
}

static uint64_t gen_flags(unsigned int level)
{
    static const uint64_t bad[] = { PG_PWT, PG_PCD, PG_PS, PG_G, PG_GNTTAB, 1ull << 47 };
    uint64_t f = PG_P | PG_A;

    if (level == 1)
        f |= (rnd() % 2 ? PG_RW : 0) | (rnd() % 2 ? PG_U : 0) | (rnd() % 4 ? 0 : PG_D) |
             (rnd() % 10 ? 0 : PG_G);
    else
        f |= PG_U | PG_D | (rnd() % 4 ? PG_RW : 0);
    if (rnd() % 10 == 0)
        f |= PG_NX;
    if (rnd() % 10 == 0)
        f |= (uint64_t)(rnd() % 8) << 9;
    if (rnd() % 10 == 0)
        f |= rnd64() & PG_AVAIL_HIGH & ~PG_GNTTAB;
    if (rnd() % 20 == 0)
        f |= bad[rnd() % (sizeof(bad) / sizeof(bad[0]))];
    return f;
}

static uint64_t gen_entry(unsigned int dom, unsigned int level, mfn_t table)
{
    unsigned int r = rnd() % 100;

    if (r < 12)
        return 0;
    if (r < 17)
        return rnd64() & ~PG_P;
    return PTE(pick_target(dom, level, table), gen_flags(level));
}

/* Bits the contract refuses in a present entry (the random run uses MAXPHYADDR 46). */
static bool refused(unsigned int level, uint64_t e)
{
    uint64_t r = PG_PWT | PG_PCD | PG_PS | (level == 1 ? PG_GNTTAB : PG_G) |
                 (0x3Full << 46);

    return (e & PG_P) && (e & r);
}

/* Every op's return code is one of these. */
static bool allowed_rc(int rc)
{
    return rc == 0 || rc == -XEN_EINVAL || rc == -XEN_EBUSY || rc == -XEN_EPERM;
}

static void count(unsigned int op, int rc)
{
    if (rc == 0)
        st.ok[op]++;
    else
        st.fail[op]++;
}

static void do_mod(unsigned int n)
{
    unsigned int dom = rnd() % 2, level, idx, flags;
    struct rdom *d = &rd[dom];
    mfn_t tbl;
    bool live;
    uint64_t val, old, want;
    uint16_t pt_owner, pg_owner;
    int rc;

    if (d->n == 0)
        return;
    tbl = rnd() % 10 < 7 ? pick_typed(d, 0) : pick_pool(d);
    live = live_table(tbl);
    level = live ? level_of_frame(tbl) : 1 + rnd() % 4;
    idx = pick_index();
    val = gen_entry(dom, level, tbl);
    old = pg(tbl)[idx];
    pg_owner = rnd() % 10 == 0 ? rd[!dom].id : d->id;
    pt_owner = rnd() % 30 == 0 ? rd[!dom].id : d->id;
    flags = rnd() % 8 == 0 ? PT_MOD_PRESERVE_AD : 0;
    snap();
    rc = pt_mod_entry(ENV, pt_owner, pg_owner, tbl, idx, val, flags);
    count(OP_MOD, rc);
    st.mod_rc[rc == 0 ? 0 : rc == -XEN_EINVAL ? 1 : rc == -XEN_EBUSY ? 2 : 3]++;
    UNIT_REQUIRE(allowed_rc(rc), "op %u: mod rc %d", n, rc);
    UNIT_REQUIRE(pt_owner == d->id || rc == -XEN_EINVAL, "op %u: foreign table written", n);
    UNIT_REQUIRE(!live || rc == -XEN_EINVAL || !(level == 4 && idx >= 256 && idx < 272),
                 "op %u: hypervisor slot written", n);
    UNIT_REQUIRE(!live || rc != 0 || !refused(level, val), "op %u: refused bits accepted", n);
    UNIT_REQUIRE(!live || level != 1 || !is_grant(old) || rc != 0,
                 "op %u: grant entry overwritten by mmu_update", n);
    if (live && level == 1 && is_grant(old))
        st.gnt_over_grant++;
    if (rc != 0) {
        UNIT_REQUIRE(snap_same(), "op %u: refused mod (%d) left a trace", n, rc);
        UNIT_REQUIRE(pg(tbl)[idx] == old, "op %u: refused mod changed the entry", n);
        return;
    }
    want = val;
    if (live && (val & PG_P)) {
        want |= PG_U;
        if ((flags & PT_MOD_PRESERVE_AD) && (old & PG_P))
            want |= old & (PG_A | PG_D);
        if (level > 1 && fr((val & PG_ADDR) >> 12)->type == FRAME_TYPE_L1 + level - 1)
            st.linear++;
    }
    UNIT_REQUIRE(pg(tbl)[idx] == want, "op %u: stored %#llx, want %#llx", n,
                 (unsigned long long)pg(tbl)[idx], (unsigned long long)want);
}

/* Rewrites a present entry of a live table with the value read back (must succeed
 * and change nothing), sometimes then clears RW (Mini-OS set_readonly). */
static void do_writeback(unsigned int n)
{
    struct rdom *d = &rd[rnd() % 2];
    mfn_t tbl = pick_typed(d, 0), tgt;
    unsigned int level, i, s;
    uint64_t e;
    int rc;

    if (tbl == INVALID_MFN || !live_table(tbl))
        return;
    level = level_of_frame(tbl);
    s = rnd() % PT_ENTRIES;
    for (i = 0; i < PT_ENTRIES; i++) {
        unsigned int j = (s + i) % PT_ENTRIES;

        if ((pg(tbl)[j] & PG_P) && !(level == 4 && j >= 256 && j < 272))
            break;
    }
    if (i == PT_ENTRIES)
        return;
    i = (s + i) % PT_ENTRIES;
    e = pg(tbl)[i];
    tgt = (e & PG_ADDR) >> 12;
    snap();
    rc = pt_mod_entry(ENV, d->id, fr(tgt)->owner, tbl, i, e, 0);
    count(OP_WRITEBACK, rc);
    if (level == 1 && is_grant(e)) {
        UNIT_REQUIRE(rc == -XEN_EINVAL && snap_same() && pg(tbl)[i] == e,
                     "op %u: write-back of a grant entry not refused (%d)", n, rc);
        return;
    }
    UNIT_REQUIRE(rc == 0, "op %u: write-back refused (%d)", n, rc);
    UNIT_REQUIRE(snap_same() && pg(tbl)[i] == e, "op %u: write-back changed state", n);
    if (level == 1 && (e & PG_RW) && rnd() % 2) {
        rc = pt_mod_entry(ENV, d->id, fr(tgt)->owner, tbl, i, e & ~PG_RW, 0);
        UNIT_REQUIRE(rc == 0 && pg(tbl)[i] == (e & ~PG_RW), "op %u: set_readonly", n);
    }
}

static void do_pin(unsigned int n)
{
    struct rdom *d = &rd[rnd() % 2];
    mfn_t m = rnd() % 3 ? pick_pool(d) : pick_typed(d, 0);
    unsigned int level;
    int rc;

    if (m == INVALID_MFN)
        return;
    level = live_table(m) && rnd() % 2 ? level_of_frame(m) : 1 + rnd() % 4;
    snap();
    rc = pt_pin(ENV, d->id, m, level);
    count(OP_PIN, rc);
    UNIT_REQUIRE(allowed_rc(rc), "op %u: pin rc %d", n, rc);
    UNIT_REQUIRE(!pin_model[m - PTF_BASE] || rc == -XEN_EINVAL, "op %u: pinned twice", n);
    if (rc != 0) {
        UNIT_REQUIRE(snap_same(), "op %u: refused pin (%d) left a trace", n, rc);
        return;
    }
    pin_model[m - PTF_BASE] = 1;
    UNIT_REQUIRE(fr(m)->type == FRAME_TYPE_L1 + level - 1 && fr(m)->flags == PINNED,
                 "op %u: pin state", n);
}

static void do_unpin(unsigned int n)
{
    struct rdom *d = &rd[rnd() % 2];
    mfn_t m = pick_pool(d);
    unsigned int i, s;
    int rc;

    if (m == INVALID_MFN)
        return;
    if (rnd() % 10 < 7) {
        s = rnd() % d->n;
        for (i = 0; i < d->n && !pin_model[d->pool[(s + i) % d->n] - PTF_BASE]; i++)
            ;
        if (i < d->n)
            m = d->pool[(s + i) % d->n];
    }
    rc = pt_unpin(ENV, d->id, m);
    count(OP_UNPIN, rc);
    UNIT_REQUIRE(rc == (pin_model[m - PTF_BASE] ? 0 : -XEN_EINVAL), "op %u: unpin %d", n, rc);
    pin_model[m - PTF_BASE] = 0;
}

static void do_baseptr(unsigned int n)
{
    struct rdom *d = &rd[rnd() % 2];
    unsigned int v = rnd() % R_VCPUS;
    mfn_t old = d->bp[v], m = INVALID_MFN;
    int rc;

    if (rnd() % 5 != 0)
        m = rnd() % 2 ? pick_pool(d) : pick_typed(d, FRAME_TYPE_L4);
    snap();
    rc = pt_set_baseptr(ENV, d->id, &d->bp[v], m);
    count(OP_BASEPTR, rc);
    UNIT_REQUIRE(allowed_rc(rc), "op %u: baseptr rc %d", n, rc);
    if (rc != 0) {
        UNIT_REQUIRE(d->bp[v] == old && snap_same(), "op %u: refused baseptr (%d) left a trace",
                     n, rc);
        return;
    }
    UNIT_REQUIRE(d->bp[v] == m, "op %u: baseptr not stored", n);
    UNIT_REQUIRE(m == INVALID_MFN || (fr(m)->type == FRAME_TYPE_L4 &&
                                      (fr(m)->flags & FRAME_F_VALIDATED)),
                 "op %u: baseptr not a validated L4", n);
}

static void do_hold(unsigned int n)
{
    struct rdom *d = &rd[rnd() % 2];
    mfn_t m = pick_pool(d);
    unsigned int type = rnd() % 7;
    uint16_t owner;
    int rc;

    if (m == INVALID_MFN || nrh == R_HOLDS)
        return;
    owner = rnd() % 20 ? fr(m)->owner : rd[rd[0].id == fr(m)->owner].id;
    snap();
    rc = type == FRAME_TYPE_NONE ? pt_get_page(ENV, owner, m)
                                 : pt_get_page_and_type(ENV, owner, m, type);
    count(OP_HOLD, rc);
    UNIT_REQUIRE(allowed_rc(rc), "op %u: hold rc %d", n, rc);
    UNIT_REQUIRE(owner == fr(m)->owner || rc == -XEN_EINVAL, "op %u: foreign hold", n);
    if (rc != 0) {
        UNIT_REQUIRE(snap_same(), "op %u: refused hold left a trace", n);
        return;
    }
    rh[nrh++] = (struct pt_hold){ m, type };
}

static void drop_hold(unsigned int i, unsigned int n)
{
    int rc = rh[i].type == FRAME_TYPE_NONE ? pt_put_page(ENV, rh[i].mfn)
                                           : pt_put_page_and_type(ENV, rh[i].mfn);

    count(OP_UNHOLD, rc);
    UNIT_REQUIRE(rc == 0, "op %u: dropping a hold failed (%d)", n, rc);
    rh[i] = rh[--nrh];
}

static void do_alloc(void)
{
    unsigned int dom = rnd() % 2, k;
    struct rdom *d = &rd[dom];
    mfn_t m;

    if (d->n == R_POOL)
        return;
    m = frames_alloc(&X.fa, 0, d->id);
    count(OP_ALLOC, m == INVALID_MFN ? -1 : 0);
    if (m == INVALID_MFN)
        return;
    memset(pg(m), 0, PAGE_SIZE);
    d->pool[d->n++] = m;
    if (rnd() % 10 < 3) {                           /* builder-style content */
        unsigned int level = 1 + rnd() % 4;

        for (k = 1 + rnd() % 6; k > 0; k--)
            pg(m)[pick_index()] = gen_entry(dom, level, m);
    }
}

static void do_free(unsigned int n)
{
    struct rdom *d = &rd[rnd() % 2];
    unsigned int i;
    mfn_t m;
    int rc, want;

    if (d->n == 0)
        return;
    i = rnd() % d->n;
    m = d->pool[i];
    want = fr(m)->count == 0 && fr(m)->type_count == 0 ? 0 : -XEN_EINVAL;
    rc = frames_free(&X.fa, m, 0);
    count(OP_FREE, rc);
    UNIT_REQUIRE(rc == want, "op %u: frames_free %d, want %d", n, rc, want);
    if (rc == 0) {
        UNIT_REQUIRE(!pin_model[m - PTF_BASE], "op %u: pinned frame freed", n);
        d->pool[i] = d->pool[--d->n];
    }
}

/* A va that mostly follows present entries from root. */
static uint64_t gen_va(mfn_t root)
{
    uint64_t va = 0;
    mfn_t m = root;
    unsigned int level;

    for (level = 4; level >= 1; level--) {
        unsigned int idx = rnd() % PT_ENTRIES, i;

        if (m != INVALID_MFN && frame_of(&X.fa, m) != NULL && rnd() % 4 != 0 &&
            !(fr(m)->flags & (FRAME_F_FREE | FRAME_F_RESERVED)))
            for (i = 0; i < PT_ENTRIES; i++)
                if (pg(m)[(idx + i) % PT_ENTRIES] & PG_P) {
                    idx = (idx + i) % PT_ENTRIES;
                    break;
                }
        va |= (uint64_t)idx << (12 + 9 * (level - 1));
        m = m != INVALID_MFN && frame_of(&X.fa, m) != NULL &&
            !(fr(m)->flags & (FRAME_F_FREE | FRAME_F_RESERVED)) && (pg(m)[idx] & PG_P)
                ? (pg(m)[idx] & PG_ADDR) >> 12 : INVALID_MFN;
    }
    if (va & (1ull << 47))
        va |= 0xFFFF000000000000ull;
    if (rnd() % 20 == 0)
        va ^= 1ull << (48 + rnd() % 16);
    return va | (rnd() & 0xFFF);
}

static void do_walk(unsigned int n)
{
    struct rdom *d = &rd[rnd() % 2];
    mfn_t root = rnd() % 2 ? d->bp[rnd() % R_VCPUS] : pick_typed(d, FRAME_TYPE_L4);
    mfn_t l1 = INVALID_MFN, m = root;
    unsigned int idx = 0, level;
    uint64_t va;
    bool ok;
    int rc;

    if (root == INVALID_MFN)
        return;
    va = gen_va(root);
    rc = pt_walk_l1e(ENV, root, va, &l1, &idx);
    count(OP_WALK, rc);
    ok = ((va >> 47) == 0 || (va >> 47) == 0x1FFFF) &&
         !(((va >> 39) & 511) >= 256 && ((va >> 39) & 511) < 272);
    for (level = 4; ok; level--) {
        const struct frame *f = frame_of(&X.fa, m);
        uint64_t e;

        ok = f != NULL && f->type == FRAME_TYPE_L1 + level - 1 && f->type_count > 0 &&
             (f->flags & FRAME_F_VALIDATED) && !(f->flags & FRAME_F_FREE);
        if (!ok || level == 1)
            break;
        e = pg(m)[(va >> (12 + 9 * (level - 1))) & 511];
        ok = e & PG_P;
        m = (e & PG_ADDR) >> 12;
    }
    UNIT_REQUIRE((rc == 0) == ok, "op %u: walk rc %d, model %d", n, rc, ok);
    UNIT_REQUIRE(rc != 0 || (l1 == m && idx == ((va >> 12) & 511)), "op %u: walk result", n);
}

/* A grant mapping of a frame of the other domain (or its own, as self-grants are
 * legal) into an L1 slot of d: must succeed exactly when the slot's table is a
 * validated L1 of d without a grant there, the frame is RAM of the named owner and,
 * for rw, can be WRITABLE. */
static void do_gnt_map(unsigned int n)
{
    unsigned int dom = rnd() % 2, idx = pick_index();
    struct rdom *d = &rd[dom], *o = &rd[rnd() % 5 ? !dom : dom];
    mfn_t tbl = rnd() % 10 < 8 ? pick_typed(d, FRAME_TYPE_L1) : pick_pool(d);
    mfn_t frame = rnd() % 10 ? pick_pool(o) : pick_target(dom, 1, tbl);
    bool rw = rnd() % 2, expect;
    uint16_t owner = rnd() % 20 ? o->id : rd[!dom].id;
    uint64_t old;
    const struct frame *tf;
    int rc;

    if (tbl == INVALID_MFN || frame == INVALID_MFN)
        return;
    old = pg(tbl)[idx];
    tf = frame_of(&X.fa, frame);
    expect = live_table(tbl) && fr(tbl)->type == FRAME_TYPE_L1 && !is_grant(old) &&
             tf != NULL && !(tf->flags & (FRAME_F_FREE | FRAME_F_RESERVED)) &&
             tf->owner == owner && tf->count < 0xFFFF0000u &&
             (!rw || tf->type_count == 0 || tf->type == FRAME_TYPE_WRITABLE);
    snap();
    rc = pt_install_grant_l1e(ENV, d->id, tbl, idx, owner, frame, rw, 0);
    count(OP_GMAP, rc > 0 ? 0 : rc);
    UNIT_REQUIRE(rc == 0 || rc == 1 || rc == -XEN_EINVAL || rc == -XEN_EBUSY,
                 "op %u: gntmap rc %d", n, rc);
    UNIT_REQUIRE((rc >= 0) == expect, "op %u: gntmap rc %d, model %d", n, rc, expect);
    /* 1 exactly when a present entry was replaced: the caller's TLB flush hangs on it. */
    UNIT_REQUIRE(rc < 0 || rc == ((old & PG_P) ? 1 : 0), "op %u: gntmap rc %d over %#llx", n,
                 rc, (unsigned long long)old);
    if (rc < 0) {
        UNIT_REQUIRE(snap_same() && pg(tbl)[idx] == old, "op %u: refused gntmap left a trace",
                     n);
        return;
    }
    UNIT_REQUIRE(pg(tbl)[idx] == pt_grant_l1e(frame, rw), "op %u: gntmap stored %#llx", n,
                 (unsigned long long)pg(tbl)[idx]);
    if (old & PG_P)
        st.gnt_replaced++;
}

/* Finds a grant entry in a live L1 of d: true with *tbl, *idx set. */
static bool find_grant(const struct rdom *d, mfn_t *tbl, unsigned int *idx)
{
    unsigned int i, k, s = d->n ? rnd() % d->n : 0, j = rnd() % PT_ENTRIES;

    for (i = 0; i < d->n; i++) {
        mfn_t m = d->pool[(s + i) % d->n];

        if (!live_table(m) || fr(m)->type != FRAME_TYPE_L1)
            continue;
        for (k = 0; k < PT_ENTRIES; k++)
            if (is_grant(pg(m)[(j + k) % PT_ENTRIES])) {
                *tbl = m;
                *idx = (j + k) % PT_ENTRIES;
                return true;
            }
    }
    return false;
}

/* Removes a grant entry of d: with the right frame and rw it must succeed (moving
 * another slot's entry in when asked), with anything else fail unchanged. Now and
 * then strips all of d's grant entries instead. */
static void do_gnt_unmap(unsigned int n)
{
    struct rdom *d = &rd[rnd() % 2];
    mfn_t tbl, frame, nl1 = INVALID_MFN;
    unsigned int idx, nidx = 0, r = rnd() % 100;
    uint64_t e, moved = 0;
    bool rw, right = true;
    int rc;

    if (r < 2) {
        uint64_t k = pt_strip_grant_l1es(ENV, d->id);

        st.gnt_strips++;
        st.gnt_stripped += k;
        UNIT_REQUIRE(!find_grant(d, &tbl, &idx), "op %u: strip left a grant entry", n);
        return;
    }
    if (!find_grant(d, &tbl, &idx))
        return;
    e = pg(tbl)[idx];
    frame = (e & PG_ADDR) >> 12;
    rw = e & PG_RW;
    if (r < 15) {                           /* the wrong frame or the wrong access */
        if (rnd() % 2)
            frame++;
        else
            rw = !rw;
        right = false;
    }
    if (rnd() % 3 == 0) {
        nl1 = rnd() % 10 ? pick_typed(d, FRAME_TYPE_L1) : pick_pool(d);
        nidx = rnd() % 4 ? pick_index() : idx;
        if (!live_table(nl1) || fr(nl1)->type != FRAME_TYPE_L1 || (nl1 == tbl && nidx == idx))
            right = false;
        else
            moved = pg(nl1)[nidx];
    }
    snap();
    rc = pt_remove_grant_l1e(ENV, d->id, tbl, idx, frame, rw, nl1, nidx);
    count(OP_GUNMAP, rc);
    UNIT_REQUIRE((rc == 0) == right, "op %u: gntunmap rc %d, expected %s", n, rc,
                 right ? "success" : "refusal");
    if (rc != 0) {
        UNIT_REQUIRE(rc == -XEN_EINVAL && snap_same() && pg(tbl)[idx] == e,
                     "op %u: refused gntunmap left a trace", n);
        return;
    }
    UNIT_REQUIRE(pg(tbl)[idx] == moved, "op %u: slot holds %#llx, want %#llx", n,
                 (unsigned long long)pg(tbl)[idx], (unsigned long long)moved);
    if (nl1 != INVALID_MFN) {
        UNIT_REQUIRE(pg(nl1)[nidx] == 0, "op %u: moved-from slot not cleared", n);
        st.gnt_moved++;
    }
}

/* Full cross-check: pt_check and the oracle with all holds and baseptrs, the pin
 * model, the hook contract. */
static void full_check(unsigned int n)
{
    struct pt_hold all[R_HOLDS + 2 * R_VCPUS];
    unsigned int k = 0, i, v, per[5] = { 0 };
    const char *o;
    int rc;

    for (i = 0; i < nrh; i++)
        all[k++] = rh[i];
    for (i = 0; i < 2; i++)
        for (v = 0; v < R_VCPUS; v++)
            if (rd[i].bp[v] != INVALID_MFN)
                all[k++] = (struct pt_hold){ rd[i].bp[v], FRAME_TYPE_L4 };
    rc = ptf_check(&X, all, k);
    UNIT_REQUIRE(rc == 0, "op %u: pt_check %d mfn %#llx entry %u (%u vs %u)", n, rc,
                 (unsigned long long)X.rep.mfn, X.rep.index, X.rep.expected, X.rep.actual);
    o = ptf_oracle(&X, all, k);
    UNIT_REQUIRE(o == NULL, "op %u: %s", n, o);
    UNIT_REQUIRE(X.hook_errors == 0, "op %u: type_change hook misused", n);
    for (i = 0; i < R_FRAMES; i++) {
        UNIT_REQUIRE(!!(X.table[i].flags & FRAME_F_PINNED) == pin_model[i],
                     "op %u: pin model differs at %#llx", n,
                     (unsigned long long)(PTF_BASE + i));
        if (live_table(PTF_BASE + i))
            per[level_of_frame(PTF_BASE + i)]++;
    }
    for (i = 1; i <= 4; i++)
        if (per[i] > st.max_tables[i])
            st.max_tables[i] = per[i];
    st.checks++;
}

/* Frees the frames of relinquished domains that nothing references any more. */
static void reap_dead(unsigned int n)
{
    unsigned int i = 0;

    while (i < ndead) {
        const struct frame *f = fr(dead[i]);

        if (f->count == 0 && f->type_count == 0) {
            UNIT_REQUIRE(frames_free(&X.fa, dead[i], 0) == 0, "op %u: reap", n);
            dead[i] = dead[--ndead];
        } else {
            i++;
        }
    }
}

/* Domain dom dies: the caller's holds go, then pt_domain_relinquish; its frames are
 * freed (or parked while the other domain still maps them) and it restarts empty
 * under a new id. */
static void relinquish(unsigned int dom, unsigned int n)
{
    struct rdom *d = &rd[dom];
    unsigned int i, v, busy = 0;
    uint64_t got;

    for (v = 0; v < R_VCPUS; v++)
        UNIT_REQUIRE(pt_set_baseptr(ENV, d->id, &d->bp[v], INVALID_MFN) == 0, "op %u", n);
    for (i = 0; i < nrh;)
        if (fr(rh[i].mfn)->owner == d->id)
            drop_hold(i, n);
        else
            i++;
    got = pt_domain_relinquish(ENV, d->id);
    for (i = 0; i < d->n; i++) {
        const struct frame *f = fr(d->pool[i]);

        pin_model[d->pool[i] - PTF_BASE] = 0;
        UNIT_REQUIRE(!(f->flags & (FRAME_F_PINNED | FRAME_F_VALIDATED)) &&
                     (f->type_count == 0 || f->type == FRAME_TYPE_WRITABLE),
                     "op %u: relinquish left %#llx typed %u tc %u", n,
                     (unsigned long long)d->pool[i], f->type, f->type_count);
        if (f->count != 0 || f->type_count != 0) {
            busy++;
            dead[ndead++] = d->pool[i];
        } else {
            UNIT_REQUIRE(frames_free(&X.fa, d->pool[i], 0) == 0, "op %u: free", n);
        }
    }
    UNIT_REQUIRE(got == busy, "op %u: relinquish says %llu busy, %u are", n,
                 (unsigned long long)got, busy);
    d->n = 0;
    d->id = next_domid++;
    st.relinquish++;
    reap_dead(n);
    full_check(n);
}

static void reset_all(unsigned int n)
{
    unsigned int first = rnd() % 2;

    relinquish(first, n);
    relinquish(!first, n);
    UNIT_REQUIRE(ndead == 0 && nrh == 0, "op %u: frames left after both died", n);
    UNIT_REQUIRE(X.fa.nr_free == X.fa.nr_managed && frames_check(&X.fa) == 0,
                 "op %u: allocator not back to all-free", n);
    st.resets++;
}

static void random_op(unsigned int n)
{
    unsigned int r = rnd() % 1000;

    if (r < 380)
        do_mod(n);
    else if (r < 450)
        do_writeback(n);
    else if (r < 550)
        do_pin(n);
    else if (r < 620)
        do_unpin(n);
    else if (r < 670)
        do_baseptr(n);
    else if (r < 720)
        do_hold(n);
    else if (r < 760) {
        if (nrh != 0)
            drop_hold(rnd() % nrh, n);
    } else if (r < 830)
        do_alloc();
    else if (r < 880)
        do_free(n);
    else if (r < 935)
        do_walk(n);
    else if (r < 975)
        do_gnt_map(n);
    else
        do_gnt_unmap(n);
}

START_TEST(random_ops_invariants)
{
    unsigned int n, i, v;

    ptf_init(&X, R_FRAMES);
    X.env.paddr_bits = 46;
    if (getenv("PT_SEED") != NULL)                  /* exploration; default is fixed */
        rs = strtoull(getenv("PT_SEED"), NULL, 0) | 1;
    memset(&st, 0, sizeof(st));
    next_domid = 3;
    for (i = 0; i < 2; i++) {
        rd[i].id = (uint16_t)(i + 1);
        rd[i].n = 0;
        for (v = 0; v < R_VCPUS; v++)
            rd[i].bp[v] = INVALID_MFN;
    }
    for (n = 0; n < R_OPS; n++) {
        random_op(n);
        if (rnd() % 4000 == 0)
            relinquish(rnd() % 2, n);
        if (n % 30000 == 29999)
            reset_all(n);
        else if (n % R_CHECK == R_CHECK - 1)
            full_check(n);
    }
    if (getenv("PT_STATS") != NULL) {
        for (i = 0; i < OP_NR; i++)
            fprintf(stderr, "%-10s ok %7lu fail %7lu\n", op_names[i], st.ok[i], st.fail[i]);
        fprintf(stderr, "mod rc: 0 %lu EINVAL %lu EBUSY %lu EPERM %lu; linear %lu\n",
                st.mod_rc[0], st.mod_rc[1], st.mod_rc[2], st.mod_rc[3], st.linear);
        fprintf(stderr, "max live tables L1 %lu L2 %lu L3 %lu L4 %lu; relinquish %lu "
                "resets %lu checks %lu type changes %lu\n", st.max_tables[1],
                st.max_tables[2], st.max_tables[3], st.max_tables[4], st.relinquish,
                st.resets, st.checks, X.type_changes);
        fprintf(stderr, "grants: mmu_update over one %lu, over a mapping %lu, moved %lu, "
                "strips %lu (%lu entries)\n", st.gnt_over_grant, st.gnt_replaced,
                st.gnt_moved, st.gnt_strips, st.gnt_stripped);
    }
    /* The run reached the interesting states. */
    for (i = 0; i < OP_NR; i++)
        ck_assert_uint_gt(st.ok[i], 100);
    for (i = 0; i < 4; i++)
        ck_assert_uint_gt(st.mod_rc[i], 100);
    ck_assert_uint_gt(st.fail[OP_PIN], 100);
    ck_assert_uint_gt(st.fail[OP_BASEPTR], 100);
    ck_assert_uint_gt(st.linear, 100);
    for (i = 1; i <= 4; i++)
        ck_assert_uint_ge(st.max_tables[i], 3);
    ck_assert_uint_ge(st.relinquish, 15);
    ck_assert_uint_ge(st.resets, 4);
    ck_assert_uint_gt(X.type_changes, 1000);
    ck_assert_uint_gt(st.gnt_over_grant, 20);
    ck_assert_uint_gt(st.gnt_replaced, 20);
    ck_assert_uint_gt(st.gnt_moved, 20);
    ck_assert_uint_gt(st.gnt_stripped, 20);
    ptf_fini(&X);
}
END_TEST

Suite *page_type_suite(void)
{
    Suite *s = suite_create("page_type");

    UNIT_ADD_TEST(s, pin_types_and_counts);
    UNIT_ADD_TEST(s, unpin_releases_everything);
    UNIT_ADD_TEST(s, pin_refusals);
    UNIT_ADD_TEST(s, rw_mapping_of_table_refused);
    UNIT_ADD_TEST(s, linear_mappings);
    UNIT_ADD_TEST(s, foreign_mappings);
    UNIT_ADD_TEST(s, hypervisor_slots);
    UNIT_ADD_TEST(s, flag_rules);
    UNIT_ADD_TEST(s, entry_target_classes);
    UNIT_ADD_TEST(s, replace_entry_refs);
    UNIT_ADD_TEST(s, preserve_ad);
    UNIT_ADD_TEST(s, validation_failure_leaves_no_trace);
    UNIT_ADD_TEST(s, walk_l1e);
    UNIT_ADD_TEST(s, baseptr);
    UNIT_ADD_TEST(s, relinquish_cycles_and_shared_subtrees);
    UNIT_ADD_SLOW_TEST(s, long_linear_chain, 60);
    UNIT_ADD_TEST(s, seg_desc);
    UNIT_ADD_TEST(s, type_change_hook);
    UNIT_ADD_TEST(s, count_limit);
    UNIT_ADD_TEST(s, general_refs_and_refusals);
    UNIT_ADD_TEST(s, check_detects_corruption);
    UNIT_ADD_TEST(s, plain_writes);
    UNIT_ADD_TEST(s, leaked_hold_after_relinquish);
    UNIT_ADD_TEST(s, data_refs_match_the_state_machine);
    UNIT_ADD_TEST(s, grant_install_and_remove);
    UNIT_ADD_TEST(s, grant_replace_moves_entry);
    UNIT_ADD_TEST(s, grant_devalidation_and_teardown);
    UNIT_ADD_TEST(s, grant_orphan_frames);
    UNIT_ADD_TEST(s, grant_check_detects_corruption);
    UNIT_ADD_SLOW_TEST(s, random_ops_invariants, 300);
    return s;
}
