/* Processor exceptions: a user fault kills the process with a signal-style report; a
 * kernel fault prints vector, RIP, CR2 and a backtrace and crashes the domain. Also
 * the preemption point on the way out of every entry. */
#include "proc.h"

static const char *const names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
    "invalid opcode", "device not available", "double fault", "coprocessor overrun",
    "invalid TSS", "segment not present", "stack fault", "general protection",
    "page fault", "reserved", "x87 error", "alignment check", "machine check",
    "SIMD error", "virtualisation", "control protection",
};

static int signal_of(uint64_t vec)
{
    switch (vec) {
    case 0: case 16: case 19: return XSIG_FPE;
    case 1: case 3: return XSIG_TRAP;
    case 6: return XSIG_ILL;
    default: return XSIG_SEGV;
    }
}

static const char *sig_name(int sig)
{
    switch (sig) {
    case XSIG_FPE: return "SIGFPE";
    case XSIG_TRAP: return "SIGTRAP";
    case XSIG_ILL: return "SIGILL";
    default: return "SIGSEGV";
    }
}

void kernel_trap(struct trapframe *tf)
{
    const char *what = tf->vec < 32 && names[tf->vec] ? names[tf->vec] :
                       tf->vec == 258 ? "failsafe callback" : "unknown";
    uint64_t cr2 = tf->vec == 14 ? arch_fault_cr2() : 0;

    if (tf_user(tf) && cur_proc()) {
        struct proc *p = cur_proc();
        int sig = signal_of(tf->vec);
        printk("pid %d (%s): killed by %s: %s at RIP %#lx, CR2 %#lx, error %#lx\n",
               p->pid, p->name, sig_name(sig), what, (unsigned long)tf->rip,
               (unsigned long)cr2, (unsigned long)tf->ec);
        proc_exit(sig);
    }
    uint64_t off = 0;
    const char *sym = arch_symbol(tf->rip, &off);
    printk("KERNEL FAULT: vector %lu (%s), error %#lx\n", (unsigned long)tf->vec, what,
           (unsigned long)tf->ec);
    printk("  RIP %#lx <%s+%#lx>, RSP %#lx, CR2 %#lx\n", (unsigned long)tf->rip,
           sym ? sym : "?", (unsigned long)off, (unsigned long)tf->rsp, (unsigned long)cr2);
    printk("  RAX %#lx RBX %#lx RCX %#lx RDX %#lx RSI %#lx RDI %#lx\n",
           (unsigned long)tf->rax, (unsigned long)tf->rbx, (unsigned long)tf->rcx,
           (unsigned long)tf->rdx, (unsigned long)tf->rsi, (unsigned long)tf->rdi);
    arch_backtrace_fault(tf->rsp, tf->rbp);
    arch_shutdown(ARCH_CRASH);
}

void kernel_preempt_point(struct trapframe *tf)
{
    if (!tf_user(tf) || !cur_proc())
        return;
    proc_check_killed();
    if (need_resched)
        schedule();
    proc_check_killed();
}
