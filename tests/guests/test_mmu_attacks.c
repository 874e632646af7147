/* Attacks on the PV MMU rules (ABI notes §4, x86/page_type.h in
 * hypervisor/arch/x86_64/include): each one is refused with its exact error code,
 * changes nothing, and the domain carries on.
 *
 * Checks: no page-table frame (L1..L4 of the running tables) can be mapped writable
 * through a second mapping (update_va_mapping and mmu_update: -EBUSY), read-only is
 * fine; a linear L4 self-map is accepted read-only (it shows the L4 and its L3 through
 * the self-map VA, a write there is #PF P|W, update_va_mapping through it is -EINVAL)
 * and refused read-write (-EINVAL, XSA-182), the same for an L2 self-map and for an L2
 * entry onto another pinned L2; a frame with a writable mapping cannot be pinned at
 * any level (-EINVAL, XSA-224), not even through a second alias, and a pinned table
 * cannot get one (-EBUSY); the hypervisor's L4 slots 256..271 cannot be written
 * (-EINVAL; slots 255 and 272 can) and whatever a new L4 holds there is replaced by the
 * hypervisor's entries on pin and zeroed on unpin; superpages at L2/L3, PS at L4 and
 * PAT in L1 (bit 7), PWT/PCD at any level, G above L1, the grant marker bit 62 and
 * address bits beyond MAXPHYADDR are -EINVAL; an L1 entry onto MMIO or a reserved
 * frame is -EPERM; pin twice, pin as another level, unpin of an unpinned frame, of a
 * data frame or of a frame outside RAM are -EINVAL; an mmu_update batch of 3 good, 1
 * bad and 2 good requests returns the bad one's code with *pdone = 3 and leaves the
 * last 2 undone; MMU_MACHPHYS_UPDATE works on an own frame and is -EINVAL for a frame
 * the domain does not own or outside RAM; a foreigndom naming no domain is -ESRCH
 * (mmu_update and mmuext_op); type confusion (L4 entry onto an L2, L3 entry onto the
 * L4, L2 entry onto an L3 or a writable frame, NEW_BASEPTR / NEW_USER_BASEPTR onto a
 * non-L4, set_gdt and update_descriptor onto a page table) is -EINVAL; an L1 that maps
 * itself writable, or an L2 whose L1 maps the L2 writable, cannot be pinned (-EBUSY)
 * and its frames are plain data again afterwards (read-only versions pin fine); a page
 * of garbage is refused at every level (-EINVAL) and left as it was; the running L4 can
 * be unpinned (its CR3 reference keeps it alive) and pinned again; a GDT frame cannot
 * be mapped writable or written through mmu_update (-EBUSY) or pinned (-EINVAL) until
 * set_gdt lets it go; XENMEM_decrease_reservation refuses ("0 extents") a pinned
 * table, a mapped frame, the running L4 and a frame the domain does not own, and all
 * of them keep working (Xen would take a referenced frame and free it once unused;
 * xlite refuses it, see memory_op.c: either way it is never reused while referenced),
 * while an unreferenced frame goes (1 extent, current_reservation one less, M2P entry
 * invalid, mapping or pinning it -EINVAL, a second give-back 0).
 * After all of it the domain still runs and, once it has shut down, every frame is
 * back (EXPECT-LOG). tests/boot/scenarios/mmu-cross-domain.sh also boots this guest as
 * an unprivileged domU next to others.
 * Without it: any of these holes gives a guest a writable page table or another
 * domain's memory (XSA-182, XSA-224 and their kin).
 *
 * EXPECT-LOG: ^frames: [0-9]+ free, as before any domain was built$
 */
#include "rt.h"
#include <xlite/memory.h>
#include <xlite/version.h>

#define RW_FLAGS  (PTE_P | PTE_RW | PTE_A | PTE_D)
#define RO_FLAGS  (PTE_P | PTE_A)
#define LIN_SLOT  200u          /* an L4 slot the test guests never use */
#define L2_FREE   510u          /* an L2 slot of the image's L2 that is empty */
#define L3_FREE   511u          /* an L3 slot of the image's L3 that is empty */
#define NR_SPARE  8
#define PG_GNTTAB_BIT (1ull << 62)

static uint8_t alias[3][4096] BSS_PAGE;   /* second mappings of other frames */
static uint8_t window[4096] BSS_PAGE;     /* how spare frames are read and written */
static uint8_t target[4096] BSS_PAGE;     /* an ordinary data page */

static uint64_t *l4, *l3, *l2;            /* the running tables mapping the image */
static uint64_t l4_ma, l3_ma, l2_ma;      /* their machine addresses */
static uint64_t spare[NR_SPARE];          /* own frames mapped nowhere (MFNs) */

static uint64_t *table(uint64_t entry)
{
    return (uint64_t *)mfn_to_virt((entry & PTE_ADDR) >> 12);
}

static uint64_t ma(const volatile void *va)
{
    return virt_to_mfn(va) << 12;
}

/* Machine address of the L1 entry that maps va. */
static uint64_t l1e_ma(const volatile void *p)
{
    uint64_t va = (uint64_t)p;
    const uint64_t *t3 = table(l4[(va >> 39) & 511]);
    const uint64_t *t2 = table(t3[(va >> 30) & 511]);
    return (t2[(va >> 21) & 511] & PTE_ADDR) + 8 * ((va >> 12) & 511);
}

