/* xlite PV ABI: physdev_op (hypercall 33): I/O privilege and physical-device operations. */
#ifndef XLITE_PV_ABI_PHYSDEV_H
#define XLITE_PV_ABI_PHYSDEV_H

#include "xen.h"

/* HYPERVISOR_physdev_op(cmd, arg). Most operations are for dom0 only. */
#define PHYSDEVOP_IRQ_UNMASK_NOTIFY    4  /* obsolete */
#define PHYSDEVOP_irq_status_query     5
#define PHYSDEVOP_set_iopl             6  /* struct physdev_set_iopl */
#define PHYSDEVOP_set_iobitmap         7  /* struct physdev_set_iobitmap */
#define PHYSDEVOP_apic_read            8
#define PHYSDEVOP_apic_write           9
#define PHYSDEVOP_alloc_irq_vector    10
#define PHYSDEVOP_free_irq_vector     11
#define PHYSDEVOP_eoi                 12
#define PHYSDEVOP_map_pirq            13
#define PHYSDEVOP_unmap_pirq          14
#define PHYSDEVOP_manage_pci_add      15
#define PHYSDEVOP_manage_pci_remove   16
#define PHYSDEVOP_pirq_eoi_gmfn_v1    17
#define PHYSDEVOP_restore_msi         19
#define PHYSDEVOP_manage_pci_add_ext  20
#define PHYSDEVOP_setup_gsi           21
#define PHYSDEVOP_get_free_pirq       23
#define PHYSDEVOP_pci_mmcfg_reserved  24
#define PHYSDEVOP_pci_device_add      25
#define PHYSDEVOP_pci_device_remove   26
#define PHYSDEVOP_restore_msi_ext     27
#define PHYSDEVOP_pirq_eoi_gmfn_v2    28
#define PHYSDEVOP_dbgp_op             29
#define PHYSDEVOP_prepare_msix        30
#define PHYSDEVOP_release_msix        31
#define PHYSDEVOP_pci_device_reset    32

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Virtual IOPL of the calling vCPU (0-3; > 3 is -EINVAL). cli/sti and port
 * I/O from the guest are then allowed when the virtual IOPL >= 1 in kernel
 * mode (0 with VMASST_TYPE_architectural_iopl), 3 in user mode.
 */
struct physdev_set_iopl {
    uint32_t iopl;
};
typedef struct physdev_set_iopl physdev_set_iopl_t;

/* I/O-port permission bitmap of the calling vCPU (bit set = port denied). */
struct physdev_set_iobitmap {
    XEN_GUEST_HANDLE(uint8_t) bitmap;  /* guest VA of the bitmap */
    uint32_t nr_ports;                 /* ports it covers */
};
typedef struct physdev_set_iobitmap physdev_set_iobitmap_t;

XLITE_ABI_SIZE(struct physdev_set_iopl, 4, physdev_set_iopl_size);
XLITE_ABI_SIZE(struct physdev_set_iobitmap, 16, physdev_set_iobitmap_size);
XLITE_ABI_OFFSET(struct physdev_set_iobitmap, bitmap, 0, physdev_set_iobitmap_bitmap);
XLITE_ABI_OFFSET(struct physdev_set_iobitmap, nr_ports, 8, physdev_set_iobitmap_nr_ports);

#ifdef __cplusplus
}
#endif

#endif /* XLITE_PV_ABI_PHYSDEV_H */
