/* xlite PV ABI: xen_version (hypercall 17): version strings, platform parameters, feature bits. */
#ifndef XLITE_PV_ABI_VERSION_H
#define XLITE_PV_ABI_VERSION_H

#include "xen.h"

/*
 * HYPERVISOR_xen_version(cmd, arg). String answers are NUL-terminated and
 * zero-filled to the end of their buffer (guests check that nothing else
 * leaks through the padding).
 */
#define XENVER_version              0  /* arg NULL; returns major << 16 | minor */
#define XENVER_extraversion         1  /* xen_extraversion_t */
#define XENVER_compile_info         2  /* struct xen_compile_info */
#define XENVER_capabilities         3  /* xen_capabilities_info_t */
#define XENVER_changeset            4  /* xen_changeset_info_t */
#define XENVER_platform_parameters  5  /* struct xen_platform_parameters */
#define XENVER_get_features         6  /* struct xen_feature_info */
#define XENVER_pagesize             7  /* arg NULL; returns the page size */
#define XENVER_guest_handle         8  /* xen_domain_handle_t */
#define XENVER_commandline          9  /* xen_commandline_t (dom0) */
#define XENVER_build_id            10  /* struct xen_build_id + buffer */

#define XLITE_XENVER_MAJOR(v)  ((uint32_t)(v) >> 16)
#define XLITE_XENVER_MINOR(v)  ((uint32_t)(v) & 0xFFFF)

#define XEN_EXTRAVERSION_LEN       16
#define XEN_CAPABILITIES_INFO_LEN  1024
#define XEN_CHANGESET_INFO_LEN     64
#define XEN_COMMANDLINE_LEN        1024

/*
 * XENVER_get_features bits (submap 0). A 64-bit PV guest on Xen typically
 * sees mmu_pt_update_preserve_ad, highmem_assist, gnttab_map_avail_bits,
 * memory_op_vnode_supported, direct_mapped, runstate_phys_area,
 * vcpu_time_phys_area and dm_msix_all_writes. xlite reports
 * mmu_pt_update_preserve_ad, gnttab_map_avail_bits and direct_mapped, plus
 * dom0 to domain 0.
 */
#define XENFEAT_writable_page_tables        0
#define XENFEAT_writable_descriptor_tables  1
#define XENFEAT_auto_translated_physmap     2  /* never for PV */
#define XENFEAT_supervisor_mode_kernel      3
#define XENFEAT_pae_pgdir_above_4gb         4
#define XENFEAT_mmu_pt_update_preserve_ad   5  /* MMU_PT_UPDATE_PRESERVE_AD works */
#define XENFEAT_highmem_assist              6
#define XENFEAT_gnttab_map_avail_bits       7  /* GNTMAP_guest_avail bits honoured */
#define XENFEAT_hvm_callback_vector         8
#define XENFEAT_hvm_safe_pvclock            9
#define XENFEAT_hvm_pirqs                  10
#define XENFEAT_dom0                       11  /* this domain is dom0 */
#define XENFEAT_grant_map_identity         12
#define XENFEAT_memory_op_vnode_supported  13
#define XENFEAT_ARM_SMCCC_supported        14
#define XENFEAT_linux_rsdp_unrestricted    15
#define XENFEAT_not_direct_mapped          16
#define XENFEAT_direct_mapped              17  /* frame numbers are machine frames */
#define XENFEAT_runstate_phys_area         18  /* VCPUOP_register_runstate_phys_area */
#define XENFEAT_vcpu_time_phys_area        19  /* VCPUOP_register_vcpu_time_phys_area */
#define XENFEAT_dm_msix_all_writes         20
#define XENFEAT_NR_SUBMAPS                  1  /* submap_idx > 0 is -EINVAL */

#ifdef __cplusplus
extern "C" {
#endif

typedef char xen_extraversion_t[XEN_EXTRAVERSION_LEN];        /* e.g. ".0-xlite" */
typedef char xen_capabilities_info_t[XEN_CAPABILITIES_INFO_LEN]; /* e.g. "xen-3.0-x86_64" */
typedef char xen_changeset_info_t[XEN_CHANGESET_INFO_LEN];
typedef char xen_commandline_t[XEN_COMMANDLINE_LEN];

struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;

struct xen_platform_parameters {
    xen_ulong_t virt_start;  /* first VA the hypervisor reserves (HYPERVISOR_VIRT_START) */
};
typedef struct xen_platform_parameters xen_platform_parameters_t;

struct xen_feature_info {
    uint32_t submap_idx;  /* IN: which 32-feature word */
    uint32_t submap;      /* OUT: bit n = feature 32*submap_idx + n */
};
typedef struct xen_feature_info xen_feature_info_t;

/*
 * XENVER_build_id: the guest passes len = room in the buffer that directly
 * follows this header; the hypervisor writes the id there and returns its
 * length. xlite has no build id: -ENODATA (-EPERM for unprivileged callers).
 */
struct xen_build_id {
    uint32_t len;
};
typedef struct xen_build_id xen_build_id_t;

XLITE_ABI_SIZE(xen_extraversion_t, 16, xen_extraversion_size);
XLITE_ABI_SIZE(xen_capabilities_info_t, 1024, xen_capabilities_info_size);
XLITE_ABI_SIZE(xen_changeset_info_t, 64, xen_changeset_info_size);
XLITE_ABI_SIZE(struct xen_compile_info, 144, xen_compile_info_size);
XLITE_ABI_OFFSET(struct xen_compile_info, compiler, 0, xen_compile_info_compiler);
XLITE_ABI_OFFSET(struct xen_compile_info, compile_by, 64, xen_compile_info_compile_by);
XLITE_ABI_OFFSET(struct xen_compile_info, compile_domain, 80, xen_compile_info_compile_domain);
XLITE_ABI_OFFSET(struct xen_compile_info, compile_date, 112, xen_compile_info_compile_date);
XLITE_ABI_SIZE(struct xen_platform_parameters, 8, xen_platform_parameters_size);
XLITE_ABI_SIZE(struct xen_feature_info, 8, xen_feature_info_size);
XLITE_ABI_OFFSET(struct xen_feature_info, submap_idx, 0, xen_feature_info_submap_idx);
XLITE_ABI_OFFSET(struct xen_feature_info, submap, 4, xen_feature_info_submap);
XLITE_ABI_SIZE(struct xen_build_id, 4, xen_build_id_size);

#ifdef __cplusplus
}
#endif

#endif /* XLITE_PV_ABI_VERSION_H */
