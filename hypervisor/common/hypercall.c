/* The hypercall table: every hypercall xlite implements, by Xen's number. Numbers not
 * listed return -XEN_ENOSYS. Arguments arrive in RDI, RSI, RDX, R10, R8 (the x86-64 PV
 * convention); each handler declares only the ones it uses, and the table records how
 * many that is. */
#include <hv/hypercall.h>
#include <asm/current.h>
#include <asm/hypercall.h>
#include <hv/lib.h>
#include <hv/options.h>
#include <hv/printk.h>
#include <asm/time.h>
#include <hv/timer.h>
#include <xlite/errno.h>
#include <xlite/xen.h>

/* Every hypercall: X(name, number of arguments). The arity picks the handler's exact
 * type below, so the compiler checks each do_<name> against it and dispatch calls it
 * through that type: no casts, nothing a control-flow-integrity check would reject. */
#define HYPERCALLS(X)                                                            \
    X(set_trap_table, 1)     X(mmu_update, 4)          X(set_gdt, 2)             \
    X(stack_switch, 2)       X(set_callbacks, 3)       X(fpu_taskswitch, 1)      \
    X(set_debugreg, 2)       X(get_debugreg, 1)        X(update_descriptor, 2)   \
    X(memory_op, 2)          X(multicall, 2)           X(update_va_mapping, 3)   \
    X(set_timer_op, 1)       X(xen_version, 2)         X(console_io, 3)          \
    X(grant_table_op, 3)     X(vm_assist, 2)           X(iret, 0)                \
    X(vcpu_op, 3)            X(set_segment_base, 2)    X(mmuext_op, 4)           \
    X(sched_op, 2)           X(callback_op, 2)         X(event_channel_op, 2)    \
    X(physdev_op, 2)         X(sysctl, 1)              X(domctl, 1)              \
    X(xenpmu_op, 2)

typedef uint64_t a_t;

struct hypercall {
    const char *name;
    unsigned int nr_args;
    union {
        long (*a0)(void);
        long (*a1)(a_t);
        long (*a2)(a_t, a_t);
        long (*a3)(a_t, a_t, a_t);
        long (*a4)(a_t, a_t, a_t, a_t);
    } fn;
};

#define HC_ENTRY(name, n) \
    [__HYPERVISOR_##name] = { #name, n, { .a##n = do_##name } },

static const struct hypercall table[NR_HYPERCALLS] = { HYPERCALLS(HC_ENTRY) };

static unsigned int depth;          /* >1 inside a multicall */

/* Hypercall nr, by the handler's arity. Inlined into both callers: on the null
 * hypercall's path every call and argument copy shows (PERFORMANCE.md). */
static inline __attribute__((always_inline)) long invoke(unsigned long nr, a_t a0, a_t a1,
                                                         a_t a2, a_t a3)
{
    if (nr >= NR_HYPERCALLS || !table[nr].name)
        return -XEN_ENOSYS;
    const struct hypercall *h = &table[nr];
    long rc;

    depth++;
    switch (h->nr_args) {
    case 0: rc = h->fn.a0(); break;
    case 1: rc = h->fn.a1(a0); break;
    case 2: rc = h->fn.a2(a0, a1); break;
    case 3: rc = h->fn.a3(a0, a1, a2); break;
    default: rc = h->fn.a4(a0, a1, a2, a3); break;
    }
    depth--;
    return rc;
}

long hypercall_call(unsigned long nr, const uint64_t args[6])
{
    return invoke(nr, args[0], args[1], args[2], args[3]);
}

/* bench: calls and TSC cycles per hypercall number, timed around the handler only
 * (entry, dispatch and exit paths excluded). Slot NR_HYPERCALLS: numbers out of range. */
static struct {
    uint64_t calls, cycles, max;
} profile[NR_HYPERCALLS + 1];

void hypercall_dispatch(struct cpu_regs *regs)
{
    unsigned long nr = regs->rax;

    if (likely(!hv_opts.bench)) {
        regs->rax = (uint64_t)invoke(nr, regs->rdi, regs->rsi, regs->rdx, regs->r10);
        return;
    }
    uint64_t t0 = get_cycles();
    regs->rax = (uint64_t)invoke(nr, regs->rdi, regs->rsi, regs->rdx, regs->r10);
    uint64_t dt = get_cycles() - t0;
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
