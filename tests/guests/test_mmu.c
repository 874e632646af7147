/* The PV MMU interface: update_va_mapping (14), mmu_update (1), mmuext_op (26) and
 * the read-only rules behind them (ABI notes §4).
 *
 * Checks: update_va_mapping remaps a page read-only (a write is then #PF P|W) and
 * back, maps another own frame or the shared_info frame at a second address, and
 * refuses a non-canonical VA (XSA-279), a VA with no L1 table and a hypervisor VA
 * (-EINVAL), and a writable mapping of a page-table frame (-EBUSY) while allowing a
 * read-only one; mmu_update writes an L1 entry by machine address, stops at the
 * first failing request (error returned, *pdone = requests done, the rest not
 * applied), refuses the hypervisor's L4 slots and superpage L2 entries (-EINVAL) and
 * accepts MMU_MACHPHYS_UPDATE of an own frame; pin/unpin keep Xen's rules (pin of a
 * read-only page as L1 works once, a second pin and an unpin of an unpinned frame are
 * -EINVAL, a frame still mapped writable cannot be pinned, the builder's L4 is
 * already pinned); NEW_BASEPTR switches to a copy of the L4 (mov %cr3 follows) and
 * back; TLB flush operations return 0, an unknown command is -ENOSYS, an unreadable
 * request list -EFAULT; the M2P is read-only to the guest.
 * Without it: Mini-OS builds its own page tables with these calls, XTF remaps its
 * GDT and maps shared_info; any frame mapped writable and used as a page table at
 * the same time breaks isolation.
 */
#include "rt.h"

#define ALL_REGS "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", \
    "r12", "r13", "r14", "r15", "memory", "cc"

static uint8_t scratch[3][4096] BSS_PAGE;

#define RW_FLAGS (PTE_P | PTE_RW | PTE_A | PTE_D)
#define RO_FLAGS (PTE_P | PTE_A)

static uint64_t own_maddr(const void *va)
{
    return virt_to_mfn(va) << 12;
}

static long uvm(const void *va, uint64_t pte)
{
    return HYPERVISOR_update_va_mapping((unsigned long)va, pte, UVMF_INVLPG);
}

/* Machine address of the L1 entry that maps va (walks the live tables via the M2P). */
static uint64_t l1e_maddr(const void *p)
{
    uint64_t va = (uint64_t)p;
    const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
    const uint64_t *l3 = (const uint64_t *)(M2P[(l4[(va >> 39) & 511] & PTE_ADDR) >> 12] << 12);
    const uint64_t *l2 = (const uint64_t *)(M2P[(l3[(va >> 30) & 511] & PTE_ADDR) >> 12] << 12);
    return (l2[(va >> 21) & 511] & PTE_ADDR) + 8 * ((va >> 12) & 511);
}

static unsigned long write_byte(void *va, uint8_t v)
{
    unsigned long n = rt_trap_count;
    __asm__ volatile(SITE("movb %%bl, (%%rax)") :: "a"(va), "b"((uint32_t)v) : "memory");
    return rt_trap_count - n;
}

