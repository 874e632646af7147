/* The boot contract of a 64-bit PV guest (ABI notes §1.2-§1.8): what the domain
 * builder hands over before the guest runs its first instruction.
 *
 * Checks: start_info (magic, nr_pages, flags, cmd_line, no module), the initial
 * layout (VA = PFN * 4 KiB; kernel, P2M, start_info, xenstore page, console page,
 * page tables, boot stack in this order), the initial page tables read through the
 * read-only mapping at pt_base (L4 -> L3 -> L2 -> L1 chain, flags, page-table frames
 * read-only, 4 MiB-aligned end with >= 512 KiB + 1 page of slack), the P2M against
 * the M2P at MACH2PHYS_VIRT_START (every own frame, the start_info frame), the
 * registers at entry, the hypercall page bytes, shared_info (page-aligned machine
 * address, mappable with update_va_mapping, every vCPU's events masked), the initial
 * FPU/SSE state.
 * Without it: Mini-OS and XTF hard-code this layout (pfn_to_virt(pfn) = pfn << 12,
 * "everything after the page tables is free"); any drift corrupts them silently.
 *
 * XLITE-OPTS: dom0_mem=64M
 * GUEST-CMDLINE: boot-contract-cmdline pages=16384 key=value
 */
#include "rt.h"

#define EXPECT_CMDLINE "boot-contract-cmdline pages=16384 key=value"
#define SLACK ((512ul << 10) + PAGE_SIZE)
#define FOUR_MIB (4ul << 20)

static uint8_t untouched_bss[8192];

static uint64_t si_pfn(void)
{
    return (uint64_t)start_info >> 12;
}

static uint64_t p2m_pages(void)
{
    return (start_info->nr_pages * 8 + PAGE_SIZE - 1) / PAGE_SIZE;
}

static void t_start_info(void)
{
    const start_info_t *si = start_info;
    uint64_t pages;

    t_begin("start_info_magic");
    t_check(!strcmp(si->magic, XLITE_START_INFO_MAGIC), "magic '%.32s', expected '%s'",
            si->magic, XLITE_START_INFO_MAGIC);
    for (size_t i = strlen(XLITE_START_INFO_MAGIC); i < sizeof(si->magic); i++)
        if (!t_check(si->magic[i] == 0, "magic byte %zu after the NUL is %#x", i,
                     (unsigned char)si->magic[i]))
            break;
    t_end();

    t_begin("start_info_nr_pages");
    t_check(cmdline_value("pages", &pages), "no pages= in the command line '%s'",
            si->cmd_line);
    t_eq("nr_pages (dom0_mem=64M)", si->nr_pages, pages);
    t_end();

    t_begin("start_info_flags");
    t_eq("flags", si->flags, SIF_PRIVILEGED | SIF_INITDOMAIN);
    t_end();

    t_begin("start_info_cmdline");
    t_check(!strcmp(si->cmd_line, EXPECT_CMDLINE), "cmd_line '%s', expected '%s'",
            si->cmd_line, EXPECT_CMDLINE);
    t_end();

    t_begin("start_info_no_module");
    t_eq("mod_start", si->mod_start, 0);
    t_eq("mod_len", si->mod_len, 0);
    t_eq("first_p2m_pfn", si->first_p2m_pfn, 0);
    t_eq("nr_p2m_frames", si->nr_p2m_frames, 0);
    t_end();
}

