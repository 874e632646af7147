/* HYPERVISOR_iret with a chosen CS and SS, for the hostile-selector test guests: the
 * frame returns to bad_iret_landing on a fresh part of the stack. Returns only if the
 * hypervisor let the frame through and the return worked. */
#ifndef BAD_IRET_H
#define BAD_IRET_H

#include "rt.h"

static inline void bad_iret(uint64_t cs, uint64_t ss)
{
    __asm__ volatile(
        "mov %%rsp, %%rbx\n"
        "lea -512(%%rsp), %%rax\n"
        "and $-16, %%rax\n"
        "push %[ss]\n"
        "push %%rax\n"
        "pushq $0x202\n"
        "push %[cs]\n"
        "pushq $1f\n"
        "pushq $0\n"
        "jmp hypercall_page + %c[iret]\n"
        "1: mov %%rbx, %%rsp\n"
        :
        : [cs] "r"(cs), [ss] "r"(ss),
          [iret] "i"(XLITE_HYPERCALL_STUB_OFFSET(__HYPERVISOR_iret))
        : "rax", "rbx", "rcx", "r11", "memory", "cc");
}

#endif
