/* xlite PV ABI: grant tables: entry formats and grant_table_op (hypercall 20). */
#ifndef XLITE_PV_ABI_GRANT_TABLE_H
#define XLITE_PV_ABI_GRANT_TABLE_H

#include "xen.h"

/*
 * A domain grants another domain access to one of its frames by filling a
 * grant entry in its grant table (frames obtained with GNTTABOP_setup_table
 * and mapped writable by the granting guest). The grantee names the entry by
 * (granting domid, grant_ref_t) in grant_table_op calls.
 *
 * HYPERVISOR_grant_table_op(cmd, uop, count): uop is an array of count op
 * structs. The hypercall returns 0 whenever the per-op status carries the
 * result (GNTST_*); negative errors are for bad calls (-EFAULT, -EINVAL,
 * -ENOSYS for an unknown cmd).
 */
#define GNTTABOP_map_grant_ref         0
#define GNTTABOP_unmap_grant_ref       1
#define GNTTABOP_setup_table           2
#define GNTTABOP_dump_table            3
#define GNTTABOP_transfer              4
#define GNTTABOP_copy                  5
#define GNTTABOP_query_size            6
#define GNTTABOP_unmap_and_replace     7
#define GNTTABOP_set_version           8
#define GNTTABOP_get_status_frames     9
#define GNTTABOP_get_version          10
#define GNTTABOP_swap_grant_ref       11
#define GNTTABOP_cache_flush          12

/* Entries 0..7 are reserved for the toolstack (0 console, 1 xenstore). */
#define GNTTAB_NR_RESERVED_ENTRIES     8
#define GNTTAB_RESERVED_CONSOLE        0
#define GNTTAB_RESERVED_XENSTORE       1

/* Entry flags: type in bits 0-1. */
#define GTF_invalid             0  /* entry grants nothing */
#define GTF_permit_access       1  /* domid may map/copy frame */
#define GTF_accept_transfer     2  /* domid may transfer a frame to us */
#define GTF_transitive          3  /* v2 only: re-grant of another domain's grant */
#define GTF_type_mask           3
/* Access grants. */
#define _GTF_readonly           2
#define GTF_readonly            (1 << _GTF_readonly)  /* grantee may only read */
#define _GTF_reading            3
#define GTF_reading             (1 << _GTF_reading)   /* set by the hypervisor while mapped/read */
#define _GTF_writing            4
#define GTF_writing             (1 << _GTF_writing)   /* set by the hypervisor while mapped RW */
#define _GTF_PWT                5
#define GTF_PWT                 (1 << _GTF_PWT)
#define _GTF_PCD                6
#define GTF_PCD                 (1 << _GTF_PCD)
#define _GTF_PAT                7
#define GTF_PAT                 (1 << _GTF_PAT)
#define _GTF_sub_page           8
#define GTF_sub_page            (1 << _GTF_sub_page)  /* v2: only page_off/length */
/* Transfer grants. */
#define _GTF_transfer_committed 2
#define GTF_transfer_committed  (1 << _GTF_transfer_committed)
#define _GTF_transfer_completed 3
#define GTF_transfer_completed  (1 << _GTF_transfer_completed)

/* gnttab_map_grant_ref.flags */
#define _GNTMAP_device_map      0
#define GNTMAP_device_map       (1 << _GNTMAP_device_map)      /* want a bus address */
#define _GNTMAP_host_map        1
#define GNTMAP_host_map         (1 << _GNTMAP_host_map)        /* map at host_addr */
#define _GNTMAP_readonly        2
#define GNTMAP_readonly         (1 << _GNTMAP_readonly)
#define _GNTMAP_application_map 3
#define GNTMAP_application_map  (1 << _GNTMAP_application_map) /* user-accessible */
#define _GNTMAP_contains_pte    4
#define GNTMAP_contains_pte     (1 << _GNTMAP_contains_pte)    /* host_addr = MA of the L1e */
#define _GNTMAP_guest_avail0    16
#define GNTMAP_guest_avail_mask ((uint32_t)~0 << _GNTMAP_guest_avail0)

/* gnttab_copy.flags */
#define _GNTCOPY_source_gref    0
#define GNTCOPY_source_gref     (1 << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref      1
#define GNTCOPY_dest_gref       (1 << _GNTCOPY_dest_gref)

/* gnttab_cache_flush.op */
#define GNTTAB_CACHE_CLEAN        (1u << 0)
#define GNTTAB_CACHE_INVAL        (1u << 1)
#define GNTTAB_CACHE_SOURCE_GREF  (1u << 31)

