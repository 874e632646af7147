/* sysctl (hypercall 35): host-wide control operations for the control domain. */
#include <stdint.h>

#include <hv/domain.h>
#include <asm/current.h>
#include <hv/hypercall.h>
#include <xlite/errno.h>

/* Refuses every unprivileged caller with -EPERM before reading anything, whatever the
 * interface version or command (XTF livepatch-priv-check takes its first non-EACCES
 * answer as the version and then needs -EPERM; Xen itself would first report -EFAULT
 * or -EACCES). The control domain gets -ENOSYS until dom0 control is implemented. */
long do_sysctl(uint64_t arg)
{
    (void)arg;
    if (!current_vcpu()->domain->privileged)
        return -XEN_EPERM;
    return -XEN_ENOSYS;
}