static void t_layout(void)
{
    const start_info_t *si = start_info;
    uint64_t kend = (uint64_t)_image_end;

    t_begin("layout_order");
    t_eq("RSI (start_info VA)", boot_regs[BR_RSI], (uint64_t)si);
    t_eq("kernel end is page-aligned", kend & 0xFFF, 0);
    t_eq("mfn_list (P2M right after the kernel)", si->mfn_list, kend);
    t_eq("start_info VA (right after the P2M)", (uint64_t)si,
         si->mfn_list + p2m_pages() * PAGE_SIZE);
    t_eq("store_mfn (page after start_info)", si->store_mfn, pfn_to_mfn(si_pfn() + 1));
    t_eq("console.domU.mfn (page after the store page)", si->console.domU.mfn,
         pfn_to_mfn(si_pfn() + 2));
    t_eq("pt_base (page after the console page)", si->pt_base, (si_pfn() + 3) << 12);
    t_check(si->nr_pt_frames >= 4, "nr_pt_frames %lu < 4", (unsigned long)si->nr_pt_frames);
    t_eq("initial RSP (top of the page after the page tables)", boot_regs[BR_RSP],
         si->pt_base + (si->nr_pt_frames + 1) * PAGE_SIZE);
    t_end();

    t_begin("store_page_zeroed");
    const uint8_t *store = (const uint8_t *)((si_pfn() + 1) << 12);
    for (size_t i = 0; i < PAGE_SIZE; i++)
        if (!t_check(store[i] == 0, "store page byte %zu is %#x", i, store[i]))
            break;
    t_end();

    t_begin("bss_zeroed");
    for (size_t i = 0; i < sizeof(untouched_bss); i++)
        if (!t_check(untouched_bss[i] == 0, "bss byte %zu is %#x", i, untouched_bss[i]))
            break;
    t_end();
}

static const uint64_t *table_va(uint64_t entry)
{
    /* Every frame of the initial tables is mapped at VA = PFN << 12. */
    return (const uint64_t *)(M2P[(entry & PTE_ADDR) >> 12] << 12);
}

static void t_page_tables(void)
{
    const start_info_t *si = start_info;
    const uint64_t *l4 = (const uint64_t *)si->pt_base;
    uint64_t pt_pfn = si->pt_base >> 12, next = pt_pfn + 1;
    uint64_t nr_l3 = 0, nr_l2 = 0, nr_l1 = 0, mapped = 0;
    bool hole = false;

    t_begin("page_tables_chain");
    for (unsigned int i4 = 0; i4 < 512; i4++) {
        uint64_t e4 = l4[i4];
        if (i4 >= XLITE_HV_L4_FIRST_SLOT && i4 <= XLITE_HV_L4_LAST_SLOT)
            continue;                           /* the hypervisor's slots */
        if (!(e4 & PTE_P))
            continue;
        t_eq("L4 entry flags", e4 & ~PTE_ADDR, PTE_P | PTE_RW | PTE_A | PTE_D | PTE_U);
        t_eq("L3 frame (next page-table PFN)", (e4 & PTE_ADDR) >> 12, pfn_to_mfn(next));
        next++;
        nr_l3++;
        t_eq("L4 slot in use", i4, 0);
    }
    t_check(l4[XLITE_HV_L4_FIRST_SLOT] & PTE_P, "L4 slot 256 (M2P) not present");
    if (!(l4[0] & PTE_P)) {
        t_check(false, "L4[0] not present");
        t_end();
        return;
    }
    const uint64_t *l3 = table_va(l4[0]);
    for (unsigned int i3 = 0; i3 < 512; i3++) {
        uint64_t e3 = l3[i3];
        if (!(e3 & PTE_P))
            continue;
        t_eq("L3 entry flags", e3 & ~PTE_ADDR, PTE_P | PTE_RW | PTE_A | PTE_D | PTE_U);
        t_eq("L2 frame (next page-table PFN)", (e3 & PTE_ADDR) >> 12, pfn_to_mfn(next));
        t_eq("L3 slot in use", i3, nr_l2);
        next++;
        nr_l2++;
    }
    uint64_t first_l1 = next;
    for (unsigned int i3 = 0; i3 < nr_l2; i3++) {
        const uint64_t *l2 = table_va(l3[i3]);
        for (unsigned int i2 = 0; i2 < 512; i2++) {
            uint64_t e2 = l2[i2];
            if (!(e2 & PTE_P))
                continue;
            t_eq("L2 entry flags", e2 & ~PTE_ADDR, PTE_P | PTE_RW | PTE_A | PTE_D | PTE_U);
            t_eq("L1 frame (next page-table PFN)", (e2 & PTE_ADDR) >> 12,
                 pfn_to_mfn(first_l1 + nr_l1));
            t_eq("L2 slot in use", i3 * 512ul + i2, nr_l1);
            nr_l1++;
        }
    }
    t_eq("nr_pt_frames (1 L4 + L3s + L2s + L1s in use)", si->nr_pt_frames,
         1 + nr_l3 + nr_l2 + nr_l1);
    t_end();

    t_begin("page_tables_l1");
    for (uint64_t i = 0; i < nr_l1; i++) {
        const uint64_t *l1 = (const uint64_t *)((first_l1 + i) << 12);
        for (unsigned int j = 0; j < 512; j++) {
            uint64_t pfn = i * 512 + j, e = l1[j];
            if (!(e & PTE_P)) {
                hole = true;
                continue;
            }
            if (!t_check(!hole, "PFN %#lx mapped after an unmapped one", (unsigned long)pfn))
                break;
            mapped = pfn + 1;
            if (shared && pfn == (uint64_t)shared >> 12) {
                /* The runtime put shared_info over this page before test_main. */
                if (!t_eq("L1 frame of the runtime's shared_info page", e & PTE_ADDR,
                          si->shared_info & PTE_ADDR))
                    goto out;
                continue;
            }
            bool is_pt = pfn >= pt_pfn && pfn < pt_pfn + si->nr_pt_frames;
            uint64_t want = PTE_P | (is_pt ? 0 : PTE_RW);
            if (!t_eq("L1 frame = P2M entry", (e & PTE_ADDR) >> 12, pfn_to_mfn(pfn)) ||
                !t_eq(is_pt ? "page-table frame L1 flags (P, RO)" : "L1 flags (P, RW)",
                      e & (PTE_P | PTE_RW | PTE_PWT | PTE_PCD | PTE_PSE | PTE_NX), want))
                goto out;
        }
    }
out:
    t_end();

    uint64_t pt_end = si->pt_base + si->nr_pt_frames * PAGE_SIZE;
    t_begin("mapped_range");
    t_eq("mapped range end % 4 MiB", (mapped << 12) % FOUR_MIB, 0);
    t_check((mapped << 12) >= pt_end + SLACK,
            "mapped range ends at %#lx, less than 512 KiB + 1 page after the tables (%#lx)",
            (unsigned long)(mapped << 12), (unsigned long)pt_end);
    t_check((mapped << 12) < pt_end + SLACK + FOUR_MIB,
            "mapped range ends at %#lx, more than needed", (unsigned long)(mapped << 12));
    t_check(mapped <= si->nr_pages, "mapped %lu pages > nr_pages %lu",
            (unsigned long)mapped, (unsigned long)si->nr_pages);
    t_end();
}

