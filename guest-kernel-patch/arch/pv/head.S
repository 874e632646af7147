/* replaces the native boot entry, IDT gates and iretq: Xen ELF notes, the hypercall page,
 * trap/event/syscall/failsafe entry stubs, the return path through HYPERVISOR_iret and
 * the kernel-thread context switch. */
#include <xlite/xen.h>
#include <xlite/elfnote.h>
#include "asm.h"

#define IRET_STUB (hypercall_page + XLITE_HYPERCALL_STUB_OFFSET(__HYPERVISOR_iret))

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
    xen_note_str  XEN_ELFNOTE_GUEST_OS, "xlite-kernel"
    xen_note_str  XEN_ELFNOTE_GUEST_VERSION, "0.1"
    xen_note_quad XEN_ELFNOTE_HYPERCALL_PAGE, hypercall_page
    xen_note_quad XEN_ELFNOTE_ENTRY, _start

/* Entry: RSI = start_info, RSP = the builder's boot stack. Move to our own stack. */
    .section .text.head, "ax"
    .globl _start
_start:
    cld
    mov $boot_stack + BOOT_STACK_SIZE, %rsp
    xor %ebp, %ebp
    mov %rsi, %rdi
    call arch_start
    ud2

    .section .text.hypercall_page, "ax"
    .balign 4096
    .globl hypercall_page
hypercall_page:
    .fill 4096, 1, 0xf4

    .text
/* Every entry leaves the same frame (struct trapframe): the hypervisor pushed RCX,
 * R11, [error code], RIP, CS, RFLAGS, RSP, SS; stubs of vectors without an error code
 * slide RCX/R11 down and put 0 in its place. */
.macro noec_fixup
    sub $8, %rsp
    push %rax
    mov 16(%rsp), %rax
    mov %rax, 8(%rsp)
    mov 24(%rsp), %rax
    mov %rax, 16(%rsp)
    movq $0, 24(%rsp)
    pop %rax
.endm

    .balign 16
    .globl trap_stubs
trap_stubs:
    .set vec, 0
    .rept 32
    .balign TRAP_STUB_SIZE
    .set ec1, (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12)
    .set ec2, (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21)
    .if ec1 || ec2
    pushq $vec
    .else
    noec_fixup
    pushq $vec
    .endif
    jmp trap_common
    .set vec, vec + 1
    .endr

    .globl event_entry, syscall_entry, failsafe_entry
event_entry:
    noec_fixup
    pushq $VEC_EVENT
    jmp trap_common
syscall_entry:
    noec_fixup
    pushq $VEC_SYSCALL
    jmp trap_common
/* The failsafe frame also holds DS, ES, FS, GS: drop them (we never load segments). */
failsafe_entry:
    mov 0(%rsp), %rcx
    mov 8(%rsp), %r11
    add $40, %rsp
    push %r11
    push %rcx
    movq $0, 16(%rsp)
    pushq $VEC_FAILSAFE
    jmp trap_common

trap_common:
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
    cld
    mov %rsp, %rdi
    mov %rsp, %rbx
    and $-16, %rsp
    call trap_dispatch
    mov %rbx, %rsp
    .globl trap_return
/* RSP -> struct trapframe: restore it and HYPERVISOR_iret with flags 0. */
trap_return:
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
    add $8, %rsp                /* vector */
    mov 0(%rsp), %rcx
    mov 8(%rsp), %r11
    add $16, %rsp               /* -> error-code slot, which becomes the iret flags */
    movq $0, (%rsp)
    jmp IRET_STUB

/* void switch_stack(uint64_t *save_rsp, uint64_t new_rsp): save callee-saved registers
 * on this stack, switch, restore the other thread's. */
    .globl switch_stack
switch_stack:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

/* First return of a new thread: R12 = function, R13 = argument (set by thread_create). */
    .globl thread_trampoline
thread_trampoline:
    mov %r13, %rdi
    call *%r12
    ud2

    .bss
    .balign 16
    .globl boot_stack
boot_stack:
    .skip BOOT_STACK_SIZE

    .section .note.GNU-stack, "", @progbits
