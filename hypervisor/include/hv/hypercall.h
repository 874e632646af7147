/* The hypercall table (common/hypercall.c) and its dispatcher. */
#ifndef XLITE_HYPERCALL_H
#define XLITE_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

#include <asm/regs.h>

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

/* The common hypercall handlers (the architecture's are in asm/hypercall.h); the
 * comment names the file under common/ that defines each. Each validates its
 * arguments first and returns 0 (or a count) or a negative Xen errno. */
long do_memory_op(uint64_t cmd, uint64_t arg);                        /* memory_op.c */
long do_multicall(uint64_t list, uint64_t nr);                        /* multicall.c */
long do_set_timer_op(uint64_t timeout);                               /* set_timer_op.c */
long do_xen_version(uint64_t cmd, uint64_t arg);                      /* xen_version.c */
long do_console_io(uint64_t cmd, uint64_t count, uint64_t buf);       /* console_io.c */
long do_grant_table_op(uint64_t cmd, uint64_t uop, uint64_t count);   /* grant_table.c */
long do_vm_assist(uint64_t cmd, uint64_t type);                       /* vm_assist.c */
long do_vcpu_op(uint64_t cmd, uint64_t vcpuid, uint64_t arg);         /* vcpu_op.c */
long do_sched_op(uint64_t cmd, uint64_t arg);                         /* sched_op.c */
long do_event_channel_op(uint64_t cmd, uint64_t arg);                 /* event_channel.c */
long do_sysctl(uint64_t arg);                                         /* sysctl.c */
long do_domctl(uint64_t arg);                                         /* domctl.c */
long do_xenpmu_op(uint64_t op, uint64_t arg);                         /* xenpmu_op.c */

/* Name for logs, or NULL. */
const char *hypercall_name(unsigned long nr);

/* With the `bench` option: print calls and cycles per hypercall (debug key 'p'). */
void hypercall_profile_show(void);

#endif