static void t_m2p(void)
{
    const start_info_t *si = start_info;
    unsigned long bad = 0;

    t_begin("m2p_matches_p2m");
    for (uint64_t pfn = 0; pfn < si->nr_pages; pfn++) {
        uint64_t mfn = pfn_to_mfn(pfn);
        if (M2P[mfn] != pfn && bad++ == 0)
            t_check(false, "m2p[p2m[%#lx] = %#lx] = %#lx", (unsigned long)pfn,
                    (unsigned long)mfn, (unsigned long)M2P[mfn]);
    }
    t_check(bad == 0, "%lu of %lu PFNs do not round-trip", bad, (unsigned long)si->nr_pages);
    t_end();

    t_begin("m2p_start_info_frame");
    uint64_t mfn = virt_to_mfn(si);
    t_eq("m2p[mfn(start_info)]", M2P[mfn], si_pfn());
    t_eq("m2p[store_mfn]", M2P[si->store_mfn], si_pfn() + 1);
    t_eq("m2p[console mfn]", M2P[si->console.domU.mfn], si_pfn() + 2);
    t_eq("m2p[mfn(L4)]", M2P[virt_to_mfn((void *)si->pt_base)], si->pt_base >> 12);
    t_end();

    t_begin("m2p_unowned_frame_invalid");
    t_eq("m2p[0] (a frame dom0 does not own)", M2P[0], XLITE_M2P_INVALID_ENTRY);
    t_end();
}

