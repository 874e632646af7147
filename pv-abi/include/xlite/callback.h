/* xlite PV ABI: callback_op (hypercall 30): the guest event, failsafe and syscall entry points. */
#ifndef XLITE_PV_ABI_CALLBACK_H
#define XLITE_PV_ABI_CALLBACK_H

#include "xen.h"

/*
 * HYPERVISOR_callback_op(cmd, arg). register returns 0, -EINVAL for a
 * non-canonical address, -ENOSYS for an unknown type. set_callbacks (4) is
 * the same as registering types 0, 1 and 2 with flags 0. Unregistering the
 * event callback is -EINVAL.
 *
 * The event and syscall callbacks get the frame described above struct
 * trap_info in arch-x86_64.h, without an error code; for the syscall
 * callback the saved RCX and R11 are the user's RIP after SYSCALL and its
 * RFLAGS. Return with HYPERVISOR_iret (VGCF_in_syscall for a SYSRET-style
 * return). xlite records failsafe, nmi and sysenter callbacks but never
 * delivers them: a return that faults crashes the domain, and no NMI
 * reaches a guest.
 */
#define CALLBACKOP_register    0  /* struct callback_register */
#define CALLBACKOP_unregister  1  /* struct callback_unregister */

#define CALLBACKTYPE_event                0  /* event upcall; always masks events */
#define CALLBACKTYPE_failsafe             1  /* bad data selectors on return to guest */
#define CALLBACKTYPE_syscall              2  /* SYSCALL from 64-bit guest user mode */
#define CALLBACKTYPE_sysenter_deprecated  3
#define CALLBACKTYPE_nmi                  4
#define CALLBACKTYPE_sysenter             5  /* SYSENTER from user mode (Intel) */
#define CALLBACKTYPE_syscall32            7  /* SYSCALL from compat user mode (AMD) */

/* callback_register.flags */
#define _CALLBACKF_mask_events  0
#define CALLBACKF_mask_events   (1U << _CALLBACKF_mask_events) /* mask events on entry */

#ifdef __cplusplus
extern "C" {
#endif

struct callback_register {
    uint16_t type;           /* CALLBACKTYPE_* */
    uint16_t flags;          /* CALLBACKF_* */
    xen_callback_t address;  /* entry VA (runs on FLAT_KERNEL_CS) */
};
typedef struct callback_register callback_register_t;

struct callback_unregister {
    uint16_t type;
    uint16_t pad;
};
typedef struct callback_unregister callback_unregister_t;

XLITE_ABI_SIZE(struct callback_register, 16, callback_register_size);
XLITE_ABI_OFFSET(struct callback_register, type, 0, callback_register_type);
XLITE_ABI_OFFSET(struct callback_register, flags, 2, callback_register_flags);
XLITE_ABI_OFFSET(struct callback_register, address, 8, callback_register_address);
XLITE_ABI_SIZE(struct callback_unregister, 4, callback_unregister_size);

#ifdef __cplusplus
}
#endif

#endif /* XLITE_PV_ABI_CALLBACK_H */
