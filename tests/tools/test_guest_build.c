/* Tests for dom0-tools/lib/guest (the domain builder) over the in-memory hypervisor of
 * fake_hv.c: the layouts of the ABI notes' worked examples (§1.2: XTF at 128 MiB,
 * Mini-OS at 32 MiB), start_info and vCPU 0 (§1.4, §1.6), every mapped VA through the
 * page tables (§1.3), the P2M and M2P, the rings' ports and grant entries, that only
 * written frames are ever mapped, and that every refusal or failure on the way names
 * the image in one line and leaves no domain, frame, mapping or allocation behind. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_fixtures.h"
#include "fake_hv.h"
#include "guest.h"
#include "suites.h"
#include <xlite/elfnote.h>
#include <xlite/errno.h>
#include <xlite/grant_table.h>

#define IMG_CAP   (64u << 10)
#define PTE_ADDR  0x000FFFFFFFFFF000ull

static struct fake_hv hv;
static uint8_t img[IMG_CAP];
static size_t img_size;
static char err[GUEST_ERR_MAX];
static struct guest_built built;
static uint64_t *p2m;                 /* from the M2P of the built domain */

static void setup(void)
{
    fake_hv_init(&hv);
    p2m = NULL;
}

static void teardown(void)
{
    fake_hv_free(&hv);
    free(p2m);
}

static void make_image(const struct fx_spec *s)
{
    img_size = fx_build(s, img, sizeof(img), NULL);
    ck_assert_uint_gt(img_size, 0);
}

static struct guest_build_args args(const char *name, uint64_t pages)
{
    struct guest_build_args a = {
        .image_name = name, .image = img, .image_size = img_size, .name = "vm",
        .cmdline = "hello world", .nr_pages = pages, .max_vcpus = 1,
    };
    return a;
}

/* Every PFN has exactly one frame of the domain whose M2P entry names it. */
static void collect_p2m(domid_t dom, uint64_t pages)
{
    p2m = calloc(pages, sizeof(*p2m));
    for (uint64_t i = 0; i < FAKE_NR_FRAMES; i++) {
        struct fake_frame *f = &hv.frames[i];
        if (!f->used || f->owner != dom || f->m2p == ~0ull)
            continue;
        ck_assert_msg(f->m2p < pages, "M2P of %#lx is %#lx", (unsigned long)i,
                      (unsigned long)f->m2p);
        ck_assert_msg(p2m[f->m2p] == 0, "PFN %#lx twice in the M2P", (unsigned long)f->m2p);
        p2m[f->m2p] = FAKE_MFN_BASE + i;
    }
    for (uint64_t pfn = 0; pfn < pages; pfn++)
        ck_assert_msg(p2m[pfn] != 0, "PFN %#lx has no frame", (unsigned long)pfn);
}

static void build_ok(const struct guest_build_args *a)
{
    int rc = guest_build(&hv.ctrl, a, &built, err, sizeof(err));

    ck_assert_msg(rc == 0, "build failed (%d): %s", rc, err);
    ck_assert_str_eq(err, "");
    ck_assert_msg(hv.violations == 0, "%s", hv.violation);
    ck_assert_int_eq(hv.maps_live, 0);
    ck_assert_int_eq(hv.allocs_live, 0);
    ck_assert_int_eq(hv.creates, 1);
    ck_assert_int_eq(hv.destroys, 0);
    collect_p2m(built.domid, a->nr_pages);
}

static const struct start_info *si_of(void)
{
    return (const struct start_info *)fake_page(&hv, p2m[built.layout.start_info_pfn]);
}

static void build_xtf(void)
{
    struct fx_spec s;
    struct guest_build_args a;

    fx_xtf(&s);
    make_image(&s);
    a = args("xtf.elf", 0x8000);
    build_ok(&a);
}

/* ABI notes §1.2, test-pv64-example at 128 MiB, row by row. */
START_TEST(xtf_layout_as_abi_example)
{
    build_xtf();
    const struct pv_layout *l = &built.layout;
    ck_assert_uint_eq(l->kernel_pfn, 0x100);
    ck_assert_uint_eq(l->kernel_end_pfn, 0x111);
    ck_assert_uint_eq(l->p2m_pfn, 0x111);
    ck_assert_uint_eq(l->p2m_pages, 0x40);
    ck_assert_uint_eq(l->start_info_pfn, 0x151);
    ck_assert_uint_eq(l->store_pfn, 0x152);
    ck_assert_uint_eq(l->console_pfn, 0x153);
    ck_assert_uint_eq(l->pt_pfn, 0x154);
    ck_assert_uint_eq(l->nr_pt, 5);
    ck_assert_uint_eq(l->stack_pfn, 0x159);
    ck_assert_uint_eq(l->mapped_pfns, 0x400);
    ck_assert_uint_eq(hv.reservation_frames, 0x8000);
    ck_assert_uint_eq(fake_dom(&hv, built.domid)->tot_pages, 0x8000);
}
END_TEST

