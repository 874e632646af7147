/* vm_assist (hypercall 21): per-domain opt-ins to hypervisor assists, kept as bits in
 * d->vm_assist. xlite offers VMASST_TYPE_writable_pagetables (direct writes to L1
 * page tables are emulated, arch/x86_64/pv_ptwr.c) and VMASST_TYPE_architectural_iopl
 * (the virtual IOPL follows the IOPL field of iret/bounce frames). Not offered:
 * runstate_update_flag (the runstate area is written whole, without the flag),
 * m2p_strict, and the 32-bit-only types. */
#include <stdint.h>

#include <hv/domain.h>
#include <asm/current.h>
#include <hv/hypercall.h>
#include <xlite/errno.h>
#include <xlite/xen.h>

#define VMASST_SUPPORTED (1ul << VMASST_TYPE_architectural_iopl | \
                          1ul << VMASST_TYPE_writable_pagetables)

/* Refuses an unsupported type (-EINVAL, checked first as in Xen) and unknown commands
 * (-ENOSYS). Both arguments are 32-bit in Xen: upper halves ignored. */
long do_vm_assist(uint64_t cmd, uint64_t type)
{
    struct domain *d = current_vcpu()->domain;
    uint32_t t = (uint32_t)type;

    if (t >= 64 || !(VMASST_SUPPORTED & (1ul << t)))
        return -XEN_EINVAL;
    switch ((uint32_t)cmd) {
    case VMASST_CMD_enable:
        d->vm_assist |= 1ul << t;
        return 0;
    case VMASST_CMD_disable:
        d->vm_assist &= ~(1ul << t);
        return 0;
    default:
        return -XEN_ENOSYS;
    }
}
