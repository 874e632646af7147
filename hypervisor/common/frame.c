/* Buddy allocator over the frame table. Every frame of a free block has FRAME_F_FREE;
 * only the block head has a valid `order` (others hold ORDER_NONE) and sits on
 * free_head[order], a doubly linked list of table indices ended by FRAME_NIL. Blocks
 * are aligned in MFN terms: the buddy of the order-k block at mfn is mfn ^ (1 << k)
 * (the same as index ^ (1 << k) when base_mfn is 2^FRAME_MAX_ORDER-aligned). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/frame.h>
#include <hv/lib.h>
#include <xlite/errno.h>

#define ORDER_NONE  0xFFu   /* `order` of a free frame that is not a block head */

/* frames_check failure codes (returned negated), one per invariant. */
enum {
    FCHK_NO_TABLE = 1, FCHK_TOO_BIG, FCHK_LINK_RANGE, FCHK_CYCLE, FCHK_PREV_LINK,
    FCHK_NOT_HEAD, FCHK_MISALIGNED, FCHK_PAST_END, FCHK_UNMERGED, FCHK_ORPHAN,
    FCHK_BAD_TAIL, FCHK_UNLISTED, FCHK_COUNT, FCHK_MANAGED, FCHK_FREE_STATE,
};

/* Number of frames in an order-k block. */
static mfn_t blk(unsigned int k)
{
    return (mfn_t)1 << k;
}

/* True when table index i heads a free block of order k. */
static bool is_free_head(const struct frame_allocator *fa, mfn_t i, unsigned int k)
{
    const struct frame *f = &fa->table[i];

    return (f->flags & FRAME_F_FREE) && f->order == k;
}

/* Index of the order-k buddy of the block at index i, or false when that buddy block
 * does not lie entirely inside the table. */
static bool buddy_of(const struct frame_allocator *fa, mfn_t i, unsigned int k, mfn_t *b)
{
    mfn_t bmfn = (fa->base_mfn + i) ^ blk(k);

    if (bmfn < fa->base_mfn)
        return false;
    *b = bmfn - fa->base_mfn;
    return *b < fa->nr_frames && fa->nr_frames - *b >= blk(k);
}

/* Makes index i the head of an order-k block at the front of free_head[k]. */
static void list_push(struct frame_allocator *fa, mfn_t i, unsigned int k)
{
    struct frame *f = &fa->table[i];

    f->order = (uint8_t)k;
    f->prev = FRAME_NIL;
    f->next = fa->free_head[k];
    if (f->next != FRAME_NIL)
        fa->table[f->next].prev = (uint32_t)i;
    fa->free_head[k] = (uint32_t)i;
}

/* Unlinks the order-k head at index i from free_head[k]. */
static void list_remove(struct frame_allocator *fa, mfn_t i, unsigned int k)
{
    struct frame *f = &fa->table[i];

    if (f->prev != FRAME_NIL)
        fa->table[f->prev].next = f->next;
    else
        fa->free_head[k] = f->next;
    if (f->next != FRAME_NIL)
        fa->table[f->next].prev = f->prev;
    f->next = f->prev = FRAME_NIL;
}

/* Marks n frames from index i as free non-head frames with no owner or references. */
static void mark_free(struct frame_allocator *fa, mfn_t i, mfn_t n)
{
    mfn_t j;

    for (j = i; j < i + n; j++) {
        struct frame *f = &fa->table[j];

        memset(f, 0, sizeof(*f));
        f->owner = FRAME_OWNER_NONE;
        f->flags = FRAME_F_FREE;
        f->order = ORDER_NONE;
        f->next = f->prev = FRAME_NIL;
        f->tlbflush_stamp = fa->tlb_clock;
    }
}

/* Inserts the already marked order-k block at index i, merging with free buddies;
 * O(FRAME_MAX_ORDER). */
static void insert_block(struct frame_allocator *fa, mfn_t i, unsigned int k)
{
    mfn_t b;

    while (k < FRAME_MAX_ORDER && buddy_of(fa, i, k, &b) && is_free_head(fa, b, k)) {
        list_remove(fa, b, k);
        fa->table[b].order = ORDER_NONE;
        fa->table[i].order = ORDER_NONE;
        i = MIN(i, b);
        k++;
    }
    list_push(fa, i, k);
}

/* Per frame.h. nr_frames is clamped so every index fits below FRAME_NIL and every MFN
 * fits in 64 bits; a NULL table manages nothing. */
