/* FSGSBASE for PV guests (as Xen offers it): where the CPU has it, CPUID leaf 7 EBX
 * bit 0 is offered, and the guest's own CR4.FSGSBASE decides whether RDFSBASE,
 * WRFSBASE, RDGSBASE and WRGSBASE work at its CPL.
 *
 * Checks: forced-emulation CPUID shows FSGSBASE exactly when the native CPUID does;
 * with CR4.FSGSBASE clear (its start-of-day value) RDFSBASE is #UD; after setting it
 * (emulated mov to %cr4) the virtual CR4 reads it back, WRFSBASE/RDFSBASE and
 * WRGSBASE/RDGSBASE round-trip values, the bases survive a hypercall and a yield, and
 * set_segment_base sees the same FS base; clearing it makes them #UD again.
 * Without it: Xen's test framework's pv-fsgsbase test skips, and guests that use the
 * instructions for per-CPU data (Linux does when offered) cannot.
 */
#include "rt.h"
#include <xlite/xen.h>

#define CR4_FSGSBASE (1ul << 16)

static uint64_t read_cr4(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static void write_cr4(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr4" :: "r"(v) : "memory");
}

/* 1 if RDFSBASE trapped (#UD expected). */
static unsigned long rdfsbase_traps(uint64_t *out)
{
    unsigned long n = rt_trap_count;
    uint64_t v = 0;
    __asm__ volatile(SITE("rdfsbase %%rax") : "+a"(v) :: "memory");
    *out = v;
    return rt_trap_count - n;
}

void test_main(void)
{
    uint32_t fep[4], native[4];
    uint64_t v;

    __asm__ volatile(FEP "cpuid" : "=a"(fep[0]), "=b"(fep[1]), "=c"(fep[2]), "=d"(fep[3])
                     : "a"(7), "c"(0));
    cpuid_count(7, 0, native);
    t_begin("fsgsbase_offered_as_the_cpu_has_it");
    t_eq("FSGSBASE (emulated CPUID) = native", fep[1] & 1, native[1] & 1);
    t_end();
    if (!(native[1] & 1)) {
        test_skip("fsgsbase_instructions", "the CPU has no FSGSBASE");
        return;
    }

    t_begin("fsgsbase_instructions");
    t_eq("CR4.FSGSBASE clear at start", read_cr4() & CR4_FSGSBASE, 0);
    t_eq("RDFSBASE without it traps", rdfsbase_traps(&v), 1);
    t_eq("... #UD", rt_last_trap.vector, X86_EXC_UD);
    write_cr4(read_cr4() | CR4_FSGSBASE);
    t_eq("CR4.FSGSBASE reads back", read_cr4() & CR4_FSGSBASE, CR4_FSGSBASE);
    uint64_t fs = 0x00007F0012345000ull, gs = 0x00007F00ABCDE000ull, rfs = 0, rgs = 0;
    __asm__ volatile("wrfsbase %0; wrgsbase %1" :: "r"(fs), "r"(gs) : "memory");
    HYPERVISOR_xen_version(0, NULL);
    HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    __asm__ volatile("rdfsbase %0; rdgsbase %1" : "=r"(rfs), "=r"(rgs));
    t_eq("FS base round trip", rfs, fs);
    t_eq("GS base round trip", rgs, gs);
    t_eq("set_segment_base(FS) works", HYPERVISOR_set_segment_base(SEGBASE_FS, 0x1000), 0);
    t_eq("RDFSBASE sees it", rdfsbase_traps(&v), 0);
    t_eq("... value", v, 0x1000);
    write_cr4(read_cr4() & ~CR4_FSGSBASE);
    t_eq("RDFSBASE traps again once cleared", rdfsbase_traps(&v), 1);
    HYPERVISOR_set_segment_base(SEGBASE_FS, 0);
    HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, 0);
    t_end();
}
