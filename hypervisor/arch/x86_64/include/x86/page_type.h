/* Frame types, reference counts and PV page-table validation ("direct paging": guest
 * page tables hold machine frame numbers and are used by the hardware as they are).
 * Free of hardware access: memory is reached through struct pt_env, so the unit tests
 * run the same code on a fake RAM.
 *
 * Model (Xen's, see the PV ABI notes §4.1):
 *  - Every frame has an owner, a general count (`count`) and a type with a type count
 *    (`type_count`). Every type reference comes with a general reference, so
 *    count >= type_count always.
 *  - A type changes only while type_count == 0; asking for another type while
 *    type_count > 0 fails. When type_count drops to 0 the type stays in the frame as a
 *    stale type (the frame may still sit in some TLB or paging-structure cache as that
 *    type); env->type_change is called before a stale type is replaced.
 *  - The first type reference of L1..L4 validates the frame: every present entry is
 *    checked and takes its references (below). Success sets FRAME_F_VALIDATED. Dropping
 *    the last type reference of a validated table drops every reference its entries
 *    hold (devalidation), iteratively: a worklist threaded through the frames' `next`
 *    links, so arbitrarily long chains of linear mappings need no recursion.
 *    Validation recurses at most 4 deep (L4 -> L3 -> L2 -> L1; linear entries never
 *    validate).
 *  - References held by a present entry of a level-n table:
 *      L1e: a general ref on the target, plus a WRITABLE type ref if RW.
 *      LNe (n >= 2): a general ref plus a type ref of L(n-1) on the target (validating
 *        it if this is its first), or, for a linear ("recursive") entry whose target
 *        is another validated L(n), a general + L(n) type ref without revalidation;
 *        a self-map (the entry points at its own table) holds no refs at all, so a
 *        table never keeps itself alive. Linear entries must be read-only.
 *  - A pin (FRAME_F_PINNED) holds one general + one type ref; so does a baseptr (CR3)
 *    and any hold the hypervisor takes with pt_get_page_and_type (GDT frames, device
 *    halves of grant mappings, grant-table frames).
 *  - Grant mappings (host half): an L1 entry written by pt_install_grant_l1e, value
 *    pt_grant_l1e(frame, rw) = frame | P|A|D|U|NX|PG_GNTTAB (+RW). It holds the same
 *    refs as any L1e (general + WRITABLE type if RW) but on a frame of the granting
 *    domain, usually another one. Guests can neither write such an entry (PG_GNTTAB is
 *    refused) nor overwrite or clear one (pt_mod_entry -> -XEN_EINVAL); only
 *    pt_remove_grant_l1e (unmap, unmap_and_replace) and pt_strip_grant_l1es (teardown)
 *    take it away. Devalidating its L1 drops its refs like any entry's (the grant
 *    layer's handle for it then names a mapping that is gone and stays until the
 *    domain's teardown releases it without touching refs; Xen crashes such a guest),
 *    and a table holding a present grant entry never validates again (PG_GNTTAB), so
 *    the stale copy stays inert until the guest clears it.
 *  - Linear entries between distinct tables can form cycles (A -> B -> A) that keep
 *    both alive after everything else let go, as in Xen; the guest breaks them by
 *    rewriting an entry, pt_domain_relinquish breaks them at destruction.
 *
 * Entry rules (a present entry; a non-present entry is free-form and takes nothing):
 *  - Allowed flags: P RW U A D, AVAIL (9-11), AVAIL_HIGH (52-62), NX; G only in L1.
 *    PWT, PCD, PAT/PS (bit 7: no superpages, no PAT), G above L1 -> -XEN_EINVAL, for
 *    every domain (nothing here maps MMIO, so cache attributes have no legitimate use
 *    and would only create attribute aliases of RAM). L1 bit 62 (PG_GNTTAB) is
 *    reserved for the hypervisor's grant-mapping marker -> -XEN_EINVAL (also when
 *    validating a table: a present grant entry in a frame being validated is
 *    refused), and an L1 slot holding a grant mapping cannot be rewritten.
 *  - Address bits at or above env->paddr_bits (MAXPHYADDR) -> -XEN_EINVAL.
 *  - L1e target: outside the frame table or FRAME_F_RESERVED (not guest RAM: MMIO,
 *    hypervisor) -> -XEN_EPERM; free, or not owned by pg_owner -> -XEN_EINVAL; RW onto a
 *    frame whose type is not WRITABLE with type_count > 0 (a page table, a GDT page)
 *    -> -XEN_EBUSY. RO mappings of page tables are fine.
 *  - LNe target (n >= 2): must be RAM owned by the table's owner (never foreign), else
 *    -XEN_EINVAL; type conflict -> -XEN_EINVAL; RW linear -> -XEN_EINVAL; a failure
 *    inside the target's validation is returned as it is.
 *  - L4 slots 256..271 (PT_HV_FIRST_SLOT..) belong to the hypervisor: guest writes
 *    -> -XEN_EINVAL; validation ignores whatever the guest left there and, on
 *    success, fills them from env->hv_l4_slots; devalidation zeroes them.
 *
 * U bit: the guest kernel runs in ring 3, so the hypervisor sets U on every present
 * entry it accepts, at every level (on validation and on pt_mod_entry). Nothing else
 * is added: no software marker for "guest supervisor" pages (the distinction cannot
 * be enforced in hardware anyway), never NX or bits 52-62 (grant entries, which the
 * hypervisor writes itself, aside). A guest that reads an entry back and writes it
 * unchanged is accepted (U is an allowed flag). L1 G bits are kept
 * as written: the hypervisor must flush global TLB entries when it switches between
 * domains (CR4.PGE toggle), or a guest's global mappings would survive into another.
 *
 * Validation failure releases every reference taken so far and restores counts and
 * flags exactly; the only trace it can leave is the U bit added to entries of
 * sub-tables that validated fine before a sibling failed, and their stale type.
 *
 * Concurrency: callers serialise every call that shares a frame_allocator (one MMU
 * lock; foreign mappings touch other domains' frames). Between calls every allocated
 * frame has next == FRAME_NIL (the worklist borrows `next` only within a call).
 * Entry stores are single atomic 8-byte writes (hardware may walk the tables
 * meanwhile and set A/D bits). TLB flushing is the caller's: mmu_update does not
 * flush (guests flush explicitly), but env->type_change must make sure no CPU keeps a
 * translation or paging-structure entry derived from the frame's previous type. It
 * is not called for FRAME_TYPE_NONE (frames_alloc's state): before a frame is freed
 * and reused, nothing may cache it (flush when a domain dies). Hooks must not call
 * back into this module. Nothing here is preemptible: dropping one reference can
 * devalidate a whole tree, and pt_domain_relinquish walks the whole frame table. */
