/*
 * Run-time twin of the headers' static layout checks: computes sizes and
 * offsets with sizeof/offsetof and compares them with the numbers in
 * docs/ABI notes (/work/shared/abi/xen-pv-abi.md), so a layout change fails
 * here even if someone also deleted the matching XLITE_ABI_ASSERT. Also
 * exercises the io/ring.h index arithmetic on a real page.
 *
 * Prints "PASS abi/<group>" or "FAIL abi/<group>: <first mismatch>" per
 * group; exits 1 if anything failed. Builds as C99 and as C++11.
 */
#include <stdio.h>
#include <string.h>

#include <xlite/xen.h>
#include <xlite/arch-x86_64.h>
#include <xlite/sched.h>
#include <xlite/memory.h>
#include <xlite/event_channel.h>
#include <xlite/grant_table.h>
#include <xlite/vcpu.h>
#include <xlite/callback.h>
#include <xlite/physdev.h>
#include <xlite/version.h>
#include <xlite/domctl.h>
#include <xlite/io/ring.h>
#include <xlite/io/console.h>
#include <xlite/io/store.h>

struct check {
    const char *what;
    unsigned long long got;
    unsigned long long want;
};

#define SZ(type, want)            { "sizeof(" #type ")", sizeof(type), want }
#define OFF(type, member, want)   { #member, offsetof(type, member), want }
#define VAL(expr, want)           { #expr, (unsigned long long)(expr), want }
#define N(a) (sizeof(a) / sizeof((a)[0]))

static int failures;

static void group(const char *name, const struct check *c, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (c[i].got != c[i].want) {
            printf("FAIL abi/%s: %s = %llu, want %llu\n", name, c[i].what, c[i].got,
                   c[i].want);
            failures++;
            return;
        }
    }
    printf("PASS abi/%s\n", name);
}

static void result(const char *name, const char *why)
{
    if (why) {
        printf("FAIL abi/%s: %s\n", name, why);
        failures++;
    } else {
        printf("PASS abi/%s\n", name);
    }
}

