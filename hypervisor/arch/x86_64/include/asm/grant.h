/* Arch interface: what grant tables need of the architecture's memory management.
 * Common code (common/grant_core.c) keeps the grant and maptrack state; the references
 * that keep a granted frame alive and the host mappings of it in a guest's page
 * tables are the architecture's (Xen's create_grant_host_mapping half). On x86-64 PV
 * they are operations of the page-type state machine (x86/page_type.h), reached
 * through the environment arch_grant_mm() returns (tests pass a fake one). */
#ifndef XLITE_ASM_GRANT_H
#define XLITE_ASM_GRANT_H

#include <stdbool.h>
#include <stdint.h>

#include <hv/frame.h>
#include <x86/page_type.h>

/* The running hypervisor's environment (arch/x86_64/pv_mm.c). */
const struct pt_env *arch_grant_mm(void);

/* A reference on owner's frame mfn; rw also takes its writable type (refused while it
 * is a page table or descriptor page). 0 or a negative errno. */
static inline int grant_frame_get(const struct pt_env *e, uint16_t owner, mfn_t mfn, bool rw)
{
    return pt_get_data_ref(e, owner, mfn, rw);
}

static inline void grant_frame_put(const struct pt_env *e, mfn_t mfn, bool rw)
{
    pt_put_data_ref(e, mfn, rw);
}

/* The hypervisor's view of frame mfn's bytes (grant table, status and granted frames). */
static inline void *grant_frame_map(const struct pt_env *e, mfn_t mfn)
{
    return pt_map(e, mfn);
}

/* The L1 slot that maps guest address addr under the kernel L4 l4. */
static inline int grant_host_slot(const struct pt_env *e, mfn_t l4, uint64_t addr,
                                  mfn_t *l1, unsigned int *idx)
{
    return pt_walk_l1e(e, l4, addr, l1, idx);
}

/* Map granter's frame at slot idx of l1_owner's L1 table l1 (GNTMAP_host_map), with
 * the mapper's GNTMAP_guest_avail bits (flags >> 16) in the entry's available bits.
 * Negative errno; 1 when a present mapping was replaced (flush the TLB), else 0. */
static inline int create_grant_host_mapping(const struct pt_env *e, uint16_t l1_owner,
                                            mfn_t l1, unsigned int idx, uint16_t granter,
                                            mfn_t frame, bool rw, uint32_t map_flags)
{
    return pt_install_grant_l1e(e, l1_owner, l1, idx, granter, frame, rw,
                                (map_flags >> 16) & 7);
}

/* Remove that mapping; with new_l1 != INVALID_MFN move the entry there instead
 * (unmap_and_replace). */
static inline int destroy_grant_host_mapping(const struct pt_env *e, uint16_t l1_owner,
                                             mfn_t l1, unsigned int idx, mfn_t frame,
                                             bool rw, mfn_t new_l1, unsigned int new_idx)
{
    return pt_remove_grant_l1e(e, l1_owner, l1, idx, frame, rw, new_l1, new_idx);
}

/* Zero every grant mapping left in owner's L1 tables (teardown). */
static inline uint64_t grant_strip_host_mappings(const struct pt_env *e, uint16_t owner)
{
    return pt_strip_grant_l1es(e, owner);
}

/* Owner's frame mfn, still mapped by others, becomes an orphan (frame.h). */
static inline int grant_orphan_frame(const struct pt_env *e, uint16_t owner, mfn_t mfn)
{
    return pt_orphan_frame(e, owner, mfn);
}

#endif
