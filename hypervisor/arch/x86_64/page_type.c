/* Frame type and reference-count state machine and PV page-table validation; the
 * model and the rules are in page_type.h. Every public entry point works on a
 * struct pt_op on its stack: the env plus the head of the devalidation worklist.
 *
 * Invariants between calls (pt_check verifies them): count >= type_count; a frame
 * typed L1..L4 with type_count > 0 is VALIDATED and each present entry holds exactly
 * the refs get_entry_refs took for it; VALIDATED implies such a type and
 * type_count > 0; PINNED implies VALIDATED; allocated frames have next == FRAME_NIL.
 *
 * Ordering rules that keep this simple: a call takes all new references before it
 * drops old ones, and the worklist is drained before anything is taken again (every
 * rollback drains at once). A frame on the worklist therefore has type_count 0 and
 * nobody can re-type it before its entries are released. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/frame.h>
#include <hv/lib.h>
#include <xlite/errno.h>

#include <x86/page_type_int.h>

/* Refuses (-XEN_EINVAL) a count at its limit. */
static int get_general(struct frame *f)
{
    if (f->count >= PT_COUNT_MAX)
        return -XEN_EINVAL;
    f->count++;
    return 0;
}

static void put_general(struct frame *f)
{
    f->count--;
}

/* Drops one type ref; the last one of a validated table queues its devalidation.
 * The type itself stays (stale) until someone takes a different one. */
static void put_type(struct pt_op *op, struct frame *f)
{
    if (--f->type_count == 0 && (f->flags & FRAME_F_VALIDATED)) {
        f->flags &= (uint8_t)~FRAME_F_VALIDATED;
        f->next = op->work;
        op->work = (uint32_t)(f - op->fa->table);
    }
}

static int get_type(struct pt_op *op, struct frame *f, unsigned int type);

/* Drops the refs of the present entries e[0..n) of table self (level `level`); a
 * self-map holds none. */
static void put_entries(struct pt_op *op, const struct frame *self, unsigned int level,
                        const uint64_t *e, unsigned int n)
{
    unsigned int i;

    for (i = 0; i < n; i++) {
        struct frame *t;

        if (hv_slot(level, i) || !(e[i] & PG_P))
            continue;
        t = frame_of(op->fa, entry_mfn(e[i]));
        if (t == NULL || (level > 1 && t == self))
            continue;                   /* NULL cannot happen for a validated entry */
        if (level > 1 || (e[i] & PG_RW))
            put_type(op, t);
        put_general(t);
    }
}

/* Releases every ref the entries of table f (level `level`) hold and zeroes an L4's
 * hypervisor slots. The caller has already cleared VALIDATED. */
static void release_entries(struct pt_op *op, struct frame *f, unsigned int level)
{
    uint64_t *e = entries_of(op, f);
    unsigned int i;

    put_entries(op, f, level, e, PT_ENTRIES);
    if (level == 4)
        for (i = PT_HV_FIRST_SLOT; i < PT_HV_FIRST_SLOT + PT_HV_NR_SLOTS; i++)
            __atomic_store_n(&e[i], 0, __ATOMIC_RELAXED);
}

/* Devalidates every queued table, iteratively; releasing one may queue more. */
static void drain(struct pt_op *op)
{
    while (op->work != FRAME_NIL) {
        struct frame *f = &op->fa->table[op->work];

        op->work = f->next;
        f->next = FRAME_NIL;
        release_entries(op, f, level_of(f->type));
    }
}

/* Refs of a linear entry onto t, which has the entry's own level and type_count > 0:
 * general + type ref, none at all for a self-map (a table must not keep itself
 * alive). Refuses (-XEN_EINVAL) RW, and a t that is neither validated nor self. */
static int get_linear(struct frame *t, uint64_t e, const struct frame *self)
{
    if ((e & PG_RW) || (!(t->flags & FRAME_F_VALIDATED) && t != self))
        return -XEN_EINVAL;
    if (t != self) {
        if (get_general(t) != 0)
            return -XEN_EINVAL;
        t->type_count++;
    }
    return 0;
}