void frames_init(struct frame_allocator *fa, struct frame *table, mfn_t base_mfn,
                 mfn_t nr_frames)
{
    mfn_t i;
    unsigned int k;

    if (fa == NULL)
        return;
    memset(fa, 0, sizeof(*fa));
    if (table == NULL)
        nr_frames = 0;
    nr_frames = MIN(nr_frames, (mfn_t)FRAME_NIL);
    nr_frames = MIN(nr_frames, UINT64_MAX - base_mfn);
    fa->table = table;
    fa->base_mfn = base_mfn;
    fa->nr_frames = nr_frames;
    for (k = 0; k <= FRAME_MAX_ORDER; k++)
        fa->free_head[k] = FRAME_NIL;
    for (i = 0; i < nr_frames; i++) {
        memset(&table[i], 0, sizeof(table[i]));
        table[i].owner = FRAME_OWNER_NONE;
        table[i].flags = FRAME_F_RESERVED;
        table[i].next = table[i].prev = FRAME_NIL;
    }
}

/* Frees the reserved run of indices [i, j) as maximal MFN-aligned blocks. */
static void add_run(struct frame_allocator *fa, mfn_t i, mfn_t j)
{
    while (i < j) {
        unsigned int k = 0;

        while (k < FRAME_MAX_ORDER && ((fa->base_mfn + i) & (blk(k + 1) - 1)) == 0 &&
               j - i >= blk(k + 1))
            k++;
        mark_free(fa, i, blk(k));
        fa->nr_free += blk(k);
        fa->nr_managed += blk(k);
        insert_block(fa, i, k);
        i += blk(k);
    }
}

/* True for a frame never given to the allocator (reserved and not free). */
static bool addable(const struct frame *f)
{
    return (f->flags & FRAME_F_RESERVED) && !(f->flags & FRAME_F_FREE);
}

/* Per frame.h; only frames still FRAME_F_RESERVED are added: free frames and frames
 * currently allocated are skipped. */
void frames_add_free_range(struct frame_allocator *fa, mfn_t start, mfn_t end)
{
    mfn_t i, j, e;

    if (fa == NULL || fa->table == NULL)
        return;
    start = MAX(start, fa->base_mfn);
    end = MIN(end, fa->base_mfn + fa->nr_frames);
    if (start >= end)
        return;
    e = end - fa->base_mfn;
    for (i = start - fa->base_mfn; i < e; i = j) {
        j = i;
        while (j < e && addable(&fa->table[j]))
            j++;
        if (j == i)
            j = i + 1;                  /* skip a free or allocated frame */
        else
            add_run(fa, i, j);
    }
}

/* Per frame.h; refuses order > FRAME_MAX_ORDER. O(FRAME_MAX_ORDER + 2^order). */
mfn_t frames_alloc(struct frame_allocator *fa, unsigned int order, uint16_t owner)
{
    unsigned int k;
    mfn_t i, j;

    if (fa == NULL || fa->table == NULL || order > FRAME_MAX_ORDER)
        return INVALID_MFN;
    for (k = order; k <= FRAME_MAX_ORDER && fa->free_head[k] == FRAME_NIL; k++)
        ;
    if (k > FRAME_MAX_ORDER)
        return INVALID_MFN;
    i = fa->free_head[k];
    list_remove(fa, i, k);
    while (k > order) {
        k--;
        list_push(fa, i + blk(k), k);   /* upper half stays free */
    }
    for (j = i; j < i + blk(order); j++) {
        if (fa->table[j].tlbflush_stamp == fa->tlb_clock) {
            /* Freed since the last flush: a TLB may still map it. (A clock that
             * wrapped all the way round only costs a needless flush.) */
            if (fa->flush_tlb != NULL)
                fa->flush_tlb();
            else
                frames_tlb_flushed(fa);
            break;
        }
    }
    for (j = i; j < i + blk(order); j++) {
        struct frame *f = &fa->table[j];

        memset(f, 0, sizeof(*f));
        f->owner = owner;
        f->type = FRAME_TYPE_NONE;
        f->next = f->prev = FRAME_NIL;
    }
    fa->nr_free -= blk(order);
    return fa->base_mfn + i;
}

/* Per frame.h; also refuses order > FRAME_MAX_ORDER. Validation happens before any
 * write, so a refused call changes nothing. */
int frames_free(struct frame_allocator *fa, mfn_t mfn, unsigned int order)
{
    mfn_t i, j;

    if (fa == NULL || fa->table == NULL || order > FRAME_MAX_ORDER)
        return -XEN_EINVAL;
    if (mfn < fa->base_mfn || (mfn & (blk(order) - 1)) != 0)
        return -XEN_EINVAL;
    i = mfn - fa->base_mfn;
    if (i >= fa->nr_frames || fa->nr_frames - i < blk(order))
        return -XEN_EINVAL;
    for (j = i; j < i + blk(order); j++) {
        const struct frame *f = &fa->table[j];

        if ((f->flags & (FRAME_F_FREE | FRAME_F_RESERVED)) || f->count != 0 ||
            f->type_count != 0)
            return -XEN_EINVAL;
    }
    mark_free(fa, i, blk(order));
    fa->nr_free += blk(order);
    insert_block(fa, i, order);
    return 0;
}

