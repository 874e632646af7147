/* Hypercalls that set up how the guest is entered: the virtual IDT (set_trap_table),
 * the kernel stack (stack_switch), callbacks (set_callbacks, callback_op) and segment
 * bases (set_segment_base). */
#include "guest_access.h"
#include "hypercalls.h"
#include "lib.h"
#include "percpu.h"
#include "pv.h"
#include "x86.h"
#include "xlite/callback.h"
#include "xlite/errno.h"

/* Refuses: an unreadable table (-EFAULT), a non-canonical handler (-EINVAL). Entries
 * before the failing one stay installed, as in Xen. */
long do_set_trap_table(uint64_t table)
{
    struct vcpu *v = current_vcpu();
    struct trap_info ti;

    if (!table) {                             /* NULL clears the whole virtual IDT */
        memset(v->trap_ctxt, 0, sizeof(v->trap_ctxt));
        return 0;
    }
    for (unsigned int i = 0; i < 256; i++, table += sizeof(ti)) {
        if (copy_from_guest(&ti, table, sizeof(ti)))
            return -XEN_EFAULT;
        if (!ti.address)
            return 0;                         /* terminator */
        if (!is_canonical(ti.address))
            return -XEN_EINVAL;
        ti.cs = FLAT_RING3_CS64;              /* 64-bit handlers always run on 0xE033 */
        v->trap_ctxt[ti.vector] = ti;
    }
    return 0;
}

/* Records the stack used when guest user mode enters the guest kernel. The selector's
 * RPL is forced to 3; sp is checked when it is used. */
long do_stack_switch(uint64_t ss, uint64_t sp)
{
    struct vcpu *v = current_vcpu();

    v->kernel_ss = ss | 3;
    v->kernel_sp = sp;
    return 0;
}

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

/* FS base, kernel or user GS base, or the user GS selector. Refuses a non-canonical
 * base (-EINVAL) and unknown `which` (-EINVAL). */
long do_set_segment_base(uint64_t which, uint64_t base)
{
    struct vcpu *v = current_vcpu();

    if (which != SEGBASE_GS_USER_SEL && !is_canonical(base))
        return -XEN_EINVAL;
    switch (which) {
    case SEGBASE_FS:
        v->fs_base = base;
        wrmsr(MSR_FS_BASE, base);
        return 0;
    case SEGBASE_GS_USER:
        v->gs_base_user = base;
        wrmsr(MSR_SHADOW_GS_BASE, base);      /* hypercalls run in kernel mode */
        return 0;
    case SEGBASE_GS_KERNEL:
        v->gs_base_kernel = base;
        wrmsr(MSR_GS_BASE, base);
        return 0;
    case SEGBASE_GS_USER_SEL: {
        /* Load the user GS selector: swap to the user base, load, swap back. */
        uint16_t sel = (uint16_t)base;
        bool usable = true;
        /* VERR (not a faulting load) tells whether the selector is a readable
         * segment a ring-3 guest may use. */
        if (sel)
            __asm__("verr %1; setz %0" : "=q"(usable) : "r"(sel) : "cc");
        if (!usable || (sel && (sel & 3) != 3))
            return -XEN_EINVAL;
        __asm__ volatile("swapgs; mov %0, %%gs; swapgs" :: "r"(sel) : "memory");
        return 0;
    }
    default:
        return -XEN_EINVAL;
    }
}
