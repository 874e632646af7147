/* xlite PV ABI: memory_op (hypercall 12): reservations, exchange, physmap and memory maps. */
#ifndef XLITE_PV_ABI_MEMORY_H
#define XLITE_PV_ABI_MEMORY_H

#include "xen.h"

/*
 * HYPERVISOR_memory_op(cmd, arg). increase/decrease/populate return the
 * number of extents done (>= 0); current/maximum_reservation take a domid_t*
 * and return a page count. Unprivileged callers may only name DOMID_SELF
 * (or their own id). populate_physmap and exchange must also set
 * m2p[mfn] = pfn for new frames. xlite implements increase, decrease and
 * populate for extent_order 0 only, current/maximum_reservation,
 * memory_map and machphys_mapping; exchange is checked, then -ENOSYS; the
 * other sub-ops are -ENOSYS (docs/ABI.md).
 */
#define XENMEM_increase_reservation        0  /* xen_memory_reservation; OUT: MFNs */
#define XENMEM_decrease_reservation        1  /* xen_memory_reservation; IN: frames to free */
#define XENMEM_maximum_ram_page            2  /* arg NULL: highest RAM MFN */
#define XENMEM_current_reservation         3  /* domid_t*: pages held */
#define XENMEM_maximum_reservation         4  /* domid_t*: page limit */
#define XENMEM_machphys_mfn_list           5  /* xen_machphys_mfn_list */
#define XENMEM_populate_physmap            6  /* xen_memory_reservation: PFNs in, MFNs out */
#define XENMEM_add_to_physmap              7  /* xen_add_to_physmap */
#define XENMEM_memory_map                  9  /* xen_memory_map: the domain's E820 */
#define XENMEM_machine_memory_map         10  /* xen_memory_map: host E820 (dom0) */
#define XENMEM_exchange                   11  /* xen_memory_exchange */
#define XENMEM_machphys_mapping           12  /* xen_machphys_mapping: where the M2P is */
#define XENMEM_set_memory_map             13  /* xen_foreign_memory_map (toolstack) */
#define XENMEM_maximum_gpfn               14  /* domid_t*: highest PFN in use */
#define XENMEM_remove_from_physmap        15  /* xen_remove_from_physmap */
#define XENMEM_set_pod_target             16
#define XENMEM_get_pod_target             17
#define XENMEM_get_sharing_freed_pages    18
#define XENMEM_get_sharing_shared_pages   19
#define XENMEM_paging_op                  20
#define XENMEM_access_op                  21
#define XENMEM_sharing_op                 22
#define XENMEM_add_to_physmap_batch       23
#define XENMEM_claim_pages                24
#define XENMEM_machphys_compat_mfn_list   25
#define XENMEM_get_vnumainfo              26
#define XENMEM_reserved_device_memory_map 27
#define XENMEM_acquire_resource           28

/*
 * xen_memory_reservation.mem_flags: bits 0-7 address width limit (0 = none),
 * bits 8-15 NUMA node + 1 (0 = any node), then flags. A hypervisor must
 * range-check the node (any value 0x00..0xFF can arrive).
 */
#define XENMEMF_address_bits(x)      (x)
#define XENMEMF_get_address_bits(x)  ((x) & 0xffu)
#define XENMEMF_node(n)              (((n) + 1) << 8)
#define XENMEMF_get_node(x)          ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand   (1 << 16)
#define XENMEMF_exact_node_request   (1 << 17)
#define XENMEMF_exact_node(n)        (XENMEMF_node(n) | XENMEMF_exact_node_request)
#define XENMEMF_vnode                (1 << 18)

/* xen_add_to_physmap.space */
#define XENMAPSPACE_shared_info   0
#define XENMAPSPACE_grant_table   1  /* idx = frame; | XENMAPIDX_grant_table_status */
#define XENMAPSPACE_gmfn          2
#define XENMAPSPACE_gmfn_range    3
#define XENMAPSPACE_gmfn_foreign  4
#define XENMAPSPACE_dev_mmio      5
#define XENMAPIDX_grant_table_status 0x80000000u

