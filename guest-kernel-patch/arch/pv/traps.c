/* replaces the IDT, the syscall MSRs and iretq: trap table, event/failsafe/syscall
 * callbacks, and the dispatch of every entry (all arrive through head.S stubs). */
#include "pv.h"

extern char trap_stubs[], event_entry[], syscall_entry[], failsafe_entry[], trap_return[];
void trap_dispatch(struct trapframe *tf);

static void reg_callback(unsigned int type, unsigned int flags, void *entry)
{
    struct callback_register cb = { .type = (uint16_t)type, .flags = (uint16_t)flags,
                                    .address = (uint64_t)entry };
    if (HYPERVISOR_callback_op(CALLBACKOP_register, &cb))
        arch_shutdown(ARCH_CRASH);
}

void traps_init(void)
{
    static struct trap_info table[33];

    /* Every exception masks events on entry, like an interrupt gate; #BP and #OF may
     * be raised from user mode by INT3/INTO (DPL 3). */
    for (unsigned int v = 0; v < 32; v++) {
        unsigned int dpl = (v == 3 || v == 4) ? 3 : 0;
        table[v] = (struct trap_info){ .vector = (uint8_t)v,
                                       .flags = (uint8_t)(dpl | XLITE_TI_MASK_EVENTS),
                                       .cs = FLAT_KERNEL_CS,
                                       .address = (uint64_t)trap_stubs + v * TRAP_STUB_SIZE };
    }
    table[32] = (struct trap_info){ 0 };
    if (HYPERVISOR_set_trap_table(table))
        arch_shutdown(ARCH_CRASH);
    reg_callback(CALLBACKTYPE_event, 0, event_entry);
    reg_callback(CALLBACKTYPE_failsafe, CALLBACKF_mask_events, failsafe_entry);
    reg_callback(CALLBACKTYPE_syscall, CALLBACKF_mask_events, syscall_entry);
}

/* Every entry: events stay masked in the kernel (the virtual cli); they are unmasked
 * only by returning to user mode (RFLAGS.IF in the frame) and inside arch_idle. */
void trap_dispatch(struct trapframe *tf)
{
    if (tf->vec == VEC_EVENT)
        evtchn_poll();
    else if (tf->vec == VEC_SYSCALL)
        kernel_syscall(tf);
    else
        kernel_trap(tf);
    kernel_preempt_point(tf);
}

void arch_user_frame(struct trapframe *tf, uint64_t rip, uint64_t rsp)
{
    memset(tf, 0, sizeof(*tf));
    tf->rip = rip;
    tf->rsp = rsp;
    tf->cs = FLAT_USER_CS;                 /* RPL 3: HYPERVISOR_iret goes to user mode */
    tf->ss = FLAT_USER_SS;
    tf->rflags = XLITE_RFLAGS_IF | XLITE_RFLAGS_FIXED;
}

NORETURN void arch_enter_user(struct trapframe *tf)
{
    __asm__ volatile("mov %0, %%rsp; jmp trap_return" : : "r"(tf) : "memory");
    __builtin_unreachable();
}

uint64_t arch_fault_cr2(void)
{
    return shared->vcpu_info[0].arch.cr2;
}

void arch_fpu_save(void *area)
{
    __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

void arch_fpu_restore(const void *area)
{
    __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}
