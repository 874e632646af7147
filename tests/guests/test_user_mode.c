/* Guest user mode (ABI notes §3.5, §3.6, §3.8): entering it with HYPERVISOR_iret
 * and coming back on every kind of kernel entry.
 *
 * Checks: stack_switch, MMUEXT_NEW_USER_BASEPTR (the kernel L4 as the user L4) and
 * callback_op(syscall) succeed; iret with CS RPL 3 runs code in user mode; int $0x20
 * (DPL 3) comes back with a user frame (CS 0xE033, user RSP/SS) written on the
 * stack_switch stack; SYSCALL from user reaches the syscall callback with RCX = user
 * RIP after the SYSCALL, R11 = user RFLAGS, DF cleared for the handler, events
 * masked (CALLBACKF_mask_events); with no syscall callback SYSCALL is #UD at the
 * instruction; #PF from user has the U bit set in the error code (read: U, write:
 * U|W) and CR2; privileged instructions (cli, mov %cr3) are #GP(0) in user mode;
 * int3, ud2 arrive with user frames; int $0x21 is delivered from user with DPL 3 and
 * is #GP(0x10a) with DPL 1; iret with IF=1 unmasks events for user mode and the
 * next frame saves mask 0; the GS base is swapped (kernel GS_BASE vs
 * SHADOW_GS_BASE) on every switch.
 * Without it: XTF's exec_user (selftest, memop-seg, pv-iopl, xsa-213...) cannot run,
 * and a wrong U bit or stack makes every user fault look like a kernel bug.
 */
#include "rt.h"
#include <xlite/callback.h>

#define ALL_REGS "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", \
    "r12", "r13", "r14", "r15", "memory", "cc"

static const uint64_t unmapped = 0x40000000ul;

static struct rt_expect user_expect(unsigned int vec, bool has_ec, uint64_t ec, bool after)
{
    return (struct rt_expect){ .vector = vec, .has_ec = has_ec, .ec = ec, .rip_after = after,
                               .magic_regs = true, .user = true, .mask = 1,
                               .mask_in_handler = 1, .rf_any = after && vec > 4 };
}

/* Run fn in user mode; expect it to end with a trap shaped like e. */
static void run_user(long (*fn)(void *), const struct rt_expect *e)
{
    unsigned long n = rt_trap_count;
    long rc = rt_exec_user(fn, NULL);

    if (e->vector != RT_VEC_RET2KERN && e->vector != RT_VEC_SYSCALL)
        t_eq("rt_exec_user result (ended by a trap)", rc, RT_USER_FAULTED);
    check_trap(n, e);
}

static long u_int20(void *arg)
{
    (void)arg;
    __asm__ volatile("mov $0x1234abcd, %%eax\n" SITE_REGS SITE("int $0x20") ::: ALL_REGS);
    return 0;
}

static long u_return(void *arg)
{
    return (long)(uintptr_t)arg + 1;
}

static long u_syscall(void *arg)
{
    (void)arg;
    __asm__ volatile("std\n mov $0x5eca11, %%eax\n" SITE_REGS SITE("syscall") ::: ALL_REGS);
    return 0;
}

static long u_pf_read(void *arg)
{
    (void)arg;
    __asm__ volatile("mov %0, %%rax\n" SITE_REGS SITE("mov (%%rax), %%rax")
                     :: "r"(unmapped) : ALL_REGS);
    return 0;
}

static long u_pf_write(void *arg)
{
    (void)arg;
    __asm__ volatile("mov %0, %%rax\n" SITE_REGS SITE("movq $1, (%%rax)")
                     :: "r"(unmapped + 8) : ALL_REGS);
    return 0;
}

static long u_cli(void *arg)
{
    (void)arg;
    __asm__ volatile(SITE_REGS SITE("cli") ::: ALL_REGS);
    return 0;
}

static long u_read_cr3(void *arg)
{
    (void)arg;
    __asm__ volatile(SITE_REGS SITE("mov %%cr3, %%rax") ::: ALL_REGS);
    return 0;
}