#ifndef XLITE_PAGE_TYPE_H
#define XLITE_PAGE_TYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/frame.h>

#define PT_ENTRIES          512
#define PT_COUNT_MAX        0xFFFF0000u     /* general refs: refused beyond this */
#define PT_HV_FIRST_SLOT    256     /* L4 slots 256..271: the hypervisor's range */
#define PT_HV_NR_SLOTS      16

/* x86-64 page-table entry bits. */
#define PG_P            (1ull << 0)
#define PG_RW           (1ull << 1)
#define PG_U            (1ull << 2)
#define PG_PWT          (1ull << 3)
#define PG_PCD          (1ull << 4)
#define PG_A            (1ull << 5)
#define PG_D            (1ull << 6)
#define PG_PS           (1ull << 7)     /* PAT in an L1 entry */
#define PG_G            (1ull << 8)
#define PG_AVAIL        (7ull << 9)
#define PG_ADDR         0x000FFFFFFFFFF000ull
#define PG_AVAIL_HIGH   (0x7FFull << 52)
#define PG_GNTTAB       (1ull << 62)    /* hypervisor's grant-mapping marker (L1) */
#define PG_NX           (1ull << 63)

/* pt_mod_entry flags */
#define PT_MOD_PRESERVE_AD  0x1u        /* MMU_PT_UPDATE_PRESERVE_AD */

/* Hooks may be NULL. map must return the 512 entries of any frame in fa's table that
 * is not FRAME_F_RESERVED. */
struct pt_env {
    struct frame_allocator *fa;
    uint64_t *(*map)(void *ctx, mfn_t mfn);
    void *ctx;
    /* Nonzero: map(ctx, mfn) is always this address plus mfn * PAGE_SIZE (the
     * hypervisor's direct map), and pt_map skips the call. */
    uintptr_t linear_map;
    const uint64_t *hv_l4_slots;    /* PT_HV_NR_SLOTS entries; NULL = all zero */
    unsigned int paddr_bits;        /* CPU MAXPHYADDR; 0 or > 52 means 52 */
    /* Called before a frame whose type_count is 0 changes from old_type (never
     * FRAME_TYPE_NONE) to another type: flush what may still cache the old use. */
    void (*type_change)(void *ctx, mfn_t mfn, unsigned int old_type,
                        unsigned int new_type);
    /* Checks a frame's descriptors when it first becomes SEG_DESC: 0 or -XEN_EINVAL. */
    int (*check_seg_desc)(void *ctx, mfn_t mfn, const uint64_t *page);
};

