/* set_trap_table (hypercall 0): the guest's virtual IDT, the handlers exceptions and
 * software interrupts are bounced to (pv_traps.c, pv_bounce.c). */
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/hypercall.h>
#include <hv/lib.h>
#include <x86/pv.h>
#include <x86/x86.h>
#include <xlite/errno.h>

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
