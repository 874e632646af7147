/* The register frame built by the exception/interrupt entry path (entry.S), lowest
 * address first. The hardware pushes rip..ss; the stub pushes error_code and vector. */
#ifndef XLITE_REGS_H
#define XLITE_REGS_H

#include <stdint.h>

struct cpu_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint64_t vector;
    uint64_t error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(sizeof(struct cpu_regs) == 22 * 8, "entry.S FRAME_SIZE");
_Static_assert(__builtin_offsetof(struct cpu_regs, cs) == 18 * 8, "entry.S FRAME_CS");

#define ENTRY_SYSCALL   0x100   /* cpu_regs.vector for SYSCALL from 64-bit ring 3 */
#define ENTRY_SYSCALL32 0x101   /* ... from compatibility mode */

/* The frame belongs to a guest (ring 3) rather than to the hypervisor. */
static inline int guest_mode(const struct cpu_regs *r)
{
    return (r->cs & 3) == 3;
}

/* Leave through `regs` on a fresh stack (entry.S). */
__attribute__((noreturn)) void reset_stack_and_return(struct cpu_regs *regs);

/* Called from entry.S with interrupts as the gate left them (all gates are interrupt
 * gates, so IF=0). */
void do_trap(struct cpu_regs *regs);

#endif
