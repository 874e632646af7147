/* Internals of the page-type state machine shared by page_type.c and its checker
 * page_type_check.c: the per-call context and small frame and entry helpers. Not an
 * interface: nothing else includes this. */
#ifndef XLITE_PAGE_TYPE_INT_H
#define XLITE_PAGE_TYPE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/frame.h>
#include <x86/page_type.h>
#include <xlite/errno.h>

#define PG_L1_OK    (PG_P | PG_RW | PG_U | PG_A | PG_D | PG_G | PG_AVAIL | PG_ADDR | \
                     (PG_AVAIL_HIGH & ~PG_GNTTAB) | PG_NX)
#define PG_UPPER_OK (PG_P | PG_RW | PG_U | PG_A | PG_D | PG_AVAIL | PG_ADDR | \
                     PG_AVAIL_HIGH | PG_NX)
#define PG_GNT_IGNORE   (PG_A | PG_D | PG_AVAIL)  /* may differ when a grant PTE is compared */

struct pt_op {
    const struct pt_env *env;
    struct frame_allocator *fa;
    uint32_t work;              /* devalidation worklist (table indices via `next`) */
};

/* Sets up op; false for an unusable env. */
static inline bool op_init(struct pt_op *op, const struct pt_env *env)
{
    if (env == NULL || env->fa == NULL || env->fa->table == NULL || env->map == NULL)
        return false;
    op->env = env;
    op->fa = env->fa;
    op->work = FRAME_NIL;
    return true;
}

static inline bool is_table_type(unsigned int t)
{
    return t >= FRAME_TYPE_L1 && t <= FRAME_TYPE_L4;
}

static inline unsigned int table_type(unsigned int level)
{
    return FRAME_TYPE_L1 + level - 1;
}

static inline unsigned int level_of(unsigned int type)
{
    return type - FRAME_TYPE_L1 + 1;
}

/* True for the hypervisor's slots of an L4. */
static inline bool hv_slot(unsigned int level, unsigned int i)
{
    return level == 4 && i >= PT_HV_FIRST_SLOT && i < PT_HV_FIRST_SLOT + PT_HV_NR_SLOTS;
}

static inline mfn_t mfn_of(const struct pt_op *op, const struct frame *f)
{
    return op->fa->base_mfn + (mfn_t)(f - op->fa->table);
}

static inline uint64_t *entries_of(const struct pt_op *op, const struct frame *f)
{
    return op->env->map(op->env->ctx, mfn_of(op, f));
}

static inline mfn_t entry_mfn(uint64_t e)
{
    return (e & PG_ADDR) >> PAGE_SHIFT;
}

/* A present L1 entry carrying the hypervisor's grant-mapping marker. */
static inline bool is_grant_l1e(uint64_t e)
{
    return (e & (PG_P | PG_GNTTAB)) == (PG_P | PG_GNTTAB);
}

/* The descriptor of a RAM frame (in the table, neither free nor reserved), or NULL. */
static inline struct frame *ram_frame(const struct pt_op *op, mfn_t mfn)
{
    struct frame *f = frame_of(op->fa, mfn);

    if (f == NULL || (f->flags & (FRAME_F_FREE | FRAME_F_RESERVED)))
        return NULL;
    return f;
}

/* ram_frame, restricted to frames owned by owner. */
static inline struct frame *owned_frame(const struct pt_op *op, uint16_t owner, mfn_t mfn)
{
    struct frame *f = ram_frame(op, mfn);

    return f != NULL && f->owner == owner ? f : NULL;
}

/* Refuses (-XEN_EINVAL) bits not allowed in a present level-`level` entry, including
 * address bits at or above MAXPHYADDR. */
static inline int bad_bits(const struct pt_env *env, unsigned int level, uint64_t e)
{
    unsigned int bits = env->paddr_bits;
    uint64_t ok = level == 1 ? PG_L1_OK : PG_UPPER_OK;

    if (bits >= 32 && bits < 52)
        ok &= ~(PG_ADDR & ~((1ull << bits) - 1));
    return (e & ~ok) != 0 ? -XEN_EINVAL : 0;
}

#endif