#ifdef __cplusplus
extern "C" {
#endif

struct xen_memory_reservation {
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start; /* array of nr_extents frames (may be NULL) */
    xen_ulong_t nr_extents;
    uint32_t extent_order;  /* each extent is 2^order pages */
    uint32_t mem_flags;     /* XENMEMF_* */
    domid_t  domid;         /* DOMID_SELF for unprivileged callers */
};
typedef struct xen_memory_reservation xen_memory_reservation_t;

/*
 * Atomically trade the in extents for newly allocated out extents. The
 * hypervisor must check the whole of both arrays, offset by nr_exchanged,
 * before writing anything.
 */
struct xen_memory_exchange {
    struct xen_memory_reservation in;
    struct xen_memory_reservation out;
    xen_ulong_t nr_exchanged;  /* IN: extents already done (0 at first); OUT: done */
};
typedef struct xen_memory_exchange xen_memory_exchange_t;

struct xen_machphys_mfn_list {
    uint32_t max_extents;                     /* room in extent_start */
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start; /* OUT: MFNs of 2 MiB M2P chunks */
    uint32_t nr_extents;                      /* OUT */
};
typedef struct xen_machphys_mfn_list xen_machphys_mfn_list_t;

struct xen_machphys_mapping {
    xen_ulong_t v_start, v_end; /* VA range of the M2P */
    xen_ulong_t max_mfn;        /* highest MFN it covers */
};
typedef struct xen_machphys_mapping xen_machphys_mapping_t;

struct xen_add_to_physmap {
    domid_t  domid;
    uint16_t size;       /* pages, for XENMAPSPACE_gmfn_range */
    uint32_t space;      /* XENMAPSPACE_* */
    xen_ulong_t idx;     /* index within space */
    xen_pfn_t gpfn;      /* where it should appear */
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;

struct xen_remove_from_physmap {
    domid_t   domid;
    xen_pfn_t gpfn;
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;

/* Buffer of E820-style entries (u64 addr, u64 size, u32 type; 20 bytes each). */
struct xen_memory_map {
    uint32_t nr_entries;            /* IN: room; OUT: entries written */
    XEN_GUEST_HANDLE(void) buffer;
};
typedef struct xen_memory_map xen_memory_map_t;

struct xen_foreign_memory_map {
    domid_t domid;
    struct xen_memory_map map;
};
typedef struct xen_foreign_memory_map xen_foreign_memory_map_t;

XLITE_ABI_SIZE(struct xen_memory_reservation, 32, xen_memory_reservation_size);
XLITE_ABI_OFFSET(struct xen_memory_reservation, extent_start, 0, xen_mem_resv_extent_start);
XLITE_ABI_OFFSET(struct xen_memory_reservation, nr_extents, 8, xen_mem_resv_nr_extents);
XLITE_ABI_OFFSET(struct xen_memory_reservation, extent_order, 16, xen_mem_resv_extent_order);
XLITE_ABI_OFFSET(struct xen_memory_reservation, mem_flags, 20, xen_mem_resv_mem_flags);
XLITE_ABI_OFFSET(struct xen_memory_reservation, domid, 24, xen_mem_resv_domid);

XLITE_ABI_SIZE(struct xen_memory_exchange, 72, xen_memory_exchange_size);
XLITE_ABI_OFFSET(struct xen_memory_exchange, in, 0, xen_memory_exchange_in);
XLITE_ABI_OFFSET(struct xen_memory_exchange, out, 32, xen_memory_exchange_out);
XLITE_ABI_OFFSET(struct xen_memory_exchange, nr_exchanged, 64, xen_memory_exchange_nr_exchanged);

XLITE_ABI_SIZE(struct xen_machphys_mfn_list, 24, xen_machphys_mfn_list_size);
XLITE_ABI_SIZE(struct xen_machphys_mapping, 24, xen_machphys_mapping_size);

XLITE_ABI_SIZE(struct xen_add_to_physmap, 24, xen_add_to_physmap_size);
XLITE_ABI_OFFSET(struct xen_add_to_physmap, domid, 0, xen_add_to_physmap_domid);
XLITE_ABI_OFFSET(struct xen_add_to_physmap, size, 2, xen_add_to_physmap_size_field);
XLITE_ABI_OFFSET(struct xen_add_to_physmap, space, 4, xen_add_to_physmap_space);
XLITE_ABI_OFFSET(struct xen_add_to_physmap, idx, 8, xen_add_to_physmap_idx);
XLITE_ABI_OFFSET(struct xen_add_to_physmap, gpfn, 16, xen_add_to_physmap_gpfn);

XLITE_ABI_SIZE(struct xen_remove_from_physmap, 16, xen_remove_from_physmap_size);

XLITE_ABI_SIZE(struct xen_memory_map, 16, xen_memory_map_size);
XLITE_ABI_OFFSET(struct xen_memory_map, nr_entries, 0, xen_memory_map_nr_entries);
XLITE_ABI_OFFSET(struct xen_memory_map, buffer, 8, xen_memory_map_buffer);

XLITE_ABI_SIZE(struct xen_foreign_memory_map, 24, xen_foreign_memory_map_size);

#ifdef __cplusplus
}
#endif

#endif /* XLITE_PV_ABI_MEMORY_H */