/* env->map(env->ctx, mfn), computed inline when the frames sit in one linear window. */
static inline uint64_t *pt_map(const struct pt_env *env, mfn_t mfn)
{
    if (env->linear_map != 0)
        return (uint64_t *)(env->linear_map + (uintptr_t)(mfn << PAGE_SHIFT));
    return env->map(env->ctx, mfn);
}

/* A reference the hypervisor holds outside page tables and pins, for pt_check:
 * a general ref, plus a type ref when type != FRAME_TYPE_NONE. */
struct pt_hold {
    mfn_t mfn;
    unsigned int type;
};

/* pt_check failure codes (returned negated) */
enum {
    PTCHK_SCRATCH = 1,  /* scratch too small */
    PTCHK_FREE,         /* free/reserved frame with counts or flags */
    PTCHK_COUNTS,       /* type_count > count, or a type ref with type NONE */
    PTCHK_FLAGS,        /* VALIDATED/PINNED inconsistent with type and type_count */
    PTCHK_LINK,         /* worklist link left behind */
    PTCHK_ENTRY_BITS,   /* present entry with refused bits or without U */
    PTCHK_ENTRY_TARGET, /* entry target not RAM, or (L2+) foreign */
    PTCHK_ENTRY_TYPE,   /* entry target's type does not match the entry */
    PTCHK_HV_SLOT,      /* validated L4 slot 256..271 differs from hv_l4_slots */
    PTCHK_HOLD,         /* a hold on a non-RAM frame or of the wrong type */
    PTCHK_COUNT,        /* count differs from the recomputed value */
    PTCHK_TYPE_COUNT,   /* type_count differs from the recomputed value */
};

struct pt_check_report {
    int code;               /* PTCHK_* or 0 */
    mfn_t mfn;              /* frame concerned */
    unsigned int index;     /* entry index for PTCHK_ENTRY_* and PTCHK_HV_SLOT */
    uint32_t expected, actual;  /* for PTCHK_COUNT / PTCHK_TYPE_COUNT */
};

/* Flags of a grant-mapping L1 entry (RW added for a writable mapping). */
#define PT_GNT_L1E_FLAGS    (PG_P | PG_A | PG_D | PG_U | PG_NX | PG_GNTTAB)

static inline uint64_t pt_grant_l1e(mfn_t frame, bool rw)
{
    return ((frame << PAGE_SHIFT) & PG_ADDR) | PT_GNT_L1E_FLAGS | (rw ? PG_RW : 0);
}

/* General ref on a RAM frame owned by owner. Refuses (-XEN_EINVAL) a frame outside the
 * table, free, reserved, foreign, or whose count is at its limit. */
int pt_get_page(const struct pt_env *env, uint16_t owner, mfn_t mfn);

/* Drops a general ref taken with pt_get_page. Refuses (-XEN_EINVAL) a non-RAM frame or
 * one with no general ref beyond its type refs. */
int pt_put_page(const struct pt_env *env, mfn_t mfn);

/* General + type ref (type WRITABLE, L1..L4 or SEG_DESC; a first L1..L4 ref validates,
 * a first SEG_DESC ref calls env->check_seg_desc). For set_gdt, grant mappings,
 * hypervisor holds and the domain builder. Refuses what pt_get_page refuses and a
 * type conflict or bad type with -XEN_EINVAL; a validation failure returns its code. */
int pt_get_page_and_type(const struct pt_env *env, uint16_t owner, mfn_t mfn,
                         unsigned int type);

/* Drops a ref taken with pt_get_page_and_type (devalidating on the last L1..L4 ref).
 * Refuses (-XEN_EINVAL) a non-RAM frame or one with type_count 0. */
int pt_put_page_and_type(const struct pt_env *env, mfn_t mfn);

/* A data reference: a general ref, plus a WRITABLE type ref if rw (what a grant copy
 * or a device mapping holds). The same results as pt_get_page or
 * pt_get_page_and_type(WRITABLE); the common case, a frame whose type is already
 * WRITABLE (no type change, nothing to validate), is done inline: a grant copy takes
 * two of these per op. */
