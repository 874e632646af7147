/* Privileged instructions the guest kernel (running at CPL 3) executes and the
 * hypervisor emulates (ABI notes §3.10), and physdev_op(set_iopl).
 *
 * Checks: mov %cr3 reads MFN(kernel L4) << 12; mov %cr2 reads the last #PF address;
 * mov %cr0 has PE, PG and no TS; mov %cr4 shows exactly PAE, OSFXSR, OSXMMEXCPT
 * (MCE if the host has it) and none of the guest-controllable bits at boot, a
 * write silently drops bits the guest may not control and keeps DE; rdmsr/wrmsr
 * round-trip FS_BASE, GS_BASE and SHADOW_GS_BASE (and FS_BASE really takes effect),
 * a non-canonical base is #GP(0) and leaves the MSR unchanged (XSA-193), an unknown
 * MSR is #GP(0) for rdmsr and wrmsr; with IOPL 0 cli, sti, out and in are #GP(0) at
 * the instruction; set_iopl(1) makes them succeed (in from a port nobody decodes
 * reads all ones) while bounce frames still show IOPL 0; set_iopl(4) is -EINVAL, a
 * bad argument -EFAULT; debug registers read DR6 0xFFFF0FF0 / DR7 0x400 at boot and
 * DR0 round-trips.
 * Without it: XTF's start of day (mov %cr3), Mini-OS (wrmsr GS_BASE) and pv-iopl
 * fail, and an unchecked MSR write could load a non-canonical base into the CPU.
 */
#include "rt.h"
#include <xlite/physdev.h>

#define ALL_REGS "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", \
    "r12", "r13", "r14", "r15", "memory", "cc"
/* For asm that takes inputs in RAX, RCX, RDX: those are "+" operands instead. */
#define OTHER_REGS "rbx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", \
    "r15", "memory", "cc"

#define CR0_PE (1ul << 0)
#define CR0_TS (1ul << 3)
#define CR0_PG (1ul << 31)
#define CR4_TSD (1ul << 2)
#define CR4_DE (1ul << 3)
#define CR4_PSE (1ul << 4)
#define CR4_PAE (1ul << 5)
#define CR4_MCE (1ul << 6)
#define CR4_PGE (1ul << 7)
#define CR4_OSFXSR (1ul << 9)
#define CR4_OSXMMEXCPT (1ul << 10)
#define CR4_VMXE (1ul << 13)
#define CR4_SMEP (1ul << 20)

#define MSR_FS_BASE 0xC0000100u
#define MSR_GS_BASE 0xC0000101u
#define MSR_SHADOW_GS_BASE 0xC0000102u

uint64_t priv_result; /* written by the asm below, by name */

/* Each executes one privileged instruction at a SITE; priv_result holds what it read. */
#define PRIV(name, insn, rax_in)                                                     \
    static unsigned long name(void)                                                  \
    {                                                                                \
        unsigned long n = rt_trap_count;                                             \
        uint64_t a = (rax_in), c = 0, d = 0;                                         \
        __asm__ volatile(SITE(insn) "mov %%rax, priv_result\n"                            \
                         : "+a"(a), "+c"(c), "+d"(d) :: OTHER_REGS);                 \
        return rt_trap_count - n;                                                    \
    }

PRIV(read_cr0, "mov %%cr0, %%rax", 0)
PRIV(read_cr2, "mov %%cr2, %%rax", 0)
PRIV(read_cr3, "mov %%cr3, %%rax", 0)
PRIV(read_cr4, "mov %%cr4, %%rax", 0)
PRIV(read_dr0, "mov %%db0, %%rax", 0)
PRIV(read_dr6, "mov %%db6, %%rax", 0)
PRIV(read_dr7, "mov %%db7, %%rax", 0)
PRIV(do_cli, "cli", 0)
PRIV(do_sti, "sti", 0)
PRIV(do_out, "outb %%al, $0x80", 0)
PRIV(do_in, "inb $0xf8, %%al", 0x12345600)   /* port 0xf8: nothing decodes it */

static unsigned long write_cr4(uint64_t v)
{
    unsigned long n = rt_trap_count;
    uint64_t c = 0, d = 0;
    __asm__ volatile(SITE("mov %%rax, %%cr4") : "+a"(v), "+c"(c), "+d"(d) :: OTHER_REGS);
    return rt_trap_count - n;
}