/* ABI notes §1.2, Mini-OS at 32 MiB. */
START_TEST(minios_layout_as_abi_example)
{
    struct fx_spec s;

    fx_minios(&s);
    make_image(&s);
    struct guest_build_args a = args("mini-os", 0x2000);
    build_ok(&a);
    const struct pv_layout *l = &built.layout;
    ck_assert_uint_eq(l->kernel_pfn, 0);
    ck_assert_uint_eq(l->kernel_end_pfn, 0x69);
    ck_assert_uint_eq(l->p2m_pfn, 0x69);
    ck_assert_uint_eq(l->p2m_pages, 0x10);
    ck_assert_uint_eq(l->start_info_pfn, 0x79);
    ck_assert_uint_eq(l->store_pfn, 0x7A);
    ck_assert_uint_eq(l->console_pfn, 0x7B);
    ck_assert_uint_eq(l->pt_pfn, 0x7C);
    ck_assert_uint_eq(l->nr_pt, 5);
    ck_assert_uint_eq(l->mapped_pfns, 0x400);
    struct fake_dom *d = fake_dom(&hv, built.domid);
    ck_assert_uint_eq(d->ctx.user_regs.rsp, 0x82000);
    ck_assert_uint_eq(d->ctx.user_regs.rsi, 0x79000);
    ck_assert_uint_eq(d->ctx.user_regs.rip, 0);
    ck_assert_uint_eq(d->hypercall_mfn, p2m[2]);
    ck_assert_uint_eq(si_of()->pt_base, 0x7C000);
}
END_TEST

/* ABI notes §1.6 field by field, and §1.4 for vCPU 0. */
START_TEST(start_info_and_vcpu0)
{
    build_xtf();
    const struct start_info *si = si_of();
    struct fake_dom *d = fake_dom(&hv, built.domid);

    ck_assert_uint_eq(built.start_info_mfn, p2m[0x151]);
    ck_assert_str_eq(si->magic, "xen-3.0-x86_64");
    ck_assert_uint_eq(si->nr_pages, 0x8000);
    ck_assert_uint_eq(si->shared_info, d->shared_info_mfn << 12);
    ck_assert_uint_eq(si->flags, 0);
    ck_assert_uint_eq(si->store_mfn, p2m[0x152]);
    ck_assert_uint_eq(si->console.domU.mfn, p2m[0x153]);
    ck_assert_uint_eq(si->store_evtchn, built.store_port);
    ck_assert_uint_eq(si->console.domU.evtchn, built.console_port);
    ck_assert_uint_eq(si->pt_base, 0x154000);
    ck_assert_uint_eq(si->nr_pt_frames, 5);
    ck_assert_uint_eq(si->mfn_list, 0x111000);
    ck_assert_uint_eq(si->mod_start, 0);
    ck_assert_uint_eq(si->mod_len, 0);
    ck_assert_str_eq(si->cmd_line, "hello world");
    ck_assert_uint_eq(si->first_p2m_pfn, 0);

    const struct vcpu_guest_context *c = &d->ctx;
    ck_assert(d->has_ctx);
    ck_assert(d->paused);
    ck_assert_uint_eq(c->user_regs.rip, 0x100000);
    ck_assert_uint_eq(c->user_regs.rsp, 0x15A000);
    ck_assert_uint_eq(c->user_regs.rsi, 0x151000);
    ck_assert_uint_eq(c->user_regs.rflags, 0x200);
    ck_assert_uint_eq(c->user_regs.cs, FLAT_KERNEL_CS);
    ck_assert_uint_eq(c->user_regs.ss, FLAT_KERNEL_SS);
    ck_assert_uint_eq(c->kernel_ss, FLAT_KERNEL_SS);
    ck_assert_uint_eq(c->kernel_sp, 0x15A000);
    ck_assert_uint_eq(c->flags, VGCF_in_kernel | VGCF_online);
    ck_assert_uint_eq(c->ctrlreg[3], p2m[0x154] << 12);
    ck_assert_uint_eq(c->ctrlreg[1], 0);
    ck_assert_uint_eq(d->pinned_l4, p2m[0x154]);
    ck_assert_uint_eq(built.l4_mfn, p2m[0x154]);
    /* The hypercall page (§1.8) was filled by the hypervisor, in the frame of its VA. */
    ck_assert_uint_eq(d->hypercall_mfn, p2m[0x106]);
    ck_assert_uint_eq(fake_page(&hv, p2m[0x106])[0], 0xCC);
}
END_TEST

