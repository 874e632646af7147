/* Exception, interrupt and SYSCALL entry. One 16-byte stub per vector pushes a dummy
 * error code where the CPU pushes none, then the vector, and joins the common path that
 * saves the general registers as struct cpu_regs and calls do_trap(regs). From ring 3
 * the CPU switches to TSS.RSP0, so a guest's frame always sits at the top of the stack;
 * SYSCALL does not switch stacks, so its entry does it and builds the same frame. */
#include <x86/layout.h>

#define PERCPU_STACK_TOP        0       /* offsets in struct percpu (checked in C) */
#define PERCPU_SYSCALL_SCRATCH  8
#define PERCPU_SYSRET_OK        24
#define ENTRY_SYSCALL           0x100   /* pseudo-vectors in cpu_regs.vector */
#define ENTRY_SYSCALL32         0x101
#define FRAME_SIZE              (22 * 8)        /* struct cpu_regs */
#define FRAME_CS                (18 * 8)        /* offsetof(struct cpu_regs, cs) */

/* Vectors for which the CPU pushes an error code. */
#define HAS_EC(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || \
                   (v) == 29 || (v) == 30)

/* The general registers, pushed in struct cpu_regs order (r15 ends at the lowest). */
.macro SAVE_GPRS
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
.endm

/* A fake frame (interrupted rbp, rip) above the saved registers at %rdi, so that
 * stack traces run through the entry. */
.macro TRACE_FRAME
    pushq   17 * 8(%rdi)
    pushq   4 * 8(%rdi)
    mov     %rsp, %rbp
.endm

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

/* SYSCALL from ring 3 (guest kernel: hypercall; guest user: bounce). IF is clear
 * (SYSCALL_MASK), RSP is still the guest's; no guest-controlled state (GS base) is
 * used to find the hypervisor stack. The hypercall path: straight to pv_do_syscall and
 * pv_exit_to_guest, not through do_trap (whose cases it would only pass through). */
    .global syscall_entry
syscall_entry:
    mov     %rsp, cpu0 + PERCPU_SYSCALL_SCRATCH(%rip)
    mov     cpu0 + PERCPU_STACK_TOP(%rip), %rsp
    pushq   $FLAT_RING3_DS32                /* ss */
    pushq   cpu0 + PERCPU_SYSCALL_SCRATCH(%rip)
    push    %r11                            /* rflags */
    pushq   $FLAT_RING3_CS64                /* cs */
    push    %rcx                            /* rip */
    pushq   $0
    pushq   $ENTRY_SYSCALL
    SAVE_GPRS
    mov     %rsp, %rdi
    TRACE_FRAME
    call    pv_do_syscall
    lea     16(%rsp), %rdi
    call    pv_exit_to_guest
    add     $16, %rsp
    jmp     restore_all

/* SYSCALL from 32-bit compatibility mode (CSTAR). */
    .global syscall32_entry
syscall32_entry:
    mov     %rsp, cpu0 + PERCPU_SYSCALL_SCRATCH(%rip)
    mov     cpu0 + PERCPU_STACK_TOP(%rip), %rsp
    pushq   $FLAT_RING3_DS32
    pushq   cpu0 + PERCPU_SYSCALL_SCRATCH(%rip)
    push    %r11
    pushq   $FLAT_RING3_CS32
    push    %rcx
    pushq   $0
    pushq   $ENTRY_SYSCALL32
    jmp     common_entry

common_entry:
    SAVE_GPRS
    /* A guest's frame must sit at the top of the CPU stack, where the exit path and
     * context switch look for it. #DB/NMI/#MC arrive on IST stacks: move the frame. */
    testb   $3, FRAME_CS(%rsp)
    jz      1f
    mov     cpu0 + PERCPU_STACK_TOP(%rip), %rdi
    sub     $FRAME_SIZE, %rdi
    cmp     %rdi, %rsp
    je      1f
    mov     %rsp, %rsi
    mov     %rdi, %rdx
    mov     $FRAME_SIZE / 8, %ecx
    rep movsq
    mov     %rdx, %rsp
1:
    mov     %rsp, %rdi
    TRACE_FRAME
    call    do_trap
    add     $16, %rsp
    .global restore_all
restore_all:
    /* A guest frame that SYSRETQ reproduces exactly (pv_sysret_ok decided, in C) leaves
     * by SYSRETQ, cheaper than IRETQ; anything else by IRETQ. */
    testb   $3, FRAME_CS(%rsp)
    jz      .Lpop_all
    cmpq    $0, cpu0 + PERCPU_SYSRET_OK(%rip)
    je      .Lpop_all
    movq    $0, cpu0 + PERCPU_SYSRET_OK(%rip)
    /* An exception from ring 3 leaves SS null; AMD's SYSRET keeps a null SS's
     * "unusable" attribute, which would break 32-bit code the guest runs later.
     * Loading SS is slow (and ends a translated block under TCG): only when null. */
    mov     %ss, %eax
    test    $~3, %eax
    jnz     2f
    mov     $HV_DS, %eax
    mov     %eax, %ss
2:
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbp
    pop     %rbx
    pop     %r11                            /* = the guest's RFLAGS */
    pop     %r10
    pop     %r9
    pop     %r8
    pop     %rax
    pop     %rcx                            /* = the guest's RIP, canonical */
    pop     %rdx
    pop     %rsi
    pop     %rdi
    /* Stack: vector, error code, rip, cs, rflags, rsp, ss. From here to SYSRETQ RSP is
     * the guest's with interrupts off; NMI, #MC and #DB arrive on IST stacks. */
    mov     40(%rsp), %rsp
    sysretq
.Lpop_all:
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
    /* The only IRETQ. Returning to a guest it can fault on the guest's CS or SS:
     * pv_return_fault_fixup then resumes at guest_return_fault. */
    .global guest_return_iret
guest_return_iret:
    iretq

/* A return to a guest faulted: back to that guest's frame at the stack top; C crashes
 * its domain and puts the next vCPU's frame there, which restore_all then leaves by. */
    .global guest_return_fault
guest_return_fault:
    mov     cpu0 + PERCPU_STACK_TOP(%rip), %rsp
    sub     $FRAME_SIZE, %rsp
    mov     %rsp, %rdi
    call    pv_return_faulted
    jmp     restore_all

/* Discard the current stack and leave through the frame at `regs` (rdi): used to
 * start a vCPU and when the scheduler switches to another one. */
    .global reset_stack_and_return
reset_stack_and_return:
    mov     %rdi, %rsp
    jmp     restore_all