static long mmuext(unsigned int cmd, uint64_t arg1)
{
    mmuext_op_t op = { .cmd = cmd, .arg1.mfn = arg1 };
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static void t_uvm(void)
{
    t_begin("uvm_readonly_and_back");
    scratch[0][0] = 1;
    t_eq("remap RO rc", uvm(scratch[0], own_maddr(scratch[0]) | RO_FLAGS), 0);
    if (t_eq("write to the RO page traps", write_byte(scratch[0], 2), 1)) {
        t_eq("vector", rt_last_trap.vector, X86_EXC_PF);
        t_eq("error code", rt_last_trap.ec, PFEC_P | PFEC_W);
    }
    t_eq("byte unchanged", scratch[0][0], 1);
    t_eq("remap RW rc", uvm(scratch[0], own_maddr(scratch[0]) | RW_FLAGS), 0);
    t_eq("write to the RW page traps", write_byte(scratch[0], 3), 0);
    t_eq("byte written", scratch[0][0], 3);
    t_end();

    t_begin("uvm_alias_own_frame");
    t_eq("map scratch1 -> frame of scratch0 rc", uvm(scratch[1], own_maddr(scratch[0]) | RW_FLAGS),
         0);
    t_eq("scratch0's byte 0 read through scratch1", ((volatile uint8_t *)scratch[1])[0], 3);
    ((volatile uint8_t *)scratch[1])[100] = 0x5A;
    t_eq("seen through scratch0", ((volatile uint8_t *)scratch[0])[100], 0x5A);
    t_eq("restore scratch1 rc", uvm(scratch[1], own_maddr(scratch[1]) | RW_FLAGS), 0);
    t_eq("scratch1 is its own page again", scratch[1][100], 0);
    t_end();

    t_begin("uvm_second_shared_info_mapping");
    if (t_check(shared != NULL, "shared_info not mapped")) {
        t_eq("map rc", uvm(scratch[1], (start_info->shared_info & PTE_ADDR) | RW_FLAGS), 0);
        const shared_info_t *s2 = (const shared_info_t *)scratch[1];
        t_check(!memcmp(s2->evtchn_mask, shared->evtchn_mask, sizeof(s2->evtchn_mask)),
                "evtchn_mask differs between the two mappings");
        t_eq("vcpu_info[0] mask through the second mapping",
             s2->vcpu_info[0].evtchn_upcall_mask, shared->vcpu_info[0].evtchn_upcall_mask);
        t_eq("restore rc", uvm(scratch[1], own_maddr(scratch[1]) | RW_FLAGS), 0);
    }
    t_end();

    t_begin("uvm_bad_va_einval");
    t_eq("VA 1<<63, UVMF_INVLPG|UVMF_ALL (XSA-279)",
         HYPERVISOR_update_va_mapping(1ul << 63, 0, UVMF_INVLPG | UVMF_ALL), -XEN_EINVAL);
    t_eq("VA 0x40000000 (no L1 table)", uvm((void *)0x40000000ul, 0), -XEN_EINVAL);
    t_eq("VA in the hypervisor's range", uvm((void *)HYPERVISOR_VIRT_START, 0), -XEN_EINVAL);
    t_end();

    uint64_t l4_maddr = own_maddr((void *)start_info->pt_base);
    t_begin("uvm_page_table_frame_rw_refused");
    t_eq("map the L4 frame RW", uvm(scratch[1], l4_maddr | RW_FLAGS), -XEN_EBUSY);
    t_eq("map the L4 frame RO", uvm(scratch[1], l4_maddr | RO_FLAGS), 0);
    t_check(!memcmp(scratch[1], (void *)start_info->pt_base, 2048),
            "the RO alias does not show the L4");
    t_eq("restore rc", uvm(scratch[1], own_maddr(scratch[1]) | RW_FLAGS), 0);
    t_end();
}

static void t_mmu_update(void)
{
    unsigned int done = 99;
    mmu_update_t req[3];

    t_begin("mmu_update_l1_entry");
    req[0] = (mmu_update_t){ l1e_maddr(scratch[1]) | MMU_NORMAL_PT_UPDATE,
                             own_maddr(scratch[0]) | RW_FLAGS };
    t_eq("rc", HYPERVISOR_mmu_update(req, 1, &done, DOMID_SELF), 0);
    t_eq("done", done, 1);
    /* mmu_update does not flush the TLB (Xen doesn't either): the guest does. */
    t_eq("INVLPG_LOCAL", mmuext(MMUEXT_INVLPG_LOCAL, (uint64_t)scratch[1]), 0);
    ((volatile uint8_t *)scratch[1])[8] = 0x77;
    t_eq("seen through scratch0", ((volatile uint8_t *)scratch[0])[8], 0x77);
    req[0].val = own_maddr(scratch[1]) | RW_FLAGS;
    t_eq("restore rc", HYPERVISOR_mmu_update(req, 1, NULL, DOMID_SELF), 0);
    t_eq("INVLPG_LOCAL", mmuext(MMUEXT_INVLPG_LOCAL, (uint64_t)scratch[1]), 0);
    t_end();

    t_begin("mmu_update_stops_at_failure");
    uint64_t l4_maddr = own_maddr((void *)start_info->pt_base);
    req[0] = (mmu_update_t){ l1e_maddr(scratch[1]) | MMU_NORMAL_PT_UPDATE,
                             own_maddr(scratch[1]) | RW_FLAGS };
    req[1] = (mmu_update_t){ l1e_maddr(scratch[2]) | MMU_NORMAL_PT_UPDATE,
                             l4_maddr | RW_FLAGS };
    req[2] = (mmu_update_t){ l1e_maddr(scratch[2]) | MMU_NORMAL_PT_UPDATE,
                             own_maddr(scratch[0]) | RW_FLAGS };
    done = 99;
    t_eq("rc (L4 frame mapped RW)", HYPERVISOR_mmu_update(req, 3, &done, DOMID_SELF),
         -XEN_EBUSY);
    t_eq("done", done, 1);
    mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0);
    ((volatile uint8_t *)scratch[2])[16] = 0x42;
    t_check(((volatile uint8_t *)scratch[0])[16] != 0x42,
            "the request after the failing one was applied");
    t_end();

    t_begin("mmu_update_hypervisor_l4_slot_einval");
    const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
    req[0] = (mmu_update_t){ (l4_maddr + 8 * XLITE_HV_L4_FIRST_SLOT) | MMU_NORMAL_PT_UPDATE,
                             l4[XLITE_HV_L4_FIRST_SLOT] };
    t_eq("rewrite L4 slot 256", HYPERVISOR_mmu_update(req, 1, NULL, DOMID_SELF), -XEN_EINVAL);
    req[0].ptr = (l4_maddr + 8 * XLITE_HV_L4_LAST_SLOT) | MMU_NORMAL_PT_UPDATE;
    req[0].val = l4[0];
    t_eq("write L4 slot 271", HYPERVISOR_mmu_update(req, 1, NULL, DOMID_SELF), -XEN_EINVAL);
    t_end();

    t_begin("mmu_update_superpage_einval");
    const uint64_t *l3 = (const uint64_t *)(M2P[(l4[0] & PTE_ADDR) >> 12] << 12);
    uint64_t l2_maddr = l3[0] & PTE_ADDR;
    const uint64_t *l2 = (const uint64_t *)(M2P[l2_maddr >> 12] << 12);
    t_eq("L2 slot 511 empty", l2[511], 0);
    req[0] = (mmu_update_t){ (l2_maddr + 8 * 511) | MMU_NORMAL_PT_UPDATE,
                             (pfn_to_mfn(0x200) << 12) | PTE_P | PTE_RW | PTE_A | PTE_PSE };
    t_eq("2 MiB L2 entry", HYPERVISOR_mmu_update(req, 1, NULL, DOMID_SELF), -XEN_EINVAL);
    t_eq("L2 slot 511 still empty", l2[511], 0);
    t_end();

    t_begin("machphys_update_own_frame");
    uint64_t mfn = virt_to_mfn(scratch[0]);
    req[0] = (mmu_update_t){ (mfn << 12) | MMU_MACHPHYS_UPDATE, (uint64_t)scratch[0] >> 12 };
    t_eq("rc", HYPERVISOR_mmu_update(req, 1, NULL, DOMID_SELF), 0);
    t_eq("m2p entry", M2P[mfn], (uint64_t)scratch[0] >> 12);
    t_end();
}

