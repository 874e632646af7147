/* Bounce frames: how exceptions, software interrupts, syscalls and event upcalls reach
 * a PV guest's handlers (ABI notes §3.2). The frame, from the handler's RSP upwards:
 *
 *   +0 RCX  +8 R11  [+16 error code]  RIP  CS|mask<<32  RFLAGS  RSP  SS
 *
 * written below the interrupted RSP (guest kernel) or kernel_sp (guest user), rounded
 * down to 16 bytes. CS has RPL 0 if the guest kernel was interrupted; bits 32-39 hold
 * the old event mask; RFLAGS.IF shows !mask. The handler starts with pop %rcx/%r11. */
#include <asm/guest_access.h>
#include <x86/guest_words.h>
#include <x86/layout.h>
#include <hv/lib.h>
#include <asm/mm.h>
#include <x86/percpu.h>
#include <x86/pv.h>
#include <hv/printk.h>
#include <x86/x86.h>

#define BOUNCE_FLAGS_CLEAR (X86_EFLAGS_TF | X86_EFLAGS_NT | X86_EFLAGS_RF | X86_EFLAGS_VM | \
                            X86_EFLAGS_AC)

void pv_toggle_mode(struct vcpu *v)
{
    v->kernel_mode = !v->kernel_mode;
    /* GS base: the inactive one lives in SHADOW_GS_BASE; SWAPGS exchanges them. */
    __asm__ volatile("swapgs" ::: "memory");
    write_cr3((v->kernel_mode ? v->kernel_l4 : v->user_l4) << PAGE_SHIFT);
}

static inline __attribute__((always_inline)) bool write_frame(struct cpu_regs *regs,
                                                             uint64_t target, bool has_ec,
                                                             uint64_t ec, bool mask_events)
{
    struct vcpu *v = current_vcpu();
    struct vcpu_info *vi = v->vcpu_info;
    bool was_kernel = v->kernel_mode;
    uint8_t old_mask = vi->evtchn_upcall_mask;
    uint64_t frame[8];
    unsigned int n = 0;

    if (!target)
        return false;
    if (!was_kernel) {
        if (!v->kernel_sp)
            return false;
        pv_toggle_mode(v);
    }
    uint64_t sp = (was_kernel ? regs->rsp : v->kernel_sp) & ~0xFul;
    uint64_t cs = regs->cs;
    if (was_kernel)
        cs &= ~3ul;                         /* guest kernel shows as RPL 0 */
    uint64_t rflags = regs->rflags & ~X86_EFLAGS_IF & ~X86_EFLAGS_IOPL;
    if (!old_mask)
        rflags |= X86_EFLAGS_IF;
    if (v->domain->vm_assist & (1ul << VMASST_TYPE_architectural_iopl))
        rflags |= (uint64_t)v->iopl << 12;

    frame[n++] = regs->rcx;
    frame[n++] = regs->r11;
    if (has_ec)
        frame[n++] = (uint32_t)ec;
    frame[n++] = regs->rip;
    frame[n++] = (cs & 0xFFFF) | ((uint64_t)old_mask << 32);
    frame[n++] = rflags;
    frame[n++] = regs->rsp;
    frame[n++] = regs->ss;
    sp -= n * 8;
    if (has_ec ? guest_write_words(sp, frame, 8) : guest_write_words(sp, frame, 7))
        return false;

    if (mask_events)
        vi->evtchn_upcall_mask = 1;
    regs->rsp = sp;
    regs->rip = target;
    regs->cs = FLAT_RING3_CS64;
    regs->ss = FLAT_RING3_DS32;
    regs->rflags = (regs->rflags & ~BOUNCE_FLAGS_CLEAR) | X86_EFLAGS_IF;
    /* The frame holds the guest's RCX and R11 and the handler pops them (the ABI says
     * so, as Xen's does); loaded with the handler's RIP and RFLAGS they let the return
     * be a SYSRET (pv_exit_to_guest checks the rest), cheaper than IRETQ. */
    regs->rcx = regs->rip;
    regs->r11 = regs->rflags;
    return true;
}

bool pv_bounce_to(struct cpu_regs *regs, uint64_t target, bool mask_events)
{
    return write_frame(regs, target, false, 0, mask_events);
}

static const bool vector_has_ec[32] = {
    [8] = true, [10] = true, [11] = true, [12] = true, [13] = true, [14] = true,
    [17] = true, [21] = true,
};

/* Out of line (cold): the message buffer stays off the fast path's stack frame. */
__attribute__((noinline, cold)) static void cannot_deliver(struct vcpu *v,
                                                           const struct cpu_regs *regs,
                                                           unsigned int vector,
                                                           uint64_t error_code, bool no_handler)
{
    char why[96];

    if (no_handler)
        xl_snprintf(why, sizeof(why), "unhandled trap: vector %u, error %#lx, rip %#lx",
                    vector, error_code, regs->rip);
    else
        xl_snprintf(why, sizeof(why), "cannot deliver vector %u: bad guest stack (rsp %#lx)",
                    vector, regs->rsp);
    domain_crash(v->domain, why);
}

void pv_inject_trap(struct cpu_regs *regs, unsigned int vector, bool has_error_code,
                    uint64_t error_code)
{
    struct vcpu *v = current_vcpu();
    const struct trap_info *ti = &v->trap_ctxt[vector & 0xFF];

    if (vector < 32)
        has_error_code = vector_has_ec[vector];
    if (!ti->address)
        cannot_deliver(v, regs, vector, error_code, true);
    else if (!write_frame(regs, ti->address, has_error_code, error_code,
                          ti->flags & TRAP_INFO_MASK_EVENTS))
        cannot_deliver(v, regs, vector, error_code, false);
}