static void t_registers(void)
{
    static const struct { unsigned int idx; const char *name; } zero[] = {
        { BR_RAX, "RAX" }, { BR_RBX, "RBX" }, { BR_RCX, "RCX" }, { BR_RDX, "RDX" },
        { BR_RDI, "RDI" }, { BR_RBP, "RBP" }, { BR_R8, "R8" }, { BR_R9, "R9" },
        { BR_R10, "R10" }, { BR_R11, "R11" }, { BR_R12, "R12" }, { BR_R13, "R13" },
        { BR_R14, "R14" }, { BR_R15, "R15" },
    };

    t_begin("initial_registers");
    for (size_t i = 0; i < ARRAY_SIZE(zero); i++)
        t_eq(zero[i].name, boot_regs[zero[i].idx], 0);
    t_eq("RFLAGS", boot_regs[BR_RFLAGS], XLITE_RFLAGS_IF | XLITE_RFLAGS_FIXED);
    t_eq("CS", boot_regs[BR_CS], FLAT_KERNEL_CS);
    t_eq("SS", boot_regs[BR_SS], FLAT_KERNEL_SS);
    t_eq("DS", boot_regs[BR_DS], FLAT_KERNEL_DS);
    t_eq("ES", boot_regs[BR_ES], 0);
    t_eq("FS", boot_regs[BR_FS], 0);
    t_eq("GS", boot_regs[BR_GS], 0);
    t_end();
}

static void t_hypercall_page(void)
{
    const uint8_t *page = (const uint8_t *)hypercall_page;

    t_begin("hypercall_page_stubs");
    for (unsigned int i = 0; i < XLITE_HYPERCALL_NR_STUBS; i++) {
        const uint8_t *s = page + XLITE_HYPERCALL_STUB_OFFSET(i);
        uint8_t want[32];
        size_t n;

        memset(want, XLITE_HYPERCALL_PAGE_FILL, sizeof(want));
        if (i == __HYPERVISOR_iret) {
            /* push %rcx; push %r11; push %rax; mov $i,%eax; syscall */
            const uint8_t code[] = { 0x51, 0x41, 0x53, 0x50, 0xb8, (uint8_t)i, 0, 0, 0,
                                     0x0f, 0x05 };
            memcpy(want, code, sizeof(code));
            n = sizeof(code);
        } else {
            /* push %rcx; push %r11; mov $i,%eax; syscall; pop %r11; pop %rcx; ret */
            const uint8_t code[] = { 0x51, 0x41, 0x53, 0xb8, (uint8_t)i, 0, 0, 0, 0x0f,
                                     0x05, 0x41, 0x5b, 0x59, 0xc3 };
            memcpy(want, code, sizeof(code));
            n = sizeof(code);
        }
        for (size_t b = 0; b < sizeof(want); b++) {
            if (s[b] != want[b]) {
                t_check(false, "stub %u byte %zu is %#x, expected %#x (%s)", i, b, s[b],
                        want[b], b < n ? "code" : "0xCC fill");
                goto out;
            }
        }
    }
out:
    t_end();
}

static void t_shared_info(void)
{
    t_begin("shared_info_maddr");
    t_check(start_info->shared_info != 0, "start_info.shared_info is 0");
    t_eq("shared_info & 0xfff", start_info->shared_info & 0xFFF, 0);
    t_end();

    t_begin("shared_info_events_masked");
    if (!t_check(shared != NULL, "shared_info could not be mapped (see runtime_shared_info)")) {
        t_end();
        return;
    }
    for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
        if (!t_eq("vcpu_info[i].evtchn_upcall_mask", shared->vcpu_info[i].evtchn_upcall_mask, 1))
            break;
    t_end();
}

static long read_fpu_state(void *arg)
{
    uint32_t *out = arg, mxcsr = 0;
    uint16_t fcw = 0;

    __asm__ volatile("stmxcsr %0; fnstcw %1" : "=m"(mxcsr), "=m"(fcw));
    out[0] = mxcsr;
    out[1] = fcw;
    return 0;
}

static void t_fpu(void)
{
    uint32_t st[2] = { 0, 0 };

    t_begin("fpu_initial_state");
    if (t_check(rt_catch(read_fpu_state, st, NULL), "reading MXCSR/FCW trapped: vector %u",
                rt_last_trap.vector)) {
        t_eq("MXCSR", st[0], 0x1F80);
        t_eq("FCW", st[1], 0x37F);
    }
    t_end();
}

void test_main(void)
{
    t_shared_info();
    t_start_info();
    t_layout();
    t_registers();
    t_hypercall_page();
    t_page_tables();
    t_m2p();
    t_fpu();
}