/* The L1 table (frame, machine address) that maps va. */
static uint64_t l1_ma_of(const volatile void *p)
{
    return l1e_ma(p) & PTE_ADDR;
}

static bool va_mapped(uint64_t va)
{
    uint64_t e = l4[(va >> 39) & 511];

    for (unsigned int level = 3; level >= 1; level--) {
        if (!(e & PTE_P))
            return false;
        e = table(e)[(va >> (12 + 9 * (level - 1))) & 511];
    }
    return e & PTE_P;
}

static uint64_t lin_va(unsigned int a, unsigned int b, unsigned int c, unsigned int d)
{
    uint64_t va = ((uint64_t)a << 39) | ((uint64_t)b << 30) | ((uint64_t)c << 21) |
                  ((uint64_t)d << 12);
    return a >= 256 ? va | 0xFFFF000000000000ull : va;
}

static long uvm(const volatile void *va, uint64_t pte)
{
    return HYPERVISOR_update_va_mapping((unsigned long)va, pte, UVMF_INVLPG);
}

/* Back to the page's own frame, read-write. */
static long restore(const volatile void *va)
{
    return uvm(va, ma(va) | RW_FLAGS);
}

static long mmu1(uint64_t ptr, uint64_t val)
{
    mmu_update_t r = { .ptr = ptr, .val = val };
    return HYPERVISOR_mmu_update(&r, 1, NULL, DOMID_SELF);
}

