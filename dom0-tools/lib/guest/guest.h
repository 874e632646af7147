/* The PV domain builder that runs in dom0 (ABI notes §1.2-§1.7): from a kernel image to
 * a paused domain ready to unpause, through the control interface (../ctrl/ctrl.h). It
 * compiles the hypervisor's own ELF/Xen-note parser (common/elf_loader.c) and PV layout
 * (arch/x86_64/pv_layout.c), so dom0 and the hypervisor's boot-time builder agree. */
#ifndef XLITE_TOOLS_GUEST_H
#define XLITE_TOOLS_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctrl.h"
#include <x86/pv_layout.h>

#define GUEST_ERR_MAX 256           /* room for any message guest_build writes */

struct guest_build_args {
    const char *image_name;         /* names the image in messages (a file name) */
    const void *image;              /* the kernel ELF, size bytes */
    size_t image_size;
    const void *ramdisk;            /* optional: ramdisk_size bytes, or NULL */
    size_t ramdisk_size;
    const char *name;               /* the domain's name */
    const char *cmdline;            /* start_info.cmd_line (NULL: empty) */
    uint64_t nr_pages;              /* guest RAM in 4 KiB pages */
    uint32_t max_vcpus;             /* 1..8; vCPU 0 starts */
    domid_t domid;                  /* 0: the lowest free id */
    domid_t backend;                /* console and store backend domain (0: dom0) */
    bool no_store;                  /* no store daemon: start_info.store_evtchn is 0, so
                                     * the guest runs without a store (port still made) */
};

/* What was built, for the caller (and tests). */
struct guest_built {
    domid_t domid;
    uint64_t shared_info_mfn;
    uint64_t entry;
    struct pv_layout layout;
    uint64_t l4_mfn;
    uint64_t start_info_mfn;
    uint64_t console_mfn, store_mfn;
    uint32_t console_port, store_port;
    uint64_t grant_frame;           /* the domain's grant-table frame 0 */
};

/* Builds the domain a describes and leaves it paused (the caller unpauses it). Returns 0
 * and fills *out (may be NULL), or a negative errno with one line "IMAGE: problem" in
 * err (errlen > 0); on failure no domain, mapping or allocation is left behind.
 * Refuses (before creating anything): an image pv_elf_parse refuses, a layout that does
 * not fit nr_pages (or nr_pages above 2^22), a bad name or vCPU count, a ramdisk without
 * bytes; then whatever the hypervisor refuses on the way. */
int guest_build(const struct ctrl *c, const struct guest_build_args *a,
                struct guest_built *out, char *err, size_t errlen);

#endif