static long u_int3(void *arg)
{
    (void)arg;
    __asm__ volatile(SITE_REGS SITE("int3") ::: ALL_REGS);
    return 0;
}

static long u_ud2(void *arg)
{
    (void)arg;
    __asm__ volatile(SITE_REGS SITE("ud2") ::: ALL_REGS);
    return 0;
}

static long u_int21(void *arg)
{
    (void)arg;
    __asm__ volatile(SITE_REGS SITE("int $0x21") ::: ALL_REGS);
    return 0;
}

static long u_read_gs(void *arg)
{
    uint64_t v;

    (void)arg;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(v));
    return (long)v;
}

static long reg_syscall(uint64_t address)
{
    struct callback_register cb = { .type = CALLBACKTYPE_syscall,
                                    .flags = CALLBACKF_mask_events, .address = address };
    return HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
}

static bool set_up(void)
{
    const char *what = "";
    long rc = rt_user_init(&what);

    t_begin("user_init");
    t_check(rc == 0, "%s returned %ld", what, rc);
    t_end();
    return rc == 0;
}

static void t_enter_leave(void)
{
    struct rt_expect e = user_expect(RT_VEC_RET2KERN, false, 0, true);
    unsigned long n = rt_trap_count;

    t_begin("int20_returns_with_user_frame");
    long rc = rt_exec_user(u_int20, NULL);
    t_eq("RAX carried back", rc, 0x1234abcd);
    check_trap(n, &e);
    t_end();

    t_begin("user_function_returns");
    t_eq("u_return(41) result", rt_exec_user(u_return, (void *)41), 42);
    t_eq("trap vector (runtime's return path)", rt_last_trap.vector, RT_VEC_RET2KERN);
    t_eq("frame RIP", rt_last_trap.rip, (uint64_t)rt_user_int_ret);
    t_eq("frame RSP (user stack top)", rt_last_trap.rsp,
         (uint64_t)rt_ustack + RT_USTACK_SIZE);
    t_end();
}

static void t_syscall(void)
{
    struct rt_expect e = user_expect(RT_VEC_SYSCALL, false, 0, true);

    t_begin("syscall_callback_frame");
    e.magic_regs = false;
    /* Like Xen, the frame keeps the user's RFLAGS (DF included); only the callback
     * runs with DF clear (checked below). */
    run_user(u_syscall, &e);
    t_eq("frame RCX (user RIP after SYSCALL)", rt_last_trap.rcx, rt_site.next);
    t_eq("frame R11 (user RFLAGS)", rt_last_trap.r11, rt_site.rflags);
    t_eq("user RFLAGS.DF was set", rt_site.rflags & XLITE_RFLAGS_DF, XLITE_RFLAGS_DF);
    t_eq("handler RFLAGS.DF", rt_last_trap.handler_rflags & XLITE_RFLAGS_DF, 0);
    t_eq("RAX seen by the handler", rt_last_trap.rax, 0x5eca11);
    t_end();

    t_begin("syscall_without_callback_ud");
    t_eq("register syscall callback 0 rc", reg_syscall(0), 0);
    e = user_expect(X86_EXC_UD, false, 0, false);
    e.magic_regs = false;                    /* SYSCALL itself overwrote RCX/R11 */
    e.rf_any = true;                         /* injected by the hypervisor, not a fault */
    run_user(u_syscall, &e);
    t_eq("re-register syscall callback rc", reg_syscall(rt_stub(RT_VEC_SYSCALL)), 0);
    t_end();
}

