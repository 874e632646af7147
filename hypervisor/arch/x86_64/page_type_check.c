/* pt_check: the page-type state machine's invariants (page_type.c's header comment)
 * recomputed from scratch over the whole frame table, for the host property tests and
 * the debug key. Read-only. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/frame.h>
#include <hv/lib.h>
#include <x86/page_type_int.h>
#include <xlite/errno.h>

/* A present entry is exactly what pt_install_grant_l1e writes (A/D aside). */
static bool grant_l1e_shaped(uint64_t e)
{
    return (e & ~(PG_ADDR | PG_RW | PG_GNT_IGNORE)) == (PT_GNT_L1E_FLAGS & ~PG_GNT_IGNORE);
}

/* Sets *rep and returns -code. */
static int report(struct pt_check_report *rep, int code, mfn_t mfn, unsigned int index)
{
    rep->code = code;
    rep->mfn = mfn;
    rep->index = index;
    return -code;
}

/* The per-frame invariants that need no recomputation. Returns 0 or -PTCHK_*. */
static int check_frame_state(const struct frame *f)
{
    bool table = is_table_type(f->type), valid = f->flags & FRAME_F_VALIDATED;

    if (f->flags & (FRAME_F_FREE | FRAME_F_RESERVED))
        return f->count != 0 || f->type_count != 0 ||
               (f->flags & (FRAME_F_VALIDATED | FRAME_F_PINNED)) ? -PTCHK_FREE : 0;
    if (f->type_count > f->count || (f->type_count > 0 && f->type == FRAME_TYPE_NONE))
        return -PTCHK_COUNTS;
    if (valid != (table && f->type_count > 0) ||
        ((f->flags & FRAME_F_PINNED) && !valid))
        return -PTCHK_FLAGS;
    return f->next != FRAME_NIL ? -PTCHK_LINK : 0;
}

/* Checks present entry e (index i) of validated table f and counts the refs it holds
 * into exp_c / exp_t. Returns 0 or -PTCHK_*. */
static int check_entry(const struct pt_op *op, const struct frame *f, unsigned int i,
                       uint64_t e, uint32_t *exp_c, uint32_t *exp_t,
                       struct pt_check_report *rep)
{
    unsigned int level = level_of(f->type);
    mfn_t m = mfn_of(op, f);
    const struct frame *t;
    size_t ti;

    if (level == 1 && (e & PG_GNTTAB) ? !grant_l1e_shaped(e)
                                      : bad_bits(op->env, level, e) != 0 || !(e & PG_U))
        return report(rep, PTCHK_ENTRY_BITS, m, i);
    t = ram_frame(op, entry_mfn(e));
    if (t == NULL || (level > 1 && t->owner != f->owner))
        return report(rep, PTCHK_ENTRY_TARGET, m, i);
    if (level > 1 && t == f)
        return (e & PG_RW) ? report(rep, PTCHK_ENTRY_TYPE, m, i) : 0;   /* self-map */
    ti = (size_t)(t - op->fa->table);
    exp_c[ti]++;
    if (level == 1 && !(e & PG_RW))
        return 0;
    if (level == 1 ? t->type != FRAME_TYPE_WRITABLE
                   : t->type == table_type(level) ? (e & PG_RW) != 0
                                                  : t->type != table_type(level - 1))
        return report(rep, PTCHK_ENTRY_TYPE, m, i);
    exp_t[ti]++;
    return 0;
}

/* Checks validated table f's entries and hypervisor slots, counting their refs. */
static int check_table(const struct pt_op *op, const struct frame *f, uint32_t *exp_c,
                       uint32_t *exp_t, struct pt_check_report *rep)
{
    unsigned int level = level_of(f->type), i;
    const uint64_t *e = entries_of(op, f), *hv = op->env->hv_l4_slots;
    int rc;

    for (i = 0; i < PT_ENTRIES; i++) {
        if (hv_slot(level, i)) {
            if (e[i] != (hv != NULL ? hv[i - PT_HV_FIRST_SLOT] : 0))
                return report(rep, PTCHK_HV_SLOT, mfn_of(op, f), i);
            continue;
        }
        if (!(e[i] & PG_P))
            continue;
        rc = check_entry(op, f, i, e[i], exp_c, exp_t, rep);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Counts the holds into exp_c / exp_t. Returns 0 or -PTCHK_HOLD. */
static int check_holds(const struct pt_op *op, const struct pt_hold *holds, size_t n,
                       uint32_t *exp_c, uint32_t *exp_t, struct pt_check_report *rep)
{
    size_t i, ti;

    for (i = 0; i < n; i++) {
        const struct frame *t = ram_frame(op, holds[i].mfn);

        if (t == NULL || (holds[i].type != FRAME_TYPE_NONE && t->type != holds[i].type))
            return report(rep, PTCHK_HOLD, holds[i].mfn, (unsigned int)i);
        ti = (size_t)(t - op->fa->table);
        exp_c[ti]++;
        if (holds[i].type != FRAME_TYPE_NONE)
            exp_t[ti]++;
    }
    return 0;
}

/* Per page_type.h; also refuses (-PTCHK_SCRATCH) an unusable env. */
int pt_check(const struct pt_env *env, const struct pt_hold *holds, size_t nr_holds,
             uint32_t *scratch, size_t scratch_len, struct pt_check_report *rep)
{
    struct pt_check_report dummy;
    struct pt_op op;
    uint32_t *exp_c, *exp_t;
    mfn_t n, i;
    int rc;

    if (rep == NULL)
        rep = &dummy;
    memset(rep, 0, sizeof(*rep));
    if (!op_init(&op, env) || scratch == NULL || scratch_len / 2 < op.fa->nr_frames ||
        (holds == NULL && nr_holds != 0))
        return report(rep, PTCHK_SCRATCH, INVALID_MFN, 0);
    n = op.fa->nr_frames;
    exp_c = scratch;
    exp_t = scratch + n;
    memset(scratch, 0, 2 * n * sizeof(*scratch));
    for (i = 0; i < n; i++) {
        const struct frame *f = &op.fa->table[i];

        if ((rc = check_frame_state(f)) != 0)
            return report(rep, -rc, op.fa->base_mfn + i, 0);
        if (f->flags & FRAME_F_PINNED) {
            exp_c[i]++;
            exp_t[i]++;
        }
        if ((f->flags & FRAME_F_VALIDATED) && (rc = check_table(&op, f, exp_c, exp_t, rep)))
            return rc;
    }
    if ((rc = check_holds(&op, holds, nr_holds, exp_c, exp_t, rep)) != 0)
        return rc;
    for (i = 0; i < n; i++) {
        const struct frame *f = &op.fa->table[i];
        int code = f->count != exp_c[i] ? PTCHK_COUNT
                   : f->type_count != exp_t[i] ? PTCHK_TYPE_COUNT : 0;

        if (code != 0) {
            rep->expected = code == PTCHK_COUNT ? exp_c[i] : exp_t[i];
            rep->actual = code == PTCHK_COUNT ? f->count : f->type_count;
            return report(rep, code, op.fa->base_mfn + i, 0);
        }
    }
    return 0;
}
