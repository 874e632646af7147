/* Per-CPU state. One CPU for now; the fields are grouped here so SMP only has to turn
 * the single instance into an array reached from each CPU's stack or trampoline. */
#ifndef XLITE_PERCPU_H
#define XLITE_PERCPU_H

#include <stdint.h>

struct vcpu;

struct percpu {
    uint64_t stack_top;         /* TSS.RSP0: guest frames live just below it */
    uint64_t syscall_scratch;   /* guest RSP while SYSCALL entry switches stacks */
    struct vcpu *current;       /* the vCPU whose frame is at the stack top, or NULL */
    uint64_t sysret_ok;         /* set by pv_exit_to_guest for entry.S: the guest frame
                                 * may be left by SYSRETQ (pv_sysret_ok) */
};

extern struct percpu cpu0;

static inline struct vcpu *current_vcpu(void)
{
    return cpu0.current;
}

#endif
