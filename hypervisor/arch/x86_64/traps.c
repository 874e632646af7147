/* Dispatch of exceptions and interrupts taken in the hypervisor, and the fault report:
 * vector, error code, registers, control registers and a symbolised stack trace. */
#include <x86/apic.h>
#include <x86/desc.h>
#include <x86/extable.h>
#include <x86/layout.h>
#include <hv/lib.h>
#include <asm/machine.h>
#include <hv/printk.h>
#include <x86/pv.h>
#include <asm/regs.h>
#include <x86/stacks.h>
#include <hv/symbols.h>
#include <x86/x86.h>

static const char *const exception_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
    "#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
    "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23",
    "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

#define MAX_TRACE 32

/* Walk the frame-pointer chain from (rip, rbp), trusting only frames that lie on a
 * hypervisor stack and move strictly upwards, so a corrupt chain cannot fault. */
static void show_trace(uint64_t rip, uint64_t rbp)
{
    char sym[96];

    pr_err("Call trace:\n");
    for (int depth = 0; depth < MAX_TRACE && rip; depth++) {
        symbol_format(rip, sym, sizeof(sym));
        pr_err(" [<%016lx>] %s\n", rip, sym);
        if (!rbp || (rbp & 7) || !hv_stack_contains(rbp, 16))
            break;
        uint64_t next_rbp = ((uint64_t *)rbp)[0];
        rip = ((uint64_t *)rbp)[1];
        if (next_rbp && next_rbp <= rbp)
            break;
        rbp = next_rbp;
    }
}

static void show_registers(const struct cpu_regs *r)
{
    char sym[96];

    symbol_format(r->rip, sym, sizeof(sym));
    pr_err("RIP: %04lx:[<%016lx>] %s\n", r->cs, r->rip, sym);
    pr_err("RFLAGS: %016lx  RSP: %04lx:%016lx\n", r->rflags, r->ss, r->rsp);
    pr_err("RAX: %016lx  RBX: %016lx  RCX: %016lx\n", r->rax, r->rbx, r->rcx);
    pr_err("RDX: %016lx  RSI: %016lx  RDI: %016lx\n", r->rdx, r->rsi, r->rdi);
    pr_err("RBP: %016lx  R8:  %016lx  R9:  %016lx\n", r->rbp, r->r8, r->r9);
    pr_err("R10: %016lx  R11: %016lx  R12: %016lx\n", r->r10, r->r11, r->r12);
    pr_err("R13: %016lx  R14: %016lx  R15: %016lx\n", r->r13, r->r14, r->r15);
    pr_err("CR0: %016lx  CR2: 0x%016lx\n", read_cr0(), read_cr2());
    pr_err("CR3: %016lx  CR4: %016lx\n", read_cr3(), read_cr4());
}

__attribute__((noreturn)) static void fatal_trap(const struct cpu_regs *r)
{
    static int nesting;

    if (nesting++) {                 /* faulted while reporting: say so and stop */
        pr_err("*** nested fault: vector %lu at %016lx ***\n", r->vector, r->rip);
        machine_halt(EXIT_FAULT);
    }
    pr_err("\n*** HYPERVISOR FAULT: vector %lu (%s) error 0x%04lx ***\n", r->vector,
           r->vector < 32 ? exception_names[r->vector] : "IRQ", r->error_code);
    if (r->vector == 14)
        pr_err("Page fault at 0x%016lx: %s %s access, %s\n", read_cr2(),
               r->error_code & 4 ? "user" : "supervisor",
               r->error_code & 16 ? "instruction" : (r->error_code & 2 ? "write" : "read"),
               r->error_code & 1 ? "protection violation" : "page not present");
    show_registers(r);
    show_trace(r->rip, r->rbp);
    pr_err("*** System halted ***\n");
    machine_halt(EXIT_FAULT);
}

/* Exceptions the hypervisor itself raised: a guest-memory copy or a guest FPU restore
 * may fault (fixup), so may the IRET back to a guest (its domain is crashed), and a
 * #DB there (a guest's data breakpoint hit while the hypervisor touched its memory) is
 * swallowed; anything else is a hypervisor bug. Out of line: do_trap is on every
 * guest exception's path and should not carry this one's stack frame. */
__attribute__((noinline)) static void hypervisor_exception(struct cpu_regs *regs)
{
    if ((regs->vector == 14 || regs->vector == 13) && extable_fixup(regs))
        return;
    if (pv_return_fault_fixup(regs))
        return;
    if (regs->vector == 1)
        return;
    fatal_trap(regs);
}

/* Everything but a guest's exception: interrupts, compat SYSCALL (64-bit SYSCALL goes
 * from entry.S to pv_do_syscall directly), the hypervisor's own exceptions. Out of
 * line, so the common case below needs no stack frame of its own. */
__attribute__((noinline)) static void other_trap(struct cpu_regs *regs)
{
    switch (regs->vector) {
    case ENTRY_SYSCALL32:
        pv_do_syscall(regs);
        break;
    case VEC_APIC_TIMER:
        apic_timer_interrupt();
        break;
    case VEC_SPURIOUS:
        break;                       /* spurious APIC interrupts need no EOI */
    default:
        if (regs->vector >= 32) {
            pr_warn("unexpected interrupt, vector %lu\n", regs->vector);
            apic_eoi();
        } else {
            hypervisor_exception(regs);
        }
        break;
    }
}

void do_trap(struct cpu_regs *regs)
{
    if (likely(regs->vector < 32 && guest_mode(regs)))
        pv_do_exception(regs);       /* the common case: a guest's exception */
    else
        other_trap(regs);
    if (guest_mode(regs))
        pv_exit_to_guest(regs);
}
