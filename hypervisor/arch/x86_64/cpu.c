/* Boot-CPU identification and control-register setup. */
#include <x86/cpu.h>
#include <x86/fpu.h>
#include <x86/layout.h>
#include <hv/lib.h>
#include <hv/printk.h>
#include <x86/x86.h>

bool cpu_has_smap;
bool cpu_is_intel;

/* SYSCALL: ring-0 CS 0xE008 (SS 0xE010) on entry; SYSRET would load 0xE033/0xE02B.
 * The mask clears AC, VM, RF, NT, DF, IF and TF on entry. SYSENTER is disabled
 * (IA32_SYSENTER_CS = 0: a guest's SYSENTER raises #GP(0), forwarded to it). */
static void syscall_init(void)
{
    extern char syscall_entry[], syscall32_entry[];

    wrmsr(MSR_STAR, ((uint64_t)FLAT_RING3_CS32 << 48) | ((uint64_t)HV_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    wrmsr(MSR_CSTAR, (uint64_t)syscall32_entry);
    wrmsr(MSR_SYSCALL_MASK, 0x74700);
    wrmsr(0x174, 0);                           /* IA32_SYSENTER_CS */
}

void cpu_init(void)
{
    uint32_t a, b, c, d, max_ext;
    char vendor[13], brand[49] = "";

    cpuid_count(0, 0, &a, &b, &c, &d);
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &d, 4);
    memcpy(vendor + 8, &c, 4);
    vendor[12] = '\0';
    cpu_is_intel = !strcmp(vendor, "GenuineIntel");
    cpuid_count(0x80000000, 0, &max_ext, &b, &c, &d);
    if (max_ext >= 0x80000004) {
        uint32_t *w = (uint32_t *)brand;
        for (uint32_t leaf = 0; leaf < 3; leaf++)
            cpuid_count(0x80000002 + leaf, 0, &w[leaf * 4], &w[leaf * 4 + 1],
                        &w[leaf * 4 + 2], &w[leaf * 4 + 3]);
        brand[48] = '\0';
    }

    uint32_t smep = 0, smap = 0;
    cpuid_count(0, 0, &a, &b, &c, &d);
    if (a >= 7) {
        cpuid_count(7, 0, &a, &b, &c, &d);
        smep = b & (1u << 7);
        smap = b & (1u << 20);
    }
    /* NE: native FPU errors; MP with TS clear: FPU usable (guests get eager FPU state).
     * OSFXSR/OSXMMEXCPT: SSE for guests. SMEP/SMAP: the hypervisor never executes
     * or silently touches guest (user) pages. */
    write_cr0((read_cr0() | CR0_NE | CR0_MP | CR0_WP) & ~(uint64_t)(CR0_EM | CR0_TS));
    uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
    cr4 &= ~(uint64_t)CR4_UMIP;
    if (smep)
        cr4 |= CR4_SMEP;
    if (smap)
        cr4 |= CR4_SMAP;
    write_cr4(cr4);
    cpu_has_smap = smap;
    fpu_init();
    syscall_init();

    const char *b0 = brand;
    while (*b0 == ' ')
        b0++;
    pr_info("cpu: %s %s; SMEP %s, SMAP %s\n", vendor, *b0 ? b0 : "(no brand string)",
            smep ? "on" : "absent", smap ? "on" : "absent");
}