static void t_pin(void)
{
    uint64_t mfn = virt_to_mfn(scratch[2]);

    memset(scratch[2], 0, sizeof(scratch[2]));
    t_begin("pin_writable_frame_einval");
    t_eq("PIN_L1 of a frame mapped RW", mmuext(MMUEXT_PIN_L1_TABLE, mfn), -XEN_EINVAL);
    t_end();

    t_begin("pin_unpin_l1");
    t_eq("remap RO rc", uvm(scratch[2], own_maddr(scratch[2]) | RO_FLAGS), 0);
    t_eq("PIN_L1", mmuext(MMUEXT_PIN_L1_TABLE, mfn), 0);
    t_eq("PIN_L1 again", mmuext(MMUEXT_PIN_L1_TABLE, mfn), -XEN_EINVAL);
    t_eq("remap RW while pinned", uvm(scratch[2], own_maddr(scratch[2]) | RW_FLAGS),
         -XEN_EBUSY);
    t_eq("UNPIN", mmuext(MMUEXT_UNPIN_TABLE, mfn), 0);
    t_eq("UNPIN again", mmuext(MMUEXT_UNPIN_TABLE, mfn), -XEN_EINVAL);
    t_eq("remap RW rc", uvm(scratch[2], own_maddr(scratch[2]) | RW_FLAGS), 0);
    t_end();

    t_begin("pin_builder_l4_einval");
    t_eq("PIN_L4 of the running L4", mmuext(MMUEXT_PIN_L4_TABLE,
                                            virt_to_mfn((void *)start_info->pt_base)),
         -XEN_EINVAL);
    t_end();
}