/* Per-op status codes (int16_t). */
#define GNTST_okay               0
#define GNTST_general_error     (-1)  /* also: domain exists but did not grant this */
#define GNTST_bad_domain        (-2)  /* no such domain */
#define GNTST_bad_gntref        (-3)
#define GNTST_bad_handle        (-4)
#define GNTST_bad_virt_addr     (-5)
#define GNTST_bad_dev_addr      (-6)
#define GNTST_no_device_space   (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page          (-9)
#define GNTST_bad_copy_arg     (-10)
#define GNTST_address_too_big  (-11)
#define GNTST_eagain           (-12)

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t grant_ref_t;     /* index into a domain's grant table */
typedef uint32_t grant_handle_t;  /* names one mapping made by map_grant_ref */
typedef uint16_t grant_status_t;  /* v2 status-frame entry (GTF_reading/writing) */

/* v1 entry: flags are shared between granter and hypervisor. */
struct grant_entry_v1 {
    uint16_t flags;  /* GTF_*; written last by the granter */
    domid_t  domid;  /* who may use it */
    uint32_t frame;  /* MFN granted (or, for transfers, filled in by the hypervisor) */
};
typedef struct grant_entry_v1 grant_entry_v1_t;

struct grant_entry_header {
    uint16_t flags;
    domid_t  domid;
};
typedef struct grant_entry_header grant_entry_header_t;

/* v2 entry: status bits moved to separate status frames. */
union grant_entry_v2 {
    grant_entry_header_t hdr;
    struct {
        grant_entry_header_t hdr;
        uint32_t pad0;
        uint64_t frame;
    } full_page;
    struct {
        grant_entry_header_t hdr;
        uint16_t page_off;  /* GTF_sub_page: granted byte range */
        uint16_t length;
        uint64_t frame;
    } sub_page;
    struct {
        grant_entry_header_t hdr;
        domid_t  trans_domid;  /* GTF_transitive: the original granter */
        uint16_t pad0;
        grant_ref_t gref;      /* ... and its reference */
    } transitive;
    uint32_t spacer[4];
};
typedef union grant_entry_v2 grant_entry_v2_t;

/* Map a granted frame at host_addr and/or for device access. */
struct gnttab_map_grant_ref {
    uint64_t host_addr;       /* VA, or the L1e's MA with GNTMAP_contains_pte */
    uint32_t flags;           /* GNTMAP_* */
    grant_ref_t ref;
    domid_t  dom;             /* granting domain */
    int16_t  status;          /* OUT: GNTST_* */
    grant_handle_t handle;    /* OUT */
    uint64_t dev_bus_addr;    /* OUT: for GNTMAP_device_map */
};
typedef struct gnttab_map_grant_ref gnttab_map_grant_ref_t;

/* Undo a mapping; a zero host_addr or dev_bus_addr skips that half. */
struct gnttab_unmap_grant_ref {
    uint64_t host_addr;
    uint64_t dev_bus_addr;
    grant_handle_t handle;
    int16_t  status;          /* OUT */
};
typedef struct gnttab_unmap_grant_ref gnttab_unmap_grant_ref_t;

/* Grow the caller's (or dom's) table to nr_frames and list its MFNs. */
struct gnttab_setup_table {
    domid_t  dom;
    uint32_t nr_frames;
    int16_t  status;          /* OUT */
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list;  /* OUT: nr_frames MFNs */
};
typedef struct gnttab_setup_table gnttab_setup_table_t;

struct gnttab_dump_table {
    domid_t dom;
    int16_t status;           /* OUT */
};
typedef struct gnttab_dump_table gnttab_dump_table_t;

struct gnttab_transfer {
    xen_pfn_t mfn;            /* our frame to give away */
    domid_t  domid;           /* receiver */
    grant_ref_t ref;          /* receiver's GTF_accept_transfer entry */
    int16_t  status;          /* OUT */
};
typedef struct gnttab_transfer gnttab_transfer_t;

/* Hypervisor-side copy between grants and/or own frames. */
struct gnttab_copy_ptr {
    union {
        grant_ref_t ref;      /* with GNTCOPY_*_gref */
        xen_pfn_t gmfn;       /* otherwise: own frame */
    } u;
    domid_t  domid;
    uint16_t offset;
};
struct gnttab_copy {
    struct gnttab_copy_ptr source, dest;
    uint16_t len;
    uint16_t flags;           /* GNTCOPY_* */
    int16_t  status;          /* OUT */
};
typedef struct gnttab_copy gnttab_copy_t;

struct gnttab_query_size {
    domid_t  dom;
    uint32_t nr_frames;       /* OUT */
    uint32_t max_nr_frames;   /* OUT */
    int16_t  status;          /* OUT */
};
typedef struct gnttab_query_size gnttab_query_size_t;

