/* multicall (hypercall 13): run a batch of hypercalls in order, writing each one's
 * return value into its entry's result. A failing entry does not stop the batch. */
#include <stddef.h>
#include <stdint.h>

#include <hv/domain.h>
#include <asm/guest_access.h>
#include <hv/hypercall.h>
#include <hv/sched.h>
#include <asm/current.h>
#include <xlite/errno.h>
#include <xlite/xen.h>

/* Refuses an unreadable entry or an unwritable result (-EFAULT; entries before it have
 * run). A nested multicall entry gets -EINVAL without running. __HYPERVISOR_iret ends
 * the batch (XSA-213): it has switched the vCPU's mode and stack, so neither its result
 * nor any later entry is touched, and the multicall returns the iret's value (the
 * restored RAX). If an entry shut the domain down, nothing more is done. nr is 32-bit
 * in Xen: its upper half is ignored. Returns 0 once all entries have run.
 * An entry that gives up the CPU (SCHEDOP_block, yield, poll, VCPUOP_down) or a timer
 * that is due ends the round after it: the rest is a continuation the guest re-issues
 * when it runs again, so later entries run after the sleep, as in Xen, not before it
 * (a [block, stop_singleshot_timer] batch would otherwise cancel its own wake-up). */
long do_multicall(uint64_t list, uint64_t nr)
{
    struct vcpu *v = current_vcpu();
    struct domain *d = v->domain;
    uint32_t count = (uint32_t)nr;

    for (uint32_t i = 0; i < count; i++) {
        uint64_t at = list + (uint64_t)i * sizeof(struct multicall_entry);
        struct multicall_entry e;

        /* Entry 0 always runs: every round makes progress. */
        if (i && (!vcpu_runnable(v) || sched_need_resched() || hypercall_preempt_check()))
            return hypercall_create_continuation(__HYPERVISOR_multicall, at, count - i, 0, 0,
                                                 0);

        if (copy_from_guest(&e, at, sizeof(e)))
            return -XEN_EFAULT;
        long rc = e.op == __HYPERVISOR_multicall ? -XEN_EINVAL
                                                 : hypercall_call(e.op, e.args);
        if (d->state != DOM_RUNNING)
            return 0;                       /* the domain is gone; so is this frame */
        if (e.op == __HYPERVISOR_iret || !v->kernel_mode)
            return rc;
        e.result = (xen_ulong_t)rc;
        if (copy_to_guest(at + offsetof(struct multicall_entry, result), &e.result,
                          sizeof(e.result)))
            return -XEN_EFAULT;
    }
    return 0;
}