static long ext(unsigned int cmd, uint64_t mfn)
{
    mmuext_op_t op = { .cmd = cmd, .arg1.mfn = mfn };
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static void flush(void)
{
    ext(MMUEXT_TLB_FLUSH_LOCAL, 0);
}

static long pin(unsigned int level, uint64_t mfn)
{
    return ext(MMUEXT_PIN_L1_TABLE + level - 1, mfn);
}

static long unpin(uint64_t mfn)
{
    return ext(MMUEXT_UNPIN_TABLE, mfn);
}

/* Fill a spare frame: all entries `fill`, then entry idx = val (idx 512: none). */
static void frame_set(uint64_t mfn, uint64_t fill, unsigned int idx, uint64_t val)
{
    long rc = uvm(window, (mfn << 12) | RW_FLAGS);

    if (rc)
        rt_panic("map frame %#lx writable at the window: %ld", (unsigned long)mfn, rc);
    uint64_t *w = (uint64_t *)window;
    for (unsigned int i = 0; i < 512; i++)
        w[i] = fill;
    if (idx < 512)
        w[idx] = val;
    if ((rc = restore(window)))
        rt_panic("restore the window: %ld", rc);
}

/* Copy a frame's 512 entries out through a read-only window mapping. */
static void frame_get(uint64_t mfn, uint64_t *out)
{
    long rc = uvm(window, (mfn << 12) | RO_FLAGS);

    if (rc)
        rt_panic("map frame %#lx read-only at the window: %ld", (unsigned long)mfn, rc);
    memcpy(out, window, 4096);
    if ((rc = restore(window)))
        rt_panic("restore the window: %ld", rc);
}

/* A write at va: 1 if it trapped (rt_last_trap has it), 0 if it went through. */
static unsigned long write_byte(volatile void *va, uint8_t v)
{
    unsigned long n = rt_trap_count;
    __asm__ volatile(SITE("movb %%bl, (%%rax)") :: "a"(va), "b"((uint32_t)v) : "memory");
    return rt_trap_count - n;
}

/* The domain owns mfn (its P2M maps some PFN to it). */
static bool owned(uint64_t mfn)
{
    uint64_t pfn = M2P[mfn];
    return pfn < start_info->nr_pages && pfn_to_mfn(pfn) == mfn;
}

static void setup(void)
{
    l4 = (uint64_t *)start_info->pt_base;
    l4_ma = ma(l4);
    l3 = table(l4[0]);
    l3_ma = l4[0] & PTE_ADDR;
    l2 = table(l3[0]);
    l2_ma = l3[0] & PTE_ADDR;

    unsigned int n = 0;
    for (uint64_t pfn = start_info->nr_pages - 1; pfn > 0 && n < NR_SPARE; pfn--)
        if (!va_mapped(pfn << 12))
            spare[n++] = pfn_to_mfn(pfn);
    if (n < NR_SPARE)
        rt_panic("only %u unmapped frames", n);
    if (l4[LIN_SLOT] || l2[L2_FREE] || l3[L3_FREE])
        rt_panic("L4 slot %u, L2 slot %u or L3 slot %u is in use", LIN_SLOT, L2_FREE,
                 L3_FREE);
    memset(target, 0x5A, sizeof(target));
}

/* ------------------------------------------------------------------ the attacks */

static void t_pt_alias(void)
{
    const uint64_t frames[4] = { l1_ma_of(alias[0]), l2_ma, l3_ma, l4_ma };
    static const char *const names[4] = { "L1", "L2", "L3", "L4" };

    t_begin("pt_frame_rw_alias_ebusy");
    for (unsigned int i = 0; i < 4; i++) {
        char what[64];
        snprintf(what, sizeof(what), "update_va_mapping %s frame RW", names[i]);
        t_eq(what, uvm(alias[0], frames[i] | RW_FLAGS), -XEN_EBUSY);
        snprintf(what, sizeof(what), "mmu_update %s frame RW", names[i]);
        t_eq(what, mmu1(l1e_ma(alias[0]), frames[i] | RW_FLAGS), -XEN_EBUSY);
        snprintf(what, sizeof(what), "update_va_mapping %s frame RO", names[i]);
        t_eq(what, uvm(alias[0], frames[i] | RO_FLAGS), 0);
        t_eq("first entry through the RO alias", *(volatile uint64_t *)alias[0],
             ((uint64_t *)mfn_to_virt(frames[i] >> 12))[0]);
        t_eq("restore", restore(alias[0]), 0);
    }
    t_eq("write to the restored page traps", write_byte(alias[0], 7), 0);
    t_eq("byte written", alias[0][0], 7);
    t_end();
}

static void t_linear_l4(void)
{
    uint64_t slot_ma = l4_ma + 8 * LIN_SLOT;
    volatile uint64_t *self = (volatile uint64_t *)lin_va(LIN_SLOT, LIN_SLOT, LIN_SLOT,
                                                          LIN_SLOT);
    volatile uint64_t *l3_alias = (volatile uint64_t *)lin_va(LIN_SLOT, LIN_SLOT,
                                                              LIN_SLOT, 0);

    t_begin("linear_l4_ro_ok_rw_einval");
    t_eq("RW self-map into an empty slot (XSA-182)", mmu1(slot_ma, l4_ma | RW_FLAGS),
         -XEN_EINVAL);
    t_eq("slot still empty", l4[LIN_SLOT], 0);
    t_eq("RO self-map", mmu1(slot_ma, l4_ma | RO_FLAGS), 0);
    t_eq("slot address", l4[LIN_SLOT] & PTE_ADDR, l4_ma);
    t_eq("slot RW bit", l4[LIN_SLOT] & PTE_RW, 0);
    flush();
    t_eq("L4[0] through the self-map", self[0], l4[0]);
    t_eq("L4[slot] through the self-map", self[LIN_SLOT], l4[LIN_SLOT]);
    t_eq("L3[0] through the self-map", l3_alias[0], l3[0]);
    if (t_eq("write through the self-map traps", write_byte((void *)self, 0), 1)) {
        t_eq("vector", rt_last_trap.vector, X86_EXC_PF);
        t_eq("error code", rt_last_trap.ec, PFEC_P | PFEC_W);
    }
    t_eq("update_va_mapping through the self-map",
         uvm((void *)self, ma(target) | RW_FLAGS), -XEN_EINVAL);
    t_eq("make the self-map RW (XSA-182)", mmu1(slot_ma, l4_ma | RW_FLAGS), -XEN_EINVAL);
    t_eq("slot still RO", l4[LIN_SLOT] & PTE_RW, 0);
    t_eq("L4[0] unchanged", self[0], l4[0]);
    t_eq("clear the slot", mmu1(slot_ma, 0), 0);
    flush();
    t_eq("slot empty", l4[LIN_SLOT], 0);
    t_end();
}

static void t_linear_l2(void)
{
    uint64_t slot_ma = l2_ma + 8 * L2_FREE;
    unsigned int i = (unsigned int)(((uint64_t)alias[0] >> 21) & 511);
    volatile uint64_t *l1_alias = (volatile uint64_t *)lin_va(0, 0, L2_FREE, i);
    const uint64_t *l1 = table(l2[i]);
    uint64_t other = spare[0];

    t_begin("linear_l2_ro_ok_rw_einval");
    t_eq("RW L2 self-map", mmu1(slot_ma, l2_ma | RW_FLAGS), -XEN_EINVAL);
    t_eq("RO L2 self-map", mmu1(slot_ma, l2_ma | RO_FLAGS), 0);
    flush();
    t_eq("L1 entry 0 through the L2 self-map", l1_alias[0], l1[0]);
    t_eq("L1 entry of alias[0] through the self-map",
         l1_alias[((uint64_t)alias[0] >> 12) & 511], l1[((uint64_t)alias[0] >> 12) & 511]);
    t_eq("write through the L2 self-map traps", write_byte((void *)l1_alias, 0), 1);
    t_eq("make it RW", mmu1(slot_ma, l2_ma | RW_FLAGS), -XEN_EINVAL);
    t_eq("clear", mmu1(slot_ma, 0), 0);

    /* A linear entry onto another (validated) L2. */
    frame_set(other, 0, 512, 0);
    t_eq("pin another L2", pin(2, other), 0);
    t_eq("RW entry onto the other L2", mmu1(slot_ma, (other << 12) | RW_FLAGS), -XEN_EINVAL);
    t_eq("RO entry onto the other L2", mmu1(slot_ma, (other << 12) | RO_FLAGS), 0);
    t_eq("unpin it (the linear entry keeps it)", unpin(other), 0);
    t_eq("map it RW while linked", uvm(alias[1], (other << 12) | RW_FLAGS), -XEN_EBUSY);
    t_eq("clear", mmu1(slot_ma, 0), 0);
    flush();
    t_eq("map it RW once unlinked", uvm(alias[1], (other << 12) | RW_FLAGS), 0);
    t_eq("restore", restore(alias[1]), 0);
    t_end();
}

static void t_pin_writable(void)
{
    uint64_t f = spare[0];

    frame_set(f, 0, 512, 0);
    t_begin("pin_writable_frame_einval");
    t_eq("alias the frame RW", uvm(alias[0], (f << 12) | RW_FLAGS), 0);
    for (unsigned int level = 1; level <= 4; level++) {
        char what[48];
        snprintf(what, sizeof(what), "PIN_L%u of a writably mapped frame", level);
        t_eq(what, pin(level, f), -XEN_EINVAL);
    }
    t_eq("unpin it anyway", unpin(f), -XEN_EINVAL);
    t_eq("drop the RW alias", restore(alias[0]), 0);
    t_eq("PIN_L1 with no mapping", pin(1, f), 0);
    t_eq("UNPIN", unpin(f), 0);

    t_eq("alias RO", uvm(alias[0], (f << 12) | RO_FLAGS), 0);
    t_eq("second alias RW", uvm(alias[1], (f << 12) | RW_FLAGS), 0);
    t_eq("PIN_L1 with a RO and a RW mapping", pin(1, f), -XEN_EINVAL);
    t_eq("drop the RW alias", restore(alias[1]), 0);
    t_eq("PIN_L1 with only a RO mapping", pin(1, f), 0);
    t_eq("RW alias of the pinned table", uvm(alias[1], (f << 12) | RW_FLAGS), -XEN_EBUSY);
    t_eq("RW alias through mmu_update", mmu1(l1e_ma(alias[1]), (f << 12) | RW_FLAGS),
         -XEN_EBUSY);
    t_eq("UNPIN", unpin(f), 0);
    t_eq("drop the RO alias", restore(alias[0]), 0);
    t_end();
}

static void t_hv_slots(void)
{
    uint64_t before[16], copy[512];
    uint64_t f = spare[1];

    t_begin("hv_l4_slots_einval");
    memcpy(before, &l4[XLITE_HV_L4_FIRST_SLOT], sizeof(before));
    for (unsigned int s = XLITE_HV_L4_FIRST_SLOT; s < XLITE_HV_L4_FIRST_SLOT + 16; s++) {
        uint64_t ptr = l4_ma + 8 * s;
        if (!t_eq("zero a hypervisor slot", mmu1(ptr, 0), -XEN_EINVAL) ||
            !t_eq("rewrite a hypervisor slot as it is", mmu1(ptr, l4[s]), -XEN_EINVAL) ||
            !t_eq("point a hypervisor slot at the guest's L3", mmu1(ptr, l4[0]), -XEN_EINVAL))
            break;
    }
    t_check(!memcmp(before, &l4[XLITE_HV_L4_FIRST_SLOT], sizeof(before)),
            "the hypervisor slots changed");
    t_eq("L4 slot 255 (guest's)", mmu1(l4_ma + 8 * 255, l4[255]), 0);
    t_eq("L4 slot 272 (guest's)", mmu1(l4_ma + 8 * 272, l4[272]), 0);
    t_end();

    t_begin("hv_l4_slots_replaced_on_pin");
    for (unsigned int i = 0; i < 512; i++)
        copy[i] = l4[i];
    for (unsigned int s = XLITE_HV_L4_FIRST_SLOT; s < XLITE_HV_L4_FIRST_SLOT + 16; s++)
        copy[s] = (f << 12) | RW_FLAGS | PTE_PCD;    /* junk: RW onto itself, uncached */
    if (uvm(window, (f << 12) | RW_FLAGS))
        rt_panic("window");
    memcpy(window, copy, 4096);
    restore(window);
    if (t_eq("PIN_L4 of a copy with junk in 256..271", pin(4, f), 0)) {
        frame_get(f, copy);
        for (unsigned int i = 0; i < 16; i++)
            if (!t_check(((copy[XLITE_HV_L4_FIRST_SLOT + i] ^ before[i]) &
                          ~(PTE_A | PTE_D)) == 0,
                         "pinned copy's slot %u = %#lx, the running L4's %#lx (A/D aside)",
                         XLITE_HV_L4_FIRST_SLOT + i,
                         (unsigned long)copy[XLITE_HV_L4_FIRST_SLOT + i],
                         (unsigned long)before[i]))
                break;
        t_eq("copy's slot 0", copy[0], l4[0]);
        t_eq("UNPIN", unpin(f), 0);
        frame_get(f, copy);
        for (unsigned int s = XLITE_HV_L4_FIRST_SLOT; s < XLITE_HV_L4_FIRST_SLOT + 16; s++)
            if (!t_eq("slot after unpin", copy[s], 0))
                break;
    }
    t_end();
}

static void t_bad_bits(void)
{
    uint64_t own = ma(alias[0]), l1 = l1_ma_of(alias[0]);
    uint64_t l2e = l2_ma + 8 * L2_FREE, l3e = l3_ma + 8 * L3_FREE, l4e = l4_ma + 8 * LIN_SLOT;
    uint32_t regs[4];

    t_begin("superpage_and_pat_einval");
    t_eq("2 MiB page in L2", mmu1(l2e, (pfn_to_mfn(0x200) << 12) | RW_FLAGS | PTE_PSE),
         -XEN_EINVAL);
    t_eq("1 GiB page in L3", mmu1(l3e, (pfn_to_mfn(0) << 12) | RW_FLAGS | PTE_PSE),
         -XEN_EINVAL);
    t_eq("PS in an L4 entry", mmu1(l4e, l3_ma | RW_FLAGS | PTE_PSE), -XEN_EINVAL);
    t_eq("PAT bit in an L1 entry (update_va_mapping)", uvm(alias[0], own | RW_FLAGS | PTE_PSE),
         -XEN_EINVAL);
    t_eq("PAT bit in an L1 entry (mmu_update)",
         mmu1(l1e_ma(alias[0]), own | RW_FLAGS | PTE_PSE), -XEN_EINVAL);
    t_eq("L2 slot empty", l2[L2_FREE], 0);
    t_eq("L3 slot empty", l3[L3_FREE], 0);
    t_eq("L4 slot empty", l4[LIN_SLOT], 0);
    t_end();

    t_begin("cache_attributes_einval");
    t_eq("PWT in L1", uvm(alias[0], own | RW_FLAGS | PTE_PWT), -XEN_EINVAL);
    t_eq("PCD in L1", uvm(alias[0], own | RW_FLAGS | PTE_PCD), -XEN_EINVAL);
    t_eq("PCD in L1 (mmu_update)", mmu1(l1e_ma(alias[0]), own | RW_FLAGS | PTE_PCD),
         -XEN_EINVAL);
    t_eq("PCD in L2", mmu1(l2e, l1 | RW_FLAGS | PTE_PCD), -XEN_EINVAL);
    t_eq("PWT in L3", mmu1(l3e, l2_ma | RW_FLAGS | PTE_PWT), -XEN_EINVAL);
    t_eq("PCD in L4", mmu1(l4e, l3_ma | RW_FLAGS | PTE_PCD), -XEN_EINVAL);
    /* Control: the same entries without the bit are legitimate aliases. */
    t_eq("L2 alias of an L1 without PCD", mmu1(l2e, l1 | RW_FLAGS), 0);
    t_eq("clear it", mmu1(l2e, 0), 0);
    t_eq("L4 alias of the L3 without PCD", mmu1(l4e, l3_ma | RW_FLAGS), 0);
    t_eq("clear it", mmu1(l4e, 0), 0);
    flush();
    t_end();

    t_begin("global_bit_only_in_l1");
    t_eq("G in L1", uvm(alias[0], own | RW_FLAGS | PTE_G), 0);
    t_eq("restore", restore(alias[0]), 0);
    t_eq("G in L2", mmu1(l2e, l1 | RW_FLAGS | PTE_G), -XEN_EINVAL);
    t_eq("G in L3", mmu1(l3e, l2_ma | RW_FLAGS | PTE_G), -XEN_EINVAL);
    t_eq("G in L4", mmu1(l4e, l3_ma | RW_FLAGS | PTE_G), -XEN_EINVAL);
    t_end();

    t_begin("reserved_bits_and_foreign_targets");
    t_eq("grant marker bit 62 in L1", uvm(alias[0], own | RW_FLAGS | PG_GNTTAB_BIT),
         -XEN_EINVAL);
    cpuid_count(0x80000008, 0, regs);
    unsigned int maxphy = regs[0] & 0xFF;
    if (maxphy >= 32 && maxphy < 52)
        t_eq("address bit at MAXPHYADDR", uvm(alias[0], own | (1ull << maxphy) | RW_FLAGS),
             -XEN_EINVAL);
    else
        t_check(false, "MAXPHYADDR %u: no address bit left to test", maxphy);
    t_eq("L1 onto the local APIC (MMIO)", uvm(alias[0], 0xFEE00000ull | RW_FLAGS),
         -XEN_EPERM);
    t_eq("L1 onto VGA memory (reserved)", uvm(alias[0], 0xB8000ull | RW_FLAGS), -XEN_EPERM);
    t_eq("L2 onto the local APIC", mmu1(l2e, 0xFEE00000ull | RW_FLAGS), -XEN_EINVAL);
    t_eq("alias[0] still maps its own frame",
         table(l2[((uint64_t)alias[0] >> 21) & 511])[((uint64_t)alias[0] >> 12) & 511] &
             PTE_ADDR, own);
    t_eq("write to alias[0] traps", write_byte(alias[0], 9), 0);
    t_eq("byte", alias[0][0], 9);
    t_end();
}

static void t_pin_rules(void)
{
    uint64_t f = spare[2];

    frame_set(f, 0, 512, 0);
    t_begin("pin_unpin_rules_einval");
    t_eq("PIN_L2", pin(2, f), 0);
    t_eq("PIN_L2 again", pin(2, f), -XEN_EINVAL);
    t_eq("PIN_L1 of the pinned L2", pin(1, f), -XEN_EINVAL);
    t_eq("PIN_L3 of the pinned L2", pin(3, f), -XEN_EINVAL);
    t_eq("UNPIN", unpin(f), 0);
    t_eq("UNPIN again", unpin(f), -XEN_EINVAL);
    t_eq("UNPIN a data frame never pinned", unpin(virt_to_mfn(target)), -XEN_EINVAL);
    t_eq("UNPIN a frame outside RAM", unpin(0xFFFFFFFFFull), -XEN_EINVAL);
    t_eq("PIN_L1 of a frame outside RAM", pin(1, 0xFFFFFFFFFull), -XEN_EINVAL);
    t_eq("PIN_L1 of MMIO", pin(1, 0xFEE00), -XEN_EINVAL);
    t_end();
}

static void t_batch(void)
{
    uint64_t tgt = ma(target);
    mmu_update_t req[6];
    unsigned int done;

    t_begin("mmu_update_batch_stops_at_failure");
    for (unsigned int bad = 0; bad < 2; bad++) {
        for (unsigned int i = 0; i < 3; i++)
            req[i] = (mmu_update_t){ l1e_ma(alias[i]), tgt | RW_FLAGS };
        req[3] = (mmu_update_t){ l1e_ma(alias[0]),
                                 bad ? tgt | RW_FLAGS | PTE_PCD : l4_ma | RW_FLAGS };
        req[4] = (mmu_update_t){ l1e_ma(alias[1]), ma(alias[1]) | RW_FLAGS };
        req[5] = (mmu_update_t){ l1e_ma(alias[2]), ma(alias[2]) | RW_FLAGS };
        done = 99;
        t_eq(bad ? "rc (4th request: PCD)" : "rc (4th request: L4 frame RW)",
             HYPERVISOR_mmu_update(req, 6, &done, DOMID_SELF),
             bad ? -XEN_EINVAL : -XEN_EBUSY);
        t_eq("done", done, 3);
        flush();
        for (unsigned int i = 0; i < 3; i++)
            t_eq("alias shows the target (requests 1-3 applied, 5-6 not)",
                 alias[i][100], 0x5A);
        for (unsigned int i = 0; i < 3; i++)
            restore(alias[i]);
    }
    req[0] = (mmu_update_t){ l1e_ma(alias[0]), l4_ma | RW_FLAGS };
    req[1] = (mmu_update_t){ l1e_ma(alias[1]), tgt | RW_FLAGS };
    done = 99;
    t_eq("rc (first request bad)", HYPERVISOR_mmu_update(req, 2, &done, DOMID_SELF),
         -XEN_EBUSY);
    t_eq("done", done, 0);
    flush();
    t_eq("second request not applied", alias[1][100], 0);
    t_end();
}

static void t_machphys(void)
{
    uint64_t mfn = virt_to_mfn(target), pfn = (uint64_t)target >> 12, foreign = 0;

    t_begin("machphys_update_own_and_foreign");
    t_eq("own frame: set its M2P entry", mmu1((mfn << 12) | MMU_MACHPHYS_UPDATE, pfn + 7), 0);
    t_eq("M2P entry", M2P[mfn], pfn + 7);
    t_eq("own frame: restore", mmu1((mfn << 12) | MMU_MACHPHYS_UPDATE, pfn), 0);
    t_eq("M2P entry restored", M2P[mfn], pfn);
    for (uint64_t m = 1; m < mfn && !foreign; m++)
        if (!owned(m))
            foreign = m;
    if (t_check(foreign != 0, "no frame below %#lx the domain does not own",
                (unsigned long)mfn)) {
        uint64_t old = M2P[foreign];
        t_eq("a frame the domain does not own",
             mmu1((foreign << 12) | MMU_MACHPHYS_UPDATE, 1), -XEN_EINVAL);
        t_eq("its M2P entry unchanged", M2P[foreign], old);
    }
    t_eq("a frame outside RAM", mmu1(0xFFFFFFFFFull << 12 | MMU_MACHPHYS_UPDATE, 1),
         -XEN_EINVAL);
    t_end();
}

static void t_foreigndom(void)
{
    static const uint64_t nobody[] = { 1000, 0x7FEF, 0x10000, 0xFFFFFFFFull };
    mmu_update_t r = { l1e_ma(alias[0]), ma(target) | RW_FLAGS };
    mmuext_op_t op = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    unsigned int done;

    t_begin("foreigndom_nonexistent_esrch");
    for (unsigned int i = 0; i < ARRAY_SIZE(nobody); i++) {
        done = 99;
        t_eq("mmu_update foreigndom of no domain",
             HYPERCALL4(__HYPERVISOR_mmu_update, &r, 1, &done, nobody[i]), -XEN_ESRCH);
        t_eq("done", done, 0);
        t_eq("mmuext_op foreigndom of no domain",
             HYPERCALL4(__HYPERVISOR_mmuext_op, &op, 1, NULL, nobody[i]), -XEN_ESRCH);
    }
    flush();
    t_eq("request not applied", alias[0][100], 0);
    t_end();
}

static void t_type_confusion(void)
{
    unsigned long gdt[1];

    t_begin("type_confusion_einval");
    t_eq("L4 entry onto an L2", mmu1(l4_ma + 8 * LIN_SLOT, l2_ma | RW_FLAGS), -XEN_EINVAL);
    t_eq("L3 entry onto the L4", mmu1(l3_ma + 8 * L3_FREE, l4_ma | RW_FLAGS), -XEN_EINVAL);
    t_eq("L2 entry onto the L3", mmu1(l2_ma + 8 * L2_FREE, l3_ma | RW_FLAGS), -XEN_EINVAL);
    t_eq("L2 entry onto a writable data frame",
         mmu1(l2_ma + 8 * L2_FREE, ma(target) | RW_FLAGS), -XEN_EINVAL);
    t_eq("NEW_BASEPTR onto the L3", ext(MMUEXT_NEW_BASEPTR, l3_ma >> 12), -XEN_EINVAL);
    t_eq("NEW_BASEPTR onto a writable frame", ext(MMUEXT_NEW_BASEPTR, virt_to_mfn(target)),
         -XEN_EINVAL);
    t_eq("NEW_BASEPTR outside RAM", ext(MMUEXT_NEW_BASEPTR, 0xFFFFFFFFFull), -XEN_EINVAL);
    t_eq("NEW_USER_BASEPTR onto the L2", ext(MMUEXT_NEW_USER_BASEPTR, l2_ma >> 12),
         -XEN_EINVAL);
    gdt[0] = l4_ma >> 12;
    t_eq("set_gdt onto the L4", HYPERVISOR_set_gdt(gdt, 512), -XEN_EINVAL);
    t_eq("update_descriptor into the L4", HYPERVISOR_update_descriptor(l4_ma + 8, 0),
         -XEN_EINVAL);
    t_eq("update_descriptor into an L1",
         HYPERVISOR_update_descriptor(l1_ma_of(alias[0]) + 8, 0), -XEN_EINVAL);
    t_eq("L4 slot still empty", l4[LIN_SLOT], 0);
    t_eq("L3 slot still empty", l3[L3_FREE], 0);
    t_eq("L2 slot still empty", l2[L2_FREE], 0);
    t_end();
}

static void t_self_reference(void)
{
    uint64_t f = spare[3], a = spare[4], b = spare[5];

    t_begin("l1_mapping_itself_rw_ebusy");
    frame_set(f, 0, 0, (f << 12) | RW_FLAGS);
    t_eq("PIN_L1 of an L1 mapping itself RW", pin(1, f), -XEN_EBUSY);
    frame_set(f, 0, 0, (f << 12) | RO_FLAGS);
    t_eq("PIN_L1 of an L1 mapping itself RO", pin(1, f), 0);
    t_eq("make its entry RW", mmu1(f << 12, (f << 12) | RW_FLAGS), -XEN_EBUSY);
    t_eq("clear its entry", mmu1(f << 12, 0), 0);
    t_eq("UNPIN", unpin(f), 0);
    t_eq("plain data again (RW mapping)", uvm(alias[0], (f << 12) | RW_FLAGS), 0);
    t_eq("restore", restore(alias[0]), 0);
    t_end();

    t_begin("l1_mapping_its_l2_rw_ebusy");
    frame_set(a, 0, 0, (b << 12) | RW_FLAGS);         /* L2 a -> L1 b */
    frame_set(b, 0, 0, (a << 12) | RW_FLAGS);         /* L1 b maps a RW */
    t_eq("PIN_L2 whose L1 maps it RW", pin(2, a), -XEN_EBUSY);
    t_eq("the L1 is plain data again", uvm(alias[0], (b << 12) | RW_FLAGS), 0);
    t_eq("so is the L2", uvm(alias[1], (a << 12) | RW_FLAGS), 0);
    restore(alias[0]);
    restore(alias[1]);
    frame_set(b, 0, 0, (a << 12) | RO_FLAGS);         /* now read-only */
    t_eq("PIN_L2 whose L1 maps it RO", pin(2, a), 0);
    t_eq("make the L1's entry RW", mmu1(b << 12, (a << 12) | RW_FLAGS), -XEN_EBUSY);
    t_eq("rewrite it RO", mmu1(b << 12, (a << 12) | RO_FLAGS), 0);
    t_eq("RW alias of the L1", uvm(alias[0], (b << 12) | RW_FLAGS), -XEN_EBUSY);
    t_eq("UNPIN", unpin(a), 0);
    t_eq("the L1 is plain data again", uvm(alias[0], (b << 12) | RW_FLAGS), 0);
    restore(alias[0]);
    t_end();

    t_begin("writable_l1_then_l2_einval");
    frame_set(a, 0, 0, (b << 12) | RW_FLAGS);
    frame_set(b, 0, 0, (a << 12) | RW_FLAGS);
    t_eq("PIN_L1 of the L1 first (maps a RW)", pin(1, b), 0);
    t_eq("PIN_L2 of a frame that L1 maps RW", pin(2, a), -XEN_EINVAL);
    t_eq("UNPIN the L1", unpin(b), 0);
    frame_set(a, 0, 512, 0);
    frame_set(b, 0, 512, 0);
    t_end();
}

static void t_garbage(void)
{
    static uint64_t page[512];
    uint64_t g = spare[6];

    t_begin("garbage_table_einval");
    frame_set(g, ~0ull, 512, 0);
    for (unsigned int level = 1; level <= 4; level++) {
        char what[48];
        snprintf(what, sizeof(what), "PIN_L%u of a page of 0xFF", level);
        t_eq(what, pin(level, g), -XEN_EINVAL);
    }
    frame_get(g, page);
    unsigned int changed = 0;
    for (unsigned int i = 0; i < 512; i++)
        changed += page[i] != ~0ull;
    t_eq("entries changed by the refusals", changed, 0);
    t_eq("plain data again", uvm(alias[0], (g << 12) | RW_FLAGS), 0);
    restore(alias[0]);
    t_end();
}

static void t_unpin_running_l4(void)
{
    t_begin("unpin_running_l4");
    t_eq("UNPIN the running L4", unpin(l4_ma >> 12), 0);
    t_eq("a hypercall still works", HYPERVISOR_xen_version(XENVER_version, NULL) > 0, 1);
    target[1] = 0x33;
    t_eq("memory still works", target[1], 0x33);
    t_eq("RW alias of the (unpinned, in use) L4", uvm(alias[0], l4_ma | RW_FLAGS), -XEN_EBUSY);
    t_eq("PIN_L4 again", pin(4, l4_ma >> 12), 0);
    t_eq("PIN_L4 once more", pin(4, l4_ma >> 12), -XEN_EINVAL);
    t_end();
}

static void t_gdt(void)
{
    uint64_t f = spare[7];
    unsigned long frames[1] = { f };

    frame_set(f, 0, 512, 0);
    t_begin("gdt_frame_protected");
    frames[0] = virt_to_mfn(target);
    t_eq("set_gdt onto a writably mapped frame", HYPERVISOR_set_gdt(frames, 512), -XEN_EINVAL);
    frames[0] = f;
    if (t_eq("set_gdt onto an unmapped zeroed frame", HYPERVISOR_set_gdt(frames, 512), 0)) {
        t_eq("RW alias of the GDT frame", uvm(alias[0], (f << 12) | RW_FLAGS), -XEN_EBUSY);
        t_eq("RO alias of the GDT frame", uvm(alias[0], (f << 12) | RO_FLAGS), 0);
        t_eq("restore", restore(alias[0]), 0);
        t_eq("mmu_update write into the GDT frame", mmu1((f << 12) + 8, 0), -XEN_EBUSY);
        t_eq("PIN_L1 of the GDT frame", pin(1, f), -XEN_EINVAL);
        t_eq("set_gdt(none)", HYPERVISOR_set_gdt(frames, 0), 0);
        t_eq("RW alias once released", uvm(alias[0], (f << 12) | RW_FLAGS), 0);
        t_eq("restore", restore(alias[0]), 0);
    }
    t_end();
}

static long decrease(uint64_t mfn)
{
    xen_pfn_t extent = mfn;
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };

    set_xen_guest_handle(r.extent_start, &extent);
    return HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r);
}