/* Takes the refs the present level-`level` entry e of table self holds; owner must own
 * the target. Refuses per page_type.h's entry rules (-XEN_EINVAL, -XEN_EPERM for a
 * non-RAM L1e target, -XEN_EBUSY for RW onto a typed frame, or a validation error). */
static int get_entry_refs(struct pt_op *op, unsigned int level, uint64_t e,
                          uint16_t owner, const struct frame *self)
{
    struct frame *t;
    int rc = bad_bits(op->env, level, e);

    if (rc != 0)
        return rc;
    t = frame_of(op->fa, entry_mfn(e));
    if (level == 1 && (t == NULL || (t->flags & FRAME_F_RESERVED)))
        return -XEN_EPERM;
    if (t == NULL || (t->flags & (FRAME_F_FREE | FRAME_F_RESERVED)) || t->owner != owner)
        return -XEN_EINVAL;
    if (level > 1 && t->type == table_type(level) && t->type_count > 0)
        return get_linear(t, e, self);
    rc = get_general(t);
    if (rc != 0)
        return rc;
    if (level == 1)
        rc = (e & PG_RW) && get_type(op, t, FRAME_TYPE_WRITABLE) != 0 ? -XEN_EBUSY : 0;
    else
        rc = get_type(op, t, table_type(level - 1));
    if (rc != 0)
        put_general(t);
    return rc;
}

/* Validates table f (type already set, type_count 1): takes every present entry's
 * refs, then sets U on them and fills an L4's hypervisor slots. On failure releases
 * what it took and returns the entry's error. Recursion: get_entry_refs validates
 * only at level - 1, so the depth is at most 4. */
static int validate(struct pt_op *op, struct frame *f, unsigned int level)
{
    uint64_t *e = entries_of(op, f);
    const uint64_t *hv = op->env->hv_l4_slots;
    unsigned int i;
    int rc;

    for (i = 0; i < PT_ENTRIES; i++) {
        if (hv_slot(level, i) || !(e[i] & PG_P))
            continue;
        rc = get_entry_refs(op, level, e[i], f->owner, f);
        if (rc != 0) {
            put_entries(op, f, level, e, i);
            drain(op);
            return rc;
        }
    }
    for (i = 0; i < PT_ENTRIES; i++) {
        if (hv_slot(level, i))
            e[i] = hv != NULL ? hv[i - PT_HV_FIRST_SLOT] : 0;
        else if (e[i] & PG_P)
            e[i] |= PG_U;
    }
    return 0;
}

/* Takes a type ref of `type` on f (the caller holds a general ref). A first ref
 * changes the type (calling env->type_change for a stale other type) and validates.
 * Refuses (-XEN_EINVAL) another type while type_count > 0 and a table that is not
 * validated (being validated or torn down); a validation failure returns its code
 * and restores the type. */
static int get_type(struct pt_op *op, struct frame *f, unsigned int type)
{
    unsigned int old = f->type;
    int rc = 0;

    if (f->type_count > 0) {
        if (old != type || (is_table_type(type) && !(f->flags & FRAME_F_VALIDATED)))
            return -XEN_EINVAL;
        f->type_count++;
        return 0;
    }
    if (old != type && old != FRAME_TYPE_NONE && op->env->type_change != NULL)
        op->env->type_change(op->env->ctx, mfn_of(op, f), old, type);
    f->type = (uint8_t)type;
    f->type_count = 1;
    if (is_table_type(type))
        rc = validate(op, f, level_of(type));
    else if (type == FRAME_TYPE_SEG_DESC && op->env->check_seg_desc != NULL)
        rc = op->env->check_seg_desc(op->env->ctx, mfn_of(op, f), entries_of(op, f));
    if (rc != 0) {
        f->type_count = 0;
        f->type = (uint8_t)old;
        return rc;
    }
    if (is_table_type(type))
        f->flags |= FRAME_F_VALIDATED;
    return 0;
}