static inline int pt_get_data_ref(const struct pt_env *env, uint16_t owner, mfn_t mfn,
                                  bool rw)
{
    struct frame *f = frame_owned_by(env->fa, mfn, owner);

    if (f != NULL && f->count < PT_COUNT_MAX && (!rw || f->type == FRAME_TYPE_WRITABLE)) {
        f->count++;
        f->type_count += rw;
        return 0;
    }
    return rw ? pt_get_page_and_type(env, owner, mfn, FRAME_TYPE_WRITABLE)
              : pt_get_page(env, owner, mfn);
}

/* Drops what pt_get_data_ref took, as pt_put_page or pt_put_page_and_type would. */
static inline void pt_put_data_ref(const struct pt_env *env, mfn_t mfn, bool rw)
{
    struct frame *f = frame_of(env->fa, mfn);

    if (frame_is_ram(f) && (rw ? f->type == FRAME_TYPE_WRITABLE && f->type_count > 0
                               : f->count > f->type_count)) {
        f->type_count -= rw;
        f->count--;
        return;
    }
    if (rw)
        pt_put_page_and_type(env, mfn);
    else
        pt_put_page(env, mfn);
}

/* MMUEXT_PIN_L<level>_TABLE. Refuses with -XEN_EINVAL: level not 1..4, frame not RAM
 * owned by owner, already pinned, type conflict; a validation failure returns its
 * code (e.g. -XEN_EBUSY for an RW L1e onto a page table). */
int pt_pin(const struct pt_env *env, uint16_t owner, mfn_t mfn, unsigned int level);

/* MMUEXT_UNPIN_TABLE. Refuses (-XEN_EINVAL) a frame that is not RAM owned by owner or
 * not pinned. */
int pt_unpin(const struct pt_env *env, uint16_t owner, mfn_t mfn);

/* MMU_NORMAL_PT_UPDATE (and update_va_mapping's write): entry `index` of frame `table`
 * becomes val. A table typed L1..L4 validates val for its level (pg_owner owns L1e
 * targets: the caller's domain, or foreigndom for a privileged caller; L2e..L4e
 * targets must belong to the table's owner); new refs are taken before the old
 * entry's are dropped, so rewriting an entry with itself works. Any other frame gets
 * an ordinary 8-byte write if it could take a writable ref. Refuses with -XEN_EINVAL:
 * table not RAM owned by pt_owner, index > 511, unknown flags, L4 slot 256..271,
 * bad flags/address/
 * owner, type conflict, RW linear; -XEN_EBUSY: RW L1e onto a non-WRITABLE typed frame,
 * or a plain write to a typed non-table frame (SEG_DESC); -XEN_EPERM: L1e onto a
 * non-RAM frame. A refused call changes nothing (but see validation traces above). */
int pt_mod_entry(const struct pt_env *env, uint16_t pt_owner, uint16_t pg_owner,
                 mfn_t table, unsigned int index, uint64_t val, unsigned int flags);

/* For update_va_mapping: walks the validated tables from l4 (the current kernel
 * baseptr) to the L1 table mapping va; sets *l1 and *index. Refuses (-XEN_EINVAL) a
 * non-canonical va, a va in the hypervisor's range, an l4 not validated as L4, and a
 * missing level or a level whose frame does not have the expected type (e.g. a walk
 * through a linear entry). */
int pt_walk_l1e(const struct pt_env *env, mfn_t l4, uint64_t va, mfn_t *l1,
                unsigned int *index);

/* A base pointer's hold on an L4: pt_get_l4_ref takes a general and an L4 type ref on
 * l4 (validating it if this is its first L4 ref); pt_put_l4_ref drops them. A live
 * base pointer changes in three steps: get the new one, load CR3, put the old one
 * (the table under the CPU must never lose its last reference, which would tear down
 * its entries and zero its hypervisor slots while the CPU still walks it).
 * pt_get_l4_ref refuses (-XEN_EINVAL) an l4 not RAM owned by owner and a type
 * conflict; a validation failure returns its code. pt_put_l4_ref refuses
 * (-XEN_EINVAL) a frame that holds no L4 ref. */
int pt_get_l4_ref(const struct pt_env *env, uint16_t owner, mfn_t l4);
int pt_put_l4_ref(const struct pt_env *env, mfn_t l4);

