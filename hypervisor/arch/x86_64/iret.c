/* HYPERVISOR_iret (ABI notes §3.5): return from a guest handler, possibly to guest
 * user mode. The guest's iret stub pushed RCX, R11 and RAX on top of
 * [flags rip cs rflags rsp ss]; together they form struct iret_context at the guest
 * RSP of the SYSCALL. */
#include <asm/guest_access.h>
#include <asm/current.h>
#include <asm/hypercall.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <x86/percpu.h>
#include <x86/pv.h>
#include <xlite/xen.h>

/* Flags a guest may set on return; IOPL and VM are the hypervisor's. */
#define IRET_RFLAGS_KEEP (0x00000FD5ul | X86_EFLAGS_TF | X86_EFLAGS_NT | X86_EFLAGS_RF | \
                          X86_EFLAGS_AC | (1ul << 21) /* ID */)

/* Crashes the domain if the frame is unreadable, names a CS or SS a guest may not use
 * (pv_selector_ok), or asks for user mode without a user page table. Returns the restored RAX (the hypercall's "result"). */
long do_iret(void)
{
    struct vcpu *v = current_vcpu();
    struct cpu_regs *regs = guest_regs();
    struct iret_context ic;

    if (copy_from_guest(&ic, regs->rsp, sizeof(ic))) {
        domain_crash(v->domain, "iret: unreadable iret frame");
        return 0;
    }
    /* Selectors are checked before anything changes; a GDT entry that passes but is
     * no usable segment makes the IRET itself fault (pv_return_fault.c). */
    uint16_t cs = (uint16_t)ic.cs | 3, ss = (uint16_t)ic.ss | 3;
    if (!pv_selector_ok(v, cs, true) || !pv_selector_ok(v, ss, false)) {
        domain_crash(v->domain, "iret: CS or SS is no selector a guest may use");
        return 0;
    }
    if ((ic.cs & 3) == 3) {
        if (v->user_l4 == INVALID_MFN) {
            domain_crash(v->domain, "iret to user mode without a user page table");
            return 0;
        }
        pv_toggle_mode(v);
    }
    if (v->domain->vm_assist & (1ul << VMASST_TYPE_architectural_iopl))
        v->iopl = (ic.rflags >> 12) & 3;

    regs->rip = ic.rip;
    regs->cs = cs;
    regs->rsp = ic.rsp;
    regs->ss = ss;
    regs->rflags = (ic.rflags & IRET_RFLAGS_KEEP) | X86_EFLAGS_IF | 2;
    if (!(ic.flags & VGCF_in_syscall)) {
        regs->rcx = ic.rcx;
        regs->r11 = ic.r11;
    } else {
        /* SYSRET-style: RCX and R11 hold what SYSRET would have left there. */
        regs->rcx = regs->rip;
        regs->r11 = regs->rflags;
    }
    /* Events are (un)masked by the IF the guest returns with. */
    v->vcpu_info->evtchn_upcall_mask = !(ic.rflags & X86_EFLAGS_IF);
    regs->rax = ic.rax;
    return (long)ic.rax;
}
