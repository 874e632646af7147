/* Bench-guest runtime, assembly part: the Xen ELF notes, the entry point (whose first
 * instruction reads the TSC), the hypercall page and the #BP handler the trap-bounce
 * benchmark uses. Only the Xen x86-64 PV boot contract is assumed. */
#include <xlite/xen.h>
#include <xlite/elfnote.h>

#define BENCH_STACK_SIZE 16384
#define IRET_STUB (hypercall_page + XLITE_HYPERCALL_STUB_OFFSET(__HYPERVISOR_iret))

/* ---------------------------------------------------------------- ELF notes */
/* namesz, descsz, type, "Xen\0", then the descriptor padded to 4 bytes. */
.macro note_str type:req, str:req
    .balign 4
    .long 4, 2f - 1f, \type
    .asciz "Xen"
1:  .asciz "\str"
2:  .balign 4
.endm
.macro note_quad type:req, value:req
    .balign 4
    .long 4, 8, \type
    .asciz "Xen"
    .quad \value
.endm

    .section .note.xen, "a", @note
    note_str  XEN_ELFNOTE_XEN_VERSION, "xen-3.0"
    note_str  XEN_ELFNOTE_LOADER, "generic"
    note_str  XEN_ELFNOTE_GUEST_OS, "xlite-bench"
    note_str  XEN_ELFNOTE_GUEST_VERSION, "1"
    note_quad XEN_ELFNOTE_VIRT_BASE, 0
    note_quad XEN_ELFNOTE_PADDR_OFFSET, 0
    note_quad XEN_ELFNOTE_HYPERCALL_PAGE, hypercall_page
    note_quad XEN_ELFNOTE_ENTRY, _start

/* ---------------------------------------------------------------- entry */
/* RSI = start_info. The TSC is read before anything else: it is the end point of the
 * boot-to-first-guest-instruction figure (bench_entry_tsc). */
    .section .text.head, "ax"
    .globl _start
_start:
    rdtsc
    mov %eax, bench_entry_tsc
    mov %edx, bench_entry_tsc + 4
    mov $bench_stack + BENCH_STACK_SIZE, %rsp
    mov %rsi, %rdi
    call bench_start
    ud2                             /* bench_start never returns */

/* ---------------------------------------------------------------- hypercall page */
/* hlt (#GP at CPL 3): an unfilled page crashes the domain at its first hypercall. */
    .section .text.hypercall_page, "ax"
    .balign 4096
    .globl hypercall_page
hypercall_page:
    .fill 4096, 1, 0xf4

/* ---------------------------------------------------------------- #BP */
/* The bounce frame is RCX, R11, RIP, CS, RFLAGS, RSP, SS. Restore RCX and R11, turn the
 * R11 slot into the iret flags word (0: not from the syscall callback) and leave
 * through HYPERVISOR_iret, like Linux's xen_iret path. The count lets the benchmark
 * prove every int3 arrived. */
    .text
    .globl bench_int3_entry
bench_int3_entry:
    incq bench_int3_count(%rip)
    pop %rcx
    pop %r11
    pushq $0
    jmp IRET_STUB

/* ---------------------------------------------------------------- data */
    .bss
    .balign 16
bench_stack:
    .skip BENCH_STACK_SIZE

    .data
    .balign 8
    .globl bench_entry_tsc, bench_int3_count
bench_entry_tsc:  .quad 0
bench_int3_count: .quad 0

    .section .note.GNU-stack, "", @progbits
