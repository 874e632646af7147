/* multicall (hypercall 13).
 *
 * Checks: a batch runs its entries in order and writes each result (xen_version,
 * XENVER_pagesize, sched_op yield, a console write); a failing entry (unknown
 * hypercall, -ENOSYS) does not stop the batch; a nested multicall entry fails with
 * -EINVAL; zero entries is a no-op returning 0; an unreadable list is -EFAULT; an
 * iret entry is performed and ends the batch: the multicall returns the iret's
 * restored RAX (0xDEAD) at the iret frame's RIP/RSP and the entries after it are
 * not run (XSA-213). An entry that sleeps ends the round: in [SCHEDOP_block (a
 * singleshot timer 2 ms ahead), VCPUOP_get_runstate_info] the second entry runs
 * after the sleep, so the runstate it reads has at least 1 ms more blocked time.
 * Without it: Mini-OS's unmap paths and XTF xsa-213/xsa-286 fail; a multicall that
 * kept going after iret would run hypercalls on a half-switched context; entries
 * after a block ran before the vCPU slept (a [block, stop_singleshot_timer] batch
 * cancelled its own wake-up and the vCPU slept for ever: found by the fuzzer).
 */
#include "rt.h"
#include "pvtime.h"
#include <xlite/vcpu.h>
#include <xlite/version.h>

static const char text[] = "multicall-console-entry\n";

static void entry(multicall_entry_t *m, unsigned long op, unsigned long a0, unsigned long a1,
                  unsigned long a2)
{
    memset(m, 0, sizeof(*m));
    m->op = op;
    m->result = 0x7777777777777777ul;
    m->args[0] = a0;
    m->args[1] = a1;
    m->args[2] = a2;
}

static void t_batch(void)
{
    multicall_entry_t m[4];

    t_begin("batch_results");
    entry(&m[0], __HYPERVISOR_xen_version, XENVER_version, 0, 0);
    entry(&m[1], __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0);
    entry(&m[2], __HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    entry(&m[3], __HYPERVISOR_console_io, CONSOLEIO_write, sizeof(text) - 1,
          (unsigned long)text);
    t_eq("multicall rc", HYPERVISOR_multicall(m, 4), 0);
    t_eq("result[0] (XENVER_version)", m[0].result, HYPERVISOR_xen_version(XENVER_version, NULL));
    t_eq("result[1] (XENVER_pagesize)", m[1].result, 4096);
    t_eq("result[2] (yield)", m[2].result, 0);
    t_eq("result[3] (console_io)", m[3].result, 0);
    t_end();
}

static void t_failures(void)
{
    multicall_entry_t m[3], inner[1];

    t_begin("failing_entry_does_not_stop");
    entry(&m[0], 60, 0, 0, 0);
    entry(&m[1], __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0);
    entry(&m[2], 1000, 0, 0, 0);
    t_eq("multicall rc", HYPERVISOR_multicall(m, 3), 0);
    t_eq("result[0] (hypercall 60)", m[0].result, -XEN_ENOSYS);
    t_eq("result[1] (XENVER_pagesize)", m[1].result, 4096);
    t_eq("result[2] (hypercall 1000)", m[2].result, -XEN_ENOSYS);
    t_end();

    t_begin("nested_multicall_einval");
    entry(&inner[0], __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0);
    entry(&m[0], __HYPERVISOR_multicall, (unsigned long)inner, 1, 0);
    entry(&m[1], __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0);
    t_eq("multicall rc", HYPERVISOR_multicall(m, 2), 0);
    t_eq("result[0] (nested multicall)", m[0].result, -XEN_EINVAL);
    t_eq("inner entry not run", inner[0].result, 0x7777777777777777ul);
    t_eq("result[1]", m[1].result, 4096);
    t_end();

    t_begin("empty_and_bad_list");
    t_eq("0 entries", HYPERVISOR_multicall(m, 0), 0);
    t_eq("unmapped list", HYPERVISOR_multicall((void *)0x40000000ul, 1), -XEN_EFAULT);
    t_eq("non-canonical list", HYPERVISOR_multicall((void *)0x8000000000000000ul, 1),
         -XEN_EFAULT);
    t_end();
}

/* Written by the asm below, by name. */
uint64_t mc_rax, mc_returned, mc_rsp_before, mc_rsp_after, mc_list;

static void t_iret(void)
{
    static multicall_entry_t m[2];

    entry(&m[0], __HYPERVISOR_iret, 0, 0, 0);
    entry(&m[1], __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0);
    mc_list = (uint64_t)m;
    mc_returned = 0;
    /* An iret_context at RSP (RAX, R11, RCX, flags, RIP, CS, RFLAGS, RSP, SS), then a
     * bare SYSCALL: multicall reads iret's frame where the iret stub would have put it. */
    __asm__ volatile(
        "mov %%rsp, %%rbx\n"
        "mov %%rsp, mc_rsp_before\n"
        "pushq $0xE02B\n"
        "push %%rbx\n"
        "pushq $2\n"
        "pushq $0xE030\n"
        "pushq $1f\n"
        "pushq $0\n"
        "pushq $0x5a5a\n"
        "pushq $0x6b6b\n"
        "pushq $0xdead\n"
        "mov $13, %%eax\n"
        "mov mc_list, %%rdi\n"
        "mov $2, %%esi\n"
        "syscall\n"
        "movq $1, mc_returned\n"
        "mov %%rbx, %%rsp\n"
        "1: mov %%rax, mc_rax\n"
        "mov %%rsp, mc_rsp_after\n"
        ::: "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory", "cc");

    t_begin("iret_entry_ends_batch");
    t_eq("multicall came back past the SYSCALL instead of at the iret RIP", mc_returned, 0);
    t_eq("RAX (the iret's restored RAX)", mc_rax, 0xdead);
    t_eq("RSP (the iret frame's)", mc_rsp_after, mc_rsp_before);
    t_eq("entry after the iret not run", m[1].result, 0x7777777777777777ul);
    t_end();
}

static void t_block(void)
{
    struct vcpu_runstate_info before, after;
    struct vcpu_set_singleshot_timer st;
    multicall_entry_t m[2];

    t_begin("block_entry_ends_round");
    t_eq("event callbacks", rt_register_event_callbacks(), 0);    /* block unmasks events */
    t_eq("runstate before", HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &before), 0);
    entry(&m[0], __HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
    entry(&m[1], __HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 0, (unsigned long)&after);
    shared->vcpu_info[0].evtchn_upcall_pending = 0;   /* else the block returns at once */
    st.timeout_abs_ns = pvclock_now() + 2000000;
    st.flags = 0;
    t_eq("singleshot timer", HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), 0);
    t_eq("multicall rc", HYPERVISOR_multicall(m, 2), 0);
    t_eq("result[0] (block)", m[0].result, 0);
    t_eq("result[1] (get_runstate_info)", m[1].result, 0);
    uint64_t slept = after.time[RUNSTATE_blocked] - before.time[RUNSTATE_blocked];
    t_check(slept >= 1000000, "entry 1 saw %lu ns of blocked time: it ran before the sleep",
            (unsigned long)slept);
    t_end();
}

void test_main(void)
{
    t_batch();
    t_block();
    t_failures();
    t_iret();
}