static void check_layouts(void)
{
    static const struct check start_info[] = {
        SZ(struct start_info, 1168),
        OFF(struct start_info, magic, 0),
        OFF(struct start_info, nr_pages, 32),
        OFF(struct start_info, shared_info, 40),
        OFF(struct start_info, flags, 48),
        OFF(struct start_info, store_mfn, 56),
        OFF(struct start_info, store_evtchn, 64),
        OFF(struct start_info, console.domU.mfn, 72),
        OFF(struct start_info, console.domU.evtchn, 80),
        OFF(struct start_info, pt_base, 88),
        OFF(struct start_info, nr_pt_frames, 96),
        OFF(struct start_info, mfn_list, 104),
        OFF(struct start_info, mod_start, 112),
        OFF(struct start_info, mod_len, 120),
        OFF(struct start_info, cmd_line, 128),
        OFF(struct start_info, first_p2m_pfn, 1152),
        OFF(struct start_info, nr_p2m_frames, 1160),
    };
    static const struct check shared_info[] = {
        SZ(struct shared_info, 3136),
        SZ(struct vcpu_info, 64),
        SZ(struct vcpu_time_info, 32),
        SZ(struct arch_vcpu_info, 16),
        SZ(struct arch_shared_info, 48),
        OFF(struct shared_info, vcpu_info, 0),
        OFF(struct shared_info, evtchn_pending, 2048),
        OFF(struct shared_info, evtchn_mask, 2560),
        OFF(struct shared_info, wc_version, 3072),
        OFF(struct shared_info, wc_sec, 3076),
        OFF(struct shared_info, wc_nsec, 3080),
        OFF(struct shared_info, wc_sec_hi, 3084),
        OFF(struct shared_info, arch.max_pfn, 3088),
        OFF(struct shared_info, arch.pfn_to_mfn_frame_list_list, 3096),
        OFF(struct shared_info, arch.nmi_reason, 3104),
        OFF(struct shared_info, arch.p2m_cr3, 3112),
        OFF(struct shared_info, arch.p2m_vaddr, 3120),
        OFF(struct shared_info, arch.p2m_generation, 3128),
        OFF(struct vcpu_info, evtchn_upcall_pending, 0),
        OFF(struct vcpu_info, evtchn_upcall_mask, 1),
        OFF(struct vcpu_info, evtchn_pending_sel, 8),
        OFF(struct vcpu_info, arch.cr2, 16),
        OFF(struct vcpu_info, arch.pad, 24),
        OFF(struct vcpu_info, time, 32),
        OFF(struct vcpu_time_info, version, 0),
        OFF(struct vcpu_time_info, pad0, 4),
        OFF(struct vcpu_time_info, tsc_timestamp, 8),
        OFF(struct vcpu_time_info, system_time, 16),
        OFF(struct vcpu_time_info, tsc_to_system_mul, 24),
        OFF(struct vcpu_time_info, tsc_shift, 28),
        OFF(struct vcpu_time_info, flags, 29),
    };
    static const struct check core[] = {
        SZ(struct trap_info, 16),
        OFF(struct trap_info, vector, 0),
        OFF(struct trap_info, flags, 1),
        OFF(struct trap_info, cs, 2),
        OFF(struct trap_info, address, 8),
        SZ(struct mmu_update, 16),
        OFF(struct mmu_update, val, 8),
        SZ(struct mmuext_op, 24),
        OFF(struct mmuext_op, arg1, 8),
        OFF(struct mmuext_op, arg2, 16),
        SZ(struct multicall_entry, 64),
        OFF(struct multicall_entry, result, 8),
        OFF(struct multicall_entry, args, 16),
        SZ(struct callback_register, 16),
        OFF(struct callback_register, flags, 2),
        OFF(struct callback_register, address, 8),
        SZ(struct iret_context, 72),
        OFF(struct iret_context, rax, 0),
        OFF(struct iret_context, r11, 8),
        OFF(struct iret_context, rcx, 16),
        OFF(struct iret_context, flags, 24),
        OFF(struct iret_context, rip, 32),
        OFF(struct iret_context, cs, 40),
        OFF(struct iret_context, rflags, 48),
        OFF(struct iret_context, rsp, 56),
        OFF(struct iret_context, ss, 64),
        SZ(struct sched_shutdown, 4),
        SZ(struct sched_poll, 24),
        OFF(struct sched_poll, ports, 0),
        OFF(struct sched_poll, nr_ports, 8),
        OFF(struct sched_poll, timeout, 16),
        SZ(struct physdev_set_iopl, 4),
        SZ(struct xen_feature_info, 8),
        OFF(struct xen_feature_info, submap, 4),
        SZ(xen_extraversion_t, 16),
        SZ(xen_changeset_info_t, 64),
        SZ(xen_capabilities_info_t, 1024),
        SZ(struct xen_compile_info, 144),
        OFF(struct xen_compile_info, compile_by, 64),
        OFF(struct xen_compile_info, compile_domain, 80),
        OFF(struct xen_compile_info, compile_date, 112),
        SZ(struct vcpu_set_singleshot_timer, 16),
        OFF(struct vcpu_set_singleshot_timer, flags, 8),
    };
    static const struct check cpu_user_regs[] = {
        SZ(struct cpu_user_regs, 200),
        OFF(struct cpu_user_regs, r15, 0),
        OFF(struct cpu_user_regs, r14, 8),
        OFF(struct cpu_user_regs, r13, 16),
        OFF(struct cpu_user_regs, r12, 24),
        OFF(struct cpu_user_regs, rbp, 32),
        OFF(struct cpu_user_regs, rbx, 40),
        OFF(struct cpu_user_regs, r11, 48),
        OFF(struct cpu_user_regs, r10, 56),
        OFF(struct cpu_user_regs, r9, 64),
        OFF(struct cpu_user_regs, r8, 72),
        OFF(struct cpu_user_regs, rax, 80),
        OFF(struct cpu_user_regs, rcx, 88),
        OFF(struct cpu_user_regs, rdx, 96),
        OFF(struct cpu_user_regs, rsi, 104),
        OFF(struct cpu_user_regs, rdi, 112),
        OFF(struct cpu_user_regs, error_code, 120),
        OFF(struct cpu_user_regs, entry_vector, 124),
        OFF(struct cpu_user_regs, rip, 128),
        OFF(struct cpu_user_regs, cs, 136),
        OFF(struct cpu_user_regs, saved_upcall_mask, 140),
        OFF(struct cpu_user_regs, rflags, 144),
        OFF(struct cpu_user_regs, rsp, 152),
        OFF(struct cpu_user_regs, ss, 160),
        OFF(struct cpu_user_regs, es, 168),
        OFF(struct cpu_user_regs, ds, 176),
        OFF(struct cpu_user_regs, fs, 184),
        OFF(struct cpu_user_regs, gs, 192),
    };
    static const struct check vgc[] = {
        SZ(struct vcpu_guest_context, 5168),
        OFF(struct vcpu_guest_context, fpu_ctxt, 0),
        OFF(struct vcpu_guest_context, flags, 512),
        OFF(struct vcpu_guest_context, user_regs, 520),
        OFF(struct vcpu_guest_context, trap_ctxt, 720),
        OFF(struct vcpu_guest_context, ldt_base, 4816),
        OFF(struct vcpu_guest_context, ldt_ents, 4824),
        OFF(struct vcpu_guest_context, gdt_frames, 4832),
        OFF(struct vcpu_guest_context, gdt_ents, 4960),
        OFF(struct vcpu_guest_context, kernel_ss, 4968),
        OFF(struct vcpu_guest_context, kernel_sp, 4976),
        OFF(struct vcpu_guest_context, ctrlreg, 4984),
        OFF(struct vcpu_guest_context, ctrlreg[1], 4992),
        OFF(struct vcpu_guest_context, ctrlreg[3], 5008),
        OFF(struct vcpu_guest_context, debugreg, 5048),
        OFF(struct vcpu_guest_context, event_callback_eip, 5112),
        OFF(struct vcpu_guest_context, failsafe_callback_eip, 5120),
        OFF(struct vcpu_guest_context, syscall_callback_eip, 5128),
        OFF(struct vcpu_guest_context, vm_assist, 5136),
        OFF(struct vcpu_guest_context, fs_base, 5144),
        OFF(struct vcpu_guest_context, gs_base_kernel, 5152),
        OFF(struct vcpu_guest_context, gs_base_user, 5160),
    };
    static const struct check memory[] = {
        SZ(struct xen_memory_reservation, 32),
        OFF(struct xen_memory_reservation, extent_start, 0),
        OFF(struct xen_memory_reservation, nr_extents, 8),
        OFF(struct xen_memory_reservation, extent_order, 16),
        OFF(struct xen_memory_reservation, mem_flags, 20),
        OFF(struct xen_memory_reservation, domid, 24),
        SZ(struct xen_memory_exchange, 72),
        OFF(struct xen_memory_exchange, out, 32),
        OFF(struct xen_memory_exchange, nr_exchanged, 64),
        SZ(struct xen_add_to_physmap, 24),
        OFF(struct xen_add_to_physmap, size, 2),
        OFF(struct xen_add_to_physmap, space, 4),
        OFF(struct xen_add_to_physmap, idx, 8),
        OFF(struct xen_add_to_physmap, gpfn, 16),
        SZ(struct xen_memory_map, 16),
        OFF(struct xen_memory_map, buffer, 8),
        VAL(XENMEMF_node(0), 0x100),
        VAL(XENMEMF_get_node(XENMEMF_node(5)), 5),
    };
    static const struct check grant[] = {
        SZ(grant_entry_v1_t, 8),
        OFF(grant_entry_v1_t, domid, 2),
        OFF(grant_entry_v1_t, frame, 4),
        SZ(grant_entry_v2_t, 16),
        OFF(grant_entry_v2_t, full_page.frame, 8),
        OFF(grant_entry_v2_t, sub_page.page_off, 4),
        OFF(grant_entry_v2_t, sub_page.length, 6),
        OFF(grant_entry_v2_t, transitive.trans_domid, 4),
        OFF(grant_entry_v2_t, transitive.gref, 8),
        SZ(struct gnttab_setup_table, 24),
        OFF(struct gnttab_setup_table, nr_frames, 4),
        OFF(struct gnttab_setup_table, status, 8),
        OFF(struct gnttab_setup_table, frame_list, 16),
        SZ(struct gnttab_map_grant_ref, 32),
        OFF(struct gnttab_map_grant_ref, flags, 8),
        OFF(struct gnttab_map_grant_ref, ref, 12),
        OFF(struct gnttab_map_grant_ref, dom, 16),
        OFF(struct gnttab_map_grant_ref, status, 18),
        OFF(struct gnttab_map_grant_ref, handle, 20),
        OFF(struct gnttab_map_grant_ref, dev_bus_addr, 24),
        SZ(struct gnttab_unmap_grant_ref, 24),
        OFF(struct gnttab_unmap_grant_ref, dev_bus_addr, 8),
        OFF(struct gnttab_unmap_grant_ref, handle, 16),
        OFF(struct gnttab_unmap_grant_ref, status, 20),
        SZ(struct gnttab_unmap_and_replace, 24),
        OFF(struct gnttab_unmap_and_replace, new_addr, 8),
        OFF(struct gnttab_unmap_and_replace, status, 20),
        SZ(struct gnttab_set_version, 4),
        SZ(struct gnttab_get_status_frames, 16),
        OFF(struct gnttab_get_status_frames, dom, 4),
        OFF(struct gnttab_get_status_frames, status, 6),
        OFF(struct gnttab_get_status_frames, frame_list, 8),
        SZ(struct gnttab_cache_flush, 16),
        OFF(struct gnttab_cache_flush, offset, 8),
        OFF(struct gnttab_cache_flush, length, 10),
        OFF(struct gnttab_cache_flush, op, 12),
    };
    static const struct check evtchn[] = {
        SZ(struct evtchn_alloc_unbound, 8),
        OFF(struct evtchn_alloc_unbound, remote_dom, 2),
        OFF(struct evtchn_alloc_unbound, port, 4),
        SZ(struct evtchn_bind_interdomain, 12),
        OFF(struct evtchn_bind_interdomain, remote_port, 4),
        OFF(struct evtchn_bind_interdomain, local_port, 8),
        SZ(struct evtchn_bind_virq, 12),
        OFF(struct evtchn_bind_virq, vcpu, 4),
        OFF(struct evtchn_bind_virq, port, 8),
        SZ(struct evtchn_bind_pirq, 12),
        SZ(struct evtchn_close, 4),
        SZ(struct evtchn_send, 4),
        SZ(struct evtchn_unmask, 4),
        SZ(struct evtchn_status, 24),
        OFF(struct evtchn_status, port, 4),
        OFF(struct evtchn_status, status, 8),
        OFF(struct evtchn_status, vcpu, 12),
        OFF(struct evtchn_status, u.unbound.dom, 16),
        OFF(struct evtchn_status, u.interdomain.dom, 16),
        OFF(struct evtchn_status, u.interdomain.port, 20),
        OFF(struct evtchn_status, u.virq, 16),
        SZ(struct evtchn_init_control, 24),
        OFF(struct evtchn_init_control, offset, 8),
        OFF(struct evtchn_init_control, vcpu, 12),
        OFF(struct evtchn_init_control, link_bits, 16),
        SZ(struct evtchn_expand_array, 8),
    };
    static const struct check console[] = {
        SZ(struct xencons_interface, 3092),
        OFF(struct xencons_interface, in, 0),
        OFF(struct xencons_interface, out, 1024),
        OFF(struct xencons_interface, in_cons, 3072),
        OFF(struct xencons_interface, in_prod, 3076),
        OFF(struct xencons_interface, out_cons, 3080),
        OFF(struct xencons_interface, out_prod, 3084),
        OFF(struct xencons_interface, connection, 3088),
        VAL(MASK_XENCONS_IDX(2049u, ((struct xencons_interface *)0)->out), 1),
        VAL(MASK_XENCONS_IDX(1025u, ((struct xencons_interface *)0)->in), 1),
    };
    static const struct check store[] = {
        SZ(struct xsd_sockmsg, 16),
        OFF(struct xsd_sockmsg, req_id, 4),
        OFF(struct xsd_sockmsg, tx_id, 8),
        OFF(struct xsd_sockmsg, len, 12),
        OFF(struct xenstore_domain_interface, req, 0),
        OFF(struct xenstore_domain_interface, rsp, 1024),
        OFF(struct xenstore_domain_interface, req_cons, 2048),
        OFF(struct xenstore_domain_interface, req_prod, 2052),
        OFF(struct xenstore_domain_interface, rsp_cons, 2056),
        OFF(struct xenstore_domain_interface, rsp_prod, 2060),
        OFF(struct xenstore_domain_interface, server_features, 2064),
        OFF(struct xenstore_domain_interface, connection, 2068),
        OFF(struct xenstore_domain_interface, error, 2072),
        VAL(XENSTORE_RING_SIZE, 1024),
        VAL(XENSTORE_PAYLOAD_MAX, 4096),
        VAL(MASK_XENSTORE_IDX(1030u), 6),
        VAL(XS_ERROR, 16),
        VAL(XS_RESET_WATCHES, 21),
    };
    static const struct check domctl[] = {
        SZ(struct xlite_domctl, 144),
        OFF(struct xlite_domctl, interface_version, 4),
        OFF(struct xlite_domctl, domain, 8),
        OFF(struct xlite_domctl, u, 16),
        SZ(struct xlite_domctl_getdomaininfo, 80),
        OFF(struct xlite_domctl_getdomaininfo, cpu_time, 32),
        OFF(struct xlite_domctl_getdomaininfo, shared_info_frame, 40),
        OFF(struct xlite_domctl_getdomaininfo, name, 48),
        SZ(struct xlite_domctl_createdomain, 56),
        OFF(struct xlite_domctl_createdomain, shared_info_frame, 48),
        SZ(struct xlite_domctl_setvcpucontext, 16),
        SZ(struct xlite_domctl_readconsole, 24),
        SZ(struct xlite_domctl_physinfo, 32),
        VAL(XLITE_DOMCTL_INTERFACE_VERSION, 2),
        VAL(XLITE_DOMCTL_physinfo, 9),
        VAL(__HYPERVISOR_domctl, 36),
    };
    /* Numbers from the notes' tables. */
    static const struct check constants[] = {
        VAL(__HYPERVISOR_set_trap_table, 0),
        VAL(__HYPERVISOR_mmu_update, 1),
        VAL(__HYPERVISOR_set_callbacks, 4),
        VAL(__HYPERVISOR_set_debugreg, 8),
        VAL(__HYPERVISOR_update_descriptor, 10),
        VAL(__HYPERVISOR_memory_op, 12),
        VAL(__HYPERVISOR_multicall, 13),
        VAL(__HYPERVISOR_update_va_mapping, 14),
        VAL(__HYPERVISOR_set_timer_op, 15),
        VAL(__HYPERVISOR_xen_version, 17),
        VAL(__HYPERVISOR_console_io, 18),
        VAL(__HYPERVISOR_grant_table_op, 20),
        VAL(__HYPERVISOR_vm_assist, 21),
        VAL(__HYPERVISOR_iret, 23),
        VAL(__HYPERVISOR_vcpu_op, 24),
        VAL(__HYPERVISOR_mmuext_op, 26),
        VAL(__HYPERVISOR_xsm_op, 27),
        VAL(__HYPERVISOR_sched_op, 29),
        VAL(__HYPERVISOR_callback_op, 30),
        VAL(__HYPERVISOR_event_channel_op, 32),
        VAL(__HYPERVISOR_physdev_op, 33),
        VAL(__HYPERVISOR_sysctl, 35),
        VAL(__HYPERVISOR_argo_op, 39),
        VAL(XLITE_HYPERCALL_STUB_OFFSET(XLITE_HYPERCALL_IRET_STUB), 0x2E0),
        VAL(XLITE_HYPERCALL_STUB_SIZE * XLITE_HYPERCALL_NR_STUBS, 4096),
        VAL(DOMID_SELF, 0x7FF0),
        VAL(DOMID_FIRST_RESERVED, 0x7FF0),
        VAL(DOMID_IO, 0x7FF1),
        VAL(DOMID_XEN, 0x7FF2),
        VAL(DOMID_INVALID, 0x7FF4),
        VAL(FLAT_RING3_CS32, 0xE023),
        VAL(FLAT_RING3_DS32, 0xE02B),
        VAL(FLAT_RING3_SS64, 0xE02B),
        VAL(FLAT_RING3_CS64, 0xE033),
        VAL(FLAT_RING3_DS64, 0),
        VAL(FLAT_KERNEL_CS, 0xE033),
        VAL(FLAT_KERNEL_SS, 0xE02B),
        VAL(FLAT_KERNEL_DS, 0),
        VAL(FLAT_USER_CS32, 0xE023),
        VAL(HYPERVISOR_VIRT_START, 0xFFFF800000000000ULL),
        VAL(HYPERVISOR_VIRT_END, 0xFFFF880000000000ULL),
        VAL(MACH2PHYS_VIRT_START, 0xFFFF800000000000ULL),
        VAL(MACH2PHYS_VIRT_END, 0xFFFF804000000000ULL),
        VAL(MAX_VIRT_CPUS, 32),
        VAL(NR_EVENT_CHANNELS, 4096),
        VAL(FIRST_RESERVED_GDT_ENTRY, 7168),
        VAL(VGCF_in_kernel, 4),
        VAL(VGCF_online, 32),
        VAL(VGCF_in_syscall, 0x100),
        VAL(XLITE_TI_MASK_EVENTS, 4),
        VAL(MMU_NORMAL_PT_UPDATE, 0),
        VAL(MMU_PT_UPDATE_NO_TRANSLATE, 3),
        VAL(MMUEXT_PIN_L4_TABLE, 3),
        VAL(MMUEXT_NEW_USER_BASEPTR, 15),
        VAL(MMUEXT_UNMARK_SUPER, 20),
        VAL(UVMF_INVLPG, 2),
        VAL(UVMF_ALL, 4),
        VAL(VMASST_TYPE_architectural_iopl, 4),
        VAL(SIF_INITDOMAIN, 2),
        VAL(SIF_MOD_START_PFN, 8),
        VAL(XEN_PVCLOCK_TSC_STABLE_BIT, 1),
        VAL(XEN_PVCLOCK_GUEST_STOPPED, 2),
        VAL(SCHEDOP_poll, 3),
        VAL(SCHEDOP_pin_override, 7),
        VAL(SHUTDOWN_crash, 3),
        VAL(SHUTDOWN_soft_reset, 5),
        VAL(EVTCHNOP_alloc_unbound, 6),
        VAL(EVTCHNOP_set_priority, 13),
        VAL(EVTCHNSTAT_interdomain, 2),
        VAL(VIRQ_TIMER, 0),
        VAL(VIRQ_DOM_EXC, 3),
        VAL(NR_VIRQS, 24),
        VAL(GNTTABOP_cache_flush, 12),
        VAL(GTF_readonly, 4),
        VAL(GTF_sub_page, 0x100),
        VAL(GNTMAP_contains_pte, 16),
        VAL((unsigned short)GNTST_eagain, 0xFFF4),
        VAL(VCPUOP_register_vcpu_time_memory_area, 13),
        VAL(VCPU_SSHOTTMR_future, 1),
        VAL(CALLBACKTYPE_syscall32, 7),
        VAL(CALLBACKF_mask_events, 1),
        VAL(PHYSDEVOP_set_iopl, 6),
        VAL(PHYSDEVOP_set_iobitmap, 7),
        VAL(XENVER_build_id, 10),
        VAL(XENFEAT_dm_msix_all_writes, 20),
        VAL(CONSOLEIO_read, 1),
    };

    group("layout/start_info", start_info, N(start_info));
    group("layout/shared_info", shared_info, N(shared_info));
    group("layout/core", core, N(core));
    group("layout/cpu_user_regs", cpu_user_regs, N(cpu_user_regs));
    group("layout/vcpu_guest_context", vgc, N(vgc));
    group("layout/memory", memory, N(memory));
    group("layout/grant_table", grant, N(grant));
    group("layout/event_channel", evtchn, N(evtchn));
    group("layout/console", console, N(console));
    group("layout/store", store, N(store));
    group("layout/domctl", domctl, N(domctl));
    group("layout/constants", constants, N(constants));
}

