/* Test-guest runtime, assembly part: the Xen ELF notes, the entry point, the hypercall
 * page, the trap stubs with their common entry/exit path (which returns with
 * HYPERVISOR_iret), and the two context switches the C runtime builds on: rt_catch
 * (call a function, come back here if it traps) and rt_exec_user (run a function in
 * guest user mode). */
#include <xlite/xen.h>
#include <xlite/elfnote.h>
#include "rt_asm.h"

#define IRET_STUB (hypercall_page + XLITE_HYPERCALL_STUB_OFFSET(__HYPERVISOR_iret))

/* ---------------------------------------------------------------- ELF notes */
.macro xen_note_str type:req, str:req
    .balign 4
    .long 4, 9998f - 9997f, \type
    .asciz "Xen"
9997:
    .asciz "\str"
9998:
    .balign 4
.endm
.macro xen_note_quad type:req, value:req
    .balign 4
    .long 4, 8, \type
    .asciz "Xen"
    .quad \value
    .balign 4
.endm

    .section .note.xen, "a", @note
    xen_note_str  XEN_ELFNOTE_XEN_VERSION, "xen-3.0"
    xen_note_str  XEN_ELFNOTE_LOADER, "generic"
    xen_note_str  XEN_ELFNOTE_GUEST_OS, "xlite-test"
    xen_note_str  XEN_ELFNOTE_GUEST_VERSION, "0"
    xen_note_quad XEN_ELFNOTE_HYPERCALL_PAGE, hypercall_page
    xen_note_quad XEN_ELFNOTE_ENTRY, _start

/* ---------------------------------------------------------------- entry */
    .section .text.head, "ax"
    .globl _start
_start:
    /* Record every register exactly as the builder left it, before touching any. */
    mov %rax, boot_regs + 8 * BR_RAX
    mov %rbx, boot_regs + 8 * BR_RBX
    mov %rcx, boot_regs + 8 * BR_RCX
    mov %rdx, boot_regs + 8 * BR_RDX
    mov %rsi, boot_regs + 8 * BR_RSI
    mov %rdi, boot_regs + 8 * BR_RDI
    mov %rbp, boot_regs + 8 * BR_RBP
    mov %rsp, boot_regs + 8 * BR_RSP
    mov %r8,  boot_regs + 8 * BR_R8
    mov %r9,  boot_regs + 8 * BR_R9
    mov %r10, boot_regs + 8 * BR_R10
    mov %r11, boot_regs + 8 * BR_R11
    mov %r12, boot_regs + 8 * BR_R12
    mov %r13, boot_regs + 8 * BR_R13
    mov %r14, boot_regs + 8 * BR_R14
    mov %r15, boot_regs + 8 * BR_R15
    pushfq
    popq boot_regs + 8 * BR_RFLAGS
    mov %cs, boot_regs + 8 * BR_CS
    mov %ss, boot_regs + 8 * BR_SS
    mov %ds, boot_regs + 8 * BR_DS
    mov %es, boot_regs + 8 * BR_ES
    mov %fs, boot_regs + 8 * BR_FS
    mov %gs, boot_regs + 8 * BR_GS

    mov $rt_stack + RT_STACK_SIZE, %rsp
    mov boot_regs + 8 * BR_RSI, %rdi
    call rt_start
    ud2                         /* rt_start never returns */

/* ---------------------------------------------------------------- hypercall page */
/* Filled with hlt (#GP at CPL 3) so that an unfilled page crashes the domain at the
 * first hypercall instead of silently returning. */
    .section .text.hypercall_page, "ax"
    .balign 4096
    .globl hypercall_page
hypercall_page:
    .fill 4096, 1, 0xf4

/* ---------------------------------------------------------------- trap stubs */
    .text
/* Stub for vector v: push (v | RT_VW_HAS_EC if the CPU pushed an error code), jump
 * to the common path. The hypervisor entered it with RSP at the bounce frame:
 * RCX, R11, [error code], RIP, CS, RFLAGS, RSP, SS. */
    .balign 16
    .globl rt_trap_stubs
rt_trap_stubs:
    .set vec, 0
    .rept 256
    .balign RT_STUB_SIZE
    .if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21)
    pushq $(vec | RT_VW_HAS_EC)
    .else
    pushq $vec
    .endif
    jmp rt_trap_common
    .set vec, vec + 1
    .endr

    .globl rt_event_entry, rt_syscall_entry, rt_failsafe_entry
rt_event_entry:
    pushq $RT_VEC_EVENT
    jmp rt_trap_common
rt_syscall_entry:
    pushq $RT_VEC_SYSCALL
    jmp rt_trap_common