/* Per page_type.h. */
int pt_get_page(const struct pt_env *env, uint16_t owner, mfn_t mfn)
{
    struct pt_op op;
    struct frame *f;

    if (!op_init(&op, env) || (f = owned_frame(&op, owner, mfn)) == NULL)
        return -XEN_EINVAL;
    return get_general(f);
}

/* Per page_type.h. */
int pt_put_page(const struct pt_env *env, mfn_t mfn)
{
    struct pt_op op;
    struct frame *f;

    if (!op_init(&op, env) || (f = ram_frame(&op, mfn)) == NULL ||
        f->count <= f->type_count)
        return -XEN_EINVAL;
    put_general(f);
    return 0;
}

/* Per page_type.h. */
int pt_get_page_and_type(const struct pt_env *env, uint16_t owner, mfn_t mfn,
                         unsigned int type)
{
    struct pt_op op;
    struct frame *f;
    int rc;

    if (!op_init(&op, env) || type < FRAME_TYPE_WRITABLE || type > FRAME_TYPE_SEG_DESC ||
        (f = owned_frame(&op, owner, mfn)) == NULL)
        return -XEN_EINVAL;
    rc = get_general(f);
    if (rc != 0)
        return rc;
    rc = get_type(&op, f, type);
    if (rc != 0)
        put_general(f);
    return rc;
}

/* Per page_type.h. */
int pt_put_page_and_type(const struct pt_env *env, mfn_t mfn)
{
    struct pt_op op;
    struct frame *f;

    if (!op_init(&op, env) || (f = ram_frame(&op, mfn)) == NULL || f->type_count == 0)
        return -XEN_EINVAL;
    put_type(&op, f);
    put_general(f);
    drain(&op);
    return 0;
}

/* Per page_type.h. */
int pt_pin(const struct pt_env *env, uint16_t owner, mfn_t mfn, unsigned int level)
{
    struct pt_op op;
    struct frame *f;
    int rc;

    if (!op_init(&op, env) || level < 1 || level > 4 ||
        (f = owned_frame(&op, owner, mfn)) == NULL || (f->flags & FRAME_F_PINNED))
        return -XEN_EINVAL;
    rc = get_general(f);
    if (rc != 0)
        return rc;
    rc = get_type(&op, f, table_type(level));
    if (rc != 0) {
        put_general(f);
        return rc;
    }
    f->flags |= FRAME_F_PINNED;
    return 0;
}

/* Per page_type.h. */
int pt_unpin(const struct pt_env *env, uint16_t owner, mfn_t mfn)
{
    struct pt_op op;
    struct frame *f;

    if (!op_init(&op, env) || (f = owned_frame(&op, owner, mfn)) == NULL ||
        !(f->flags & FRAME_F_PINNED))
        return -XEN_EINVAL;
    f->flags &= (uint8_t)~FRAME_F_PINNED;
    put_type(&op, f);
    put_general(f);
    drain(&op);
    return 0;
}

/* Stores val at *slot atomically and returns the value it replaced; with preserve_ad
 * the A/D bits of a present old entry survive into a present new one, even if the
 * hardware sets them meanwhile. */
static uint64_t store_entry(uint64_t *slot, uint64_t val, bool preserve_ad)
{
    uint64_t old, want;

    if (!preserve_ad)
        return __atomic_exchange_n(slot, val, __ATOMIC_SEQ_CST);
    old = __atomic_load_n(slot, __ATOMIC_RELAXED);
    do {
        want = val;
        if ((old & PG_P) && (val & PG_P))
            want |= old & (PG_A | PG_D);
    } while (!__atomic_compare_exchange_n(slot, &old, want, false, __ATOMIC_SEQ_CST,
                                          __ATOMIC_RELAXED));
    return old;
}

/* Entry update on validated table f. Refuses (-XEN_EINVAL) a table being torn down,
 * the hypervisor's L4 slots and an L1 slot holding a grant mapping (only the grant
 * table interface removes those); otherwise per get_entry_refs. */
