/* Putting vCPUs on and off the CPU, and the last checks before returning to a guest.
 * The running vCPU's frame lives at the top of the hypervisor stack; a switch copies it
 * out to the old vCPU and in from the new one, together with the state the hardware
 * holds for the guest: FPU/SSE (eagerly), FS/GS bases, data selectors, page tables. */
#include <asm/domain.h>
#include <asm/console.h>
#include <hv/console_input.h>
#include <asm/current.h>
#include <x86/fpu.h>
#include <x86/layout.h>
#include <hv/event_channel.h>
#include <hv/keyhandler.h>
#include <hv/lib.h>
#include <asm/machine.h>
#include <asm/mm.h>
#include <hv/options.h>
#include <x86/percpu.h>
#include <hv/printk.h>
#include <x86/pv.h>
#include <x86/pv_mm.h>
#include <hv/sched.h>
#include <asm/time.h>
#include <hv/timer.h>
#include <x86/x86.h>

static void save_vcpu(struct vcpu *v)
{
    v->regs = *guest_regs();
    fpu_save(v->fpu);
    v->fs_base = rdmsr(MSR_FS_BASE);
    uint64_t active = rdmsr(MSR_GS_BASE), inactive = rdmsr(MSR_SHADOW_GS_BASE);
    v->gs_base_kernel = v->kernel_mode ? active : inactive;
    v->gs_base_user = v->kernel_mode ? inactive : active;
}

/* False if v's FPU image was refused (the CPU then holds the power-on state). */
static bool load_vcpu(struct vcpu *v)
{
    bool fpu_ok = fpu_restore(v->fpu);

    if (!fpu_ok) {
        fpu_default_image(v->fpu);
        fpu_restore(v->fpu);
    }
    *guest_regs() = v->regs;
    wrmsr(MSR_FS_BASE, v->fs_base);
    wrmsr(MSR_GS_BASE, v->kernel_mode ? v->gs_base_kernel : v->gs_base_user);
    wrmsr(MSR_SHADOW_GS_BASE, v->kernel_mode ? v->gs_base_user : v->gs_base_kernel);
    write_cr3((v->kernel_mode ? v->kernel_l4 : v->user_l4) << PAGE_SHIFT);
    pv_gdt_load(v);
    pv_load_cr4(v);
    pv_update_vcpu_time(v);
    cpu0.current = v;
    return fpu_ok;
}

void arch_vcpu_leave(struct vcpu *v)
{
    if (cpu0.current == v) {
        write_cr3(hv_l4_maddr());
        pv_load_cr4(NULL);
        flush_tlb_all();                      /* guest global entries too */
        cpu0.current = NULL;
    }
}

static void context_switch(struct vcpu *prev, struct vcpu *next)
{
    if (prev)
        save_vcpu(prev);
    bool fpu_ok = load_vcpu(next);
    /* Guest L1 entries may be global: they must not survive into another domain. */
    if (!prev || prev->domain != next->domain)
        flush_tlb_all();
    if (!fpu_ok)        /* cannot happen with sanitised images; never the host's fault */
        domain_crash(next->domain, "its FPU state could not be restored");
}

/* A non-canonical RIP must never reach IRET/SYSRET: report it to the guest as #GP(0)
 * at that RIP instead (what the hardware would have done in ring 3). */
static void check_return_rip(struct cpu_regs *regs)
{
    if (!is_canonical(regs->rip))
        pv_inject_trap(regs, 13, true, 0);
}

/* RFLAGS bits SYSRET takes from R11 (RF, VM and the reserved bits it clears). */
#define SYSRET_RFLAGS_KEPT 0x3C7FD7ul

/* True when SYSRETQ leaves exactly the state IRETQ would: a 64-bit guest on the flat
 * ring-3 selectors (what STAR makes SYSRET load), RCX = RIP and R11 = RFLAGS (what a
 * plain hypercall return has), RIP canonical (on Intel a non-canonical RCX makes SYSRET
 * fault in ring 0 on the guest's stack) and no flag SYSRET would drop. */
static bool sysret_reproduces(const struct cpu_regs *regs)
{
    return regs->cs == FLAT_RING3_CS64 && regs->ss == FLAT_RING3_DS32 &&
           regs->rcx == regs->rip && regs->r11 == regs->rflags && is_canonical(regs->rip) &&
           !(regs->rflags & ~SYSRET_RFLAGS_KEPT);
}

/* Serial input belongs to the initial domain while it runs (console_io read); each
 * arrival raises VIRQ_CONSOLE, so a dom0 waiting for input may sleep until it comes.
 * While dom0's ring is full the bytes stay in the UART (QEMU holds back the rest):
 * typed-ahead lines wait for a busy dom0 instead of losing bytes. Without a dom0
 * (dom0=none, or after it is gone) the keys are debug keys, so that a stuck boot-time
 * domain can be looked at ('v') while the others run. True if any byte was read. */
