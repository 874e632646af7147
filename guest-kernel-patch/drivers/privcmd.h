/* privcmd internals shared by the privileged devices. */
#ifndef XLITE_PRIVCMD_H
#define XLITE_PRIVCMD_H

#include <stdint.h>

#include "arch.h"

/* XL_PRIVCMD_HYPERCALL (privcmd_hcall.c): 0 or -errno; the hypercall's result in ->ret. */
long privcmd_hypercall(uint64_t uarg);
/* First address of count free consecutive pages of as's device window, 0 if none. */
uint64_t privcmd_window_find(const struct aspace *as, uint64_t count);

#endif
