/* Test-guest runtime: the trap table, the C side of every trap/callback entry (record
 * the bounce frame, then let a handler, the exception table, user mode or rt_catch
 * claim the trap), and guest user mode. */
#include "rt.h"
#include <xlite/callback.h>

volatile struct rt_trap rt_last_trap;
volatile unsigned long rt_trap_count;
volatile unsigned long rt_event_count;

static rt_handler_t handlers[RT_NR_VECS];

extern char rt_trap_stubs[], rt_catch_recover[], rt_user_return[];
extern uint64_t rt_catch_rsp, rt_catch_armed, rt_user_ret_rsp, rt_user_active;
extern const uint64_t __start_ex_table[], __stop_ex_table[];
void rt_trap_dispatch(struct rt_regs *regs);
long rt_exec_user_asm(long (*fn)(void *), void *arg);

uint64_t rt_stub(unsigned int vec)
{
    switch (vec) {
    case RT_VEC_EVENT:
        return (uint64_t)rt_event_entry;
    case RT_VEC_SYSCALL:
        return (uint64_t)rt_syscall_entry;
    case RT_VEC_FAILSAFE:
        return (uint64_t)rt_failsafe_entry;
    default:
        return (uint64_t)rt_trap_stubs + (uint64_t)vec * RT_STUB_SIZE;
    }
}

void rt_set_handler(unsigned int vec, rt_handler_t h)
{
    if (vec < RT_NR_VECS)
        handlers[vec] = h;
}

long rt_install_traps(void)
{
    static struct trap_info table[34];
    unsigned int n = 0;

    for (unsigned int v = 0; v < 32; v++) {
        unsigned int dpl = (v == X86_EXC_BP || v == X86_EXC_OF) ? 3 : 0;
        table[n++] = (struct trap_info){ .vector = (uint8_t)v,
                                         .flags = (uint8_t)(dpl | XLITE_TI_MASK_EVENTS),
                                         .cs = FLAT_KERNEL_CS, .address = rt_stub(v) };
    }
    table[n++] = (struct trap_info){ .vector = RT_VEC_RET2KERN,
                                     .flags = 3 | XLITE_TI_MASK_EVENTS,
                                     .cs = FLAT_KERNEL_CS, .address = rt_stub(RT_VEC_RET2KERN) };
    table[n] = (struct trap_info){ 0 };
    return HYPERVISOR_set_trap_table(table);
}

long rt_set_trap(unsigned int vec, unsigned int flags)
{
    struct trap_info t[2] = {
        { .vector = (uint8_t)vec, .flags = (uint8_t)flags, .cs = FLAT_KERNEL_CS,
          .address = rt_stub(vec) },
        { 0 },
    };
    return HYPERVISOR_set_trap_table(t);
}

long rt_register_event_callbacks(void)
{
    struct callback_register ev = { .type = CALLBACKTYPE_event,
                                    .address = rt_stub(RT_VEC_EVENT) };
    struct callback_register fs = { .type = CALLBACKTYPE_failsafe,
                                    .address = rt_stub(RT_VEC_FAILSAFE) };
    long rc = HYPERVISOR_callback_op(CALLBACKOP_register, &ev);

    return rc ? rc : HYPERVISOR_callback_op(CALLBACKOP_register, &fs);
}

void rt_frame_resume_kernel(struct rt_frame *f, uint64_t rip, uint64_t rsp)
{
    *f->rip = rip;
    *f->rsp = rsp;
    *f->cs = FLAT_KERNEL_CS & ~3u;     /* RPL 0: HYPERVISOR_iret stays in kernel mode */
    *f->ss = FLAT_KERNEL_SS;
    *f->rflags = (*f->rflags & XLITE_RFLAGS_IF) | XLITE_RFLAGS_FIXED;
}

static void record(struct rt_regs *regs, unsigned int vec, const struct rt_frame *f)
{
    volatile struct rt_trap *t = &rt_last_trap;
    uint16_t cs, ss;

    __asm__ volatile("mov %%cs, %0; mov %%ss, %1" : "=r"(cs), "=r"(ss));
    t->vector = vec;
    t->has_ec = f->ec != NULL;
    t->ec = f->ec ? *f->ec : 0;
    t->rcx = *f->rcx;
    t->r11 = *f->r11;
    t->rip = *f->rip;
    t->cs = *f->cs;
    t->rflags = *f->rflags;
    t->rsp = *f->rsp;
    t->ss = *f->ss;
    t->user = (*f->cs & 3) == 3;
    t->frame_addr = (uint64_t)regs->frame;
    t->handler_rflags = regs->handler_rflags;
    t->handler_cs = cs;
    t->handler_ss = ss;
    t->mask_in_handler = shared ? shared->vcpu_info[0].evtchn_upcall_mask : 0xFF;
    t->cr2 = shared ? shared->vcpu_info[0].arch.cr2 : 0;
    t->rax = regs->rax;
    t->rbx = regs->rbx;
    t->rdx = regs->rdx;
    t->rsi = regs->rsi;
    t->rdi = regs->rdi;
    t->rbp = regs->rbp;
    t->r8 = regs->r8;
    t->r9 = regs->r9;
    t->r10 = regs->r10;
    t->r12 = regs->r12;
    t->r13 = regs->r13;
    t->r14 = regs->r14;
    t->r15 = regs->r15;
}

