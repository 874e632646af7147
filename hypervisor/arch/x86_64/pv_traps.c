/* Exceptions and SYSCALLs raised by a PV guest: what is emulated, what is bounced to the
 * guest and with which error code (ABI notes §3.2, §3.3, §3.6). */
#include <x86/cpu.h>
#include <asm/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <x86/percpu.h>
#include <hv/printk.h>
#include <x86/pv.h>
#include <x86/x86.h>

#define INT_N_OPCODE 0xCD

/* #GP((n << 3) | 2) from `INT n` through a DPL0 gate: deliver n as a software
 * interrupt if the guest's DPL for it allows the current mode, else forward the #GP
 * with RIP still at the INT. The instruction bytes are checked so nothing else with
 * that error code is mistaken for INT n. */
static bool software_interrupt(struct cpu_regs *regs)
{
    struct vcpu *v = current_vcpu();
    unsigned int n = (regs->error_code >> 3) & 0xFF;
    uint8_t insn[2];

    if ((regs->error_code & 7) != 2 || (regs->error_code >> 3) > 0xFF)
        return false;
    if (copy_from_guest(insn, regs->rip, 2) || insn[0] != INT_N_OPCODE || insn[1] != n)
        return false;
    const struct trap_info *ti = &v->trap_ctxt[n];
    unsigned int needed = v->kernel_mode ? 1 : 3;
    /* Xen's IDT-mode fast path: a registered int $0x80 skips the DPL check. */
    bool allowed = ti->address && (n == 0x80 || TRAP_INFO_DPL(ti->flags) >= needed);
    if (!allowed)
        return false;
    regs->rip += 2;
    pv_inject_trap(regs, n, false, 0);
    return true;
}

void pv_do_exception(struct cpu_regs *regs)
{
    struct vcpu *v = current_vcpu();
    unsigned int vec = (unsigned int)regs->vector;
    uint64_t ec = regs->error_code;

    switch (vec) {
    case 2:                                  /* a physical NMI is not the guest's */
        pr_warn("NMI while a guest ran (rip %#lx)\n", regs->rip);
        return;
    case 6:
        if (pv_emulate_forced_cpuid(regs))
            return;
        break;
    case 13:
        /* User mode too: with virtual IOPL 3, cli/sti/in/out are allowed there. */
        if (ec == 0 && pv_emulate_privileged(regs))
            return;
        if (software_interrupt(regs))
            return;
        break;
    case 14: {
        uint64_t cr2 = read_cr2();
        if (pv_ptwr_emulate(regs, cr2, ec))
            return;
        v->cr2 = cr2;
        v->vcpu_info->arch.cr2 = cr2;
        /* Both guest modes run at CPL3, so hardware always sets U: report the mode. */
        ec = v->kernel_mode ? ec & ~4ul : ec | 4ul;
        break;
    }
    default:
        break;
    }
    pv_inject_trap(regs, vec, true, ec);
}

/* A sibling call to hypercall_dispatch (the build turns them off for stack traces; a
 * trace from a hypercall then shows syscall_entry calling hypercall_dispatch): one
 * return fewer on every hypercall, each a translated-block lookup under TCG. */
__attribute__((optimize("optimize-sibling-calls")))
void pv_do_syscall(struct cpu_regs *regs)
{
    struct vcpu *v = current_vcpu();

    if (regs->vector == ENTRY_SYSCALL32) {
        /* Compat-mode SYSCALL: Intel CPUs raise #UD; AMD deliver to syscall32. */
        if (!cpu_is_intel && v->syscall32_callback) {
            pv_bounce_to(regs, v->syscall32_callback, v->syscall32_masks_events);
            return;
        }
        regs->rip -= 2;
        regs->rflags |= X86_EFLAGS_RF;
        pv_inject_trap(regs, 6, false, 0);
        return;
    }
    if (v->kernel_mode) {
        hypercall_dispatch(regs);
        return;
    }
    if (!v->syscall_callback) {
        regs->rip -= 2;                      /* #UD at the SYSCALL instruction */
        regs->rflags |= X86_EFLAGS_RF;       /* a fault, as the hardware would show it */
        pv_inject_trap(regs, 6, false, 0);
        return;
    }
    /* The frame keeps the user's RFLAGS; the callback itself runs with DF clear. */
    if (!pv_bounce_to(regs, v->syscall_callback, v->syscall_masks_events))
        domain_crash(v->domain, "cannot deliver syscall: bad guest kernel stack");
    else
        regs->rflags &= ~X86_EFLAGS_DF;
}
