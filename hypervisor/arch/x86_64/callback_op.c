/* set_callbacks (hypercall 4) and callback_op (hypercall 30): the guest entry points
 * for events, failsafe returns and system calls from guest user mode. */
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/hypercall.h>
#include <x86/pv.h>
#include <x86/x86.h>
#include <xlite/callback.h>
#include <xlite/errno.h>

static long register_callback(struct vcpu *v, unsigned int type, unsigned int flags,
                              uint64_t address)
{
    if (!is_canonical(address))
        return -XEN_EINVAL;
    switch (type) {
    case CALLBACKTYPE_event:
        v->event_callback = address;
        break;
    case CALLBACKTYPE_failsafe:
        v->failsafe_callback = address;
        v->failsafe_masks_events = flags & CALLBACKF_mask_events;
        break;
    case CALLBACKTYPE_syscall:
        v->syscall_callback = address;
        v->syscall_masks_events = flags & CALLBACKF_mask_events;
        break;
    case CALLBACKTYPE_syscall32:
        v->syscall32_callback = address;
        v->syscall32_masks_events = flags & CALLBACKF_mask_events;
        break;
    case CALLBACKTYPE_sysenter:
        v->sysenter_callback = address;
        break;
    case CALLBACKTYPE_nmi:
        v->nmi_callback = address;
        break;
    default:
        return -XEN_ENOSYS;
    }
    return 0;
}

/* Same as callback_op register of types event, failsafe and syscall with flags 0. */
long do_set_callbacks(uint64_t event, uint64_t failsafe, uint64_t syscall)
{
    struct vcpu *v = current_vcpu();
    long rc;

    if ((rc = register_callback(v, CALLBACKTYPE_event, 0, event)) ||
        (rc = register_callback(v, CALLBACKTYPE_failsafe, 0, failsafe)) ||
        (rc = register_callback(v, CALLBACKTYPE_syscall, 0, syscall)))
        return rc;
    return 0;
}

/* Refuses: unreadable argument (-EFAULT), unknown op or type (-ENOSYS), non-canonical
 * address (-EINVAL). Unregistering the event callback is refused (-EINVAL), as Xen. */
long do_callback_op(uint64_t cmd, uint64_t arg)
{
    struct vcpu *v = current_vcpu();

    switch (cmd) {
    case CALLBACKOP_register: {
        struct callback_register cb;
        if (copy_from_guest(&cb, arg, sizeof(cb)))
            return -XEN_EFAULT;
        return register_callback(v, cb.type, cb.flags, cb.address);
    }
    case CALLBACKOP_unregister: {
        struct callback_unregister cb;
        if (copy_from_guest(&cb, arg, sizeof(cb)))
            return -XEN_EFAULT;
        if (cb.type == CALLBACKTYPE_event)
            return -XEN_EINVAL;
        return register_callback(v, cb.type, 0, 0);
    }
    default:
        return -XEN_ENOSYS;
    }
}

