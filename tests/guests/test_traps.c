/* Exceptions raised by the guest kernel and the bounce frames they arrive with
 * (ABI notes §3.1-§3.2).
 *
 * Checks, for each exception the kernel can raise: #DE (div by 0), #DB (single
 * step, RIP after), #BP (int3, RIP after), INTO and BOUND-less #UD (into is invalid
 * in 64-bit mode), #UD (ud2), #GP(0) (non-canonical load), #GP(sel) (loading an LDT
 * selector with no LDT: error code 0x1004), #SS(0) (non-canonical RBP-based load),
 * #PF (unmapped read: error code 0, unmapped write: W, write to the read-only L4:
 * P|W; U is always clear in kernel mode; CR2 in vcpu_info.arch.cr2), #MF (x87
 * divide by zero, unmasked) and #XM (SSE divide by zero, unmasked). Every frame is
 * checked exactly: RCX/R11 of the interrupted code on top, error code only for 8,
 * 10-14, 17, RIP, CS with RPL cleared and the saved mask in bits 32-39, RFLAGS with
 * IF = !mask, RSP, SS, the frame placed below RSP rounded down to 16 (also for
 * misaligned RSPs), the handler entered on FLAT_KERNEL_CS with TF/NT/RF/AC clear and
 * events masked by the trap-table flag; with events unmasked the frame says IF=1,
 * mask 0, and a trap-table entry without the mask flag leaves events unmasked.
 * Without it: every PV kernel's exception handling (XTF, Mini-OS, Linux) breaks:
 * wrong error-code sets shift the frame, wrong IF bits unmask events at iret.
 */
#include "rt.h"

#define ALL_REGS "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", \
    "r12", "r13", "r14", "r15", "memory", "cc"

static struct rt_expect expect(unsigned int vec, bool has_ec, uint64_t ec, bool after)
{
    return (struct rt_expect){ .vector = vec, .has_ec = has_ec, .ec = ec, .rip_after = after,
                               .magic_regs = true, .mask = 1, .mask_in_handler = 1 };
}

static void t_de(void)
{
    unsigned long n = rt_trap_count;
    struct rt_expect e = expect(X86_EXC_DE, false, 0, false);

    t_begin("de_divide_error");
    __asm__ volatile("xor %%edx, %%edx\n mov $1, %%eax\n xor %%ebx, %%ebx\n" SITE_REGS
                     SITE("divl %%ebx") ::: ALL_REGS);
    check_trap(n, &e);
    t_eq("RAX seen by the handler", rt_last_trap.rax, 1);
    t_eq("RDX seen by the handler", rt_last_trap.rdx, 0);
    t_end();
}

static bool clear_tf(struct rt_regs *regs, struct rt_frame *f)
{
    (void)regs;
    *f->rflags &= ~(uint64_t)XLITE_RFLAGS_TF;
    return true;
}

static void t_db(void)
{
    unsigned long n = rt_trap_count;
    struct rt_expect e = expect(X86_EXC_DB, false, 0, true);

    t_begin("db_single_step");
    rt_set_handler(X86_EXC_DB, clear_tf);
    /* TF is set by popfq (label 1); the trap comes after the next instruction (the
     * nop), so RIP = label 2, with the flags word popped. */
    __asm__ volatile(SITE_REGS "pushfq\n mov (%%rsp), %%rax\n lea 0x100(%%rax), %%rax\n"
                     "mov %%rax, (%%rsp)\n"                 /* TF on, other flags kept */
                     SITE("popfq\n nop") ::: ALL_REGS);
    rt_set_handler(X86_EXC_DB, NULL);
    rt_site.rflags |= XLITE_RFLAGS_TF;       /* SITE saw the flags before popfq */
    rt_site.rsp += 8;
    check_trap(n, &e);
    t_end();
}

static void t_bp(void)
{
    unsigned long n = rt_trap_count;
    struct rt_expect e = expect(X86_EXC_BP, false, 0, true);

    t_begin("bp_int3");
    __asm__ volatile(SITE_REGS SITE("int3") ::: ALL_REGS);
    check_trap(n, &e);
    t_end();
}

