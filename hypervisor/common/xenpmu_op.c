/* xenpmu_op (hypercall 40): guest access to performance counters. xlite offers none;
 * the answer is Xen's when its vPMU is off, which Linux expects and copes with. */
#include <hv/hypercall.h>
#include <xlite/errno.h>

/* Refuses everything (-EOPNOTSUPP). */
long do_xenpmu_op(uint64_t op, uint64_t arg)
{
    (void)op, (void)arg;
    return -XEN_EOPNOTSUPP;
}
