/* Guest memory a vCPU's state is mirrored into at the guest's request: its vcpu_info
 * moved into a guest frame (VCPUOP_register_vcpu_info) and its runstate copied to a
 * guest address (VCPUOP_register_runstate_memory_area), as Linux requires. */
#include <asm/current.h>
#include <asm/domain.h>
#include <asm/guest_access.h>
#include <asm/mm.h>
#include <asm/time.h>
#include <hv/event_channel.h>
#include <hv/lib.h>
#include <x86/pv.h>
#include <x86/pv_mm.h>
#include <x86/x86.h>
#include <xlite/errno.h>
#include <xlite/xen.h>

/* Per asm/domain.h. */
long arch_vcpu_register_info(struct vcpu *v, uint64_t mfn, uint32_t offset)
{
    struct domain *d = v->domain;

    if (v->vcpu_info_mfn != INVALID_MFN || offset > PAGE_SIZE - sizeof(struct vcpu_info))
        return -XEN_EINVAL;
    if (pv_get_frame_type(d, mfn, FRAME_TYPE_WRITABLE))
        return -XEN_EINVAL;
    struct vcpu_info *vi = (struct vcpu_info *)((uint8_t *)maddr_to_virt(mfn << PAGE_SHIFT) +
                                                offset);
    memmove(vi, v->vcpu_info, sizeof(*vi));      /* it may be where it already is */
    v->vcpu_info_mfn = mfn;
    v->vcpu_info = vi;
    evtchn_vcpu_info_moved(v);
    /* Whatever was pending may have been noted in the old copy only: look again. */
    __atomic_store_n(&vi->evtchn_pending_sel, ~0ul, __ATOMIC_SEQ_CST);
    __atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    pv_update_vcpu_time(v);
    return 0;
}

/* Per asm/domain.h. */
void arch_runstate_area_update(struct vcpu *v)
{
    if (!v->runstate_guest || v->runstate_written == v->runstate.state_entry_time + 1)
        return;
    struct vcpu_runstate_info rs = v->runstate;
    v->runstate_written = rs.state_entry_time + 1;      /* +1: 0 never matches */
    if (v->kernel_mode) {
        copy_to_guest(v->runstate_guest, &rs, sizeof(rs));
        return;
    }
    /* User page tables need not map the kernel's address: use the kernel's briefly. */
    write_cr3(v->kernel_l4 << PAGE_SHIFT);
    copy_to_guest(v->runstate_guest, &rs, sizeof(rs));
    write_cr3(v->user_l4 << PAGE_SHIFT);
}
