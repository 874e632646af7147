/* The hypercall table: every hypercall xlite implements, by Xen's number. Numbers not
 * listed return -XEN_ENOSYS. Arguments arrive in RDI, RSI, RDX, R10, R8 (the x86-64 PV
 * convention); each handler declares only the ones it uses. */
#include "hypercall.h"
#include "hypercalls.h"
#include "lib.h"
#include "options.h"
#include "printk.h"
#include "time.h"
#include "timer.h"
#include "x86.h"
#include "xlite/errno.h"
#include "xlite/xen.h"

typedef long (*hypercall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

struct hypercall {
    hypercall_fn fn;
    const char *name;
};

/* Handlers take 0-5 integer arguments; under the SysV ABI a call with five integer
 * arguments is correct for any of them, so one function type serves the table. */
#define HC(name) [__HYPERVISOR_##name] = { (hypercall_fn)(void (*)(void))do_##name, #name }

static const struct hypercall table[NR_HYPERCALLS] = {
    HC(set_trap_table),
    HC(mmu_update),
    HC(set_gdt),
    HC(stack_switch),
    HC(set_callbacks),
    HC(fpu_taskswitch),
    HC(set_debugreg),
    HC(get_debugreg),
    HC(update_descriptor),
    HC(memory_op),
    HC(multicall),
    HC(update_va_mapping),
    HC(set_timer_op),
    HC(xen_version),
    HC(console_io),
    HC(grant_table_op),
    HC(vm_assist),
    HC(iret),
    HC(vcpu_op),
    HC(set_segment_base),
    HC(mmuext_op),
    HC(sched_op),
    HC(callback_op),
    HC(event_channel_op),
    HC(physdev_op),
    HC(sysctl),
};

static unsigned int depth;          /* >1 inside a multicall */

long hypercall_call(unsigned long nr, const uint64_t args[6])
{
    if (nr >= NR_HYPERCALLS || !table[nr].fn)
        return -XEN_ENOSYS;
    depth++;
    long rc = table[nr].fn(args[0], args[1], args[2], args[3], args[4]);
    depth--;
    return rc;
}

/* bench: calls and TSC cycles per hypercall number, timed around the handler only
 * (entry, dispatch and exit paths excluded). Slot NR_HYPERCALLS: numbers out of range. */
static struct {
    uint64_t calls, cycles, max;
} profile[NR_HYPERCALLS + 1];

void hypercall_dispatch(struct cpu_regs *regs)
{
    const uint64_t args[6] = { regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8,
                               regs->r9 };
    unsigned long nr = regs->rax;

    if (!hv_opts.bench) {
        regs->rax = (uint64_t)hypercall_call(nr, args);
        return;
    }
    uint64_t t0 = rdtsc();
    regs->rax = (uint64_t)hypercall_call(nr, args);
    uint64_t dt = rdtsc() - t0;
    unsigned int slot = nr < NR_HYPERCALLS ? (unsigned int)nr : NR_HYPERCALLS;
    profile[slot].calls++;
    profile[slot].cycles += dt;
    profile[slot].max = MAX(profile[slot].max, dt);
}

void hypercall_profile_show(void)
{
    if (!hv_opts.bench) {
        printk("hypercall profile: off (boot with the 'bench' option)\n");
        return;
    }
    printk("hypercall profile: TSC cycles inside each handler (entry and exit excluded)\n");
    for (unsigned int nr = 0; nr <= NR_HYPERCALLS; nr++) {
        const char *name = nr < NR_HYPERCALLS ? hypercall_name(nr) : "out-of-range";
        if (!profile[nr].calls)
            continue;
        printk("bench-hcall nr=%u name=%s calls=%lu cycles=%lu avg=%lu max=%lu\n", nr,
               name ? name : "none", profile[nr].calls, profile[nr].cycles,
               profile[nr].cycles / profile[nr].calls, profile[nr].max);
    }
}

bool hypercall_preempt_check(void)
{
    return depth == 1 && timer_work_due(now_ns());
}

long hypercall_create_continuation(unsigned long nr, uint64_t a0, uint64_t a1, uint64_t a2,
                                   uint64_t a3, uint64_t a4)
{
    struct cpu_regs *regs = guest_regs();

    regs->rip -= 2;                   /* back onto the 2-byte SYSCALL */
    regs->rdi = a0;
    regs->rsi = a1;
    regs->rdx = a2;
    regs->r10 = a3;
    regs->r8 = a4;
    return (long)nr;                  /* dispatch stores it in RAX: the number again */
}

const char *hypercall_name(unsigned long nr)
{
    return nr < NR_HYPERCALLS ? table[nr].name : NULL;
}
