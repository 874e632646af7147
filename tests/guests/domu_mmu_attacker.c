/* A boot-time domain (domU) that attacks other domains' memory through every PV MMU
 * path it has (ABI notes §4; x86/page_type.h in hypervisor/arch/x86_64/include), and
 * must be refused each time with the exact code.
 *
 * Not booted by tests/guests/run.sh: tests/boot/scenarios/mmu-cross-domain.sh gives it
 * as a `domU ... cmdline="victim=N"` module next to domu_mmu_victim.elf (domain N),
 * which checks that nothing of it changed. The attacker reads the whole M2P (it is
 * readable by every guest; the scan stops at the first unmapped M2P page) and takes
 * every frame with an M2P entry that its own P2M does not map: another domain's frame.
 * For each such frame (at least the victim's 2048 must be among them) it tries:
 * mapping it read-only and read-write with update_va_mapping, writing into it as if
 * it were a page table (mmu_update MMU_NORMAL_PT_UPDATE and PRESERVE_AD), rewriting
 * its M2P entry (MMU_MACHPHYS_UPDATE), pinning it as L1 and L4, unpinning it (the
 * victim's own L4 is pinned), loading it as kernel or user CR3 (NEW_BASEPTR,
 * NEW_USER_BASEPTR), pointing an L2 entry at it, clearing it and copying it into an own
 * page (MMUEXT_CLEAR_PAGE / COPY_PAGE), writing a descriptor into it
 * (update_descriptor), making it a GDT frame (set_gdt): all -EINVAL; giving it back
 * (decrease_reservation): 0 extents. Then domain-wide: mmu_update and mmuext_op with
 * foreigndom = the victim are -EPERM (done 0), with a foreigndom of no domain -ESRCH;
 * SCHEDOP_remote_shutdown of the victim -EPERM (of no domain -ESRCH);
 * current/maximum_reservation of the victim -EPERM; increase_reservation,
 * populate_physmap and decrease_reservation for the victim 0 extents. Its own page
 * that COPY_PAGE would have overwritten is unchanged. Then "DONE ..." and poweroff.
 */
#include "rt.h"
#include <xlite/memory.h>

#define RW_FLAGS (PTE_P | PTE_RW | PTE_A | PTE_D)
#define RO_FLAGS (PTE_P | PTE_A)
#define L2_FREE  510u

static uint8_t alias[4096] BSS_PAGE;
static uint8_t target[4096] BSS_PAGE;
static uint64_t l2_ma;

static uint64_t ma(const volatile void *va)
{
    return virt_to_mfn(va) << 12;
}

static long uvm(const volatile void *va, uint64_t pte)
{
    return HYPERVISOR_update_va_mapping((unsigned long)va, pte, UVMF_INVLPG);
}

static long mmu1(uint64_t ptr, uint64_t val)
{
    mmu_update_t r = { .ptr = ptr, .val = val };
    return HYPERVISOR_mmu_update(&r, 1, NULL, DOMID_SELF);
}

static long ext2(unsigned int cmd, uint64_t arg1, uint64_t arg2)
{
    mmuext_op_t op = { .cmd = cmd, .arg1.mfn = arg1, .arg2.src_mfn = arg2 };
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static long reservation_op(unsigned int op, domid_t dom, xen_pfn_t *extent)
{
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = dom };

    set_xen_guest_handle(r.extent_start, extent);
    return HYPERVISOR_memory_op(op, &r);
}

/* Reads M2P[mfn]; false if that part of the M2P is not mapped (a #PF, fixed up). */
static bool m2p_read(uint64_t mfn, uint64_t *val)
{
    unsigned long n = rt_trap_count;
    uint64_t v = ~0ull;

    __asm__ volatile(SITE("movq (%%rax), %%rbx") : "+b"(v) : "a"(&M2P[mfn]) : "memory");
    *val = v;
    return rt_trap_count == n;
}

/* ------------------------------------------------------------------ per frame */