static unsigned long read_cr3(uint64_t *v)
{
    unsigned long n = rt_trap_count;
    uint64_t r = 0;
    __asm__ volatile(SITE("mov %%cr3, %%rax") "mov %%rax, %0\n" : "=m"(r) :: ALL_REGS);
    *v = r;
    return rt_trap_count - n;
}

static void t_new_baseptr(void)
{
    const uint64_t *old = (const uint64_t *)start_info->pt_base;
    uint64_t old_mfn = virt_to_mfn(old), new_mfn = virt_to_mfn(scratch[2]), cr3 = 0;
    uint64_t *copy = (uint64_t *)scratch[2];

    t_begin("new_baseptr_to_a_copy_and_back");
    for (unsigned int i = 0; i < 512; i++)
        copy[i] = (i >= XLITE_HV_L4_FIRST_SLOT && i <= XLITE_HV_L4_LAST_SLOT) ? 0 : old[i];
    if (!t_eq("remap the copy RO", uvm(scratch[2], own_maddr(scratch[2]) | RO_FLAGS), 0) ||
        !t_eq("PIN_L4 of the copy", mmuext(MMUEXT_PIN_L4_TABLE, new_mfn), 0)) {
        uvm(scratch[2], own_maddr(scratch[2]) | RW_FLAGS);
        t_end();
        return;
    }
    t_check(copy[XLITE_HV_L4_FIRST_SLOT] & PTE_P,
            "the hypervisor did not fill slot 256 of the pinned copy");
    if (t_eq("NEW_BASEPTR(copy)", mmuext(MMUEXT_NEW_BASEPTR, new_mfn), 0)) {
        t_eq("mov %cr3 traps", read_cr3(&cr3), 0);
        t_eq("CR3 on the copy", cr3, new_mfn << 12);
        t_eq("kernel data still mapped", scratch[0][8], 0x77);
        t_eq("NEW_BASEPTR(original)", mmuext(MMUEXT_NEW_BASEPTR, old_mfn), 0);
        read_cr3(&cr3);
        t_eq("CR3 back on the original", cr3, old_mfn << 12);
    }
    t_eq("UNPIN the copy", mmuext(MMUEXT_UNPIN_TABLE, new_mfn), 0);
    t_eq("remap RW", uvm(scratch[2], own_maddr(scratch[2]) | RW_FLAGS), 0);
    t_end();
}

static void t_mmuext_misc(void)
{
    t_begin("mmuext_flushes_and_errors");
    t_eq("TLB_FLUSH_LOCAL", mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0), 0);
    t_eq("INVLPG_LOCAL", mmuext(MMUEXT_INVLPG_LOCAL, (uint64_t)scratch[0]), 0);
    t_eq("TLB_FLUSH_ALL", mmuext(MMUEXT_TLB_FLUSH_ALL, 0), 0);
    t_eq("INVLPG_ALL", mmuext(MMUEXT_INVLPG_ALL, (uint64_t)scratch[0]), 0);
    t_eq("unknown command 99", mmuext(99, 0), -XEN_ENOSYS);
    t_eq("unmapped request list",
         HYPERVISOR_mmuext_op((void *)0x40000000ul, 1, NULL, DOMID_SELF), -XEN_EFAULT);
    t_eq("unmapped mmu_update list",
         HYPERVISOR_mmu_update((void *)0x40000000ul, 1, NULL, DOMID_SELF), -XEN_EFAULT);
    t_end();

    t_begin("m2p_read_only");
    if (t_eq("write to the M2P traps", write_byte((void *)MACH2PHYS_VIRT_START, 0), 1)) {
        t_eq("vector", rt_last_trap.vector, X86_EXC_PF);
        t_eq("error code", rt_last_trap.ec, PFEC_P | PFEC_W);
    }
    t_end();
}

void test_main(void)
{
    t_uvm();
    t_mmu_update();
    t_pin();
    t_new_baseptr();
    t_mmuext_misc();
}
