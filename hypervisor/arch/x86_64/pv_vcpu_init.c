/* VCPUOP_initialise (ABI notes §2.1 row 24, §2.2): a secondary vCPU's whole state from a
 * vcpu_guest_context. Everything the guest supplies is validated as the hypercalls that
 * set the same state would validate it: trap table entries, callbacks, the GDT, the
 * kernel page table (an L4 type reference). */
#include <asm/domain.h>
#include <x86/fpu.h>
#include <asm/guest_access.h>
#include <hv/lib.h>
#include <asm/mm.h>
#include <x86/pv.h>
#include <x86/pv_mm.h>
#include <hv/sched.h>
#include <xlite/errno.h>
#include <x86/x86.h>
#include <xlite/xen.h>

static struct vcpu_guest_context ctx;      /* 5 KiB: not on the hypervisor stack */

/* Refuses: an initialised vCPU (-EEXIST), an unreadable context (-EFAULT), a
 * non-canonical RIP, RSP, callback or handler, a CS or SS other than the flat ring-3
 * selectors (the new vCPU has no GDT yet), or an unusable kernel page table (-EINVAL
 * or the page-type error). The FPU image's MXCSR is masked to what the CPU accepts. */
long arch_vcpu_initialise(struct vcpu *v, uint64_t arg)
{
    if (v->initialised)
        return -XEN_EEXIST;
    if (copy_from_guest(&ctx, arg, sizeof(ctx)))
        return -XEN_EFAULT;
    const struct cpu_user_regs *u = &ctx.user_regs;
    if (!is_canonical(u->rip) || !is_canonical(u->rsp) || !is_canonical(ctx.event_callback_eip) ||
        !is_canonical(ctx.failsafe_callback_eip) || !is_canonical(ctx.syscall_callback_eip) ||
        !is_canonical(ctx.fs_base) || !is_canonical(ctx.gs_base_kernel) ||
        !is_canonical(ctx.gs_base_user))
        return -XEN_EINVAL;
    for (unsigned int i = 0; i < 256; i++)
        if (ctx.trap_ctxt[i].address && !is_canonical(ctx.trap_ctxt[i].address))
            return -XEN_EINVAL;

    /* Xen forces RPL 3; 0 means the flat kernel selectors. */
    uint16_t cs = u->cs ? (uint16_t)(u->cs | 3) : FLAT_KERNEL_CS;
    uint16_t ss = u->ss ? (uint16_t)(u->ss | 3) : FLAT_KERNEL_SS;
    if (!pv_selector_ok(v, cs, true) || !pv_selector_ok(v, ss, false))
        return -XEN_EINVAL;

    mfn_t l4 = ctx.ctrlreg[3] >> PAGE_SHIFT;
    long rc = pv_set_kernel_baseptr(v, l4);      /* validates and references it */
    if (rc)
        return rc;

    struct cpu_regs *r = &v->regs;
    memset(r, 0, sizeof(*r));
    r->r15 = u->r15; r->r14 = u->r14; r->r13 = u->r13; r->r12 = u->r12;
    r->rbp = u->rbp; r->rbx = u->rbx; r->r11 = u->r11; r->r10 = u->r10;
    r->r9 = u->r9; r->r8 = u->r8; r->rax = u->rax; r->rcx = u->rcx;
    r->rdx = u->rdx; r->rsi = u->rsi; r->rdi = u->rdi;
    r->rip = u->rip;
    r->rsp = u->rsp;
    r->cs = cs;
    r->ss = ss;
    r->rflags = (u->rflags & 0xFD5) | X86_EFLAGS_IF | 2;

    memset(v->trap_ctxt, 0, sizeof(v->trap_ctxt));
    for (unsigned int i = 0; i < 256; i++)
        if (ctx.trap_ctxt[i].address)
            v->trap_ctxt[ctx.trap_ctxt[i].vector] = ctx.trap_ctxt[i];
    v->event_callback = ctx.event_callback_eip;
    v->failsafe_callback = ctx.failsafe_callback_eip;
    v->syscall_callback = ctx.syscall_callback_eip;
    v->kernel_ss = ctx.kernel_ss | 3;
    v->kernel_sp = ctx.kernel_sp;
    v->fs_base = ctx.fs_base;
    v->gs_base_kernel = ctx.gs_base_kernel;
    v->gs_base_user = ctx.gs_base_user;
    v->kernel_mode = true;                        /* VGCF_in_kernel is the only mode */
    v->dr[6] = 0xFFFF0FF0;
    v->dr[7] = 0x400;
    if (ctx.flags & VGCF_i387_valid) {
        memcpy(v->fpu, &ctx.fpu_ctxt, sizeof(v->fpu));
        fpu_sanitise_image(v->fpu);               /* FXRSTOR would #GP on the rest */
    } else {
        fpu_default_image(v->fpu);
    }
    v->initialised = true;
    if (ctx.flags & VGCF_online)
        vcpu_set_online(v, true);
    return 0;
}