/* The guest's P2M holds the M2P's view, every page of it; beyond nr_pages: zero. */
START_TEST(p2m_matches_m2p)
{
    build_xtf();
    for (uint64_t pfn = 0; pfn < 0x8000; pfn++) {
        const uint64_t *page = (const uint64_t *)fake_page(&hv, p2m[0x111 + pfn / 512]);
        TOOLS_REQUIRE(page[pfn % 512] == p2m[pfn], "P2M[%#lx] = %#lx, M2P says %#lx",
                      (unsigned long)pfn, (unsigned long)page[pfn % 512],
                      (unsigned long)p2m[pfn]);
    }
}
END_TEST

/* Walks VA through the tables from CR3; 0 if not present. Records the flags. */
static uint64_t walk(uint64_t l4_mfn, uint64_t va, uint64_t flags[4])
{
    uint64_t mfn = l4_mfn;

    for (int level = 3; level >= 0; level--) {
        const uint64_t *t = (const uint64_t *)fake_page(&hv, mfn);
        uint64_t e = t[(va >> (12 + 9 * level)) & 511];
        if (!(e & 1))
            return 0;
        flags[level] = e & ~PTE_ADDR;
        mfn = (e & PTE_ADDR) >> 12;
    }
    return mfn;
}

/* ABI notes §1.3: every VA of [0, 4 MiB) maps its PFN's frame, table frames read-only
 * (0x021) and the rest 0x023, upper levels 0x067; nothing beyond is mapped; the table
 * frames are exactly nr_pt_frames from pt_base in the order L4, L3, L2, L1s. */
START_TEST(page_tables_map_every_va)
{
    build_xtf();
    uint64_t l4 = fake_dom(&hv, built.domid)->ctx.ctrlreg[3] >> 12;
    uint64_t flags[4];

    for (uint64_t pfn = 0; pfn < 0x400; pfn++) {
        bool pt = pfn >= 0x154 && pfn < 0x159;
        uint64_t mfn = walk(l4, pfn << 12, flags);
        TOOLS_REQUIRE(mfn == p2m[pfn], "VA %#lx maps %#lx, want %#lx",
                      (unsigned long)(pfn << 12), (unsigned long)mfn, (unsigned long)p2m[pfn]);
        TOOLS_REQUIRE(flags[0] == (pt ? 0x21u : 0x23u), "VA %#lx: L1 flags %#lx",
                      (unsigned long)(pfn << 12), (unsigned long)flags[0]);
        TOOLS_REQUIRE(flags[1] == 0x67 && flags[2] == 0x67 && flags[3] == 0x67,
                      "VA %#lx: upper flags %#lx %#lx %#lx", (unsigned long)(pfn << 12),
                      (unsigned long)flags[1], (unsigned long)flags[2],
                      (unsigned long)flags[3]);
    }
    ck_assert_uint_eq(walk(l4, 0x400000, flags), 0);
    ck_assert_uint_eq(walk(l4, 0x8000000, flags), 0);
    ck_assert_uint_eq(l4, p2m[0x154]);
    const uint64_t *t4 = (const uint64_t *)fake_page(&hv, p2m[0x154]);
    const uint64_t *t3 = (const uint64_t *)fake_page(&hv, p2m[0x155]);
    const uint64_t *t2 = (const uint64_t *)fake_page(&hv, p2m[0x156]);
    ck_assert_uint_eq(t4[0] >> 12, p2m[0x155]);
    ck_assert_uint_eq(t3[0] >> 12, p2m[0x156]);
    ck_assert_uint_eq(t2[0] >> 12, p2m[0x157]);
    ck_assert_uint_eq(t2[1] >> 12, p2m[0x158]);
    for (unsigned int i = 1; i < 512; i++)
        TOOLS_REQUIRE(t4[i] == 0 && t3[i] == 0, "stray upper entry %u", i);
}
END_TEST

