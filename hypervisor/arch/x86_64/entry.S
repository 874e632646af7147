/* Exception and interrupt entry: one 16-byte stub per vector pushes a dummy error code
 * where the CPU pushes none, then the vector, and joins the common path that saves the
 * general registers as struct cpu_regs and calls do_trap(regs). */
#include "layout.h"

/* Vectors for which the CPU pushes an error code. */
#define HAS_EC(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || \
                   (v) == 29 || (v) == 30)

    .text
    .balign 16
    .global entry_stubs
entry_stubs:
    .set vec, 0
    .rept 256
    .balign 16
    .if HAS_EC(vec)
    .else
    pushq   $0
    .endif
    pushq   $vec
    jmp     common_entry
    .set vec, vec + 1
    .endr

common_entry:
    cld
    push    %rdi
    push    %rsi
    push    %rdx
    push    %rcx
    push    %rax
    push    %r8
    push    %r9
    push    %r10
    push    %r11
    push    %rbx
    push    %rbp
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    mov     %rsp, %rdi
    /* A fake frame (interrupted rbp, rip) so stack traces run through the trap. */
    pushq   17 * 8(%rdi)
    pushq   4 * 8(%rdi)
    mov     %rsp, %rbp
    call    do_trap
    add     $16, %rsp
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbp
    pop     %rbx
    pop     %r11
    pop     %r10
    pop     %r9
    pop     %r8
    pop     %rax
    pop     %rcx
    pop     %rdx
    pop     %rsi
    pop     %rdi
    add     $16, %rsp                       /* vector and error code */
    iretq
