/* The forced-emulation prefix (ud2; .ascii "xen") in front of CPUID (ABI notes §3.9).
 *
 * Checks: FEP CPUID works before the guest has any trap table (XTF's very first
 * action), its vendor string matches the native CPUID's, execution continues right
 * after the 7-byte sequence without any trap, it works from guest user mode too,
 * and FEP followed by anything other than CPUID is a plain #UD at the prefix.
 * Without it: every XTF test crashes at start of day with no output.
 */
#include "rt.h"

#define ALL_REGS "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", \
    "r12", "r13", "r14", "r15", "memory", "cc"

static void fep_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile(FEP "cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(sub));
}

static void compare_vendor(const char *name)
{
    uint32_t fep[4], native[4];

    fep_cpuid(0, 0, fep);
    cpuid_count(0, 0, native);
    t_begin(name);
    t_eq("vendor EBX", fep[1], native[1]);
    t_eq("vendor EDX", fep[3], native[3]);
    t_eq("vendor ECX", fep[2], native[2]);
    t_check(fep[0] >= 1, "max basic leaf %u", fep[0]);
    t_end();
}

void test_pre_traps(void)
{
    compare_vendor("fep_cpuid_before_trap_table");
}

static long user_vendor(void *arg)
{
    uint32_t r[4];

    (void)arg;
    fep_cpuid(0, 0, r);
    return r[1];
}

void test_main(void)
{
    unsigned long n;

    compare_vendor("fep_cpuid_vendor");

    t_begin("fep_cpuid_no_trap_rip_after");
    n = rt_trap_count;
    __asm__ volatile("xor %%eax, %%eax\n xor %%ecx, %%ecx\n" SITE(FEP "cpuid") ::: ALL_REGS);
    t_eq("traps", rt_trap_count - n, 0);
    t_eq("sequence length (7 bytes)", rt_site.next - rt_site.rip, 7);
    t_end();

    t_begin("fep_non_cpuid_ud");
    n = rt_trap_count;
    __asm__ volatile(SITE(FEP "mov $1, %%eax") ::: ALL_REGS);
    t_eq("traps", rt_trap_count - n, 1);
    t_eq("vector", rt_last_trap.vector, X86_EXC_UD);
    t_eq("RIP (at the prefix)", rt_last_trap.rip, rt_site.rip);
    t_end();

    const char *what = "";
    long rc = rt_user_init(&what);
    uint32_t native[4];
    cpuid_count(0, 0, native);
    t_begin("fep_cpuid_user_mode");
    if (t_check(rc == 0, "%s returned %ld", what, rc)) {
        long v = rt_exec_user(user_vendor, NULL);
        t_eq("vendor EBX from user mode", v, native[1]);
    }
    t_end();
}