static bool extable_fixup(struct rt_frame *f)
{
    for (const uint64_t *e = __start_ex_table; e < __stop_ex_table; e += 2) {
        if (*f->rip == e[0]) {
            *f->rip = e[1];
            return true;
        }
        if (*f->rip == e[1])
            return true;                  /* a trap that already points past its site */
    }
    return false;
}

static void acknowledge_events(void)
{
    if (!shared)
        return;
    shared->vcpu_info[0].evtchn_upcall_pending = 0;
    __atomic_exchange_n(&shared->vcpu_info[0].evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
}

void rt_trap_dispatch(struct rt_regs *regs)
{
    static unsigned int depth;
    unsigned int vec = regs->vec_word & RT_VW_VEC_MASK;
    uint64_t *fr = regs->frame;
    struct rt_frame f;

    if (depth++) {
        /* "\n" first: a partial console line (the fuzzer writes raw bytes) must not
         * swallow or split the FAIL line the runners look for. */
        printk("\nFAIL runtime_nested_trap: vector %u while handling a trap\n", vec);
        rt_shutdown(SHUTDOWN_crash);
    }
    if (vec == RT_VEC_FAILSAFE) {
        /* RCX, R11, DS, ES, FS, GS, RIP, CS, RFLAGS, RSP, SS */
        f = (struct rt_frame){ &fr[0], &fr[1], NULL, &fr[6], &fr[7], &fr[8], &fr[9],
                               &fr[10] };
    } else if (regs->vec_word & RT_VW_HAS_EC) {
        f = (struct rt_frame){ &fr[0], &fr[1], &fr[2], &fr[3], &fr[4], &fr[5], &fr[6],
                               &fr[7] };
    } else {
        f = (struct rt_frame){ &fr[0], &fr[1], NULL, &fr[2], &fr[3], &fr[4], &fr[5],
                               &fr[6] };
    }
    record(regs, vec, &f);

    if (vec == RT_VEC_EVENT) {
        rt_event_count++;
        if (!(handlers[vec] && handlers[vec](regs, &f)))
            acknowledge_events();
        depth--;
        return;
    }
    rt_trap_count++;
    if (vec == RT_VEC_FAILSAFE) {
        printk("\nFAIL runtime_failsafe: failsafe callback entered, rip %#lx cs %#lx\n",
               (unsigned long)*f.rip, (unsigned long)*f.cs);
        rt_shutdown(SHUTDOWN_crash);
    }
    if (handlers[vec] && handlers[vec](regs, &f))
        goto out;
    /* Any trap from user mode ends rt_exec_user (exception-table entries only serve
     * kernel code). */
    if ((*f.cs & 3) == 3 && rt_user_active) {
        if (vec != RT_VEC_RET2KERN && vec != RT_VEC_SYSCALL)
            regs->rax = (uint64_t)RT_USER_FAULTED;
        rt_frame_resume_kernel(&f, (uint64_t)rt_user_return, rt_user_ret_rsp);
        goto out;
    }
    if (extable_fixup(&f))
        goto out;
    if (rt_catch_armed && (*f.cs & 3) != 3) {
        rt_frame_resume_kernel(&f, (uint64_t)rt_catch_recover, rt_catch_rsp);
        goto out;
    }
    printk("\nFAIL runtime_unexpected_trap: vector %u ec %#lx rip %#lx cs %#lx rsp %#lx "
           "cr2 %#lx\n", vec, (unsigned long)(f.ec ? *f.ec : 0), (unsigned long)*f.rip,
           (unsigned long)*f.cs, (unsigned long)*f.rsp, (unsigned long)rt_last_trap.cr2);
    rt_shutdown(SHUTDOWN_crash);
out:
    depth--;
}

/* ------------------------------------------------------------------ user mode */

long rt_user_init(const char **what)
{
    long rc;
    const char *dummy;

    if (!what)
        what = &dummy;
    *what = "stack_switch";
    rc = HYPERVISOR_stack_switch(FLAT_KERNEL_SS, (unsigned long)rt_kstack + RT_KSTACK_SIZE);
    if (rc)
        return rc;
    *what = "mmuext_op(NEW_USER_BASEPTR)";
    mmuext_op_t op = { .cmd = MMUEXT_NEW_USER_BASEPTR,
                       .arg1.mfn = virt_to_mfn((void *)start_info->pt_base) };
    rc = HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
    if (rc)
        return rc;
    *what = "callback_op(register syscall)";
    struct callback_register cb = { .type = CALLBACKTYPE_syscall,
                                    .flags = CALLBACKF_mask_events,
                                    .address = rt_stub(RT_VEC_SYSCALL) };
    return HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
}

long rt_exec_user(long (*fn)(void *), void *arg)
{
    return rt_exec_user_asm(fn, arg);
}
