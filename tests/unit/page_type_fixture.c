/* Host fixture for the page-type tests; see page_type_fixture.h. */
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

/* env->map: the fake RAM page of mfn. */
static uint64_t *ptf_map(void *ctx, mfn_t mfn)
{
    struct ptf *x = ctx;

    UNIT_REQUIRE(mfn >= PTF_BASE && mfn - PTF_BASE < x->nr, "map of mfn %#llx",
                 (unsigned long long)mfn);
    return &x->ram[(mfn - PTF_BASE) * PT_ENTRIES];
}

/* env->type_change: counts calls and checks the contract (the frame holds no type
 * refs and really changes away from a non-NONE type). */
static void ptf_type_change(void *ctx, mfn_t mfn, unsigned int old_type,
                            unsigned int new_type)
{
    struct ptf *x = ctx;
    struct frame *f = frame_of(&x->fa, mfn);

    x->type_changes++;
    x->last_old = old_type;
    x->last_new = new_type;
    if (f == NULL || f->type_count != 0 || f->type != old_type ||
        old_type == FRAME_TYPE_NONE || old_type == new_type)
        x->hook_errors++;
}

/* env->check_seg_desc: refuses a page whose first word is PTF_BAD_SEG_DESC. */
static int ptf_check_seg_desc(void *ctx, mfn_t mfn, const uint64_t *page)
{
    (void)ctx;
    (void)mfn;
    return page[0] == PTF_BAD_SEG_DESC ? -XEN_EINVAL : 0;
}

void ptf_init(struct ptf *x, mfn_t nr)
{
    unsigned int i;

    memset(x, 0, sizeof(*x));
    x->nr = nr;
    x->table = calloc(nr, sizeof(*x->table));
    x->ram = calloc(nr * PT_ENTRIES, sizeof(uint64_t));
    x->scratch = calloc(2 * nr, sizeof(uint32_t));
    x->exp_c = calloc(nr, sizeof(uint32_t));
    x->exp_t = calloc(nr * 8, sizeof(uint32_t));
    ck_assert(x->table && x->ram && x->scratch && x->exp_c && x->exp_t);
    frames_init(&x->fa, x->table, PTF_BASE, nr);
    frames_add_free_range(&x->fa, PTF_BASE + PTF_RESERVED, PTF_BASE + nr);
    for (i = 0; i < PT_HV_NR_SLOTS; i++)       /* hypervisor L3s, outside guest RAM */
        x->hv[i] = PTE(0x7000000 + i, PG_P | PG_RW | PG_A | (i == 0 ? PG_U : 0));
    x->env = (struct pt_env){
        .fa = &x->fa, .map = ptf_map, .ctx = x, .hv_l4_slots = x->hv,
        .paddr_bits = 52, .type_change = ptf_type_change,
        .check_seg_desc = ptf_check_seg_desc,
    };
}

void ptf_fini(struct ptf *x)
{
    free(x->table);
    free(x->ram);
    free(x->scratch);
    free(x->exp_c);
    free(x->exp_t);
    memset(x, 0, sizeof(*x));
}

mfn_t ptf_alloc(struct ptf *x, uint16_t owner)
{
    mfn_t m = frames_alloc(&x->fa, 0, owner);

    ck_assert_msg(m != INVALID_MFN, "fake RAM exhausted");
    memset(ptf_page(x, m), 0, PAGE_SIZE);
    return m;
}

uint64_t *ptf_page(struct ptf *x, mfn_t m)
{
    return ptf_map(x, m);
}

struct frame *ptf_frame(struct ptf *x, mfn_t m)
{
    struct frame *f = frame_of(&x->fa, m);

    UNIT_REQUIRE(f != NULL, "no frame %#llx", (unsigned long long)m);
    return f;
}

int ptf_check(struct ptf *x, const struct pt_hold *holds, size_t n)
{
    return pt_check(&x->env, holds, n, x->scratch, 2 * x->nr, &x->rep);
}

/* Records a complaint and returns it. */
static const char *complain(struct ptf *x, const char *what, mfn_t m, unsigned int i)
{
    snprintf(x->msg, sizeof(x->msg), "oracle: %s (mfn %#llx entry %u)", what,
             (unsigned long long)m, i);
    return x->msg;
}