static long reservation(void)
{
    domid_t self = DOMID_SELF;
    return HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
}

/* Xen gives a referenced frame back as "1 extent done" and frees it once the last
 * reference goes; xlite refuses it ("0 done", memory_op.c). Either way the frame may
 * not be reused while something still references it: here it stays usable. */
static void t_decrease(void)
{
    uint64_t f = spare[0], foreign = 0;
    long pages = reservation(), rc;

    t_begin("decrease_reservation_referenced_frames");
    frame_set(f, 0, 512, 0);
    t_eq("pin an L1", pin(1, f), 0);
    rc = decrease(f);
    printk("decrease_reservation of a pinned L1: %ld extents\n", rc);
    t_eq("decrease_reservation of a pinned L1", rc, 0);
    t_eq("still pinned", pin(1, f), -XEN_EINVAL);
    t_eq("UNPIN", unpin(f), 0);
    t_eq("map it RO", uvm(alias[0], (f << 12) | RO_FLAGS), 0);
    t_eq("decrease_reservation of a mapped frame", decrease(f), 0);
    t_eq("still mapped and readable", *(volatile uint64_t *)alias[0], 0);
    t_eq("unmap", restore(alias[0]), 0);
    rc = decrease(l4_ma >> 12);
    t_eq("decrease_reservation of the running L4", rc, 0);
    t_eq("a hypercall still works", HYPERVISOR_xen_version(XENVER_version, NULL) > 0, 1);
    target[2] = 0x44;
    t_eq("memory still works", target[2], 0x44);
    t_eq("current_reservation unchanged", reservation(), pages);
    for (uint64_t m = 1; m < virt_to_mfn(target) && !foreign; m++)
        if (!owned(m))
            foreign = m;
    t_eq("decrease_reservation of a frame not owned", decrease(foreign), 0);
    t_end();

    t_begin("decrease_reservation_unreferenced_frame");
    t_eq("decrease_reservation of the unreferenced frame", decrease(f), 1);
    t_eq("current_reservation", reservation(), pages - 1);
    t_eq("its M2P entry", M2P[f], ~0ull);
    t_eq("map the given-back frame", uvm(alias[0], (f << 12) | RO_FLAGS), -XEN_EINVAL);
    t_eq("pin the given-back frame", pin(1, f), -XEN_EINVAL);
    t_eq("give it back twice", decrease(f), 0);
    t_end();
}

void test_main(void)
{
    setup();
    t_pt_alias();
    t_linear_l4();
    t_linear_l2();
    t_pin_writable();
    t_hv_slots();
    t_bad_bits();
    t_pin_rules();
    t_batch();
    t_machphys();
    t_foreigndom();
    t_type_confusion();
    t_self_reference();
    t_garbage();
    t_unpin_running_l4();
    t_gdt();
    t_decrease();
    printk("mmu-attacks: still running after every attack\n");
}