static int mod_table_entry(struct pt_op *op, struct frame *f, unsigned int index,
                           uint64_t val, uint16_t pg_owner, unsigned int flags)
{
    unsigned int level = level_of(f->type);
    uint64_t old;
    int rc;

    if (!(f->flags & FRAME_F_VALIDATED) || hv_slot(level, index))
        return -XEN_EINVAL;
    if (level == 1 && is_grant_l1e(__atomic_load_n(&entries_of(op, f)[index],
                                                   __ATOMIC_RELAXED)))
        return -XEN_EINVAL;
    if (val & PG_P) {
        rc = get_entry_refs(op, level, val, level == 1 ? pg_owner : f->owner, f);
        if (rc != 0)
            return rc;
        val |= PG_U;
    }
    old = store_entry(&entries_of(op, f)[index], val, flags & PT_MOD_PRESERVE_AD);
    put_entries(op, f, level, &old, 1);
    drain(op);
    return 0;
}

/* Ordinary 8-byte write into a frame that is not a live table. Refuses (-XEN_EBUSY) a
 * frame whose type_count > 0 is of a type other than WRITABLE. A stale other type
 * becomes WRITABLE first (env->type_change), as for any writable ref. */
static int plain_write(struct pt_op *op, struct frame *f, unsigned int index, uint64_t val)
{
    if (f->type_count > 0 && f->type != FRAME_TYPE_WRITABLE)
        return -XEN_EBUSY;
    if (f->type != FRAME_TYPE_WRITABLE) {
        if (f->type != FRAME_TYPE_NONE && op->env->type_change != NULL)
            op->env->type_change(op->env->ctx, mfn_of(op, f), f->type,
                                 FRAME_TYPE_WRITABLE);
        f->type = FRAME_TYPE_WRITABLE;
    }
    __atomic_store_n(&entries_of(op, f)[index], val, __ATOMIC_SEQ_CST);
    return 0;
}

/* Per page_type.h. */
int pt_mod_entry(const struct pt_env *env, uint16_t pt_owner, uint16_t pg_owner,
                 mfn_t table, unsigned int index, uint64_t val, unsigned int flags)
{
    struct pt_op op;
    struct frame *f;

    if (!op_init(&op, env) || index >= PT_ENTRIES || (flags & ~PT_MOD_PRESERVE_AD) ||
        (f = owned_frame(&op, pt_owner, table)) == NULL)
        return -XEN_EINVAL;
    if (f->type_count > 0 && is_table_type(f->type))
        return mod_table_entry(&op, f, index, val, pg_owner, flags);
    return plain_write(&op, f, index, val);
}

/* Per page_type.h. */
int pt_walk_l1e(const struct pt_env *env, mfn_t l4, uint64_t va, mfn_t *l1,
                unsigned int *index)
{
    struct pt_op op;
    struct frame *f;
    unsigned int level;

    if (!op_init(&op, env) || l1 == NULL || index == NULL ||
        ((va >> 47) != 0 && (va >> 47) != 0x1FFFF) || hv_slot(4, (va >> 39) & 511))
        return -XEN_EINVAL;
    f = ram_frame(&op, l4);
    for (level = 4;; level--) {
        uint64_t e;

        if (f == NULL || f->type != table_type(level) || f->type_count == 0 ||
            !(f->flags & FRAME_F_VALIDATED))
            return -XEN_EINVAL;
        if (level == 1)
            break;
        e = entries_of(&op, f)[(va >> (PAGE_SHIFT + 9 * (level - 1))) & 511];
        if (!(e & PG_P))
            return -XEN_EINVAL;
        f = ram_frame(&op, entry_mfn(e));
    }
    *l1 = mfn_of(&op, f);
    *index = (unsigned int)((va >> PAGE_SHIFT) & 511);
    return 0;
}

/* Per page_type.h. */
int pt_get_l4_ref(const struct pt_env *env, uint16_t owner, mfn_t l4)
{
    struct pt_op op;
    struct frame *n;
    int rc;

    if (!op_init(&op, env) || (n = owned_frame(&op, owner, l4)) == NULL)
        return -XEN_EINVAL;
    if ((rc = get_general(n)) != 0)
        return rc;
    if ((rc = get_type(&op, n, FRAME_TYPE_L4)) != 0)
        put_general(n);
    return rc;
}

