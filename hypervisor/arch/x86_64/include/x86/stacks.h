/* The hypervisor's stacks, for code that must know whether a pointer is on one. */
#ifndef XLITE_STACKS_H
#define XLITE_STACKS_H

#include <stdbool.h>
#include <stdint.h>

/* True if [p, p + len) lies entirely inside the boot stack or an IST stack. */
bool hv_stack_contains(uint64_t p, uint64_t len);

#endif
