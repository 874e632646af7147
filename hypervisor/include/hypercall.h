/* The hypercall table (common/hypercall.c) and its dispatcher. */
#ifndef XLITE_HYPERCALL_H
#define XLITE_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

#include "regs.h"

#define NR_HYPERCALLS 64

/* Run hypercall regs->rax with arguments rdi, rsi, rdx, r10, r8 and put the result in
 * regs->rax. Unknown numbers get -XEN_ENOSYS. */
void hypercall_dispatch(struct cpu_regs *regs);

/* Run hypercall nr with explicit arguments (multicall); returns its result. */
long hypercall_call(unsigned long nr, const uint64_t args[6]);

/* Long operations call this every few hundred items: true when a timer or the end of
 * the time slice is due and the hypercall was made directly (not inside a multicall),
 * so it should stop and continue later. */
bool hypercall_preempt_check(void);
/* Arrange for the guest to re-issue hypercall nr with these arguments when it next
 * runs (its RIP goes back onto the SYSCALL). Returns the value the handler returns. */
long hypercall_create_continuation(unsigned long nr, uint64_t a0, uint64_t a1, uint64_t a2,
                                   uint64_t a3, uint64_t a4);

/* Name for logs, or NULL. */
const char *hypercall_name(unsigned long nr);

/* With the `bench` option: print calls and cycles per hypercall (debug key 'p'). */
void hypercall_profile_show(void);

#endif