/* Replace the grant mapping at host_addr by the PTE at new_addr; zap new_addr. */
struct gnttab_unmap_and_replace {
    uint64_t host_addr;
    uint64_t new_addr;
    grant_handle_t handle;
    int16_t  status;          /* OUT */
};
typedef struct gnttab_unmap_and_replace gnttab_unmap_and_replace_t;

/* 1 or 2; -ENOSYS if v2 is unsupported, -EBUSY while grants are in use.
 * xlite has v1 only: 1 succeeds, 2 is -ENOSYS, anything else -EINVAL, and
 * version is written back as 1 either way. */
struct gnttab_set_version {
    uint32_t version;         /* IN/OUT */
};
typedef struct gnttab_set_version gnttab_set_version_t;

struct gnttab_get_status_frames {
    uint32_t nr_frames;
    domid_t  dom;
    int16_t  status;          /* OUT */
    XEN_GUEST_HANDLE(uint64_t) frame_list;  /* OUT: MFNs, map read-only */
};
typedef struct gnttab_get_status_frames gnttab_get_status_frames_t;

struct gnttab_get_version {
    domid_t  dom;
    uint16_t pad;
    uint32_t version;         /* OUT */
};
typedef struct gnttab_get_version gnttab_get_version_t;

struct gnttab_swap_grant_ref {
    grant_ref_t ref_a;
    grant_ref_t ref_b;
    int16_t status;           /* OUT */
};
typedef struct gnttab_swap_grant_ref gnttab_swap_grant_ref_t;

struct gnttab_cache_flush {
    union {
        uint64_t dev_bus_addr;
        grant_ref_t ref;      /* with GNTTAB_CACHE_SOURCE_GREF */
    } a;
    uint16_t offset;          /* within the grant */
    uint16_t length;
    uint32_t op;              /* GNTTAB_CACHE_* */
};
typedef struct gnttab_cache_flush gnttab_cache_flush_t;

/* ---- checks: sizes and offsets from the ABI notes ---- */
XLITE_ABI_SIZE(grant_ref_t, 4, grant_ref_size);
XLITE_ABI_SIZE(grant_handle_t, 4, grant_handle_size);
XLITE_ABI_SIZE(grant_status_t, 2, grant_status_size);

XLITE_ABI_SIZE(struct grant_entry_v1, 8, grant_entry_v1_size);
XLITE_ABI_OFFSET(struct grant_entry_v1, flags, 0, grant_entry_v1_flags);
XLITE_ABI_OFFSET(struct grant_entry_v1, domid, 2, grant_entry_v1_domid);
XLITE_ABI_OFFSET(struct grant_entry_v1, frame, 4, grant_entry_v1_frame);

XLITE_ABI_SIZE(union grant_entry_v2, 16, grant_entry_v2_size);
XLITE_ABI_OFFSET(union grant_entry_v2, hdr.flags, 0, grant_entry_v2_flags);
XLITE_ABI_OFFSET(union grant_entry_v2, hdr.domid, 2, grant_entry_v2_domid);
XLITE_ABI_OFFSET(union grant_entry_v2, full_page.pad0, 4, grant_entry_v2_full_pad0);
XLITE_ABI_OFFSET(union grant_entry_v2, full_page.frame, 8, grant_entry_v2_full_frame);
XLITE_ABI_OFFSET(union grant_entry_v2, sub_page.page_off, 4, grant_entry_v2_sub_page_off);
XLITE_ABI_OFFSET(union grant_entry_v2, sub_page.length, 6, grant_entry_v2_sub_length);
XLITE_ABI_OFFSET(union grant_entry_v2, sub_page.frame, 8, grant_entry_v2_sub_frame);
XLITE_ABI_OFFSET(union grant_entry_v2, transitive.trans_domid, 4, grant_entry_v2_trans_domid);
XLITE_ABI_OFFSET(union grant_entry_v2, transitive.pad0, 6, grant_entry_v2_trans_pad0);
XLITE_ABI_OFFSET(union grant_entry_v2, transitive.gref, 8, grant_entry_v2_trans_gref);

XLITE_ABI_SIZE(struct gnttab_setup_table, 24, gnttab_setup_table_size);
XLITE_ABI_OFFSET(struct gnttab_setup_table, dom, 0, gnttab_setup_table_dom);
XLITE_ABI_OFFSET(struct gnttab_setup_table, nr_frames, 4, gnttab_setup_table_nr_frames);
XLITE_ABI_OFFSET(struct gnttab_setup_table, status, 8, gnttab_setup_table_status);
XLITE_ABI_OFFSET(struct gnttab_setup_table, frame_list, 16, gnttab_setup_table_frame_list);