static bool allocated(const struct frame *f)
{
    return !(f->flags & (FRAME_F_FREE | FRAME_F_RESERVED));
}

/* Bits a present entry of this level may not have (independent of page_type.c). */
static uint64_t refused_bits(const struct ptf *x, unsigned int level)
{
    uint64_t r = (1ull << 3) | (1ull << 4) | (1ull << 7);
    unsigned int b;

    r |= level == 1 ? (1ull << 62) : (1ull << 8);
    for (b = x->env.paddr_bits; b < 52; b++)
        r |= 1ull << b;
    return r;
}

/* Counts the refs of present entry e at index i of validated table m (level). */
static const char *oracle_entry(struct ptf *x, mfn_t m, unsigned int level,
                                unsigned int i, uint64_t e)
{
    mfn_t t = (e >> 12) & ((1ull << 40) - 1);
    struct frame *tf = frame_of(&x->fa, t), *f = frame_of(&x->fa, m);
    size_t ti;

    if (level == 1 && (e & (1ull << 62))) {
        /* A grant mapping: exactly P U NX, bit 62 and A D, RW and the guest's available
         * bits 9-11 optional. */
        uint64_t must = PG_P | PG_U | (1ull << 63) | (1ull << 62);

        if ((e & ~(0x000FFFFFFFFFF000ull | PG_RW | PG_A | PG_D | (7ull << 9))) != must)
            return complain(x, "grant entry of the wrong shape", m, i);
    } else if ((e & refused_bits(x, level)) || !(e & PG_U)) {
        return complain(x, "entry with refused bits or without U", m, i);
    }
    if (tf == NULL || !allocated(tf))
        return complain(x, "entry onto non-RAM", m, i);
    if (level > 1 && t == m)        /* self-map: read-only, holds nothing */
        return (e & PG_RW) ? complain(x, "RW self-map", m, i) : NULL;
    if (level > 1 && tf->owner != f->owner)
        return complain(x, "upper-level entry onto a foreign frame", m, i);
    ti = t - PTF_BASE;
    x->exp_c[ti]++;
    if (level == 1) {
        if (e & PG_RW)
            x->exp_t[ti * 8 + FRAME_TYPE_WRITABLE]++;
        return NULL;
    }
    if (tf->type == FRAME_TYPE_L1 + level - 1) {
        if (e & PG_RW)
            return complain(x, "RW linear entry", m, i);
        x->exp_t[ti * 8 + tf->type]++;
    } else {
        x->exp_t[ti * 8 + FRAME_TYPE_L1 + level - 2]++;
    }
    return NULL;
}

/* Scans validated table m. */
static const char *oracle_table(struct ptf *x, mfn_t m, unsigned int level)
{
    const uint64_t *p = ptf_page(x, m);
    const char *err;
    unsigned int i;

    for (i = 0; i < PT_ENTRIES; i++) {
        if (level == 4 && i >= 256 && i < 272) {
            if (p[i] != x->hv[i - 256])
                return complain(x, "hypervisor slot not filled", m, i);
            continue;
        }
        if ((p[i] & PG_P) && (err = oracle_entry(x, m, level, i, p[i])) != NULL)
            return err;
    }
    return NULL;
}

/* Compares frame i's counts with the recomputed buckets. */
static const char *oracle_compare(struct ptf *x, mfn_t i)
{
    struct frame *f = &x->table[i];
    mfn_t m = PTF_BASE + i;
    unsigned int t, types = 0, which = 0;
    bool table = f->type >= FRAME_TYPE_L1 && f->type <= FRAME_TYPE_L4;

    if (!allocated(f))
        return f->count || f->type_count || x->exp_c[i] ||
               (f->flags & (FRAME_F_VALIDATED | FRAME_F_PINNED))
                   ? complain(x, "free/reserved frame referenced", m, 0) : NULL;
    if (f->count != x->exp_c[i])
        return complain(x, "general count differs", m, x->exp_c[i]);
    for (t = 1; t < 8; t++)
        if (x->exp_t[i * 8 + t] != 0) {
            types++;
            which = t;
        }
    if (types > 1)
        return complain(x, "refs of two types at once", m, 0);
    if (types == 1 && (f->type != which || f->type_count != x->exp_t[i * 8 + which]))
        return complain(x, "type or type_count differs", m, which);
    if (types == 0 && f->type_count != 0)
        return complain(x, "type_count without refs", m, 0);
    if (!!(f->flags & FRAME_F_VALIDATED) != (table && f->type_count > 0))
        return complain(x, "VALIDATED wrong", m, 0);
    if (f->next != FRAME_NIL)
        return complain(x, "worklist link left", m, 0);
    return NULL;
}

