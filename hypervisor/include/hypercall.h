/* The hypercall table (common/hypercall.c) and its dispatcher. */
#ifndef XLITE_HYPERCALL_H
#define XLITE_HYPERCALL_H

#include <stdint.h>

#include "regs.h"

#define NR_HYPERCALLS 64

/* Run hypercall regs->rax with arguments rdi, rsi, rdx, r10, r8 and put the result in
 * regs->rax. Unknown numbers get -XEN_ENOSYS. */
void hypercall_dispatch(struct cpu_regs *regs);

/* Run hypercall nr with explicit arguments (multicall); returns its result. */
long hypercall_call(unsigned long nr, const uint64_t args[6]);

/* Name for logs, or NULL. */
const char *hypercall_name(unsigned long nr);

#endif