rt_failsafe_entry:
    pushq $RT_VEC_FAILSAFE
    jmp rt_trap_common

/* Save the GPRs (RCX and R11 live in the bounce frame) and the handler's own RFLAGS
 * as struct rt_regs, call rt_trap_dispatch(regs), then return to the (possibly
 * edited) frame with HYPERVISOR_iret. */
rt_trap_common:
    push %rax
    push %rdx
    push %rsi
    push %rdi
    push %r8
    push %r9
    push %r10
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    pushfq
    cld
    mov %rsp, %rdi
    mov %rsp, %rbx
    and $-16, %rsp
    call rt_trap_dispatch
    mov %rbx, %rsp
    add $8, %rsp                /* the handler's RFLAGS: not restored */
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    pop %r10
    pop %r9
    pop %r8
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rax
    /* RSP -> vector word, then RCX, R11, [EC], RIP ... Load RCX/R11 from the frame,
     * then overwrite the slot just below RIP with the iret flags. */
    mov 8(%rsp), %rcx
    mov 16(%rsp), %r11
    testl $RT_VW_HAS_EC, (%rsp)
    jz 1f
    testl $RT_VW_IN_SYSCALL, (%rsp)
    lea 24(%rsp), %rsp          /* -> error code slot */
    jmp 2f
1:  testl $RT_VW_IN_SYSCALL, (%rsp)
    lea 16(%rsp), %rsp          /* -> R11 slot */
2:  movq $0, (%rsp)
    jz 3f
    movq $VGCF_in_syscall, (%rsp)
3:  jmp IRET_STUB

/* ---------------------------------------------------------------- rt_catch */
/* bool rt_catch(long (*fn)(void *), void *arg, long *ret): call fn(arg); true and
 * *ret = its result if it returned, false if a trap that nothing else claimed
 * interrupted it (the dispatcher resumes at rt_catch_recover on our saved stack). */
    .globl rt_catch, rt_catch_recover
rt_catch:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    push %rdx
    mov %rsp, rt_catch_rsp
    movq $1, rt_catch_armed
    mov %rdi, %rax
    mov %rsi, %rdi
    call *%rax
    movq $0, rt_catch_armed
    pop %rdx
    test %rdx, %rdx
    jz 1f
    mov %rax, (%rdx)
1:  mov $1, %eax
    jmp 2f
rt_catch_recover:
    movq $0, rt_catch_armed
    pop %rdx
    xor %eax, %eax
2:  pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

/* ---------------------------------------------------------------- rt_exec_user */
/* long rt_exec_user_asm(long (*fn)(void *), void *arg): HYPERVISOR_iret to guest user
 * mode at rt_user_entry (stack rt_user_rsp, RFLAGS rt_user_rflags), which calls
 * fn(arg) and raises int $RT_VEC_RET2KERN; the dispatcher brings any trap from user
 * mode back to rt_user_return with RAX = fn's result (or RT_USER_FAULTED). */
    .globl rt_exec_user_asm, rt_user_entry, rt_user_return, rt_user_int_ret
rt_exec_user_asm:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rdi, rt_user_fn
    mov %rsi, rt_user_arg
    mov %rsp, rt_user_ret_rsp
    movq $1, rt_user_active
    pushq $FLAT_USER_SS
    pushq rt_user_rsp
    pushq rt_user_rflags
    pushq $FLAT_USER_CS
    pushq $rt_user_entry
    pushq $0
    jmp IRET_STUB
rt_user_entry:
    mov rt_user_arg, %rdi
    call *rt_user_fn
    int $RT_VEC_RET2KERN
rt_user_int_ret:
    ud2
rt_user_return:
    movq $0, rt_user_active
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

/* ---------------------------------------------------------------- data */
    .bss
    .balign 16
    .globl rt_stack, rt_kstack, rt_ustack
rt_stack:
    .skip RT_STACK_SIZE
rt_kstack:
    .skip RT_KSTACK_SIZE
rt_ustack:
    .skip RT_USTACK_SIZE

    .data
    .balign 8
    .globl boot_regs, rt_catch_rsp, rt_catch_armed
    .globl rt_user_fn, rt_user_arg, rt_user_ret_rsp, rt_user_active, rt_user_rsp, rt_user_rflags
boot_regs:
    .fill BR_COUNT, 8, 0
rt_catch_rsp:     .quad 0
rt_catch_armed:   .quad 0
rt_user_fn:       .quad 0
rt_user_arg:      .quad 0
rt_user_ret_rsp:  .quad 0
rt_user_active:   .quad 0
rt_user_rsp:      .quad rt_ustack + RT_USTACK_SIZE
rt_user_rflags:   .quad 0x2

    .section .note.GNU-stack, "", @progbits