static unsigned long write_dr0(uint64_t v)
{
    unsigned long n = rt_trap_count;
    uint64_t c = 0, d = 0;
    __asm__ volatile(SITE("mov %%rax, %%db0") : "+a"(v), "+c"(c), "+d"(d) :: OTHER_REGS);
    return rt_trap_count - n;
}

static unsigned long rdmsr(uint32_t msr)
{
    unsigned long n = rt_trap_count;
    uint64_t a = 0, c = msr, d = 0;
    __asm__ volatile(SITE("rdmsr") "shl $32, %%rdx\n or %%rdx, %%rax\n mov %%rax, priv_result\n"
                     : "+a"(a), "+c"(c), "+d"(d) :: OTHER_REGS);
    return rt_trap_count - n;
}

static unsigned long wrmsr(uint32_t msr, uint64_t v)
{
    unsigned long n = rt_trap_count;
    uint64_t a = (uint32_t)v, c = msr, d = v >> 32;
    __asm__ volatile(SITE("wrmsr") : "+a"(a), "+c"(c), "+d"(d) :: OTHER_REGS);
    return rt_trap_count - n;
}

/* The last trap was #GP(0) at the SITE instruction. */
static void expect_gp0(const char *what, unsigned long traps)
{
    char w[96];

    snprintf(w, sizeof(w), "%s: traps", what);
    if (!t_eq(w, traps, 1))
        return;
    snprintf(w, sizeof(w), "%s: vector", what);
    t_eq(w, rt_last_trap.vector, X86_EXC_GP);
    snprintf(w, sizeof(w), "%s: error code", what);
    t_eq(w, rt_last_trap.ec, 0);
    snprintf(w, sizeof(w), "%s: RIP at the instruction", what);
    t_eq(w, rt_last_trap.rip, rt_site.rip);
}

static void t_control_registers(void)
{
    t_begin("mov_from_cr3");
    if (t_eq("traps", read_cr3(), 0))
        t_eq("CR3", priv_result, virt_to_mfn((void *)start_info->pt_base) << 12);
    t_end();

    t_begin("mov_from_cr2_after_pf");
    unsigned long n = rt_trap_count;
    __asm__ volatile("mov %0, %%rax\n" SITE("mov (%%rax), %%rax") :: "r"(0x40000123ul)
                     : ALL_REGS);
    t_eq("#PF taken", rt_trap_count - n, 1);
    if (t_eq("traps", read_cr2(), 0))
        t_eq("CR2", priv_result, 0x40000123ul);
    t_end();

    t_begin("mov_from_cr0");
    if (t_eq("traps", read_cr0(), 0)) {
        t_eq("CR0.PE", priv_result & CR0_PE, CR0_PE);
        t_eq("CR0.PG", priv_result & CR0_PG, CR0_PG);
        t_eq("CR0.TS", priv_result & CR0_TS, 0);
    }
    t_end();

    t_begin("mov_from_cr4");
    uint64_t cr4 = 0;
    if (t_eq("traps", read_cr4(), 0)) {
        cr4 = priv_result;
        t_eq("CR4 without MCE", cr4 & ~CR4_MCE, CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT);
    }
    t_end();

    t_begin("mov_to_cr4_drops_bits");
    t_eq("write CR4 | PGE | PSE | VMXE | SMEP traps",
         write_cr4(cr4 | CR4_PGE | CR4_PSE | CR4_VMXE | CR4_SMEP), 0);
    read_cr4();
    t_eq("CR4 read back", priv_result, cr4);
    t_end();

    t_begin("mov_to_cr4_de");
    t_eq("write CR4 | DE traps", write_cr4(cr4 | CR4_DE), 0);
    read_cr4();
    t_eq("CR4 read back", priv_result, cr4 | CR4_DE);
    t_eq("write CR4 traps", write_cr4(cr4), 0);
    read_cr4();
    t_eq("CR4 read back", priv_result, cr4);
    t_end();
}

static uint64_t fs_word = 0x66735f776f72645full;