static bool feed_console_input(void)
{
    struct domain *dom0 = domain_by_id(0);
    bool any = false;

    if (!dom0 || dom0->state != DOM_RUNNING) {
        for (int c; (c = console_getc()) >= 0; any = true)
            handle_debug_key(c);
        return any;
    }
    any = console_input_pull();
    if (any)
        evtchn_send_global_virq(VIRQ_CONSOLE);
    return any;
}

/* Console work is kept off the exit path (it doubled the cost of a null hypercall):
 * a timer polls the UART, since its interrupt is not used, so input reaches a dom0
 * asleep or busy and debug keys a host whose one vCPU spins; and it drains the rings of
 * the domains whose console the hypervisor serves, for guests that write the ring
 * without notifying its port (a notification drains at once, event_channel.c; so do
 * console_io and the yield, block and poll a guest waits for its console with).
 * Every 10 ms, every 1 ms while input flows (a 16-byte UART FIFO per poll); without
 * dom0 the keys are for people and the fuzz runner: 50 ms is quick enough. */
#define CONSOLE_POLL_NS      (10ull * 1000 * 1000)
#define CONSOLE_BURST_POLL_NS (1ull * 1000 * 1000)
#define CONSOLE_KEYS_POLL_NS (50ull * 1000 * 1000)
static struct timer console_poll;

static void console_poll_fired(void *data)
{
    struct domain *dom0 = domain_by_id(0);
    bool has_dom0 = dom0 && dom0->state == DOM_RUNNING;

    (void)data;
    if (!domains_alive())
        return;                       /* idle_forever reads the keys from now on */
    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        if (domains[i] && domains[i]->state == DOM_RUNNING)
            console_drain(domains[i]);
    bool flowing = feed_console_input();
    timer_set(&console_poll, now_ns() + (!has_dom0 ? CONSOLE_KEYS_POLL_NS :
                                         flowing ? CONSOLE_BURST_POLL_NS : CONSOLE_POLL_NS));
}

/* The scheduler's vCPU stays on the CPU: the common case, tested first. */
static bool keeps_cpu(const struct vcpu *v)
{
    return vcpu_runnable(v) && !sched_need_resched() && v->runstate.state == RUNSTATE_running;
}

/* Switch to the vCPU the scheduler picks (idling until there is one) and return it;
 * its frame is then the one at the stack top. */
static struct vcpu *switch_to_next(struct vcpu *v)
{
    for (;;) {
        /* A vCPU that just woke (still RUNSTATE_runnable) goes through the scheduler. */
        if (keeps_cpu(v))
            return v;
        struct vcpu *next = sched_schedule(v);
        if (next) {
            if (next == v)
                return v;
            context_switch(v && v->domain->state == DOM_RUNNING ? v : NULL, next);
            v = next;
            continue;                     /* next may have been crashed on the way in */
        }
        if (!domains_alive())
            idle_forever();
        safe_halt();                          /* wait for a timer or event */
        local_irq_disable();
        v = current_vcpu();
    }
}

/* The last stop of every entry from a guest: what a plain hypercall return needs is
 * four tests (keeps the CPU, no runstate area, no deliverable event, canonical RIP),
 * then whether SYSRET may return. */
void pv_exit_to_guest(struct cpu_regs *regs)
{
    struct vcpu *v = current_vcpu();

    if (unlikely(!keeps_cpu(v)))
        v = switch_to_next(v);
    if (v->runstate_guest)
        arch_runstate_area_update(v);
    struct vcpu_info *vi = v->vcpu_info;
    bool bounced = false;
    if (unlikely(vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask && v->event_callback)) {
        pv_bounce_to(regs, v->event_callback, true);
        bounced = true;
    }
    /* Only a bounce (the upcall, or the #GP of a non-canonical RIP) can crash v here. */
    if (unlikely(bounced || !is_canonical(regs->rip))) {
        check_return_rip(regs);
        if (unlikely(!vcpu_runnable(v))) {    /* crashed while delivering */
            pv_exit_to_guest(regs);
            return;
        }
    }
    cpu0.sysret_ok = sysret_reproduces(regs);
}

void arch_start_first_vcpu(void)
{
    local_irq_disable();
    timer_init(&console_poll, console_poll_fired, NULL);
    timer_set(&console_poll, now_ns() + CONSOLE_POLL_NS);
    struct vcpu *v = sched_schedule(NULL);
    if (!v)
        idle_forever();
    context_switch(NULL, v);
    pv_exit_to_guest(guest_regs());
    if (hv_opts.bench)              /* the last TSC read before the guest's first instruction */
        printk("bench boot-to-first-guest-entry %lu cycles\nbench hv-entry-tsc %lu cycles\n",
               rdtsc() - bench_boot_tsc, bench_boot_tsc);
    reset_stack_and_return(guest_regs());
}
