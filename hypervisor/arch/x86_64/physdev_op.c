/* physdev_op (hypercall 33). Only PHYSDEVOP_set_iopl exists so far: the calling
 * vCPU's virtual IOPL, which decides whether its emulated cli/sti and port I/O are
 * allowed. Device and interrupt operations arrive with dom0 device support. */
#include <stdint.h>

#include <hv/domain.h>
#include <asm/guest_access.h>
#include <asm/current.h>
#include <asm/hypercall.h>
#include <hv/hypercall.h>
#include <x86/percpu.h>
#include <xlite/errno.h>
#include <xlite/physdev.h>

/* Refuses an unreadable argument (-EFAULT) and iopl > 3 (-EINVAL). */
static long set_iopl(struct vcpu *v, uint64_t arg)
{
    struct physdev_set_iopl op;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -XEN_EFAULT;
    if (op.iopl > 3)
        return -XEN_EINVAL;
    v->iopl = op.iopl;
    return 0;
}

/* Xen's handler takes an int cmd (upper half ignored). Other commands: -ENOSYS. */
long do_physdev_op(uint64_t cmd, uint64_t arg)
{
    switch ((uint32_t)cmd) {
    case PHYSDEVOP_set_iopl:
        return set_iopl(current_vcpu(), arg);
    default:
        return -XEN_ENOSYS;
    }
}