/* The L4 frame of l4 if it holds an L4 ref, else NULL. */
static struct frame *held_l4(const struct pt_op *op, mfn_t l4)
{
    struct frame *o = ram_frame(op, l4);

    return o != NULL && o->type == FRAME_TYPE_L4 && o->type_count > 0 ? o : NULL;
}

/* Per page_type.h. */
int pt_put_l4_ref(const struct pt_env *env, mfn_t l4)
{
    struct pt_op op;
    struct frame *o;

    if (!op_init(&op, env) || (o = held_l4(&op, l4)) == NULL)
        return -XEN_EINVAL;
    put_type(&op, o);
    put_general(o);
    drain(&op);
    return 0;
}

/* Per page_type.h. */
int pt_set_baseptr(const struct pt_env *env, uint16_t owner, mfn_t *baseptr,
                   mfn_t new_l4)
{
    struct pt_op op;
    int rc;

    if (!op_init(&op, env) || baseptr == NULL)
        return -XEN_EINVAL;
    if (*baseptr != INVALID_MFN && held_l4(&op, *baseptr) == NULL)
        return -XEN_EINVAL;
    if (new_l4 != INVALID_MFN && (rc = pt_get_l4_ref(env, owner, new_l4)) != 0)
        return rc;
    mfn_t old = *baseptr;
    *baseptr = new_l4;
    if (old != INVALID_MFN)
        pt_put_l4_ref(env, old);
    return 0;
}

/* Drops f's pin and, if it is a validated table, what its entries hold (for
 * pt_domain_relinquish and pt_orphan_frame). */
static void relinquish_frame(struct pt_op *op, struct frame *f)
{
    if (f->flags & FRAME_F_PINNED) {
        f->flags &= (uint8_t)~FRAME_F_PINNED;
        put_type(op, f);
        put_general(f);
        drain(op);
    }
    if (f->flags & FRAME_F_VALIDATED) {
        f->flags &= (uint8_t)~FRAME_F_VALIDATED;
        release_entries(op, f, level_of(f->type));
        drain(op);
    }
}

/* Per page_type.h. A table still referenced after its own teardown (e.g. by a linear
 * entry of a table torn down later) keeps its type with VALIDATED clear until those
 * refs go; get_type refuses to hand out new refs to it meanwhile. */
uint64_t pt_domain_relinquish(const struct pt_env *env, uint16_t owner)
{
    struct pt_op op;
    uint64_t busy = 0;
    mfn_t i;

    if (!op_init(&op, env))
        return 0;
    for (i = 0; i < op.fa->nr_frames; i++) {
        struct frame *f = &op.fa->table[i];

        if (f->owner != owner || (f->flags & (FRAME_F_FREE | FRAME_F_RESERVED)))
            continue;
        relinquish_frame(&op, f);
    }
    for (i = 0; i < op.fa->nr_frames; i++) {
        const struct frame *f = &op.fa->table[i];

        if (f->owner == owner && !(f->flags & (FRAME_F_FREE | FRAME_F_RESERVED)) &&
            (f->count != 0 || f->type_count != 0))
            busy++;
    }
    return busy;
}

/* ---------------------------------------------------------------- grant mappings */

/* The descriptor of a validated L1 owned by owner, or NULL. */
static struct frame *live_l1(const struct pt_op *op, uint16_t owner, mfn_t mfn)
{
    struct frame *f = owned_frame(op, owner, mfn);

    return f != NULL && f->type == FRAME_TYPE_L1 && f->type_count > 0 &&
           (f->flags & FRAME_F_VALIDATED) ? f : NULL;
}

