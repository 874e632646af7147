/* Building a PV domain from a kernel image: memory, initial page tables, start_info,
 * shared_info, hypercall page and vCPU0 state, per the ABI notes §1. */
#ifndef XLITE_PV_BUILD_H
#define XLITE_PV_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "domain.h"

struct pv_build_args {
    const void *kernel;           /* ELF image (in hypervisor memory) */
    size_t kernel_size;
    const void *ramdisk;          /* optional: start_info.mod_start/mod_len */
    size_t ramdisk_size;
    const char *cmdline;          /* start_info.cmd_line */
    uint64_t nr_pages;            /* guest RAM */
    uint32_t si_flags;            /* SIF_* for start_info.flags */
};

/* Build d (created, empty) from args. On failure prints one line naming the problem,
 * and returns a negative errno; the caller destroys the domain. */
int pv_build(struct domain *d, const struct pv_build_args *args);

/* Write the 128 hypercall stubs into a 4 KiB page. */
void hypercall_page_fill(uint8_t *page);

/* Take the initial L4 as the domain's pinned, validated root and vCPU0's kernel page
 * table (type references taken here, dropped at teardown). */
int pv_pin_initial_l4(struct domain *d, mfn_t l4);

#endif
