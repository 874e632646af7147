/* replaces hard-coded vector numbers and stack sizes of a native entry.S: constants shared
 * by head.S and the C side of arch/pv (our conventions, not ABI). */
#ifndef PV_ASM_H
#define PV_ASM_H

#define VEC_EVENT       256   /* pseudo vectors of the callback entries */
#define VEC_SYSCALL     257
#define VEC_FAILSAFE    258
#define TRAP_STUB_SIZE  64
#define BOOT_STACK_SIZE (16 * 1024)

#endif
