/* Host fixture for the page-type tests: a fake RAM with a frame table and allocator, a
 * struct pt_env over it, table-building helpers, and an oracle that recomputes every
 * frame's references independently of pt_check. */
#ifndef XLITE_TESTS_UNIT_PAGE_TYPE_FIXTURE_H
#define XLITE_TESTS_UNIT_PAGE_TYPE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include <hv/frame.h>
#include <x86/page_type.h>

#define PTF_BASE        0x10000ull  /* first MFN of the fake RAM */
#define PTF_RESERVED    8           /* frames [base, base + 8) stay reserved */

/* Entry for frame m with flags. */
#define PTE(m, fl)      ((((uint64_t)(m)) << PAGE_SHIFT) | (uint64_t)(fl))
/* Flags the domain builder uses (ABI notes §1.3). */
#define F_UPPER         (PG_P | PG_RW | PG_A | PG_D | PG_U)     /* 0x067 */
#define F_L1RW          (PG_P | PG_RW | PG_A)                   /* 0x023 */
#define F_L1RO          (PG_P | PG_A)                           /* 0x021 */
#define F_LINEAR        (PG_P | PG_A | PG_U)                    /* read-only */

#define PTF_BAD_SEG_DESC 0xBADull   /* check_seg_desc refuses a page starting so */

struct ptf {
    struct frame_allocator fa;
    struct frame *table;
    uint64_t *ram;                  /* nr frames of 512 entries */
    mfn_t nr;
    uint64_t hv[PT_HV_NR_SLOTS];
    struct pt_env env;
    uint32_t *scratch;              /* 2 * nr, for pt_check */
    uint32_t *exp_c, *exp_t;        /* oracle: nr, and nr * 8 (per type) */
    struct pt_check_report rep;     /* last pt_check report */
    unsigned long type_changes;     /* type_change hook calls */
    unsigned long hook_errors;      /* hook calls that broke its contract */
    unsigned int last_old, last_new;
    char msg[256];                  /* last oracle complaint */
};

/* Fake RAM of nr frames at PTF_BASE; all but the first PTF_RESERVED are free. */
void ptf_init(struct ptf *x, mfn_t nr);
void ptf_fini(struct ptf *x);

/* A zeroed frame owned by owner (test fails if none is left). */
mfn_t ptf_alloc(struct ptf *x, uint16_t owner);
uint64_t *ptf_page(struct ptf *x, mfn_t m);
struct frame *ptf_frame(struct ptf *x, mfn_t m);

/* pt_check over holds; the report lands in x->rep. */
int ptf_check(struct ptf *x, const struct pt_hold *holds, size_t n);

/* Independent recomputation of all counts and invariants; NULL when everything
 * agrees, else a message (also in x->msg). */
const char *ptf_oracle(struct ptf *x, const struct pt_hold *holds, size_t n);

/* A 4-level tree written directly into RAM (as the domain builder does before
 * pinning): l4[0] -> l3, l3[0] -> l2, l2[0] -> l1 with F_UPPER; l1[i] maps data[i] RW
 * for i < 4 and l1[4..7] map l4, l3, l2, l1 read-only. Nothing is typed yet. */
struct ptf_tree {
    mfn_t l4, l3, l2, l1, data[4];
};
void ptf_build_tree(struct ptf *x, uint16_t owner, struct ptf_tree *t);

/* Copies of every frame's count, type_count, type and flags; compared by
 * ptf_snap_diff, which returns the first differing MFN or INVALID_MFN. With
 * with_type false the stale type of frames with type_count 0 is ignored. */
struct ptf_snap {
    uint32_t *count, *type_count;
    uint8_t *type, *flags;
};
void ptf_snap_take(struct ptf *x, struct ptf_snap *s);
mfn_t ptf_snap_diff(struct ptf *x, const struct ptf_snap *s, int with_type);
void ptf_snap_free(struct ptf_snap *s);

#endif