static void t_msrs(void)
{
    static const uint32_t msrs[] = { MSR_FS_BASE, MSR_GS_BASE, MSR_SHADOW_GS_BASE };
    static const uint64_t vals[] = { 0x00007f0012345000ul, 0xFFFF880012345678ul, 0 };
    char what[64];

    t_begin("msr_base_round_trip");
    for (size_t m = 0; m < ARRAY_SIZE(msrs); m++) {
        for (size_t i = 0; i < ARRAY_SIZE(vals); i++) {
            snprintf(what, sizeof(what), "wrmsr(%#x, %#lx) traps", msrs[m],
                     (unsigned long)vals[i]);
            t_eq(what, wrmsr(msrs[m], vals[i]), 0);
            snprintf(what, sizeof(what), "rdmsr(%#x) traps", msrs[m]);
            t_eq(what, rdmsr(msrs[m]), 0);
            snprintf(what, sizeof(what), "rdmsr(%#x) after writing %#lx", msrs[m],
                     (unsigned long)vals[i]);
            t_eq(what, priv_result, vals[i]);
        }
    }
    t_end();

    t_begin("fs_base_takes_effect");
    t_eq("wrmsr(FS_BASE) traps", wrmsr(MSR_FS_BASE, (uint64_t)&fs_word), 0);
    uint64_t v;
    __asm__ volatile("mov %%fs:0, %0" : "=r"(v));
    t_eq("%fs:0", v, fs_word);
    wrmsr(MSR_FS_BASE, 0);
    t_end();

    t_begin("msr_non_canonical_gp");
    for (size_t m = 0; m < ARRAY_SIZE(msrs); m++) {
        wrmsr(msrs[m], 0x1000);
        snprintf(what, sizeof(what), "wrmsr(%#x, 0x8000000000000000)", msrs[m]);
        expect_gp0(what, wrmsr(msrs[m], 0x8000000000000000ul));
        rdmsr(msrs[m]);
        snprintf(what, sizeof(what), "rdmsr(%#x) after the refused write", msrs[m]);
        t_eq(what, priv_result, 0x1000);
        wrmsr(msrs[m], 0);
    }
    t_end();

    t_begin("msr_unknown_gp");
    expect_gp0("rdmsr(0xdeadbeef)", rdmsr(0xDEADBEEF));
    expect_gp0("wrmsr(0xdeadbeef)", wrmsr(0xDEADBEEF, 0));
    expect_gp0("rdmsr(0x40001234)", rdmsr(0x40001234));
    t_end();
}

static long set_iopl(uint32_t iopl)
{
    struct physdev_set_iopl s = { .iopl = iopl };
    return HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &s);
}

static void t_io(void)
{
    t_begin("iopl0_cli_sti_io_gp");
    expect_gp0("cli", do_cli());
    expect_gp0("sti", do_sti());
    expect_gp0("outb $0x80", do_out());
    expect_gp0("inb $0xf8", do_in());
    t_end();

    t_begin("set_iopl1_allows_cli_sti_io");
    t_eq("set_iopl(1)", set_iopl(1), 0);
    t_eq("cli traps", do_cli(), 0);
    t_eq("sti traps", do_sti(), 0);
    t_eq("outb $0x80 traps", do_out(), 0);
    t_eq("inb $0xf8 traps", do_in(), 0);
    t_eq("inb $0xf8 priv_result (AL all ones, rest of RAX kept)", priv_result, 0x123456FFul);
    unsigned long n = rt_trap_count;
    __asm__ volatile(SITE("int3") ::: ALL_REGS);
    t_eq("int3 traps", rt_trap_count - n, 1);
    t_eq("bounce frame IOPL (no architectural_iopl assist)",
         rt_last_trap.rflags & XLITE_RFLAGS_IOPL, 0);
    t_end();

    t_begin("set_iopl_errors");
    t_eq("set_iopl(4)", set_iopl(4), -XEN_EINVAL);
    t_eq("set_iopl bad pointer",
         HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, (void *)0x40000000ul), -XEN_EFAULT);
    t_eq("physdev_op unknown cmd 999", HYPERVISOR_physdev_op(999, NULL), -XEN_ENOSYS);
    t_end();

    t_begin("set_iopl0_restores_gp");
    t_eq("set_iopl(0)", set_iopl(0), 0);
    expect_gp0("cli", do_cli());
    t_end();
}

static void t_debug_registers(void)
{
    t_begin("debug_registers");
    if (t_eq("mov %db6 traps", read_dr6(), 0))
        t_eq("DR6 at boot", priv_result, 0xFFFF0FF0ul);
    if (t_eq("mov %db7 traps", read_dr7(), 0))
        t_eq("DR7 at boot", priv_result, 0x400);
    t_eq("mov to %db0 traps", write_dr0(0x12345678), 0);
    if (t_eq("mov %db0 traps", read_dr0(), 0))
        t_eq("DR0 read back", priv_result, 0x12345678);
    write_dr0(0);
    t_end();
}

void test_main(void)
{
    t_control_registers();
    t_msrs();
    t_io();
    t_debug_registers();
}
