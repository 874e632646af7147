/* set_segment_base (hypercall 25): FS base, kernel and user GS bases, and the user GS
 * selector, which a ring-3 guest kernel cannot load itself. */
#include <asm/current.h>
#include <asm/hypercall.h>
#include <x86/pv.h>
#include <x86/x86.h>
#include <xlite/errno.h>

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
