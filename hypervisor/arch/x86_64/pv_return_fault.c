/* The way back to a guest: what happens when the return itself faults on
 * guest-controlled state (the selectors a guest may ask for: pv_selector_ok, x86/pv.h). The only IRETQ
 * (guest_return_iret in entry.S) and FXRSTOR of a guest's FPU image may fault; each
 * has an exception-table fixup that crashes the guest's domain, never the host. */
#include <asm/current.h>
#include <asm/hypercall.h>
#include <hv/hypercall.h>
#include <x86/layout.h>
#include <x86/percpu.h>
#include <hv/printk.h>
#include <x86/pv.h>
#include <asm/regs.h>
#include <xlite/xen.h>

extern char guest_return_iret[], guest_return_fault[];

/* A #GP, #NP or #SS at guest_return_iret with the guest's frame as the IRET frame:
 * resume at guest_return_fault instead of treating it as a hypervisor fault. */
bool pv_return_fault_fixup(struct cpu_regs *regs)
{
    const uint64_t *iret_frame = (const uint64_t *)regs->rsp;

    if (regs->rip != (uint64_t)guest_return_iret ||
        (regs->vector != 11 && regs->vector != 12 && regs->vector != 13))
        return false;
    if (regs->rsp != (uint64_t)&guest_regs()->rip || (iret_frame[1] & 3) != 3)
        return false;                            /* a return to the hypervisor */
    printk("return to guest faulted: vector %lu, error code %#lx\n", regs->vector,
           regs->error_code);
    regs->rip = (uint64_t)guest_return_fault;
    return true;
}

/* Called by guest_return_fault with the frame that could not be returned to: the
 * domain is crashed, the next vCPU's frame takes its place. */
void pv_return_faulted(struct cpu_regs *regs)
{
    struct vcpu *v = current_vcpu();

    printk("d%u: IRET to CS %#lx SS %#lx RIP %#lx RSP %#lx faulted\n", v->domain->id,
           regs->cs, regs->ss, regs->rip, regs->rsp);
    domain_crash(v->domain, "return to guest faulted");
    pv_exit_to_guest(regs);
}
