/* Building a PV domain from a kernel image: memory, initial page tables, start_info,
 * shared_info, hypercall page and vCPU0 state, per the ABI notes §1. */
#ifndef XLITE_PV_BUILD_H
#define XLITE_PV_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include <asm/domain.h>


/* Take the initial L4 as the domain's pinned, validated root and vCPU0's kernel page
 * table (type references taken here, dropped at teardown). */
int pv_pin_initial_l4(struct domain *d, mfn_t l4);

#endif
