/* Constants shared by the test runtime's assembly (head.S) and its C code. These are
 * the runtime's own conventions, not ABI: ABI facts come from pv-abi/include/xlite/. */
#ifndef RT_ASM_H
#define RT_ASM_H

/* boot_regs[]: every register as the domain builder left it, saved by _start. */
#define BR_RAX     0
#define BR_RBX     1
#define BR_RCX     2
#define BR_RDX     3
#define BR_RSI     4
#define BR_RDI     5
#define BR_RBP     6
#define BR_RSP     7
#define BR_R8      8
#define BR_R9      9
#define BR_R10    10
#define BR_R11    11
#define BR_R12    12
#define BR_R13    13
#define BR_R14    14
#define BR_R15    15
#define BR_RFLAGS 16
#define BR_CS     17
#define BR_SS     18
#define BR_DS     19
#define BR_ES     20
#define BR_FS     21
#define BR_GS     22
#define BR_COUNT  23

/* Pseudo vectors for the callback entry points (real vectors are 0-255). */
#define RT_VEC_EVENT     256
#define RT_VEC_SYSCALL   257
#define RT_VEC_FAILSAFE  258
#define RT_NR_VECS       259

/* Bits of the word a trap stub pushes above its vector number. */
#define RT_VW_VEC_MASK   0xFFFF
#define RT_VW_HAS_EC     0x10000   /* the hypervisor pushed an error code */
#define RT_VW_IN_SYSCALL 0x20000   /* return with HYPERVISOR_iret flags VGCF_in_syscall */

/* Vector a user-mode function uses to come back to the kernel (DPL 3). */
#define RT_VEC_RET2KERN  0x20

/* Trap stubs: one per vector, RT_STUB_SIZE bytes apart from rt_trap_stubs. */
#define RT_STUB_SIZE     16

/* Stack sizes. */
#define RT_STACK_SIZE    (32 * 1024)
#define RT_KSTACK_SIZE   (16 * 1024)
#define RT_USTACK_SIZE   (16 * 1024)

#endif
