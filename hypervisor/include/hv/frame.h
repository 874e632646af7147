/* The frame table: one struct frame per machine frame, and the buddy allocator that
 * hands frames out in O(log n). Free of hardware access; the PV MMU's type and
 * reference-count state machine builds on these fields. */
#ifndef XLITE_FRAME_H
#define XLITE_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t mfn_t;

#define PAGE_SHIFT          12
#define PAGE_SIZE           (1ul << PAGE_SHIFT)
#define FRAME_MAX_ORDER     18          /* largest block: 2^18 frames = 1 GiB */
#define INVALID_MFN         (~(mfn_t)0)
#define FRAME_NIL           0xFFFFFFFFu /* end of a free list */

/* Owner ids share Xen's domid space. */
#define FRAME_OWNER_XEN     0x7FF2      /* DOMID_XEN: the hypervisor's own frames */
#define FRAME_OWNER_NONE    0x7FF4      /* DOMID_INVALID: free or never usable */
#define FRAME_OWNER_ORPHAN  0x7FF6      /* its domain died while something still mapped it
                                         * (frames_orphan) */

enum frame_type {
    FRAME_TYPE_NONE = 0,
    FRAME_TYPE_WRITABLE,
    FRAME_TYPE_L1,
    FRAME_TYPE_L2,
    FRAME_TYPE_L3,
    FRAME_TYPE_L4,
    FRAME_TYPE_SEG_DESC,
};

/* flags */
#define FRAME_F_FREE        0x01  /* in the allocator; `order` valid on a block head */
#define FRAME_F_RESERVED    0x02  /* not RAM, or RAM never given to the allocator */
#define FRAME_F_VALIDATED   0x04  /* page-table contents checked for its type */
#define FRAME_F_PINNED      0x08  /* type held by an explicit pin */

struct frame {
    uint32_t count;       /* general references (mappings, hypervisor holds) */
    uint32_t type_count;  /* references to the current type */
    uint16_t owner;       /* domid or FRAME_OWNER_* */
    uint8_t  type;        /* enum frame_type */
    uint8_t  flags;       /* FRAME_F_* */
    uint8_t  order;       /* buddy order of a free block head */
    uint8_t  pad[3];
    uint32_t next, prev;  /* free-list links (frame numbers relative to base); once
                           * allocated, `next` is page_type.c's scratch worklist link */
    uint32_t tlbflush_stamp;  /* while free: the allocator's TLB clock when freed */
};

struct frame_allocator {
    struct frame *table;              /* table[i] describes frame base_mfn + i */
    mfn_t base_mfn;
    mfn_t nr_frames;
    uint32_t free_head[FRAME_MAX_ORDER + 1];
    uint64_t nr_free;                 /* frames currently free */
    uint64_t nr_managed;              /* frames ever given to the allocator */
    /* Xen's TLB-flush timestamps, for one CPU: tlb_clock counts full TLB flushes, a
     * freed frame records it, and frames_alloc flushes (through flush_tlb) before it
     * hands out a frame freed since the last flush, which some TLB may still map (a
     * stale alias left by an INVLPG of another address). No caller has to remember
     * to flush before freeing. */
    uint32_t tlb_clock;
    void (*flush_tlb)(void);          /* a full flush; must call frames_tlb_flushed */
    uint64_t nr_orphans;              /* frames owned by FRAME_OWNER_ORPHAN */
};

/* Every full TLB flush (all non-global and global entries) calls this. */
void frames_tlb_flushed(struct frame_allocator *fa);

/* Every frame starts reserved, unowned, count 0. */
void frames_init(struct frame_allocator *fa, struct frame *table, mfn_t base_mfn,
                 mfn_t nr_frames);

/* Hand [start, end) to the allocator as free, merging with free buddies. Frames
 * outside the table are ignored; frames already free are a caller bug (ignored). */
void frames_add_free_range(struct frame_allocator *fa, mfn_t start, mfn_t end);

/* Allocate 2^order contiguous frames aligned to 2^order; each gets owner, count 0,
 * type NONE, type_count 0, flags 0. Returns the first MFN or INVALID_MFN. Flushes the
 * TLB first if one of them was freed after the last flush. */
mfn_t frames_alloc(struct frame_allocator *fa, unsigned int order, uint16_t owner);

/* Return a block obtained from frames_alloc with the same order. Refuses (returns
 * -XEN_EINVAL, changes nothing) a block that is out of range, misaligned, already
 * free, reserved, or whose frames still have references (count or type_count != 0). */
int frames_free(struct frame_allocator *fa, mfn_t mfn, unsigned int order);

/* The descriptor of mfn, or NULL when mfn is outside the table. Inline: every grant
 * op and page-table update asks it. */
static inline struct frame *frame_of(struct frame_allocator *fa, mfn_t mfn)
{
    if (fa == NULL || fa->table == NULL || mfn < fa->base_mfn ||
        mfn - fa->base_mfn >= fa->nr_frames)
        return NULL;
    return &fa->table[mfn - fa->base_mfn];
}

/* f is RAM that is in use: neither free nor reserved (never given to the allocator). */
static inline bool frame_is_ram(const struct frame *f)
{
    return f != NULL && !(f->flags & (FRAME_F_FREE | FRAME_F_RESERVED));
}

/* The descriptor of mfn if it is RAM in use owned by owner, else NULL. */
static inline struct frame *frame_owned_by(struct frame_allocator *fa, mfn_t mfn,
                                           uint16_t owner)
{
    struct frame *f = frame_of(fa, mfn);

    return frame_is_ram(f) && f->owner == owner ? f : NULL;
}

/* Orphans, the one mechanism for frames whose domain died while something else still
 * referenced them (another domain's foreign or grant mapping, a hypervisor hold):
 * frames_orphan hands mfn to FRAME_OWNER_ORPHAN (no domain may map it anew) and
 * frames_reap_orphans frees every orphan nothing references any more, returning how
 * many it freed. Callers reap after anything that can drop a last reference. */
void frames_orphan(struct frame_allocator *fa, mfn_t mfn);
uint64_t frames_reap_orphans(struct frame_allocator *fa);

/* Check the allocator's internal consistency (free lists well formed, blocks aligned
 * and non-overlapping, no free buddies left unmerged, nr_free equals the sum of the
 * lists). Returns 0 or a negative value; used by tests and the debug key. */
int frames_check(const struct frame_allocator *fa);

#endif
