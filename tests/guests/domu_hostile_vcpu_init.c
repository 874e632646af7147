/* VCPUOP_initialise with hostile selectors and FPU state (hostile guest, issue
 * "hostile guests" items 3 and 4). A boot-time domain with two vCPUs: booted by
 * tests/boot/scenarios/hostile-guests.sh as `domU ... vcpus=2`.
 *
 * Checks: a context whose CS is the hypervisor's code selector (0xE008), whose SS is
 * the hypervisor's data selector (0xE010), or whose CS is a GDT entry (the new vCPU
 * has no GDT) is refused with -EINVAL and leaves the vCPU uninitialised; a context
 * with VGCF_i387_valid and MXCSR = 0xFFFFFFFF is accepted, and vCPU 1 then runs with
 * MXCSR = 0xFFFFFFFF masked by the CPU's MXCSR_MASK (read with FXSAVE here): the
 * reserved bits were cleared before the hypervisor ever ran FXRSTOR on the image.
 * Without it: the bad selectors reached the hypervisor's IRETQ (a #GP with no fixup:
 * host halted), and on hardware FXRSTOR of the unmasked image #GPs in the hypervisor
 * at the first switch to vCPU 1 (QEMU's TCG does not check MXCSR, so the test reads the
 * value back instead).
 */
#include "rt.h"
#include "pvtime.h"
#include <xlite/vcpu.h>

static volatile uint64_t v1_started;
static volatile uint32_t v1_mxcsr;
static uint8_t v1_stack[16384] __attribute__((aligned(16)));
static uint8_t fx[512] __attribute__((aligned(16)));
static struct vcpu_guest_context ctx;

static void __attribute__((noreturn, used)) vcpu1_main(void)
{
    uint32_t m;

    __asm__ volatile("stmxcsr %0" : "=m"(m));
    v1_mxcsr = m;
    v1_started = 1;
    for (;;)
        HYPERVISOR_vcpu_op(VCPUOP_down, 1, NULL);
}

static uint64_t read_cr3(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

static void good_context(void)
{
    memset(&ctx, 0, sizeof(ctx));
    ctx.flags = VGCF_in_kernel;
    ctx.user_regs.rip = (uint64_t)vcpu1_main;
    ctx.user_regs.rsp = (uint64_t)(v1_stack + sizeof(v1_stack)) - 8;
    ctx.user_regs.rflags = 0x2;
    ctx.kernel_ss = FLAT_KERNEL_SS;
    ctx.kernel_sp = (uint64_t)(v1_stack + sizeof(v1_stack));
    ctx.ctrlreg[3] = read_cr3();
}

static long init1(void)
{
    return HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx);
}

void test_main(void)
{
    t_begin("initialise_bad_selectors_einval");
    good_context();
    ctx.user_regs.cs = 0xE008;
    t_eq("CS 0xE008", init1(), -XEN_EINVAL);
    good_context();
    ctx.user_regs.ss = 0xE010;
    t_eq("SS 0xE010", init1(), -XEN_EINVAL);
    good_context();
    ctx.user_regs.cs = 0x0008;
    t_eq("CS of a GDT entry (no GDT yet)", init1(), -XEN_EINVAL);
    good_context();
    ctx.user_regs.cs = 0xE00C;                    /* an LDT selector */
    t_eq("CS of an LDT entry", init1(), -XEN_EINVAL);
    t_eq("vCPU 1 still uninitialised (up)", HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL),
         -XEN_EINVAL);
    t_end();

    t_begin("initialise_fpu_mxcsr_masked");
    uint32_t mask;
    __asm__ volatile("fxsave64 %0" : "=m"(fx));
    memcpy(&mask, fx + 28, sizeof(mask));
    if (!mask)
        mask = 0xFFBF;
    good_context();
    ctx.flags |= VGCF_i387_valid;
    memcpy(&ctx.fpu_ctxt, fx, sizeof(fx));
    uint32_t bad = 0xFFFFFFFF;
    memcpy((uint8_t *)&ctx.fpu_ctxt + 24, &bad, sizeof(bad));
    t_eq("initialise with MXCSR 0xFFFFFFFF", init1(), 0);
    t_eq("up", HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL), 0);
    uint64_t end = pvclock_now() + 2000ull * 1000 * 1000;
    while (!v1_started && pvclock_now() < end)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    t_eq("vCPU 1 ran", v1_started, 1);
    t_eq("its MXCSR", v1_mxcsr, 0xFFFFFFFFu & mask);
    t_end();
}