static long a_map_ro(uint64_t m)   { return uvm(alias, (m << 12) | RO_FLAGS); }
static long a_map_rw(uint64_t m)   { return uvm(alias, (m << 12) | RW_FLAGS); }
static long a_pt_write(uint64_t m) { return mmu1((m << 12) | MMU_NORMAL_PT_UPDATE, 0); }
static long a_pt_write_ad(uint64_t m)
{
    return mmu1((m << 12) | MMU_PT_UPDATE_PRESERVE_AD, RW_FLAGS);
}
static long a_machphys(uint64_t m) { return mmu1((m << 12) | MMU_MACHPHYS_UPDATE, 0); }
static long a_pin_l1(uint64_t m)   { return ext2(MMUEXT_PIN_L1_TABLE, m, 0); }
static long a_pin_l4(uint64_t m)   { return ext2(MMUEXT_PIN_L4_TABLE, m, 0); }
static long a_unpin(uint64_t m)    { return ext2(MMUEXT_UNPIN_TABLE, m, 0); }
static long a_baseptr(uint64_t m)  { return ext2(MMUEXT_NEW_BASEPTR, m, 0); }
static long a_user_baseptr(uint64_t m) { return ext2(MMUEXT_NEW_USER_BASEPTR, m, 0); }
static long a_l2_entry(uint64_t m) { return mmu1(l2_ma + 8 * L2_FREE, (m << 12) | RO_FLAGS); }
static long a_clear(uint64_t m)    { return ext2(MMUEXT_CLEAR_PAGE, m, 0); }
static long a_copy(uint64_t m)     { return ext2(MMUEXT_COPY_PAGE, virt_to_mfn(target), m); }
static long a_descriptor(uint64_t m) { return HYPERVISOR_update_descriptor(m << 12, 0); }
static long a_gdt(uint64_t m)
{
    unsigned long f[1] = { m };
    return HYPERVISOR_set_gdt(f, 512);
}
static long a_give_back(uint64_t m)
{
    xen_pfn_t e = m;
    return reservation_op(XENMEM_decrease_reservation, DOMID_SELF, &e);
}

static struct attack {
    const char *name;
    long (*fn)(uint64_t mfn);
    long want;
    unsigned long wrong;     /* frames where the result was not `want` */
    long first_rc;
    uint64_t first_mfn;
} attacks[] = {
    { "update_va_mapping RO", a_map_ro, -XEN_EINVAL, 0, 0, 0 },
    { "update_va_mapping RW", a_map_rw, -XEN_EINVAL, 0, 0, 0 },
    { "mmu_update into it", a_pt_write, -XEN_EINVAL, 0, 0, 0 },
    { "mmu_update PRESERVE_AD into it", a_pt_write_ad, -XEN_EINVAL, 0, 0, 0 },
    { "MMU_MACHPHYS_UPDATE", a_machphys, -XEN_EINVAL, 0, 0, 0 },
    { "PIN_L1_TABLE", a_pin_l1, -XEN_EINVAL, 0, 0, 0 },
    { "PIN_L4_TABLE", a_pin_l4, -XEN_EINVAL, 0, 0, 0 },
    { "UNPIN_TABLE", a_unpin, -XEN_EINVAL, 0, 0, 0 },
    { "NEW_BASEPTR", a_baseptr, -XEN_EINVAL, 0, 0, 0 },
    { "NEW_USER_BASEPTR", a_user_baseptr, -XEN_EINVAL, 0, 0, 0 },
    { "L2 entry onto it", a_l2_entry, -XEN_EINVAL, 0, 0, 0 },
    { "CLEAR_PAGE", a_clear, -XEN_EINVAL, 0, 0, 0 },
    { "COPY_PAGE from it", a_copy, -XEN_EINVAL, 0, 0, 0 },
    { "update_descriptor", a_descriptor, -XEN_EINVAL, 0, 0, 0 },
    { "set_gdt", a_gdt, -XEN_EINVAL, 0, 0, 0 },
    { "decrease_reservation", a_give_back, 0, 0, 0, 0 },
};

/* Every frame with an M2P entry that our P2M does not map; returns how many. */
static uint64_t attack_frames(void)
{
    uint64_t own_alias = ma(alias), v, n = 0;

    for (uint64_t m = 0; m2p_read(m, &v); m++) {
        if (v == ~0ull || (v < start_info->nr_pages && pfn_to_mfn(v) == m))
            continue;                       /* nobody's, or our own */
        n++;
        for (unsigned int i = 0; i < ARRAY_SIZE(attacks); i++) {
            struct attack *a = &attacks[i];
            long rc = a->fn(m);
            if (rc != a->want && a->wrong++ == 0) {
                a->first_rc = rc;
                a->first_mfn = m;
            }
        }
        /* Whatever happened, the alias and the L2 slot go back to their own state. */
        uvm(alias, own_alias | RW_FLAGS);
        mmu1(l2_ma + 8 * L2_FREE, 0);
    }
    return n;
}

/* ------------------------------------------------------------------ whole domain */

