/* Software interrupts from the guest kernel (ABI notes §3.3).
 *
 * Checks: INT n is delivered to the guest's handler, as a trap (no error code, RIP
 * after the 2-byte instruction), iff the trap-table DPL for n is >= 1 in kernel mode
 * (so DPL 1 and 3 are delivered, DPL 0 is not); otherwise the guest gets #GP with
 * error code (n << 3) | 2 and RIP at the INT. An unregistered vector (int $0x22,
 * the 32-bit hypercall vector int $0x82, and int $0x80 with nothing registered:
 * XSA-259) is #GP((n << 3) | 2). INT3 (0xCC) and INT $3 (0xCD 0x03) reach the #BP
 * handler even when its DPL is 0. Frames are checked exactly (see test_traps).
 * Without it: XTF selftest's DPL-1 interrupt and every int $0x80 probe misbehave; a
 * DPL check in the wrong direction lets user mode call kernel entry points.
 */
#include "rt.h"

#define ALL_REGS "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", \
    "r12", "r13", "r14", "r15", "memory", "cc"

static struct rt_expect delivered(unsigned int vec)
{
    return (struct rt_expect){ .vector = vec, .rip_after = true, .magic_regs = true,
                               .mask = 1, .mask_in_handler = 1, .rf_any = vec > 4 };
}

static struct rt_expect gp(unsigned int vec)
{
    return (struct rt_expect){ .vector = X86_EXC_GP, .has_ec = true, .ec = (vec << 3) | 2,
                               .magic_regs = true, .mask = 1, .mask_in_handler = 1 };
}

static void t_dpl(void)
{
    unsigned long n;
    struct rt_expect e;

    t_begin("int21_dpl1_delivered");
    t_eq("set_trap_table(0x21, DPL 1) rc", rt_set_trap(0x21, 1 | XLITE_TI_MASK_EVENTS), 0);
    n = rt_trap_count;
    e = delivered(0x21);
    __asm__ volatile(SITE_REGS SITE("int $0x21") ::: ALL_REGS);
    check_trap(n, &e);
    t_end();

    t_begin("int21_dpl3_delivered");
    t_eq("set_trap_table(0x21, DPL 3) rc", rt_set_trap(0x21, 3 | XLITE_TI_MASK_EVENTS), 0);
    n = rt_trap_count;
    __asm__ volatile(SITE_REGS SITE("int $0x21") ::: ALL_REGS);
    check_trap(n, &e);
    t_end();

    t_begin("int21_dpl0_gp");
    t_eq("set_trap_table(0x21, DPL 0) rc", rt_set_trap(0x21, 0 | XLITE_TI_MASK_EVENTS), 0);
    n = rt_trap_count;
    e = gp(0x21);
    __asm__ volatile(SITE_REGS SITE("int $0x21") ::: ALL_REGS);
    check_trap(n, &e);
    t_end();
}

static void t_unregistered(void)
{
    unsigned long n;
    struct rt_expect e;

    t_begin("int22_unregistered_gp");
    n = rt_trap_count;
    e = gp(0x22);
    __asm__ volatile(SITE_REGS SITE("int $0x22") ::: ALL_REGS);
    check_trap(n, &e);
    t_end();

    t_begin("int80_unregistered_gp_0x402");
    n = rt_trap_count;
    e = gp(0x80);
    __asm__ volatile(SITE_REGS SITE("int $0x80") ::: ALL_REGS);
    check_trap(n, &e);
    t_end();

    t_begin("int82_unregistered_gp");
    n = rt_trap_count;
    e = gp(0x82);
    __asm__ volatile(SITE_REGS SITE("int $0x82") ::: ALL_REGS);
    check_trap(n, &e);
    t_end();
}

static void t_int3(void)
{
    unsigned long n;
    struct rt_expect e = delivered(X86_EXC_BP);

    t_begin("int3_ignores_dpl");
    t_eq("set_trap_table(#BP, DPL 0) rc", rt_set_trap(X86_EXC_BP, XLITE_TI_MASK_EVENTS), 0);
    n = rt_trap_count;
    __asm__ volatile(SITE_REGS SITE("int3") ::: ALL_REGS);
    check_trap(n, &e);
    t_end();

    t_begin("int_3_long_form_ignores_dpl");
    n = rt_trap_count;
    __asm__ volatile(SITE_REGS SITE(".byte 0xcd, 0x03") ::: ALL_REGS);
    check_trap(n, &e);
    t_eq("restore #BP DPL 3 rc", rt_set_trap(X86_EXC_BP, 3 | XLITE_TI_MASK_EVENTS), 0);
    t_end();
}

void test_main(void)
{
    t_dpl();
    t_unregistered();
    t_int3();
}
