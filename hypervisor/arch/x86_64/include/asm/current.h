/* Arch interface: the running vCPU and its saved guest frame (the top of this CPU's
 * hypervisor stack). */
#ifndef XLITE_ASM_CURRENT_H
#define XLITE_ASM_CURRENT_H

#include <asm/regs.h>
#include <x86/percpu.h>

/* current_vcpu(), from x86/percpu.h: the vCPU whose frame is at the stack top. */

/* The guest frame of the running vCPU (inline: the trap and iret paths ask often). */
static inline struct cpu_regs *guest_regs(void)
{
    return (struct cpu_regs *)(cpu0.stack_top - sizeof(struct cpu_regs));
}

#endif