/* The file bytes of the PT_LOAD at their VA, bss and padding zero. */
START_TEST(kernel_bytes_loaded)
{
    build_xtf();
    for (uint64_t j = 0; j < 0x11000; j++) {
        uint8_t got = fake_page(&hv, p2m[0x100 + j / 4096])[j % 4096];
        uint8_t want = j < 0x3000 ? fx_pattern(0, j) : j >= 0x6000 && j < 0x7000 ? 0xCC : 0;
        TOOLS_REQUIRE(got == want, "byte %#lx of the image is %#x, want %#x",
                      (unsigned long)j, got, want);
    }
    ck_assert_uint_eq(fake_page(&hv, p2m[0xFF])[0], 0);
}
END_TEST

/* Ports for the backend (dom0) and grant entries 0 (console) and 1 (store). */
START_TEST(rings_ports_and_grants)
{
    build_xtf();
    struct fake_dom *d = fake_dom(&hv, built.domid);
    ck_assert_uint_eq(built.console_port, 1);
    ck_assert_uint_eq(built.store_port, 2);
    ck_assert_uint_eq(d->port_remote[1], 0);
    ck_assert_uint_eq(d->port_remote[2], 0);
    ck_assert_uint_eq(built.console_mfn, p2m[0x153]);
    ck_assert_uint_eq(built.store_mfn, p2m[0x152]);
    ck_assert_uint_eq(built.grant_frame, d->grant_mfn);
    const struct grant_entry_v1 *g = (const void *)fake_page(&hv, d->grant_mfn);
    ck_assert_uint_eq(g[0].flags, GTF_permit_access);
    ck_assert_uint_eq(g[0].domid, 0);
    ck_assert_uint_eq(g[0].frame, p2m[0x153]);
    ck_assert_uint_eq(g[1].flags, GTF_permit_access);
    ck_assert_uint_eq(g[1].domid, 0);
    ck_assert_uint_eq(g[1].frame, p2m[0x152]);
    ck_assert_uint_eq(g[2].flags, 0);
    /* The rings themselves are fresh (zero) frames, never mapped. */
    ck_assert(!fake_frame(&hv, p2m[0x152])->ever_mapped);
    ck_assert(!fake_frame(&hv, p2m[0x153])->ever_mapped);
}
END_TEST

/* Mapped: the kernel's file pages, the P2M, start_info, the tables, the grant frame;
 * nothing else of the 0x8000 frames (no padding, bss, rings, stack, hypercall page). */
START_TEST(maps_only_written_frames)
{
    build_xtf();
    unsigned int mapped = 0;
    for (uint64_t pfn = 0; pfn < 0x8000; pfn++) {
        bool want = (pfn >= 0x100 && pfn < 0x103) || (pfn >= 0x111 && pfn <= 0x151) ||
                    (pfn >= 0x154 && pfn < 0x159);
        bool got = fake_frame(&hv, p2m[pfn])->ever_mapped;
        TOOLS_REQUIRE(got == want, "PFN %#lx %s", (unsigned long)pfn,
                      got ? "mapped, but not written" : "written without a mapping?");
        mapped += got;
    }
    ck_assert_uint_eq(mapped, 3 + 0x41 + 5);
    ck_assert(fake_frame(&hv, fake_dom(&hv, built.domid)->grant_mfn)->ever_mapped);
}
END_TEST

/* A ramdisk goes right after the kernel; the P2M and the rest follow it. */
START_TEST(ramdisk_placed_after_kernel)
{
    struct fx_spec s;
    static uint8_t rd[5000];

    for (size_t i = 0; i < sizeof(rd); i++)
        rd[i] = (uint8_t)(i * 7 + 1);
    fx_xtf(&s);
    make_image(&s);
    struct guest_build_args a = args("xtf.elf", 0x8000);
    a.ramdisk = rd;
    a.ramdisk_size = sizeof(rd);
    build_ok(&a);
    ck_assert_uint_eq(built.layout.ramdisk_pfn, 0x111);
    ck_assert_uint_eq(built.layout.ramdisk_pages, 2);
    ck_assert_uint_eq(built.layout.p2m_pfn, 0x113);
    ck_assert_uint_eq(si_of()->mod_start, 0x111000);
    ck_assert_uint_eq(si_of()->mod_len, 5000);
    for (size_t i = 0; i < sizeof(rd); i++)
        TOOLS_REQUIRE(fake_page(&hv, p2m[0x111 + i / 4096])[i % 4096] == rd[i],
                      "ramdisk byte %zu", i);
}
END_TEST