/* Per frame.h; ignores a frame that is not RAM in use or already an orphan. */
void frames_orphan(struct frame_allocator *fa, mfn_t mfn)
{
    struct frame *f = frame_of(fa, mfn);

    if (!frame_is_ram(f) || f->owner == FRAME_OWNER_ORPHAN)
        return;
    f->owner = FRAME_OWNER_ORPHAN;
    fa->nr_orphans++;
}

/* Per frame.h. O(frames) while orphans exist, O(1) otherwise. */
uint64_t frames_reap_orphans(struct frame_allocator *fa)
{
    uint64_t freed = 0;

    for (mfn_t i = 0; i < fa->nr_frames && fa->nr_orphans; i++) {
        struct frame *f = &fa->table[i];

        if (f->owner != FRAME_OWNER_ORPHAN || !frame_is_ram(f) || f->count ||
            f->type_count)
            continue;
        if (frames_free(fa, fa->base_mfn + i, 0) == 0) {
            fa->nr_orphans--;
            freed++;
        }
    }
    return freed;
}

/* Per frame.h. */
void frames_tlb_flushed(struct frame_allocator *fa)
{
    fa->tlb_clock++;
}

/* Walks free_head[k]: links in range, acyclic, prev links consistent, every entry a
 * free aligned order-k head inside the table with no free buddy. Adds to *frames and
 * *heads. Returns 0 or a negated FCHK_* code. */
static int check_list(const struct frame_allocator *fa, unsigned int k, uint64_t *frames,
                      uint64_t *heads)
{
    uint32_t cur = fa->free_head[k], prev = FRAME_NIL;
    mfn_t steps = 0, b;

    while (cur != FRAME_NIL) {
        const struct frame *f;

        if (cur >= fa->nr_frames)
            return -FCHK_LINK_RANGE;
        f = &fa->table[cur];
        if (++steps > fa->nr_frames)
            return -FCHK_CYCLE;
        if (f->prev != prev)
            return -FCHK_PREV_LINK;
        if (!is_free_head(fa, cur, k))
            return -FCHK_NOT_HEAD;
        if (((fa->base_mfn + cur) & (blk(k) - 1)) != 0)
            return -FCHK_MISALIGNED;
        if (fa->nr_frames - cur < blk(k))
            return -FCHK_PAST_END;
        if (k < FRAME_MAX_ORDER && buddy_of(fa, cur, k, &b) && is_free_head(fa, b, k))
            return -FCHK_UNMERGED;
        *frames += blk(k);
        (*heads)++;
        prev = cur;
        cur = f->next;
    }
    return 0;
}

/* Per-frame walk: every free frame belongs to exactly one block, whose head is free
 * with a valid order and whose other frames are free non-heads; free frames have no
 * owner or references. Sets *heads to the number of blocks seen. */
static int check_frames(const struct frame_allocator *fa, uint64_t *heads)
{
    mfn_t i = 0, j;

    *heads = 0;
    while (i < fa->nr_frames) {
        const struct frame *f = &fa->table[i];

        if (!(f->flags & FRAME_F_FREE)) {
            i++;
            continue;
        }
        if (f->order > FRAME_MAX_ORDER)
            return -FCHK_ORPHAN;
        if (fa->nr_frames - i < blk(f->order))
            return -FCHK_PAST_END;
        for (j = i; j < i + blk(f->order); j++) {
            const struct frame *t = &fa->table[j];

            if (!(t->flags & FRAME_F_FREE) || (j != i && t->order != ORDER_NONE))
                return -FCHK_BAD_TAIL;
            if ((t->flags & FRAME_F_RESERVED) || t->owner != FRAME_OWNER_NONE ||
                t->count != 0 || t->type_count != 0)
                return -FCHK_FREE_STATE;
        }
        (*heads)++;
        i += blk(f->order);
    }
    return 0;
}

/* Per frame.h; returns 0 or the negated number (FCHK_*) of the first failed check.
 * The lists hold distinct heads (acyclic with consistent prev links), each seen by the
 * per-frame walk, so equal head counts mean every block is listed exactly once. */
int frames_check(const struct frame_allocator *fa)
{
    uint64_t frames = 0, listed = 0, walked = 0;
    unsigned int k;
    int rc;

    if (fa == NULL || (fa->table == NULL && fa->nr_frames != 0))
        return -FCHK_NO_TABLE;
    if (fa->nr_frames > FRAME_NIL)
        return -FCHK_TOO_BIG;
    for (k = 0; k <= FRAME_MAX_ORDER; k++) {
        rc = check_list(fa, k, &frames, &listed);
        if (rc != 0)
            return rc;
    }
    rc = check_frames(fa, &walked);
    if (rc != 0)
        return rc;
    if (walked != listed)
        return -FCHK_UNLISTED;
    if (frames != fa->nr_free)
        return -FCHK_COUNT;
    if (fa->nr_free > fa->nr_managed)
        return -FCHK_MANAGED;
    return 0;
}
