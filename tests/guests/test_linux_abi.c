/* The Xen ABI pieces Debian's Linux kernel needs before its console exists (issue
 * "Debian's stock Linux kernel as a PV domU", items 4-6 and the calls it probes).
 *
 * Checks: CPUID (forced emulation) reports hypervisor leaves up to base + 2, whose
 * leaf says one hypercall page at MSR 0x40000000; RDMSR of MSR_DEBUGCTL (0x1d9) reads
 * 0 and WRMSR of 0 works, of anything else #GPs; xenpmu_op is -EOPNOTSUPP (Xen with
 * its vPMU off); VCPUOP_register_runstate_memory_area refuses a hypervisor address
 * (-EFAULT), writes the area at once (state running) and again after the vCPU blocked
 * (time blocked grows, state_entry_time moves), and stops once unregistered;
 * VCPUOP_register_vcpu_info refuses rsvd != 0, an offset the struct does not fit
 * after and a page-table frame (-EINVAL), then moves vcpu_info into the guest's page
 * (contents copied, everything marked pending), delivers events there (a loopback
 * channel sets its selector bit in the new copy, not in shared_info), keeps pvclock
 * there, and refuses a second registration (-EINVAL). Every frame comes back at the
 * end (the vcpu_info frame's reference is dropped at teardown).
 * Without it: Linux BUG()s on -ENOSYS from both VCPUOPs, and does not see Xen at all
 * without leaf base + 2.
 *
 * EXPECT-LOG: ^frames: [0-9]+ free, as before any domain was built$
 */
#include "ptutil.h"
#include "pvtime.h"
#include <xlite/event_channel.h>
#include <xlite/vcpu.h>

#define DEBUGCTL 0x1d9u

static struct vcpu_runstate_info area;
static uint8_t vi_page[4096] BSS_PAGE;

static void fep_cpuid(uint32_t leaf, uint32_t r[4])
{
    __asm__ volatile(FEP "cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(0));
}

static void t_cpuid(void)
{
    uint32_t r[4];

    t_begin("cpuid_hypervisor_leaves");
    fep_cpuid(0x40000000u, r);
    t_check(r[0] >= 0x40000002u, "highest leaf %#x", r[0]);
    t_eq("signature EBX", r[1], 0x566e6558);     /* "XenV" */
    fep_cpuid(0x40000002u, r);
    t_eq("hypercall pages", r[0], 1);
    t_eq("hypercall MSR", r[1], 0x40000000u);
    t_end();
}

static void t_msrs(void)
{
    uint32_t lo = 0xDEAD, hi = 0xBEEF;
    unsigned long n = rt_trap_count;

    t_begin("debugctl_reads_zero");
    __asm__ volatile(SITE("rdmsr") : "=a"(lo), "=d"(hi) : "c"(DEBUGCTL) : "memory");
    t_eq("no trap", rt_trap_count - n, 0);
    t_eq("value", ((uint64_t)hi << 32) | lo, 0);
    __asm__ volatile(SITE("wrmsr") :: "c"(DEBUGCTL), "a"(0), "d"(0) : "memory");
    t_eq("WRMSR 0: no trap", rt_trap_count - n, 0);
    __asm__ volatile(SITE("wrmsr") :: "c"(DEBUGCTL), "a"(1), "d"(0) : "memory");
    t_eq("WRMSR 1 traps", rt_trap_count - n, 1);
    t_eq("... #GP", rt_last_trap.vector, X86_EXC_GP);
    t_end();

    t_begin("xenpmu_op_eopnotsupp");
    t_eq("xenpmu_op", hypercall_nr(__HYPERVISOR_xenpmu_op, 0, 0, 0, 0, 0), -XEN_EOPNOTSUPP);
    t_end();
}

static long register_runstate(uint64_t va)
{
    struct vcpu_register_runstate_memory_area a = { .addr.p = va };
    return HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &a);
}

static void t_runstate(void)
{
    t_begin("runstate_area");
    t_eq("hypervisor address", register_runstate(0xFFFF830000000000ull), -XEN_EFAULT);
    memset(&area, 0xFF, sizeof(area));
    t_eq("register", register_runstate((uint64_t)&area), 0);
    t_eq("state now", area.state, RUNSTATE_running);
    uint64_t entry = area.state_entry_time, blocked = area.time[RUNSTATE_blocked];
    sleep_until(pvclock_now() + 5ull * 1000 * 1000);
    t_eq("state after blocking", area.state, RUNSTATE_running);
    t_check(area.state_entry_time > entry, "state_entry_time did not move");
    t_check(area.time[RUNSTATE_blocked] > blocked, "time blocked did not grow");
    t_eq("unregister", register_runstate(0), 0);
    entry = area.state_entry_time;
    sleep_until(pvclock_now() + 2ull * 1000 * 1000);
    t_eq("not written once unregistered", area.state_entry_time, entry);
    t_end();
}

static long register_vi(uint64_t mfn, uint32_t offset, uint32_t rsvd)
{
    struct vcpu_register_vcpu_info r = { .mfn = mfn, .offset = offset, .rsvd = rsvd };
    return HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &r);
}

static void t_vcpu_info(void)
{
    uint64_t mfn = virt_to_mfn(vi_page);
    struct vcpu_info *vi = (struct vcpu_info *)(vi_page + 64);
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF };

    t_begin("register_vcpu_info");
    t_eq("rsvd 1", register_vi(mfn, 64, 1), -XEN_EINVAL);
    t_eq("offset past the end", register_vi(mfn, 4096 - 8, 0), -XEN_EINVAL);
    t_eq("a page-table frame", register_vi(virt_to_mfn(pt_l4()), 0, 0), -XEN_EINVAL);
    uint8_t mask = shared->vcpu_info[0].evtchn_upcall_mask;
    t_eq("register", register_vi(mfn, 64, 0), 0);
    t_eq("mask copied", vi->evtchn_upcall_mask, mask);
    t_eq("all marked pending", vi->evtchn_pending_sel, ~0ul);
    t_eq("upcall pending", vi->evtchn_upcall_pending, 1);
    t_eq("second registration", register_vi(mfn, 128, 0), -XEN_EINVAL);

    vi->evtchn_upcall_mask = 1;                   /* no upcall: look at the bits */
    vi->evtchn_pending_sel = 0;
    vi->evtchn_upcall_pending = 0;
    shared->vcpu_info[0].evtchn_pending_sel = 0;
    t_eq("alloc_unbound", HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
    bi.remote_port = au.port;
    t_eq("bind_interdomain", HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bi), 0);
    struct evtchn_send snd = { .port = au.port };
    t_eq("send", HYPERVISOR_event_channel_op(EVTCHNOP_send, &snd), 0);
    unsigned int p = bi.local_port;
    t_eq("pending in shared_info", (shared->evtchn_pending[p / 64] >> (p % 64)) & 1, 1);
    t_eq("selector in the new vcpu_info", (vi->evtchn_pending_sel >> (p / 64)) & 1, 1);
    t_eq("upcall pending there", vi->evtchn_upcall_pending, 1);
    t_eq("old slot untouched", shared->vcpu_info[0].evtchn_pending_sel, 0);
    uint32_t version = vi->time.version;
    HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    t_check(vi->time.version != 0 && vi->time.tsc_to_system_mul != 0,
            "pvclock not kept in the new vcpu_info (version %u)", version);
    t_end();
}

void test_main(void)
{
    t_cpuid();
    t_msrs();
    t_runstate();
    t_vcpu_info();                                /* last: shared_info's slot goes stale */
}
