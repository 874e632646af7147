/* A boot-time domain (domU) with two vCPUs that brings up its second one with
 * vcpu_op (hypercall 24; ABI notes §2.1 row 24, §2.2).
 *
 * Not booted by tests/guests/run.sh (dom0 has a single vCPU):
 * tests/boot/scenarios/sched-vcpus.sh gives it as a `domU ... vcpus=2` module.
 * Checks: VCPUOP_is_up(0) is 1 and is_up(1) 0 (secondary vCPUs start down);
 * a vCPU id the domain lacks (2, 8, 0xFFFFFFFF) is -ENOENT for is_up, up, down and
 * initialise; VCPUOP_up of the uninitialised vCPU 1 is -EINVAL; VCPUOP_initialise
 * refuses an unreadable context (-EFAULT), a non-canonical RIP (-EINVAL), a ctrlreg[3]
 * that is not an L4 page table (a frame mapped writable, the L3 of the running tables,
 * an address outside RAM: -EINVAL) and each refusal leaves the vCPU uninitialised
 * (up still -EINVAL); with a context whose ctrlreg[3] is the running L4 (read with an
 * emulated mov %cr3), a stack and an entry point in this image it returns 0, a second
 * initialise of vCPU 1 (or of vCPU 0) is -EEXIST, and the vCPU still does not run
 * before VCPUOP_up; after up (0) it runs the entry with the context's RDI/RSI, is_up(1)
 * is 1 and its runstate shows running time; VCPUOP_down (0) stops it (is_up 0, no
 * progress over 50 ms, runstate RUNSTATE_offline), up resumes it where it stopped; a
 * vCPU that downs itself stops until vCPU 0 ups it again, then its VCPUOP_down returns
 * 0. The domain powers off with vCPU 1 still up (teardown of a running second vCPU).
 * Without it: SMP PV kernels (and XTF's xsa-296) start their secondary vCPUs this way.
 */
#include "rt.h"
#include "pvtime.h"

#define V1_RDI 0x1111222233334444ull
#define V1_RSI 0x5555666677778888ull

enum { CMD_RUN, CMD_SELF_DOWN };

static volatile uint64_t v1_started, v1_rdi, v1_rsi, v1_count, v1_cmd, v1_self_down_rc = 99;
static volatile uint64_t v1_self_down_returns;
static uint8_t v1_stack[16384] __attribute__((aligned(16)));
static uint8_t data_page[4096] BSS_PAGE;
static struct vcpu_guest_context ctx;