const char *ptf_oracle(struct ptf *x, const struct pt_hold *holds, size_t n)
{
    const char *err;
    mfn_t i;
    size_t h;

    memset(x->exp_c, 0, x->nr * sizeof(uint32_t));
    memset(x->exp_t, 0, x->nr * 8 * sizeof(uint32_t));
    for (i = 0; i < x->nr; i++) {
        struct frame *f = &x->table[i];

        if (!allocated(f))
            continue;
        if (f->flags & FRAME_F_PINNED) {
            if (f->type < FRAME_TYPE_L1 || f->type > FRAME_TYPE_L4)
                return complain(x, "pinned non-table", PTF_BASE + i, 0);
            x->exp_c[i]++;
            x->exp_t[i * 8 + f->type]++;
        }
        if ((f->flags & FRAME_F_VALIDATED) &&
            (err = oracle_table(x, PTF_BASE + i, f->type - FRAME_TYPE_L1 + 1)) != NULL)
            return err;
    }
    for (h = 0; h < n; h++) {
        struct frame *f = frame_of(&x->fa, holds[h].mfn);

        if (f == NULL)
            return complain(x, "hold outside RAM", holds[h].mfn, 0);
        x->exp_c[f - x->table]++;
        if (holds[h].type != FRAME_TYPE_NONE)
            x->exp_t[(f - x->table) * 8 + holds[h].type]++;
    }
    for (i = 0; i < x->nr; i++)
        if ((err = oracle_compare(x, i)) != NULL)
            return err;
    return NULL;
}

void ptf_build_tree(struct ptf *x, uint16_t owner, struct ptf_tree *t)
{
    unsigned int i;

    t->l4 = ptf_alloc(x, owner);
    t->l3 = ptf_alloc(x, owner);
    t->l2 = ptf_alloc(x, owner);
    t->l1 = ptf_alloc(x, owner);
    for (i = 0; i < 4; i++)
        t->data[i] = ptf_alloc(x, owner);
    ptf_page(x, t->l4)[0] = PTE(t->l3, F_UPPER);
    ptf_page(x, t->l3)[0] = PTE(t->l2, F_UPPER);
    ptf_page(x, t->l2)[0] = PTE(t->l1, F_UPPER);
    for (i = 0; i < 4; i++)
        ptf_page(x, t->l1)[i] = PTE(t->data[i], F_L1RW);
    ptf_page(x, t->l1)[4] = PTE(t->l4, F_L1RO);
    ptf_page(x, t->l1)[5] = PTE(t->l3, F_L1RO);
    ptf_page(x, t->l1)[6] = PTE(t->l2, F_L1RO);
    ptf_page(x, t->l1)[7] = PTE(t->l1, F_L1RO);
}

void ptf_snap_take(struct ptf *x, struct ptf_snap *s)
{
    mfn_t i;

    s->count = calloc(x->nr, sizeof(uint32_t));
    s->type_count = calloc(x->nr, sizeof(uint32_t));
    s->type = calloc(x->nr, 1);
    s->flags = calloc(x->nr, 1);
    ck_assert(s->count && s->type_count && s->type && s->flags);
    for (i = 0; i < x->nr; i++) {
        s->count[i] = x->table[i].count;
        s->type_count[i] = x->table[i].type_count;
        s->type[i] = x->table[i].type;
        s->flags[i] = x->table[i].flags;
    }
}

mfn_t ptf_snap_diff(struct ptf *x, const struct ptf_snap *s, int with_type)
{
    mfn_t i;

    for (i = 0; i < x->nr; i++) {
        const struct frame *f = &x->table[i];

        if (f->count != s->count[i] || f->type_count != s->type_count[i] ||
            f->flags != s->flags[i] ||
            ((with_type || f->type_count != 0) && f->type != s->type[i]))
            return PTF_BASE + i;
    }
    return INVALID_MFN;
}

void ptf_snap_free(struct ptf_snap *s)
{
    free(s->count);
    free(s->type_count);
    free(s->type);
    free(s->flags);
}