static void t_ud(void)
{
    unsigned long n = rt_trap_count;
    struct rt_expect e = expect(X86_EXC_UD, false, 0, false);

    t_begin("ud_ud2");
    __asm__ volatile(SITE_REGS SITE("ud2") ::: ALL_REGS);
    check_trap(n, &e);
    t_end();

    n = rt_trap_count;
    __asm__ volatile(SITE_REGS SITE(".byte 0xce") ::: ALL_REGS);
    if (rt_trap_count == n && on_qemu_tcg()) {
        test_skip("into_is_ud_in_64bit", "QEMU TCG does not raise #UD for INTO");
        return;
    }
    t_begin("into_is_ud_in_64bit");
    check_trap(n, &e);
    t_end();
}

static void t_gp(void)
{
    unsigned long n = rt_trap_count;
    struct rt_expect e = expect(X86_EXC_GP, true, 0, false);

    t_begin("gp_non_canonical");
    __asm__ volatile("movabs $0x8000000000000000, %%rax\n" SITE_REGS
                     SITE("mov (%%rax), %%rax") ::: ALL_REGS);
    check_trap(n, &e);
    t_end();

    n = rt_trap_count;
    e = expect(X86_EXC_GP, true, 0x1004, false);
    t_begin("gp_ldt_selector_without_ldt");
    __asm__ volatile("mov $0x1007, %%eax\n" SITE_REGS SITE("mov %%ax, %%fs") ::: ALL_REGS);
    check_trap(n, &e);
    t_end();
}

static void t_ss(void)
{
    unsigned long n = rt_trap_count;
    struct rt_expect e = expect(X86_EXC_SS, true, 0, false);

    __asm__ volatile("push %%rbp\n movabs $0x8000000000000000, %%rbp\n" SITE_REGS
                     SITE("mov (%%rbp), %%rax") "pop %%rbp\n" ::: ALL_REGS);
    if (rt_trap_count == n + 1 && rt_last_trap.vector == X86_EXC_GP && on_qemu_tcg()) {
        test_skip("ss_non_canonical_stack_operand",
                  "QEMU TCG raises #GP, not #SS, for non-canonical stack operands");
        return;
    }
    t_begin("ss_non_canonical_stack_operand");
    check_trap(n, &e);
    t_end();
}

static void t_pf(void)
{
    const uint64_t unmapped = 0x40000000ul;
    uint64_t l4_slot = start_info->pt_base + 8 * 511;   /* guest slot, empty */
    unsigned long n = rt_trap_count;
    struct rt_expect e = expect(X86_EXC_PF, true, 0, false);

    t_begin("pf_read_unmapped");
    __asm__ volatile("mov %0, %%rax\n" SITE_REGS SITE("mov (%%rax), %%rax")
                     :: "r"(unmapped) : ALL_REGS);
    check_trap(n, &e);
    if (shared)
        t_eq("vcpu_info.arch.cr2", rt_last_trap.cr2, unmapped);
    t_end();

    n = rt_trap_count;
    e = expect(X86_EXC_PF, true, PFEC_W, false);
    t_begin("pf_write_unmapped");
    __asm__ volatile("mov %0, %%rax\n" SITE_REGS SITE("movq $0, (%%rax)")
                     :: "r"(unmapped + 0x1238) : ALL_REGS);
    check_trap(n, &e);
    if (shared)
        t_eq("vcpu_info.arch.cr2", rt_last_trap.cr2, unmapped + 0x1238);
    t_end();

    n = rt_trap_count;
    e = expect(X86_EXC_PF, true, PFEC_P | PFEC_W, false);
    t_begin("pf_write_readonly_l4");
    __asm__ volatile("mov %0, %%rax\n" SITE_REGS SITE("movq $0, (%%rax)")
                     :: "r"(l4_slot) : ALL_REGS);
    check_trap(n, &e);
    if (shared)
        t_eq("vcpu_info.arch.cr2", rt_last_trap.cr2, l4_slot);
    t_eq("L4[511] unchanged", *(volatile uint64_t *)l4_slot, 0);
    t_end();
}

static const uint16_t fcw_zm_unmasked = 0x037B;   /* default 0x37F minus ZM */
static const uint32_t mxcsr_zm_unmasked = 0x1D80; /* default 0x1F80 minus ZM */
static const uint32_t mxcsr_default = 0x1F80;
static const uint32_t one_f = 0x3F800000;          /* 1.0f */