XLITE_ABI_SIZE(struct gnttab_map_grant_ref, 32, gnttab_map_grant_ref_size);
XLITE_ABI_OFFSET(struct gnttab_map_grant_ref, host_addr, 0, gnttab_map_host_addr);
XLITE_ABI_OFFSET(struct gnttab_map_grant_ref, flags, 8, gnttab_map_flags);
XLITE_ABI_OFFSET(struct gnttab_map_grant_ref, ref, 12, gnttab_map_ref);
XLITE_ABI_OFFSET(struct gnttab_map_grant_ref, dom, 16, gnttab_map_dom);
XLITE_ABI_OFFSET(struct gnttab_map_grant_ref, status, 18, gnttab_map_status);
XLITE_ABI_OFFSET(struct gnttab_map_grant_ref, handle, 20, gnttab_map_handle);
XLITE_ABI_OFFSET(struct gnttab_map_grant_ref, dev_bus_addr, 24, gnttab_map_dev_bus_addr);

XLITE_ABI_SIZE(struct gnttab_unmap_grant_ref, 24, gnttab_unmap_grant_ref_size);
XLITE_ABI_OFFSET(struct gnttab_unmap_grant_ref, host_addr, 0, gnttab_unmap_host_addr);
XLITE_ABI_OFFSET(struct gnttab_unmap_grant_ref, dev_bus_addr, 8, gnttab_unmap_dev_bus_addr);
XLITE_ABI_OFFSET(struct gnttab_unmap_grant_ref, handle, 16, gnttab_unmap_handle);
XLITE_ABI_OFFSET(struct gnttab_unmap_grant_ref, status, 20, gnttab_unmap_status);

XLITE_ABI_SIZE(struct gnttab_unmap_and_replace, 24, gnttab_unmap_and_replace_size);
XLITE_ABI_OFFSET(struct gnttab_unmap_and_replace, host_addr, 0, gnttab_uar_host_addr);
XLITE_ABI_OFFSET(struct gnttab_unmap_and_replace, new_addr, 8, gnttab_uar_new_addr);
XLITE_ABI_OFFSET(struct gnttab_unmap_and_replace, handle, 16, gnttab_uar_handle);
XLITE_ABI_OFFSET(struct gnttab_unmap_and_replace, status, 20, gnttab_uar_status);

XLITE_ABI_SIZE(struct gnttab_set_version, 4, gnttab_set_version_size);

XLITE_ABI_SIZE(struct gnttab_get_status_frames, 16, gnttab_get_status_frames_size);
XLITE_ABI_OFFSET(struct gnttab_get_status_frames, nr_frames, 0, gnttab_gsf_nr_frames);
XLITE_ABI_OFFSET(struct gnttab_get_status_frames, dom, 4, gnttab_gsf_dom);
XLITE_ABI_OFFSET(struct gnttab_get_status_frames, status, 6, gnttab_gsf_status);
XLITE_ABI_OFFSET(struct gnttab_get_status_frames, frame_list, 8, gnttab_gsf_frame_list);

XLITE_ABI_SIZE(struct gnttab_cache_flush, 16, gnttab_cache_flush_size);
XLITE_ABI_OFFSET(struct gnttab_cache_flush, a, 0, gnttab_cache_flush_a);
XLITE_ABI_OFFSET(struct gnttab_cache_flush, offset, 8, gnttab_cache_flush_offset);
XLITE_ABI_OFFSET(struct gnttab_cache_flush, length, 10, gnttab_cache_flush_length);
XLITE_ABI_OFFSET(struct gnttab_cache_flush, op, 12, gnttab_cache_flush_op);

/* Not in the notes; natural x86-64 layout of Xen's declarations. */
XLITE_ABI_SIZE(struct gnttab_dump_table, 4, gnttab_dump_table_size);
XLITE_ABI_SIZE(struct gnttab_transfer, 24, gnttab_transfer_size);
XLITE_ABI_OFFSET(struct gnttab_transfer, status, 16, gnttab_transfer_status);
XLITE_ABI_SIZE(struct gnttab_copy_ptr, 16, gnttab_copy_ptr_size);
XLITE_ABI_SIZE(struct gnttab_copy, 40, gnttab_copy_size);
XLITE_ABI_OFFSET(struct gnttab_copy, len, 32, gnttab_copy_len);
XLITE_ABI_OFFSET(struct gnttab_copy, status, 36, gnttab_copy_status);
XLITE_ABI_SIZE(struct gnttab_query_size, 16, gnttab_query_size_size);
XLITE_ABI_SIZE(struct gnttab_get_version, 8, gnttab_get_version_size);
XLITE_ABI_SIZE(struct gnttab_swap_grant_ref, 12, gnttab_swap_grant_ref_size);

#ifdef __cplusplus
}
#endif

#endif /* XLITE_PV_ABI_GRANT_TABLE_H */