static void t_faults(void)
{
    struct rt_expect e;

    t_begin("user_pf_read_has_u_bit");
    e = user_expect(X86_EXC_PF, true, PFEC_U, false);
    run_user(u_pf_read, &e);
    if (shared)
        t_eq("vcpu_info.arch.cr2", rt_last_trap.cr2, unmapped);
    t_end();

    t_begin("user_pf_write_has_u_bit");
    e = user_expect(X86_EXC_PF, true, PFEC_U | PFEC_W, false);
    run_user(u_pf_write, &e);
    if (shared)
        t_eq("vcpu_info.arch.cr2", rt_last_trap.cr2, unmapped + 8);
    t_end();

    t_begin("user_cli_gp0");
    e = user_expect(X86_EXC_GP, true, 0, false);
    run_user(u_cli, &e);
    t_end();

    t_begin("user_mov_cr3_gp0");
    run_user(u_read_cr3, &e);
    t_end();

    t_begin("user_int3");
    e = user_expect(X86_EXC_BP, false, 0, true);
    run_user(u_int3, &e);
    t_end();

    t_begin("user_ud2");
    e = user_expect(X86_EXC_UD, false, 0, false);
    run_user(u_ud2, &e);
    t_end();
}

static void t_int21(void)
{
    struct rt_expect e;

    t_begin("user_int21_dpl3_delivered");
    t_eq("set_trap_table(0x21, DPL 3) rc", rt_set_trap(0x21, 3 | XLITE_TI_MASK_EVENTS), 0);
    e = user_expect(0x21, false, 0, true);
    run_user(u_int21, &e);
    t_end();

    t_begin("user_int21_dpl1_gp");
    t_eq("set_trap_table(0x21, DPL 1) rc", rt_set_trap(0x21, 1 | XLITE_TI_MASK_EVENTS), 0);
    e = user_expect(X86_EXC_GP, true, (0x21 << 3) | 2, false);
    run_user(u_int21, &e);
    t_end();
}

static void t_unmasked(void)
{
    struct rt_expect e = user_expect(RT_VEC_RET2KERN, false, 0, true);

    t_begin("user_with_events_unmasked");
    if (!t_check(shared != NULL, "shared_info not mapped")) {
        t_end();
        return;
    }
    t_eq("event callbacks rc", rt_register_event_callbacks(), 0);
    e.mask = 0;
    rt_user_rflags = XLITE_RFLAGS_IF | XLITE_RFLAGS_FIXED;
    unsigned long n = rt_trap_count;
    rt_exec_user(u_int20, NULL);
    rt_user_rflags = XLITE_RFLAGS_FIXED;
    uint8_t mask = shared->vcpu_info[0].evtchn_upcall_mask;
    shared->vcpu_info[0].evtchn_upcall_mask = 1;
    check_trap(n, &e);
    t_eq("mask after coming back with IF=1", mask, 0);
    t_end();
}

static uint64_t kernel_gs_word = 0x6b65726e656c5f67ul, user_gs_word = 0x757365725f67735ful;

static long wrmsr_safe(uint32_t msr, uint64_t v)
{
    long faulted = 0;

    __asm__ volatile("1: wrmsr\n 2:\n" EXTABLE(1b, 3f)
                     ".pushsection .text.fixup, \"ax\"\n 3: movq $1, %0\n jmp 2b\n .popsection\n"
                     : "+r"(faulted)
                     : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
                     : "memory");
    return faulted;
}

static void t_gs_swap(void)
{
    t_begin("gs_base_swapped");
    t_eq("wrmsr(GS_BASE) faulted", wrmsr_safe(0xC0000101, (uint64_t)&kernel_gs_word), 0);
    t_eq("wrmsr(SHADOW_GS_BASE) faulted", wrmsr_safe(0xC0000102, (uint64_t)&user_gs_word), 0);
    uint64_t k;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(k));
    t_eq("kernel %gs:0 before", k, kernel_gs_word);
    t_eq("user %gs:0", rt_exec_user(u_read_gs, NULL), user_gs_word);
    __asm__ volatile("mov %%gs:0, %0" : "=r"(k));
    t_eq("kernel %gs:0 after", k, kernel_gs_word);
    wrmsr_safe(0xC0000101, 0);
    wrmsr_safe(0xC0000102, 0);
    t_end();
}

void test_main(void)
{
    if (!set_up())
        return;
    t_enter_leave();
    t_syscall();
    t_faults();
    t_int21();
    t_unmasked();
    t_gs_swap();
}