/* Refused with exactly msg (a prefix, when prefix is true), nothing left behind. */
static void refused(const struct guest_build_args *a, int want_rc, const char *msg,
                    bool prefix)
{
    memset(err, 'x', sizeof(err) - 1);
    err[sizeof(err) - 1] = '\0';
    int rc = guest_build(&hv.ctrl, a, &built, err, sizeof(err));

    ck_assert_msg(rc == want_rc, "rc %d, want %d (%s)", rc, want_rc, err);
    ck_assert_msg(strchr(err, '\n') == NULL, "multi-line message: %s", err);
    if (prefix)
        ck_assert_msg(!strncmp(err, msg, strlen(msg)), "got '%s', want '%s...'", err, msg);
    else
        ck_assert_str_eq(err, msg);
    ck_assert_msg(hv.violations == 0, "%s", hv.violation);
    ck_assert_uint_eq(hv.creates, hv.destroys);
    ck_assert_uint_eq(fake_used_frames(&hv), 0);
    ck_assert_int_eq(hv.maps_live, 0);
    ck_assert_int_eq(hv.allocs_live, 0);
}

START_TEST(truncated_image_refused)
{
    struct fx_spec s;

    fx_xtf(&s);
    make_image(&s);
    img_size = 40;
    struct guest_build_args a = args("xtf.elf", 0x8000);
    refused(&a, -XEN_EINVAL, "xtf.elf: elf: image is 40 bytes, smaller than an ELF header",
            false);
    ck_assert_uint_eq(hv.creates, 0);
    ck_assert_uint_eq(hv.calls, 0);
}
END_TEST

START_TEST(truncated_program_headers_refused)
{
    struct fx_spec s;

    fx_xtf(&s);
    make_image(&s);
    img_size = 100;
    struct guest_build_args a = args("cut.elf", 0x8000);
    refused(&a, -XEN_EINVAL, "cut.elf: elf: ", true);
    ck_assert_uint_eq(hv.calls, 0);
}
END_TEST

START_TEST(no_xen_version_refused)
{
    struct fx_spec s;

    fx_xtf(&s);
    ck_assert_uint_eq(fx_del_note(&s, XEN_ELFNOTE_XEN_VERSION), 1);
    make_image(&s);
    struct guest_build_args a = args("nover.elf", 0x8000);
    refused(&a, -XEN_EINVAL, "nover.elf: elf: no XEN_VERSION note", false);
    ck_assert_uint_eq(hv.calls, 0);
}
END_TEST

START_TEST(entry_outside_image_refused)
{
    struct fx_spec s;

    fx_xtf(&s);
    s.entry = 0x200000;
    make_image(&s);
    struct guest_build_args a = args("entry.elf", 0x8000);
    refused(&a, -XEN_EINVAL,
            "entry.elf: elf: entry 0x200000 is outside the image 0x100000-0x111000", false);
    ck_assert_uint_eq(hv.calls, 0);
}
END_TEST

/* The mapped 4 MiB do not fit in 2 MiB of RAM: refused before any hypercall. */
START_TEST(too_little_memory_refused)
{
    struct fx_spec s;

    fx_xtf(&s);
    make_image(&s);
    struct guest_build_args a = args("xtf.elf", 0x200);
    refused(&a, -XEN_ENOMEM, "xtf.elf: does not fit in 512 pages: ", true);
    ck_assert_uint_eq(hv.calls, 0);
}
END_TEST

START_TEST(bad_arguments_refused)
{
    struct fx_spec s;

    fx_xtf(&s);
    make_image(&s);
    struct guest_build_args a = args("xtf.elf", 0x8000);
    a.name = "";
    refused(&a, -XEN_EINVAL, "xtf.elf: domain name must have 1-31 characters", false);
    a = args("xtf.elf", 0x8000);
    a.max_vcpus = 9;
    refused(&a, -XEN_EINVAL, "xtf.elf: 9 vCPUs (accepted: 1-8)", false);
    a = args("xtf.elf", (1ull << 22) + 1);
    refused(&a, -XEN_EINVAL, "xtf.elf: 4194305 pages of RAM (accepted: 1-4194304)", false);
    ck_assert_uint_eq(hv.calls, 0);
}
END_TEST