static void t_mf(void)
{
    unsigned long n = rt_trap_count;
    struct rt_expect e = expect(X86_EXC_MF, false, 0, false);

    t_begin("mf_x87_divide_by_zero");
    __asm__ volatile("fninit\n fldcw %0\n fld1\n fldz\n fdivrp %%st, %%st(1)\n" SITE_REGS
                     SITE("fwait") "fninit\n"
                     :: "m"(fcw_zm_unmasked) : ALL_REGS);
    check_trap(n, &e);
    t_end();
}

static void t_xm(void)
{
    unsigned long n = rt_trap_count;
    struct rt_expect e = expect(X86_EXC_XM, false, 0, false);

    __asm__ volatile("ldmxcsr %0\n xorps %%xmm0, %%xmm0\n movd %2, %%xmm1\n" SITE_REGS
                     SITE("divss %%xmm0, %%xmm1") "ldmxcsr %1\n"
                     :: "m"(mxcsr_zm_unmasked), "m"(mxcsr_default), "m"(one_f)
                     : ALL_REGS);
    if (rt_trap_count == n && on_qemu_tcg()) {
        test_skip("xm_simd_divide_by_zero", "QEMU TCG does not raise #XM");
        return;
    }
    t_begin("xm_simd_divide_by_zero");
    check_trap(n, &e);
    t_end();
}

/* int3 and #GP(0) with RSP at several alignments: the frame goes below RSP & ~15. */
static void t_alignment(void)
{
    t_begin("frame_alignment");
    for (unsigned int off = 0; off < 16; off += 3) {
        unsigned long n = rt_trap_count;
        struct rt_expect e = expect(X86_EXC_BP, false, 0, true);
        __asm__ volatile("sub %0, %%rsp\n" SITE_REGS SITE("int3") "add %0, %%rsp\n"
                         :: "r"((uint64_t)off + 64) : ALL_REGS);
        check_trap(n, &e);

        n = rt_trap_count;
        e = expect(X86_EXC_GP, true, 0, false);
        __asm__ volatile("sub %0, %%rsp\n movabs $0x8000000000000000, %%rax\n" SITE_REGS
                         SITE("mov (%%rax), %%rax") "add %0, %%rsp\n"
                         :: "r"((uint64_t)off + 64) : ALL_REGS);
        check_trap(n, &e);
    }
    t_end();
}

static void t_mask(void)
{
    if (!shared) {
        test_fail("events_unmasked_frame", "shared_info not mapped");
        return;
    }
    long rc = rt_register_event_callbacks();

    t_begin("events_unmasked_frame");
    t_eq("set_callbacks rc", rc, 0);
    unsigned long n = rt_trap_count;
    struct rt_expect e = expect(X86_EXC_BP, false, 0, true);
    e.mask = 0;
    shared->vcpu_info[0].evtchn_upcall_mask = 0;
    __asm__ volatile(SITE_REGS SITE("int3") ::: ALL_REGS);
    uint8_t after = shared->vcpu_info[0].evtchn_upcall_mask;
    shared->vcpu_info[0].evtchn_upcall_mask = 1;
    check_trap(n, &e);
    t_eq("upcall mask after returning (iret restores IF=1: unmasked)", after, 0);
    t_end();

    t_begin("trap_without_mask_flag");
    t_eq("set_trap_table(#BP, DPL 3, no mask flag) rc", rt_set_trap(X86_EXC_BP, 3), 0);
    n = rt_trap_count;
    e.mask_in_handler = 0;
    shared->vcpu_info[0].evtchn_upcall_mask = 0;
    __asm__ volatile(SITE_REGS SITE("int3") ::: ALL_REGS);
    shared->vcpu_info[0].evtchn_upcall_mask = 1;
    check_trap(n, &e);
    t_eq("restore #BP entry rc", rt_set_trap(X86_EXC_BP, 3 | XLITE_TI_MASK_EVENTS), 0);
    t_end();
}

void test_main(void)
{
    t_de();
    t_bp();
    t_ud();
    t_gp();
    t_ss();
    t_pf();
    t_alignment();
    t_mask();
    t_db();
    t_mf();
    t_xm();
}