static void check_trap_info_helpers(void)
{
    struct trap_info ti;

    memset(&ti, 0, sizeof(ti));
    TI_SET_DPL(&ti, 3);
    TI_SET_IF(&ti, 1);
    if (ti.flags != 7 || TI_GET_DPL(&ti) != 3 || !TI_GET_IF(&ti)) {
        result("trap_info-helpers", "set DPL 3 + IF did not give flags 7");
        return;
    }
    TI_SET_DPL(&ti, 1);
    TI_SET_IF(&ti, 0);
    if (ti.flags != 1 || TI_GET_IF(&ti)) {
        result("trap_info-helpers", "set DPL 1, clear IF did not give flags 1");
        return;
    }
    result("trap_info-helpers", NULL);
}

/* ---- ring arithmetic on a real page ---- */

struct test_req {
    uint64_t id;
    uint64_t arg;
};
struct test_rsp {
    uint64_t id;
    int16_t status;
};
DEFINE_RING_TYPES(test, struct test_req, struct test_rsp);

static union {
    struct test_sring s;
    uint8_t bytes[XLITE_PAGE_SIZE];
} page;

enum { PAGE_SLOTS = XLITE_CONST_RING_SIZE(test, XLITE_PAGE_SIZE) };

static void check_ring_sizes(void)
{
    static const struct check c[] = {
        SZ(union test_sring_entry, 16),
        OFF(struct test_sring, ring, 64),
        VAL(PAGE_SLOTS, 128), /* (4096 - 64) / 16 = 252 -> 128 */
        VAL(XLITE_RING_NR_ENTS(4096, 112), 32),  /* blkif-sized slots */
        VAL(XLITE_RING_NR_ENTS(4096, 8), 256),
        VAL(XLITE_RING_NR_ENTS(4096, 4032), 1),
        VAL(XLITE_RING_NR_ENTS(8192, 8), 512),
        VAL(XLITE_RING_POW2_FLOOR(0), 0),
        VAL(XLITE_RING_POW2_FLOOR(0xFFFFFF), 0x800000),
    };
    group("ring/sizes", c, N(c));
}