/* The hypervisor's own refusal (a name in use) is reported and nothing is left. */
START_TEST(name_in_use_refused)
{
    struct fx_spec s;

    fx_xtf(&s);
    make_image(&s);
    struct guest_build_args a = args("xtf.elf", 0x1000);
    build_ok(&a);
    domid_t first = built.domid;
    unsigned int creates = hv.creates;
    uint64_t used = fake_used_frames(&hv);
    memset(err, 0, sizeof(err));
    ck_assert_int_eq(guest_build(&hv.ctrl, &a, &built, err, sizeof(err)), -XEN_EEXIST);
    ck_assert_str_eq(err, "xtf.elf: cannot create domain 'vm' (error -17)");
    ck_assert_uint_eq(hv.creates, creates);
    ck_assert_uint_eq(fake_used_frames(&hv), used);
    ck_assert_ptr_nonnull(fake_dom(&hv, first));
    ck_assert_int_eq(hv.allocs_live, 0);
}
END_TEST

/* Each hypercall of a good build, and each map, made to fail in turn: every failure is
 * reported in one line naming the image, and leaves no domain, frame, mapping or
 * allocation. */
START_TEST(every_failure_leaves_nothing)
{
    struct fx_spec s;

    fx_minios(&s);
    make_image(&s);
    struct guest_build_args a = args("mini-os", 0x800);
    build_ok(&a);
    unsigned int calls = hv.calls, maps = hv.maps_done;
    ck_assert_uint_gt(calls, 6);
    ck_assert_uint_gt(maps, 6);
    for (unsigned int n = 1; n <= calls + maps; n++) {
        fake_hv_free(&hv);
        fake_hv_init(&hv);
        if (n <= calls)
            hv.fail_at = n;
        else
            hv.map_fail_at = n - calls;
        memset(err, 0, sizeof(err));
        int rc = guest_build(&hv.ctrl, &a, &built, err, sizeof(err));
        TOOLS_REQUIRE(rc < 0, "failure %u: build succeeded", n);
        TOOLS_REQUIRE(!strncmp(err, "mini-os: ", 9) && strlen(err) > 9 && !strchr(err, '\n'),
                      "failure %u: message '%s'", n, err);
        TOOLS_REQUIRE(hv.violations == 0, "failure %u: %s", n, hv.violation);
        TOOLS_REQUIRE(hv.creates == hv.destroys, "failure %u (%s): %u created, %u destroyed",
                      n, err, hv.creates, hv.destroys);
        TOOLS_REQUIRE(fake_used_frames(&hv) == 0, "failure %u (%s): %lu frames used", n, err,
                      (unsigned long)fake_used_frames(&hv));
        TOOLS_REQUIRE(hv.maps_live == 0 && hv.allocs_live == 0,
                      "failure %u (%s): %ld maps, %ld allocations left", n, err, hv.maps_live,
                      hv.allocs_live);
    }
}
END_TEST

/* If even the destroy fails, the one-line message says which domain is left. */
START_TEST(failed_destroy_reported)
{
    struct fx_spec s;

    fx_minios(&s);
    make_image(&s);
    struct guest_build_args a = args("mini-os", 0x800);
    hv.fail_at = 2;                               /* increase_reservation: nothing */
    hv.destroy_fails = true;
    memset(err, 0, sizeof(err));
    ck_assert_int_eq(guest_build(&hv.ctrl, &a, &built, err, sizeof(err)), -XEN_ENOMEM);
    ck_assert_str_eq(err, "mini-os: out of memory: 0 of 2048 pages allocated; d1 is left: "
                     "destroy failed (error -16)");
    ck_assert_ptr_nonnull(fake_dom(&hv, 1));
    ck_assert_int_eq(hv.maps_live, 0);
    ck_assert_int_eq(hv.allocs_live, 0);
}
END_TEST

Suite *guest_build_suite(void)
{
    Suite *s = suite_create("guest_build");

#define T(fn) TOOLS_ADD_FIXTURE_TEST(s, fn, setup, teardown)
    T(xtf_layout_as_abi_example);
    T(minios_layout_as_abi_example);
    T(start_info_and_vcpu0);
    T(p2m_matches_m2p);
    T(page_tables_map_every_va);
    T(kernel_bytes_loaded);
    T(rings_ports_and_grants);
    T(maps_only_written_frames);
    T(ramdisk_placed_after_kernel);
    T(truncated_image_refused);
    T(truncated_program_headers_refused);
    T(no_xen_version_refused);
    T(entry_outside_image_refused);
    T(too_little_memory_refused);
    T(bad_arguments_refused);
    T(name_in_use_refused);
    T(every_failure_leaves_nothing);
    T(failed_destroy_reported);
#undef T
    return s;
}