/* vCPU 1's whole life: the context put RDI/RSI here; yield forever, or down itself. */
static void __attribute__((noreturn, used)) vcpu1_main(uint64_t rdi, uint64_t rsi)
{
    v1_rdi = rdi;
    v1_rsi = rsi;
    v1_started = 1;
    printk("vcpu1: running\n");
    for (;;) {
        v1_count++;
        if (v1_cmd == CMD_SELF_DOWN) {
            v1_cmd = CMD_RUN;
            v1_self_down_rc = HYPERVISOR_vcpu_op(VCPUOP_down, 1, NULL);
            v1_self_down_returns++;
        }
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
}

static long vcpu_op(int cmd, unsigned int id, void *arg)
{
    return HYPERVISOR_vcpu_op(cmd, id, arg);
}

static uint64_t read_cr3(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

/* Yield until *flag != 0 or `ms` of system time passed; returns *flag. */
static uint64_t wait_for(const volatile uint64_t *flag, uint64_t ms)
{
    uint64_t end = pvclock_now() + ms * NS_PER_MS;

    while (!*flag && pvclock_now() < end)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    return *flag;
}

/* Yield for `ms` of system time. */
static void yield_for(uint64_t ms)
{
    uint64_t end = pvclock_now() + ms * NS_PER_MS;

    while (pvclock_now() < end)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

static void good_context(void)
{
    memset(&ctx, 0, sizeof(ctx));
    ctx.flags = VGCF_in_kernel;
    ctx.user_regs.rip = (uint64_t)vcpu1_main;
    /* As if called: RSP = 8 mod 16 at the entry of a C function. */
    ctx.user_regs.rsp = (uint64_t)(v1_stack + sizeof(v1_stack)) - 8;
    ctx.user_regs.rdi = V1_RDI;
    ctx.user_regs.rsi = V1_RSI;
    ctx.user_regs.rflags = 0x2;
    ctx.kernel_ss = FLAT_KERNEL_SS;
    ctx.kernel_sp = (uint64_t)(v1_stack + sizeof(v1_stack));
    ctx.ctrlreg[3] = read_cr3();
}

static void t_ids(void)
{
    static const unsigned int bad[] = { 2, 8, 0xFFFFFFFFu };

    t_begin("vcpu_ids");
    t_eq("is_up(0)", vcpu_op(VCPUOP_is_up, 0, NULL), 1);
    t_eq("is_up(1) before up", vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        t_eq("is_up(missing vCPU)", vcpu_op(VCPUOP_is_up, bad[i], NULL), -XEN_ENOENT);
        t_eq("up(missing vCPU)", vcpu_op(VCPUOP_up, bad[i], NULL), -XEN_ENOENT);
        t_eq("down(missing vCPU)", vcpu_op(VCPUOP_down, bad[i], NULL), -XEN_ENOENT);
        good_context();
        t_eq("initialise(missing vCPU)", vcpu_op(VCPUOP_initialise, bad[i], &ctx),
             -XEN_ENOENT);
    }
    struct vcpu_runstate_info rs;
    t_eq("runstate(1) rc", runstate_get(1, &rs), 0);
    t_eq("runstate(1) state before up", rs.state, RUNSTATE_offline);
    t_end();
}

static void t_bad_contexts(void)
{
    const uint64_t *l4 = (const uint64_t *)start_info->pt_base;

    t_begin("up_uninitialised_einval");
    t_eq("up(1) before initialise", vcpu_op(VCPUOP_up, 1, NULL), -XEN_EINVAL);
    t_eq("is_up(1)", vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    t_end();

    t_begin("initialise_refusals");
    t_eq("unmapped context", vcpu_op(VCPUOP_initialise, 1, (void *)0x40000000ul),
         -XEN_EFAULT);
    good_context();
    ctx.user_regs.rip = 0x0000800000000000ull;
    t_eq("non-canonical RIP", vcpu_op(VCPUOP_initialise, 1, &ctx), -XEN_EINVAL);
    good_context();
    data_page[0] = 1;                             /* mapped RW: a writable frame */
    ctx.ctrlreg[3] = virt_to_maddr(data_page);
    t_eq("ctrlreg[3] = a writable data frame", vcpu_op(VCPUOP_initialise, 1, &ctx),
         -XEN_EINVAL);
    good_context();
    ctx.ctrlreg[3] = l4[0] & PTE_ADDR;             /* the running L3 */
    t_eq("ctrlreg[3] = an L3 table", vcpu_op(VCPUOP_initialise, 1, &ctx), -XEN_EINVAL);
    good_context();
    ctx.ctrlreg[3] = 0xFFFFFFFFF000ull;
    t_eq("ctrlreg[3] outside RAM", vcpu_op(VCPUOP_initialise, 1, &ctx), -XEN_EINVAL);
    t_eq("up(1) after the refusals", vcpu_op(VCPUOP_up, 1, NULL), -XEN_EINVAL);
    t_eq("vCPU 1 never ran", v1_started, 0);
    t_end();
}

static void t_initialise_up(void)
{
    struct vcpu_runstate_info rs;

    t_begin("initialise_then_up");
    good_context();
    printk("vcpus: vCPU 1 context: rip %#lx rsp %#lx cr3 %#lx\n",
           (unsigned long)ctx.user_regs.rip, (unsigned long)ctx.user_regs.rsp,
           (unsigned long)ctx.ctrlreg[3]);
    t_check(ctx.ctrlreg[3] == virt_to_maddr((void *)start_info->pt_base),
            "mov %%cr3 read %#lx, the L4 is at %#lx", (unsigned long)ctx.ctrlreg[3],
            (unsigned long)virt_to_maddr((void *)start_info->pt_base));
    t_eq("initialise(1)", vcpu_op(VCPUOP_initialise, 1, &ctx), 0);
    t_eq("initialise(1) again", vcpu_op(VCPUOP_initialise, 1, &ctx), -XEN_EEXIST);
    t_eq("initialise(0)", vcpu_op(VCPUOP_initialise, 0, &ctx), -XEN_EEXIST);
    t_eq("is_up(1) after initialise", vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    yield_for(20);
    t_eq("vCPU 1 ran before up", v1_started, 0);
    t_eq("up(1)", vcpu_op(VCPUOP_up, 1, NULL), 0);
    t_eq("is_up(1) after up", vcpu_op(VCPUOP_is_up, 1, NULL), 1);
    t_check(wait_for(&v1_started, 2000), "vCPU 1 did not start within 2 s of up");
    t_eq("vCPU 1 RDI", v1_rdi, V1_RDI);
    t_eq("vCPU 1 RSI", v1_rsi, V1_RSI);
    uint64_t c = v1_count;
    yield_for(20);
    t_check(v1_count > c, "vCPU 1 made no progress in 20 ms");
    t_eq("runstate(1) rc", runstate_get(1, &rs), 0);
    t_check(rs.state == RUNSTATE_runnable || rs.state == RUNSTATE_running,
            "vCPU 1 runstate %d while up", rs.state);
    t_check(rs.time[RUNSTATE_running] > 0, "vCPU 1 has no running time");
    t_eq("up(1) while up", vcpu_op(VCPUOP_up, 1, NULL), 0);
    t_end();
}

static void t_down_up(void)
{
    struct vcpu_runstate_info rs;

    t_begin("down_stops_up_resumes");
    t_eq("down(1)", vcpu_op(VCPUOP_down, 1, NULL), 0);
    t_eq("is_up(1) after down", vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    uint64_t c = v1_count;
    yield_for(50);
    t_eq("vCPU 1 progress while down", v1_count - c, 0);
    t_eq("runstate(1) rc", runstate_get(1, &rs), 0);
    t_eq("runstate(1) state while down", rs.state, RUNSTATE_offline);
    t_eq("down(1) again", vcpu_op(VCPUOP_down, 1, NULL), 0);
    t_eq("up(1)", vcpu_op(VCPUOP_up, 1, NULL), 0);
    yield_for(20);
    t_check(v1_count > c, "vCPU 1 made no progress after up");
    t_end();

    t_begin("self_down");
    uint64_t returns = v1_self_down_returns;
    v1_cmd = CMD_SELF_DOWN;
    uint64_t end = pvclock_now() + 2 * NS_PER_S;
    while (vcpu_op(VCPUOP_is_up, 1, NULL) == 1 && pvclock_now() < end)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    t_eq("is_up(1) after it downed itself", vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    c = v1_count;
    yield_for(30);
    t_eq("vCPU 1 progress while down", v1_count - c, 0);
    t_eq("its VCPUOP_down returned while down", v1_self_down_returns - returns, 0);
    t_eq("up(1)", vcpu_op(VCPUOP_up, 1, NULL), 0);
    end = pvclock_now() + 2 * NS_PER_S;
    while (v1_self_down_returns == returns && pvclock_now() < end)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    t_eq("its VCPUOP_down returned after up", v1_self_down_returns - returns, 1);
    t_eq("its VCPUOP_down rc", v1_self_down_rc, 0);
    t_end();
}

void test_main(void)
{
    if (!shared)
        rt_panic("shared_info not mapped");
    t_ids();
    t_bad_contexts();
    t_initialise_up();
    if (v1_started)
        t_down_up();
    else
        test_fail("down_stops_up_resumes", "vCPU 1 never started");
    printk("vcpus: powering off with vCPU 1 up (is_up %ld)\n", vcpu_op(VCPUOP_is_up, 1, NULL));
}