/* One request/response round trip between a front and back end at start index base. */
static const char *ring_round_trip(RING_IDX base)
{
    test_front_ring_t front;
    test_back_ring_t back;
    RING_IDX rp, rc;
    int notify, work, i;
    unsigned got = 0;

    memset(&page, 0xA5, sizeof(page));
    SHARED_RING_INIT(&page.s);
    page.s.req_prod = page.s.rsp_prod = base;
    page.s.req_event = page.s.rsp_event = base + 1;
    FRONT_RING_ATTACH(&front, &page.s, base, sizeof(page));
    BACK_RING_ATTACH(&back, &page.s, base, sizeof(page));

    if (RING_SIZE(&front) != PAGE_SLOTS || RING_FREE_REQUESTS(&front) != PAGE_SLOTS)
        return "fresh ring is not empty";
    if (page.s.pvt[0] != 0 || page.s.pad[43] != 0)
        return "SHARED_RING_INIT left the header padding dirty";

    /* Back end has nothing: final check arms req_event and says "sleep". */
    RING_FINAL_CHECK_FOR_REQUESTS(&back, work);
    if (work || page.s.req_event != base + 1)
        return "empty ring: final check found work or did not arm req_event";

    /* Front end queues 3 requests: the back end asked to be woken, so notify. */
    for (i = 0; i < 3; i++) {
        struct test_req *rq = RING_GET_REQUEST(&front, front.req_prod_pvt);
        rq->id = 100 + (uint64_t)i;
        rq->arg = 0;
        front.req_prod_pvt++;
    }
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
    if (!notify)
        return "first push did not ask for a notification";
    if (RING_FREE_REQUESTS(&front) != PAGE_SLOTS - 3)
        return "free-request count wrong after 3 requests";

    /* Two more before the back end re-arms: no second notification. */
    for (i = 3; i < 5; i++) {
        RING_GET_REQUEST(&front, front.req_prod_pvt)->id = 100 + (uint64_t)i;
        front.req_prod_pvt++;
    }
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
    if (notify)
        return "push past an already-crossed req_event asked for a notification";

    /* Back end drains all 5, answering each in its slot. */
    if (RING_HAS_UNCONSUMED_REQUESTS(&back) != 5)
        return "back end does not see 5 requests";
    rp = XLITE_RING_REQ_PROD(&back);
    for (rc = back.req_cons; rc != rp; rc++) {
        struct test_req copy;
        struct test_rsp *rs;

        if (RING_REQUEST_CONS_OVERFLOW(&back, rc))
            return "consumer overflow on a legal ring";
        RING_COPY_REQUEST(&back, rc, &copy);
        rs = RING_GET_RESPONSE(&back, back.rsp_prod_pvt);
        rs->id = copy.id;
        rs->status = 0;
        back.rsp_prod_pvt++;
    }
    back.req_cons = rc;
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, notify);
    if (!notify)
        return "first response push did not ask for a notification";
    RING_FINAL_CHECK_FOR_REQUESTS(&back, work);
    if (work || page.s.req_event != base + 6)
        return "drained back end: final check wrong";

    /* Front end consumes the responses in order. */
    rp = XLITE_RING_RSP_PROD(&front);
    for (rc = front.rsp_cons; rc != rp; rc++) {
        if (RING_GET_RESPONSE(&front, rc)->id != 100 + got)
            return "responses out of order";
        got++;
    }
    front.rsp_cons = rc;
    if (got != 5)
        return "front end did not get 5 responses";
    RING_FINAL_CHECK_FOR_RESPONSES(&front, work);
    if (work || page.s.rsp_event != base + 6)
        return "drained front end: final check wrong";
    if (RING_FREE_REQUESTS(&front) != PAGE_SLOTS)
        return "ring not empty after the round trip";

    /* A new request now crosses the re-armed req_event: notify again. */
    RING_GET_REQUEST(&front, front.req_prod_pvt)->id = 7;
    front.req_prod_pvt++;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
    if (!notify)
        return "push after the back end re-armed did not notify";
    return NULL;
}