/* Per page_type.h. */
int pt_install_grant_l1e(const struct pt_env *env, uint16_t l1_owner, mfn_t l1,
                         unsigned int index, uint16_t frame_owner, mfn_t frame, bool rw,
                         unsigned int avail)
{
    struct pt_op op;
    struct frame *f, *t;
    uint64_t *slot, old;
    int rc;

    if (!op_init(&op, env) || index >= PT_ENTRIES ||
        (f = live_l1(&op, l1_owner, l1)) == NULL ||
        (t = owned_frame(&op, frame_owner, frame)) == NULL)
        return -XEN_EINVAL;
    slot = &entries_of(&op, f)[index];
    if (is_grant_l1e(__atomic_load_n(slot, __ATOMIC_RELAXED)))
        return -XEN_EINVAL;
    if ((rc = get_general(t)) != 0)
        return rc;
    if (rw && get_type(&op, t, FRAME_TYPE_WRITABLE) != 0) {
        put_general(t);
        return -XEN_EBUSY;
    }
    old = store_entry(slot, pt_grant_l1e(frame, rw) | (((uint64_t)avail << 9) & PG_AVAIL),
                      false);
    put_entries(&op, f, 1, &old, 1);
    drain(&op);
    return (old & PG_P) ? 1 : 0;
}

/* Per page_type.h. */
int pt_remove_grant_l1e(const struct pt_env *env, uint16_t l1_owner, mfn_t l1,
                        unsigned int index, mfn_t frame, bool rw, mfn_t new_l1,
                        unsigned int new_index)
{
    struct pt_op op;
    struct frame *f, *n = NULL;
    uint64_t *slot, e, repl = 0;

    if (!op_init(&op, env) || index >= PT_ENTRIES ||
        (f = live_l1(&op, l1_owner, l1)) == NULL)
        return -XEN_EINVAL;
    slot = &entries_of(&op, f)[index];
    e = __atomic_load_n(slot, __ATOMIC_RELAXED);
    if ((e & ~PG_GNT_IGNORE) != (pt_grant_l1e(frame, rw) & ~PG_GNT_IGNORE))
        return -XEN_EINVAL;
    if (new_l1 != INVALID_MFN) {
        if (new_index >= PT_ENTRIES || (n = live_l1(&op, l1_owner, new_l1)) == NULL ||
            (n == f && new_index == index))
            return -XEN_EINVAL;
        /* The entry moves with its references: both tables are validated L1s of the
         * same owner, so nothing is counted twice or lost. */
        repl = store_entry(&entries_of(&op, n)[new_index], 0, false);
    }
    e = store_entry(slot, repl, false);
    put_entries(&op, f, 1, &e, 1);
    drain(&op);
    return 0;
}

/* Per page_type.h. */
uint64_t pt_strip_grant_l1es(const struct pt_env *env, uint16_t owner)
{
    struct pt_op op;
    uint64_t removed = 0;
    mfn_t i;

    if (!op_init(&op, env))
        return 0;
    for (i = 0; i < op.fa->nr_frames; i++) {
        struct frame *f = &op.fa->table[i];
        uint64_t *e;
        unsigned int k;

        if (f->owner != owner || (f->flags & (FRAME_F_FREE | FRAME_F_RESERVED)) ||
            f->type != FRAME_TYPE_L1 || !(f->flags & FRAME_F_VALIDATED))
            continue;
        e = entries_of(&op, f);
        for (k = 0; k < PT_ENTRIES; k++) {
            uint64_t old;

            if (!is_grant_l1e(__atomic_load_n(&e[k], __ATOMIC_RELAXED)))
                continue;
            old = store_entry(&e[k], 0, false);
            put_entries(&op, f, 1, &old, 1);
            removed++;
        }
        drain(&op);
    }
    return removed;
}

/* Per page_type.h. */
int pt_orphan_frame(const struct pt_env *env, uint16_t owner, mfn_t mfn)
{
    struct pt_op op;
    struct frame *f;

    if (!op_init(&op, env) || (f = owned_frame(&op, owner, mfn)) == NULL)
        return -XEN_EINVAL;
    relinquish_frame(&op, f);
    frames_orphan(op.fa, mfn);
    return 0;
}