/* For a base pointer no CPU is using: takes an L4 ref on new_l4 (INVALID_MFN = none),
 * then drops the one *baseptr holds (if any) and stores new_l4. Refuses what
 * pt_get_l4_ref refuses, and (-XEN_EINVAL) a *baseptr that holds no L4 ref. */
int pt_set_baseptr(const struct pt_env *env, uint16_t owner, mfn_t *baseptr,
                   mfn_t new_l4);

/* Domain destruction, after the caller dropped the domain's baseptrs, GDT refs,
 * grant mappings and other holds: unpins every frame owner pinned and tears down
 * every table it owns (even ones kept alive only by linear cycles), so that all its
 * frames end with count 0 / type_count 0 unless something outside the domain still
 * references them (another domain's foreign L1 mappings, a hold). Returns the number
 * of owner's frames still referenced (0: all can be freed). Refuses nothing. */
uint64_t pt_domain_relinquish(const struct pt_env *env, uint16_t owner);

/* Grant mappings. Host half of map_grant_ref: entry `index` of l1 (a validated L1
 * owned by l1_owner: the mapping domain) becomes pt_grant_l1e(frame, rw) with the
 * guest's GNTMAP_guest_avail bits `avail` (0-7) in the PTE's available bits 9-11
 * (XENFEAT_gnttab_map_avail_bits), taking a
 * general ref on frame (which frame_owner, the granting domain, must own) and a
 * WRITABLE type ref if rw; then the entry it replaces releases its refs (a present
 * ordinary entry is replaced, as Xen does for a grant mapped over a mapped VA).
 * Refuses with -XEN_EINVAL: l1 not a validated L1 of l1_owner, index > 511, frame not
 * RAM owned by frame_owner, count at its limit, a grant entry already in the slot;
 * -XEN_EBUSY: rw onto a frame typed other than WRITABLE (a page table, a GDT page).
 * A refused call changes nothing. Returns 1 when the slot held a present entry (the
 * caller flushes the TLB: it may still hold the old translation), else 0. */
int pt_install_grant_l1e(const struct pt_env *env, uint16_t l1_owner, mfn_t l1,
                         unsigned int index, uint16_t frame_owner, mfn_t frame, bool rw,
                         unsigned int avail);

/* Unmap of a host half: entry `index` of l1 (a validated L1 of l1_owner) must be
 * exactly pt_grant_l1e(frame, rw) (A/D and the available bits aside) and drops exactly
 * those refs. The slot
 * becomes 0, or, with new_l1 != INVALID_MFN (unmap_and_replace), the value of entry
 * new_index of new_l1 (another slot of a validated L1 of l1_owner), which becomes 0:
 * that entry moves with its refs, whatever it is (even another grant entry: XSA-234).
 * Refuses with -XEN_EINVAL (changing nothing): a table that is not a validated L1 of
 * l1_owner, an index > 511, an entry that is not that grant mapping, new slot ==
 * old slot. */
int pt_remove_grant_l1e(const struct pt_env *env, uint16_t l1_owner, mfn_t l1,
                        unsigned int index, mfn_t frame, bool rw, mfn_t new_l1,
                        unsigned int new_index);

/* Domain teardown of a mapping domain, before its tables go: clears every present
 * grant entry in the validated L1s owner owns, dropping their refs. Returns how many
 * it cleared. Refuses nothing. */
uint64_t pt_strip_grant_l1es(const struct pt_env *env, uint16_t owner);

/* Domain teardown of a granting domain whose frame others still map: unpins mfn and
 * releases what its entries hold if it is a validated table (as pt_domain_relinquish
 * would), then makes it an orphan (frames_orphan), so that owner's relinquish and frame
 * release skip it; the refs of the mappings stay, and frames_reap_orphans frees it once
 * they are gone. Refuses (-XEN_EINVAL) a frame that is not RAM owned by owner. */
int pt_orphan_frame(const struct pt_env *env, uint16_t owner, mfn_t mfn);

/* Recomputes every frame's count and type_count from scratch (validated tables'
 * entries, pins, holds) and checks the invariants above; scratch holds 2 * nr_frames
 * uint32_t. Returns 0 or -PTCHK_* with details in *rep (rep may be NULL). Refuses
 * (-PTCHK_SCRATCH) a scratch area that is too small. */
int pt_check(const struct pt_env *env, const struct pt_hold *holds, size_t nr_holds,
             uint32_t *scratch, size_t scratch_len, struct pt_check_report *rep);

#endif