static void check_ring_protocol(void)
{
    test_front_ring_t front;
    test_back_ring_t back;
    unsigned i;

    result("ring/round-trip", ring_round_trip(0));
    /* Indices wrap at 2^32 in the middle of the exchange. */
    result("ring/wrap", ring_round_trip(0xFFFFFFFDu));

    /* Fill the ring completely, then a hostile req_prod far beyond it. */
    SHARED_RING_INIT(&page.s);
    FRONT_RING_INIT(&front, &page.s, sizeof(page));
    BACK_RING_INIT(&back, &page.s, sizeof(page));
    for (i = 0; i < PAGE_SLOTS; i++)
        front.req_prod_pvt++;
    RING_PUSH_REQUESTS(&front);
    if (!RING_FULL(&front)) {
        result("ring/full-and-hostile", "ring of nr_ents requests is not full");
        return;
    }
    page.s.req_prod = 5 * PAGE_SLOTS; /* more than the back end could answer */
    if (RING_HAS_UNCONSUMED_REQUESTS(&back) != PAGE_SLOTS ||
        !RING_REQUEST_PROD_OVERFLOW(&back, page.s.req_prod) ||
        !RING_REQUEST_CONS_OVERFLOW(&back, back.req_cons + PAGE_SLOTS)) {
        result("ring/full-and-hostile", "bogus req_prod not bounded by the ring size");
        return;
    }
    result("ring/full-and-hostile", NULL);
}

int main(void)
{
    check_layouts();
    check_trap_info_helpers();
    check_ring_sizes();
    check_ring_protocol();
    return failures ? 1 : 0;
}