static void attack_domain(domid_t victim)
{
    mmu_update_t r = { (l2_ma + 8 * L2_FREE) | MMU_NORMAL_PT_UPDATE, 0 };
    mmuext_op_t pin = { .cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = virt_to_mfn(target) };
    mmuext_op_t flush = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    struct sched_remote_shutdown rs = { .domain_id = victim, .reason = SHUTDOWN_poweroff };
    unsigned int done;
    xen_pfn_t e;

    t_begin("foreigndom_of_another_domain_eperm");
    done = 99;
    t_eq("mmu_update foreigndom = victim",
         HYPERCALL4(__HYPERVISOR_mmu_update, &r, 1, &done, victim), -XEN_EPERM);
    t_eq("done", done, 0);
    t_eq("mmuext_op PIN foreigndom = victim",
         HYPERCALL4(__HYPERVISOR_mmuext_op, &pin, 1, NULL, victim), -XEN_EPERM);
    t_eq("mmuext_op TLB_FLUSH foreigndom = victim",
         HYPERCALL4(__HYPERVISOR_mmuext_op, &flush, 1, NULL, victim), -XEN_EPERM);
    t_eq("mmu_update foreigndom = no domain",
         HYPERCALL4(__HYPERVISOR_mmu_update, &r, 1, NULL, 1000), -XEN_ESRCH);
    t_end();

    t_begin("remote_shutdown_eperm");
    t_eq("SCHEDOP_remote_shutdown of the victim",
         HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_EPERM);
    rs.domain_id = 1000;
    t_eq("SCHEDOP_remote_shutdown of no domain",
         HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_ESRCH);
    t_end();

    t_begin("memory_op_on_another_domain");
    domid_t d = victim;
    t_eq("current_reservation(victim)", HYPERVISOR_memory_op(XENMEM_current_reservation, &d),
         -XEN_EPERM);
    t_eq("maximum_reservation(victim)", HYPERVISOR_memory_op(XENMEM_maximum_reservation, &d),
         -XEN_EPERM);
    e = 0;
    t_eq("increase_reservation for the victim",
         reservation_op(XENMEM_increase_reservation, victim, &e), 0);
    e = 0x100;
    t_eq("populate_physmap for the victim",
         reservation_op(XENMEM_populate_physmap, victim, &e), 0);
    e = virt_to_mfn(target);
    t_eq("decrease_reservation for the victim (our frame)",
         reservation_op(XENMEM_decrease_reservation, victim, &e), 0);
    t_end();
}

void test_main(void)
{
    uint64_t victim = 0;

    if (!cmdline_value("victim", &victim) || victim == 0 || victim >= DOMID_FIRST_RESERVED)
        rt_panic("need victim=DOMID on the command line");
    const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
    const uint64_t *l3 = (const uint64_t *)mfn_to_virt((l4[0] & PTE_ADDR) >> 12);
    l2_ma = l3[0] & PTE_ADDR;
    if (((const uint64_t *)mfn_to_virt(l2_ma >> 12))[L2_FREE])
        rt_panic("L2 slot %u in use", L2_FREE);
    for (unsigned int i = 0; i < 512; i++)
        ((uint64_t *)target)[i] = 0x7A7A7A7A00000000ull | i;

    uint64_t found = attack_frames();
    printk("attacker: %lu frames of other domains attacked, %u ways each\n",
           (unsigned long)found, (unsigned int)ARRAY_SIZE(attacks));
    t_begin("other_domains_frames_refused");
    t_check(found >= 2048, "only %lu frames of other domains in the M2P",
            (unsigned long)found);
    for (unsigned int i = 0; i < ARRAY_SIZE(attacks); i++) {
        const struct attack *a = &attacks[i];
        char want[48], got[48];
        t_check(a->wrong == 0, "%s: %s on %lu frames (first: mfn %#lx), expected %s",
                a->name, fmt_val(got, sizeof(got), (uint64_t)a->first_rc),
                a->wrong, (unsigned long)a->first_mfn,
                fmt_val(want, sizeof(want), (uint64_t)a->want));
    }
    unsigned int changed = 0;
    for (unsigned int i = 0; i < 512; i++)
        changed += ((uint64_t *)target)[i] != (0x7A7A7A7A00000000ull | i);
    t_eq("words of our page COPY_PAGE overwrote", changed, 0);
    t_eq("alias maps our own frame again", uvm(alias, ma(alias) | RW_FLAGS), 0);
    t_end();

    attack_domain((domid_t)victim);
}
