/* Unit tests for common/elf_loader.c: XTF- and Mini-OS-like images parsed exactly, each
 * refusal rule on its own, every truncation and many random corruptions survived, and
 * pv_elf_load's copies checked byte for byte in a fake guest memory. */
#include <check.h>
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_fixtures.h"
#include <hv/elf_loader.h>
#include "suites.h"
#include <xlite/elfnote.h>
#include <xlite/errno.h>

#define IMG_CAP     (64 * 1024)
#define GIB         (1ull << 30)

static uint8_t img[IMG_CAP];      /* each test runs in its own process */
static struct fx_spec spec;
static struct fx_layout lay;
static struct pv_elf_info info;
static char err[256];

/* Builds `spec` into img; returns the size. */
static size_t build(void)
{
    size_t n = fx_build(&spec, img, sizeof(img), &lay);

    ck_assert_msg(n != 0, "fixture does not fit in %d bytes", IMG_CAP);
    return n;
}

/* Copies n bytes into an exactly sized heap block so ASan sees over-reads. */
static uint8_t *exact_copy(const void *b, size_t n)
{
    uint8_t *p = malloc(n ? n : 1);

    ck_assert_ptr_nonnull(p);
    memcpy(p, b, n);
    return p;
}

/* Parses img[0..n) (through an exact copy), which must succeed. */
#define expect_ok(n) expect_ok_at(__LINE__, (n))
static void expect_ok_at(int line, size_t n)
{
    uint8_t *p = exact_copy(img, n);
    int rc = pv_elf_parse(p, n, &info, err, sizeof(err));

    ck_assert_msg(rc == 0, "line %d: rc %d (%s)", line, rc, err);
    free(p);
}

/* Parses b[0..n) (through an exact copy), which must be refused with `want` and a
 * one-line "elf: " reason containing `what`, leaving info zeroed. */
#define expect_refused_buf(b, n, want, what) \
    expect_refused_at(__LINE__, (b), (n), (want), (what))
#define expect_refused(n, want, what) expect_refused_at(__LINE__, img, (n), (want), (what))
static void expect_refused_at(int line, const void *b, size_t n, int want, const char *what)
{
    static const struct pv_elf_info zero;
    uint8_t *p = exact_copy(b, n);
    int rc;

    err[0] = 'x';
    err[1] = '\0';
    memset(&info, 0xa5, sizeof(info));
    rc = pv_elf_parse(p, n, &info, err, sizeof(err));
    free(p);
    ck_assert_msg(rc == want, "line %d: rc %d, want %d (%s)", line, rc, want, err);
    ck_assert_msg(strncmp(err, "elf: ", 5) == 0, "line %d: reason '%s'", line, err);
    ck_assert_msg(strstr(err, what) != NULL, "line %d: reason '%s' does not mention '%s'",
                  line, err, what);
    ck_assert_msg(strchr(err, '\n') == NULL, "line %d: multi-line reason", line);
    ck_assert_msg(memcmp(&info, &zero, sizeof(info)) == 0, "line %d: info not cleared", line);
}

/* Replaces the first Xen note of that type by a string / 8-byte integer note. */
static void set_note_str(uint32_t type, const char *s)
{
    fx_del_note(&spec, type);
    ck_assert_ptr_nonnull(fx_add_note_str(&spec, type, s));
}

static void set_note_u64(uint32_t type, uint64_t v)
{
    fx_del_note(&spec, type);
    ck_assert_ptr_nonnull(fx_add_note_u64(&spec, type, v));
}

/* ---- a fake guest memory for pv_elf_load ------------------------------------------ */

struct gcall {
    char op;                    /* 'w' or 'z' */
    uint64_t va;
    size_t len;
};

struct gmem {
    uint64_t base;
    size_t len;
    uint8_t *mem;               /* NULL: only record and range-check */
    unsigned nr_calls;
    struct gcall call[64];
    unsigned fail_at;           /* 1-based call that fails; 0: none */
    int fail_rc;
    const uint8_t *src_lo, *src_hi;     /* where write() sources must lie */
};

/* Records the call and checks [va, va + len) lies in the fake memory. */
static int gm_enter(struct gmem *g, char op, uint64_t va, size_t len)
{
    unsigned n = g->nr_calls++;

    UNIT_REQUIRE(n < 64, "too many callback calls");
    g->call[n].op = op;
    g->call[n].va = va;
    g->call[n].len = len;
    UNIT_REQUIRE(len != 0, "zero-length %c call", op);
    UNIT_REQUIRE(va >= g->base && va - g->base <= g->len && len <= g->len - (va - g->base),
                 "%c call %#lx+%#zx outside guest memory %#lx+%#zx", op, va, len, g->base,
                 g->len);
    return g->fail_at == n + 1 ? g->fail_rc : 0;
}

static int gm_write(void *ctx, uint64_t va, const void *src, size_t len)
{
    struct gmem *g = ctx;
    const uint8_t *s = src;
    int rc = gm_enter(g, 'w', va, len);

    UNIT_REQUIRE(s >= g->src_lo && s <= g->src_hi && len <= (size_t)(g->src_hi - s),
                 "write source outside the image");
    if (rc == 0 && g->mem != NULL)
        memcpy(g->mem + (va - g->base), src, len);
    return rc;
}

static int gm_zero(void *ctx, uint64_t va, size_t len)
{
    struct gmem *g = ctx;
    int rc = gm_enter(g, 'z', va, len);

    if (rc == 0 && g->mem != NULL)
        memset(g->mem + (va - g->base), 0, len);
    return rc;
}

static void gm_init(struct gmem *g, uint64_t base, size_t len, const uint8_t *image,
                    size_t size)
{
    memset(g, 0, sizeof(*g));
    g->base = base;
    g->len = len;
    g->mem = malloc(len);
    ck_assert_ptr_nonnull(g->mem);
    memset(g->mem, 0xee, len);
    g->src_lo = image;
    g->src_hi = image + size;
}

static void check_call(const struct gmem *g, unsigned i, char op, uint64_t va, size_t len)
{
    ck_assert_uint_gt(g->nr_calls, i);
    ck_assert_int_eq(g->call[i].op, op);
    ck_assert_uint_eq(g->call[i].va, va);
    ck_assert_uint_eq(g->call[i].len, len);
}

/* Asserts guest bytes [va, va + len) all equal c. */
static void check_fill(const struct gmem *g, uint64_t va, size_t len, uint8_t c)
{
    size_t i;

    for (i = 0; i < len; i++)
        UNIT_REQUIRE(g->mem[va - g->base + i] == c, "guest byte %#lx is %#x, want %#x",
                     va + i, g->mem[va - g->base + i], c);
}

/* Asserts guest bytes [va, va + len) equal the pattern of program header ph. */
static void check_pattern(const struct gmem *g, uint64_t va, size_t len, unsigned ph)
{
    size_t i;

    for (i = 0; i < len; i++)
        UNIT_REQUIRE(g->mem[va - g->base + i] == fx_pattern(ph, i),
                     "guest byte %#lx: %#x, want %#x", va + i, g->mem[va - g->base + i],
                     fx_pattern(ph, i));
}

/* ---- images that parse ------------------------------------------------------------- */

START_TEST(xtf_like_parsed_exactly)
{
    size_t n;
    uint8_t *odd;

    fx_xtf(&spec);
    n = build();
    expect_ok(n);
    ck_assert_uint_eq(info.entry, 0x100000);
    ck_assert_uint_eq(info.virt_base, 0);
    ck_assert_uint_eq(info.paddr_offset, 0);
    ck_assert_uint_eq(info.virt_kstart, 0x100000);
    ck_assert_uint_eq(info.virt_kend, 0x111000);
    ck_assert(info.has_hypercall_page);
    ck_assert_uint_eq(info.hypercall_page, 0x106000);
    ck_assert(!info.notes_from_sections);
    ck_assert_str_eq(info.guest_os, "XTF");
    ck_assert_str_eq(info.guest_version, "0");
    ck_assert_str_eq(info.xen_version, "xen-3.0");
    ck_assert_str_eq(info.loader, "generic");
    ck_assert_str_eq(info.features, "!writable_page_tables|pae_pgdir_above_4gb");
    ck_assert_uint_eq(info.nr_segments, 1);
    ck_assert_uint_eq(info.seg[0].offset, lay.data_off[0]);
    ck_assert_uint_eq(info.seg[0].filesz, 0x3000);
    ck_assert_uint_eq(info.seg[0].memsz, 0x11000);
    ck_assert_uint_eq(info.seg[0].paddr, 0x100000);
    ck_assert_uint_eq(info.seg[0].va, 0x100000);
    ck_assert_uint_eq(info.seg[0].flags, PV_ELF_PF_R | PV_ELF_PF_W | PV_ELF_PF_X);
    /* No err buffer, an err buffer of one byte, and an unaligned image are all fine. */
    ck_assert_int_eq(pv_elf_parse(img, n, &info, NULL, 0), 0);
    ck_assert_int_eq(pv_elf_parse(img, n, &info, err, 1), 0);
    odd = malloc(n + 3);
    ck_assert_ptr_nonnull(odd);
    memcpy(odd + 3, img, n);
    ck_assert_int_eq(pv_elf_parse(odd + 3, n, &info, err, sizeof(err)), 0);
    ck_assert_uint_eq(info.hypercall_page, 0x106000);
    free(odd);
    /* Trailing bytes after the image are harmless. */
    ck_assert_int_eq(pv_elf_parse(img, n + 100, &info, err, sizeof(err)), 0);
}
END_TEST

START_TEST(minios_like_uses_section_fallback)
{
    fx_minios(&spec);
    expect_ok(build());
    ck_assert_int_eq(lay.pt_note_idx, -1);
    ck_assert(info.notes_from_sections);
    ck_assert_uint_eq(info.entry, 0);
    ck_assert_uint_eq(info.virt_kstart, 0);
    ck_assert_uint_eq(info.virt_kend, 0x69000);
    ck_assert(info.has_hypercall_page);
    ck_assert_uint_eq(info.hypercall_page, 0x2000);
    ck_assert_str_eq(info.guest_os, "Mini-OS");
    ck_assert_str_eq(info.guest_version, "");
    ck_assert_str_eq(info.features, "");
    ck_assert_str_eq(info.loader, "generic");
    ck_assert_uint_eq(info.nr_segments, 2);          /* PT_GNU_STACK is not loaded */
    ck_assert_uint_eq(info.seg[0].va, 0);
    ck_assert_uint_eq(info.seg[0].filesz, 0x3000);
    ck_assert_uint_eq(info.seg[0].memsz, 0x3000);
    ck_assert_uint_eq(info.seg[0].flags, PV_ELF_PF_R | PV_ELF_PF_X);
    ck_assert_uint_eq(info.seg[1].va, 0x3000);       /* adjacent, not overlapping */
    ck_assert_uint_eq(info.seg[1].offset, lay.data_off[1]);
    ck_assert_uint_eq(info.seg[1].filesz, 0x800);
    ck_assert_uint_eq(info.seg[1].memsz, 0x65e24);
    ck_assert_uint_eq(info.seg[1].flags, PV_ELF_PF_R | PV_ELF_PF_W);
}
END_TEST

/* A PT_NOTE holding only a GNU note does not count; the sections are read. A PT_NOTE
 * with Xen notes wins over the sections, which are then not read at all. */
START_TEST(pt_note_without_xen_notes_falls_back)
{
    static const uint8_t build_id[20] = { 1, 2, 3, 4, 5 };
    struct fx_note *gnu;
    unsigned i;

    fx_minios(&spec);
    spec.pt_note = true;
    gnu = fx_add_note(&spec, NT_GNU_BUILD_ID, build_id, sizeof(build_id));
    fx_note_name(gnu, "GNU", 4);
    gnu->areas = FX_AREA_PHDR;
    expect_ok(build());
    ck_assert_int_ge(lay.pt_note_idx, 0);
    ck_assert_uint_gt(lay.parea_len, 0);
    ck_assert(info.notes_from_sections);
    ck_assert_str_eq(info.guest_os, "Mini-OS");

    fx_minios(&spec);
    spec.pt_note = true;
    for (i = 0; i < spec.nr_notes; i++)
        spec.note[i].areas = FX_AREA_PHDR;
    fx_add_note_str(&spec, XEN_ELFNOTE_GUEST_OS, "from-section")->areas = FX_AREA_SECT;
    fx_add_note_str(&spec, XEN_ELFNOTE_FEATURES, "!dom0")->areas = FX_AREA_SECT;
    expect_ok(build());
    ck_assert(!info.notes_from_sections);
    ck_assert_str_eq(info.guest_os, "Mini-OS");
    ck_assert_str_eq(info.features, "");
}
END_TEST

START_TEST(entry_note_overrides_e_entry)
{
    fx_xtf(&spec);
    fx_add_note_u64(&spec, XEN_ELFNOTE_ENTRY, 0x101234);
    expect_ok(build());
    ck_assert_uint_eq(info.entry, 0x101234);
    fx_del_note(&spec, XEN_ELFNOTE_ENTRY);
    fx_add_note_u32(&spec, XEN_ELFNOTE_ENTRY, 0x10fff0);
    spec.entry = 0xdeadbeef;                          /* e_entry is ignored */
    expect_ok(build());
    ck_assert_uint_eq(info.entry, 0x10fff0);
    /* A later note of the same type replaces an earlier one. */
    fx_add_note_u64(&spec, XEN_ELFNOTE_ENTRY, 0x100010);
    expect_ok(build());
    ck_assert_uint_eq(info.entry, 0x100010);
}
END_TEST

START_TEST(integer_notes_4_and_8_bytes)
{
    fx_xtf(&spec);
    fx_del_note(&spec, XEN_ELFNOTE_HYPERCALL_PAGE);
    fx_add_note_u32(&spec, XEN_ELFNOTE_HYPERCALL_PAGE, 0x107000);
    fx_add_note_u32(&spec, XEN_ELFNOTE_VIRT_BASE, 0x100000);
    fx_add_note_u32(&spec, XEN_ELFNOTE_PADDR_OFFSET, 0x100000);
    expect_ok(build());
    ck_assert_uint_eq(info.hypercall_page, 0x107000);
    ck_assert_uint_eq(info.virt_base, 0x100000);
    ck_assert_uint_eq(info.paddr_offset, 0x100000);
    ck_assert_uint_eq(info.seg[0].va, 0x100000);
    /* 4-byte notes are zero-extended; upper bytes of 8-byte ones are used. */
    fx_xtf(&spec);
    fx_add_note_u64(&spec, XEN_ELFNOTE_VIRT_BASE, 0xffffffff80000000ull);
    fx_add_note_u32(&spec, XEN_ELFNOTE_PADDR_OFFSET, 0);
    set_note_u64(XEN_ELFNOTE_HYPERCALL_PAGE, 0xffffffff80106000ull);
    fx_add_note_u64(&spec, XEN_ELFNOTE_ENTRY, 0xffffffff80100000ull);
    expect_ok(build());
    ck_assert_uint_eq(info.virt_base, 0xffffffff80000000ull);
    ck_assert_uint_eq(info.paddr_offset, 0);
    ck_assert_uint_eq(info.seg[0].va, 0xffffffff80100000ull);
    ck_assert_uint_eq(info.virt_kstart, 0xffffffff80100000ull);
    ck_assert_uint_eq(info.virt_kend, 0xffffffff80111000ull);
    ck_assert_uint_eq(info.entry, 0xffffffff80100000ull);
    ck_assert_uint_eq(info.hypercall_page, 0xffffffff80106000ull);
}
END_TEST

/* VA = p_paddr + virt_base - paddr_offset, modulo 2^64; p_vaddr plays no part. */
START_TEST(va_follows_paddr_and_notes)
{
    fx_init(&spec);                                   /* Linux-like, modern notes */
    spec.entry = 0xffffffff81000200ull;
    fx_add_phdr(&spec, PT_LOAD, PF_R | PF_X, 0x1234, 0x2000, 0x2000)->paddr = 0x1000000;
    fx_add_phdr(&spec, PT_LOAD, PF_R | PF_W, 0x9999, 0x100, 0x4000)->paddr = 0x1002000;
    fx_add_note_str(&spec, XEN_ELFNOTE_GUEST_OS, "linux");
    fx_add_note_str(&spec, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    fx_add_note_u64(&spec, XEN_ELFNOTE_VIRT_BASE, 0xffffffff80000000ull);
    fx_add_note_u64(&spec, XEN_ELFNOTE_PADDR_OFFSET, 0);
    fx_add_note_u64(&spec, XEN_ELFNOTE_HYPERCALL_PAGE, 0xffffffff81001000ull);
    expect_ok(build());
    ck_assert_uint_eq(info.seg[0].paddr, 0x1000000);
    ck_assert_uint_eq(info.seg[0].va, 0xffffffff81000000ull);
    ck_assert_uint_eq(info.seg[1].va, 0xffffffff81002000ull);
    ck_assert_uint_eq(info.virt_kstart, 0xffffffff81000000ull);
    ck_assert_uint_eq(info.virt_kend, 0xffffffff81006000ull);
    ck_assert_str_eq(info.loader, "");                /* linux needs no LOADER */

    /* Old style: PADDR_OFFSET = VIRT_BASE, p_paddr holds the VA. */
    set_note_u64(XEN_ELFNOTE_PADDR_OFFSET, 0xffffffff80000000ull);
    spec.ph[0].paddr = 0xffffffff81000000ull;
    spec.ph[1].paddr = 0xffffffff81002000ull;
    expect_ok(build());
    ck_assert_uint_eq(info.seg[0].va, 0xffffffff81000000ull);
    ck_assert_uint_eq(info.seg[1].va, 0xffffffff81002000ull);

    /* paddr_offset > virt_base: the offset is "negative" and wraps modulo 2^64. */
    set_note_u64(XEN_ELFNOTE_VIRT_BASE, 0);
    set_note_u64(XEN_ELFNOTE_PADDR_OFFSET, 0x1000000);
    set_note_u64(XEN_ELFNOTE_HYPERCALL_PAGE, 0x101000);
    spec.ph[0].paddr = 0x1100000;
    spec.ph[1].paddr = 0x1102000;
    spec.entry = 0x100000;
    expect_ok(build());
    ck_assert_uint_eq(info.seg[0].va, 0x100000);
    ck_assert_uint_eq(info.seg[1].va, 0x102000);
    ck_assert_uint_eq(info.virt_kstart, 0x100000);
    ck_assert_uint_eq(info.virt_kend, 0x106000);

    /* The first page of the upper guest range is fine. */
    fx_xtf(&spec);
    spec.ph[0].paddr = 0xffff880000000000ull;
    spec.entry = 0xffff880000000000ull;
    fx_del_note(&spec, XEN_ELFNOTE_HYPERCALL_PAGE);
    expect_ok(build());
    ck_assert(!info.has_hypercall_page);
    ck_assert_uint_eq(info.hypercall_page, 0);
    ck_assert_uint_eq(info.virt_kstart, 0xffff880000000000ull);
    /* ... and so is the top of the lower half. */
    spec.ph[0].paddr = 0x00007fffffff0000ull - 0x11000;
    spec.entry = spec.ph[0].paddr;
    expect_ok(build());
    ck_assert_uint_eq(info.virt_kend, 0x00007fffffff0000ull);
}
END_TEST

START_TEST(linux_loader_rule_and_prefixes)
{
    fx_xtf(&spec);
    set_note_str(XEN_ELFNOTE_GUEST_OS, "linux");
    fx_del_note(&spec, XEN_ELFNOTE_LOADER);
    expect_ok(build());
    ck_assert_str_eq(info.loader, "");
    set_note_str(XEN_ELFNOTE_LOADER, "elf");           /* any LOADER with linux */
    expect_ok(build());
    set_note_str(XEN_ELFNOTE_GUEST_OS, "linux-2.6");   /* libelf compares prefixes */
    expect_ok(build());
    set_note_str(XEN_ELFNOTE_GUEST_OS, "XTF");
    set_note_str(XEN_ELFNOTE_LOADER, "generic-v2");
    set_note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0-unstable");
    expect_ok(build());
    ck_assert_str_eq(info.xen_version, "xen-3.0-unstable");
}
END_TEST

START_TEST(features_recorded_and_strings_truncated)
{
    static const char feats[] = "writable_descriptor_tables|auto_translated_physmap|"
                                "supervisor_mode_kernel||!pae_pgdir_above_4gb|"
                                "!writable_page_tables|hvm_callback_vector|dom0|"
                                "some_unknown_feature_with_a_long_name";
    char longver[60];

    fx_xtf(&spec);
    set_note_str(XEN_ELFNOTE_FEATURES, feats);
    memset(longver, 'v', sizeof(longver) - 1);
    longver[sizeof(longver) - 1] = '\0';
    set_note_str(XEN_ELFNOTE_GUEST_VERSION, longver);
    expect_ok(build());
    ck_assert_uint_gt(strlen(feats), PV_ELF_FEATURES_MAX);
    ck_assert_uint_eq(strlen(info.features), PV_ELF_FEATURES_MAX - 1);
    ck_assert_int_eq(strncmp(info.features, feats, PV_ELF_FEATURES_MAX - 1), 0);
    ck_assert_uint_eq(strlen(info.guest_version), PV_ELF_STR_MAX - 1);
    ck_assert_int_eq(strncmp(info.guest_version, longver, PV_ELF_STR_MAX - 1), 0);
    set_note_str(XEN_ELFNOTE_FEATURES, "");          /* empty is fine */
    expect_ok(build());
    ck_assert_str_eq(info.features, "");
}
END_TEST

/* Notes not named exactly "Xen\0" are stepped over, whatever they contain. */
START_TEST(non_xen_notes_ignored)
{
    static const struct { const char *name; uint32_t namesz; } names[] = {
        { "Xen", 3 }, { "Xenx", 5 }, { "XEN", 4 }, { "GNU", 4 }, { "", 0 }, { "Xen", 8 },
    };
    size_t i;

    fx_xtf(&spec);
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        struct fx_note *n = fx_add_note(&spec, XEN_ELFNOTE_XEN_VERSION, "bad", 3);

        fx_note_name(n, names[i].name, names[i].namesz);
        n = fx_add_note(&spec, XEN_ELFNOTE_ENTRY, "\1\2", 2);
        fx_note_name(n, names[i].name, names[i].namesz);
    }
    fx_add_note(&spec, 0x1234, "x", 1);               /* unknown Xen type: ignored */
    fx_add_note(&spec, XEN_ELFNOTE_L1_MFN_VALID, "0123456789abcdef", 16);
    fx_add_note(&spec, XEN_ELFNOTE_PAE_MODE, "no NUL", 6);   /* unused: unexamined */
    expect_ok(build());
    ck_assert_str_eq(info.xen_version, "xen-3.0");
    ck_assert_uint_eq(info.entry, 0x100000);
}
END_TEST

/* A PT_LOAD without R, W or X is not loadable (libelf): skipped, even if absurd. */
START_TEST(non_loadable_pt_load_skipped)
{
    fx_xtf(&spec);
    fx_add_phdr(&spec, PT_LOAD, 0, 0xffff800000000000ull, 0, 0x1000);
    fx_add_phdr(&spec, PT_LOAD, PF_MASKPROC, 0x100000, 0, 0x100000000ull);
    expect_ok(build());
    ck_assert_uint_eq(info.nr_segments, 1);
    /* e_shnum == 0 with garbage in e_shoff and e_shentsize: sections ignored. */
    spec.sections = false;
    spec.sht_note = false;
    build();
    FX_SET_EH(img, e_shoff, 0xffffffffffffff00ull);
    FX_SET_EH(img, e_shentsize, 3);
    expect_ok(lay.size);
    ck_assert(!info.notes_from_sections);
}
END_TEST

/* ---- refusals: headers -------------------------------------------------------------- */

START_TEST(refuses_null_arguments)
{
    size_t n;

    fx_xtf(&spec);
    n = build();
    ck_assert_int_eq(pv_elf_parse(NULL, n, &info, err, sizeof(err)), -XEN_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "no image"));
    ck_assert_int_eq(pv_elf_parse(img, n, NULL, err, sizeof(err)), -XEN_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "no output"));
    ck_assert_int_eq(pv_elf_parse(img, 10, &info, NULL, 0), -XEN_EINVAL);
    ck_assert_int_eq(pv_elf_parse(img, 10, &info, err, 1), -XEN_EINVAL);
    ck_assert_str_eq(err, "");
    ck_assert_int_eq(pv_elf_parse(img, 10, &info, err, 4), -XEN_EINVAL);
    ck_assert_str_eq(err, "elf");
}
END_TEST

START_TEST(refuses_short_image)
{
    fx_xtf(&spec);
    build();
    expect_refused(0, -XEN_EINVAL, "smaller than an ELF header");
    expect_refused(4, -XEN_EINVAL, "smaller than an ELF header");
    expect_refused(sizeof(Elf64_Ehdr) - 1, -XEN_EINVAL, "smaller than an ELF header");
    expect_refused(sizeof(Elf64_Ehdr), -XEN_EINVAL, "program headers");
}
END_TEST

START_TEST(refuses_bad_magic)
{
    size_t n, i;

    fx_xtf(&spec);
    n = build();
    for (i = 0; i < 4; i++) {
        img[i] ^= 0x20;
        expect_refused(n, -XEN_EINVAL, "bad ELF magic");
        img[i] ^= 0x20;
    }
    expect_ok(n);
}
END_TEST

START_TEST(refuses_wrong_class)
{
    size_t n;

    fx_xtf(&spec);
    n = build();
    img[EI_CLASS] = ELFCLASS32;
    expect_refused(n, -XEN_EINVAL, "not ELFCLASS64");
    img[EI_CLASS] = ELFCLASSNONE;
    expect_refused(n, -XEN_EINVAL, "not ELFCLASS64");
}
END_TEST

START_TEST(refuses_wrong_data_encoding)
{
    size_t n;

    fx_xtf(&spec);
    n = build();
    img[EI_DATA] = ELFDATA2MSB;
    expect_refused(n, -XEN_EINVAL, "not ELFDATA2LSB");
    img[EI_DATA] = ELFDATANONE;
    expect_refused(n, -XEN_EINVAL, "not ELFDATA2LSB");
}
END_TEST

START_TEST(refuses_wrong_version)
{
    size_t n;

    fx_xtf(&spec);
    n = build();
    img[EI_VERSION] = 2;
    expect_refused(n, -XEN_EINVAL, "not EV_CURRENT");
    img[EI_VERSION] = EV_CURRENT;
    FX_SET_EH(img, e_version, 0);
    expect_refused(n, -XEN_EINVAL, "not EV_CURRENT");
}
END_TEST

START_TEST(refuses_wrong_machine)
{
    size_t n;

    fx_xtf(&spec);
    n = build();
    FX_SET_EH(img, e_machine, EM_386);
    expect_refused(n, -XEN_EINVAL, "not EM_X86_64");
    FX_SET_EH(img, e_machine, EM_AARCH64);
    expect_refused(n, -XEN_EINVAL, "e_machine 183");
}
END_TEST

START_TEST(refuses_wrong_type)
{
    size_t n;

    fx_xtf(&spec);
    n = build();
    FX_SET_EH(img, e_type, ET_DYN);
    expect_refused(n, -XEN_EINVAL, "not ET_EXEC");
    FX_SET_EH(img, e_type, ET_REL);
    expect_refused(n, -XEN_EINVAL, "not ET_EXEC");
}
END_TEST

START_TEST(refuses_bad_phentsize)
{
    size_t n;

    fx_xtf(&spec);
    n = build();
    FX_SET_EH(img, e_phentsize, sizeof(Elf32_Phdr));
    expect_refused(n, -XEN_EINVAL, "e_phentsize 32");
    FX_SET_EH(img, e_phentsize, sizeof(Elf64_Phdr) + 8);
    expect_refused(n, -XEN_EINVAL, "e_phentsize");
}
END_TEST

START_TEST(refuses_phdrs_outside_image)
{
    size_t n;

    fx_xtf(&spec);
    n = build();
    FX_SET_EH(img, e_phoff, n);                     /* starts at the end */
    expect_refused(n, -XEN_EINVAL, "program headers");
    FX_SET_EH(img, e_phoff, n - sizeof(Elf64_Phdr)); /* second entry past the end */
    expect_refused(n, -XEN_EINVAL, "program headers");
    FX_SET_EH(img, e_phoff, 0xffffffffffffffc8ull); /* offset + size would wrap */
    expect_refused(n, -XEN_EINVAL, "program headers");
    FX_SET_EH(img, e_phoff, lay.phoff);
    FX_SET_EH(img, e_phnum, 0xffff);
    expect_refused(n, -XEN_EINVAL, "program headers (65535");
}
END_TEST

START_TEST(refuses_bad_section_table)
{
    size_t n;

    fx_minios(&spec);
    n = build();
    FX_SET_EH(img, e_shentsize, sizeof(Elf32_Shdr));
    expect_refused(n, -XEN_EINVAL, "e_shentsize 40");
    FX_SET_EH(img, e_shentsize, sizeof(Elf64_Shdr));
    FX_SET_EH(img, e_shoff, lay.shoff + 1);          /* last byte past the end */
    expect_refused(n, -XEN_EINVAL, "section headers");
    FX_SET_EH(img, e_shoff, 0xffffffffffffffc0ull); /* would wrap */
    expect_refused(n, -XEN_EINVAL, "section headers");
    FX_SET_EH(img, e_shoff, lay.shoff);
    FX_SET_EH(img, e_shnum, lay.shnum + 1);
    expect_refused(n, -XEN_EINVAL, "section headers");
    /* Checked even when a PT_NOTE supplies the notes (libelf's elf_init does too). */
    fx_xtf(&spec);
    n = build();
    FX_SET_EH(img, e_shnum, 0xffff);
    expect_refused(n, -XEN_EINVAL, "section headers (65535");
}
END_TEST

/* ---- refusals: segments ------------------------------------------------------------- */

START_TEST(refuses_no_pt_load)
{
    size_t n;

    fx_xtf(&spec);
    n = build();
    FX_SET_PH(img, &lay, 0, p_type, PT_NULL);
    expect_refused(n, -XEN_EINVAL, "no loadable PT_LOAD");
    FX_SET_PH(img, &lay, 0, p_type, PT_LOAD);
    FX_SET_PH(img, &lay, 0, p_flags, 0);
    expect_refused(n, -XEN_EINVAL, "no loadable PT_LOAD");
    FX_SET_EH(img, e_phnum, 0);
    expect_refused(n, -XEN_EINVAL, "no loadable PT_LOAD");
}
END_TEST

START_TEST(refuses_too_many_pt_loads)
{
    unsigned i;

    fx_xtf(&spec);
    for (i = 1; i < PV_ELF_MAX_SEGMENTS; i++)
        fx_add_phdr(&spec, PT_LOAD, PF_R, 0x200000 + i * 0x1000, 0x10, 0x1000);
    expect_ok(build());
    ck_assert_uint_eq(info.nr_segments, PV_ELF_MAX_SEGMENTS);
    ck_assert_uint_eq(info.seg[15].va, 0x20f000);
    ck_assert_uint_eq(info.seg[15].offset, lay.data_off[15]);
    ck_assert_uint_eq(info.virt_kend, 0x210000);
    fx_add_phdr(&spec, PT_LOAD, PF_R, 0x300000, 0x10, 0x1000);
    expect_refused(build(), -XEN_E2BIG, "more than 16 PT_LOAD");
}
END_TEST

START_TEST(refuses_filesz_above_memsz)
{
    size_t n;

    fx_minios(&spec);
    spec.ph[0].memsz = spec.ph[0].filesz - 1;
    expect_refused(build(), -XEN_EINVAL, "PT_LOAD 0: filesz 0x3000 > memsz 0x2fff");
    fx_minios(&spec);
    n = build();
    FX_SET_PH(img, &lay, 1, p_filesz, 0x65e25);
    expect_refused(n, -XEN_EINVAL, "PT_LOAD 1: filesz");
}
END_TEST

START_TEST(refuses_segment_outside_file)
{
    size_t n;

    fx_xtf(&spec);
    spec.sections = spec.sht_note = false;            /* the data is the last thing */
    n = build();
    ck_assert_uint_eq(lay.data_off[0] + 0x3000, n);
    expect_ok(n);
    expect_refused(n - 1, -XEN_EINVAL, "PT_LOAD 0: file range");
    FX_SET_PH(img, &lay, 0, p_offset, n);
    expect_refused(n, -XEN_EINVAL, "runs past the");
    FX_SET_PH(img, &lay, 0, p_offset, 0xfffffffffffff000ull);   /* would wrap */
    expect_refused(n, -XEN_EINVAL, "runs past the");
    FX_SET_PH(img, &lay, 0, p_offset, lay.data_off[0]);
    FX_SET_PH(img, &lay, 0, p_filesz, 0xfffffffffffff000ull);
    FX_SET_PH(img, &lay, 0, p_memsz, 0xfffffffffffff000ull);
    expect_refused(n, -XEN_EINVAL, "runs past the");
}
END_TEST

START_TEST(refuses_va_wrap)
{
    fx_xtf(&spec);
    spec.ph[0].paddr = 0xfffffffffffff000ull;
    expect_refused(build(), -XEN_EINVAL, "wraps past 2^64");
    spec.ph[0].paddr = 0xffffffffffffe000ull;          /* ends exactly at 2^64 */
    spec.ph[0].memsz = 0x2000;
    spec.ph[0].filesz = 0x2000;
    expect_refused(build(), -XEN_EINVAL, "wraps past 2^64");
    /* ... or wraps only after the VIRT_BASE translation. */
    fx_xtf(&spec);
    fx_add_note_u64(&spec, XEN_ELFNOTE_VIRT_BASE, 0xffffffffffeff000ull);
    expect_refused(build(), -XEN_EINVAL, "VA range 0xfffffffffffff000+0x11000 wraps");
}
END_TEST

START_TEST(refuses_last_page)
{
    fx_xtf(&spec);
    spec.ph[0].paddr = 0xffffffffffffe000ull;
    spec.ph[0].filesz = 0x1000;
    spec.ph[0].memsz = 0x1010;
    spec.entry = 0xffffffffffffe000ull;
    fx_del_note(&spec, XEN_ELFNOTE_HYPERCALL_PAGE);
    expect_refused(build(), -XEN_EINVAL, "last page");
    spec.ph[0].memsz = 0x2000 - 1;
    expect_refused(build(), -XEN_EINVAL, "last page");
    spec.ph[0].memsz = 0x1000;                        /* ends at 0xfffffffffffff000 */
    expect_ok(build());
    ck_assert_uint_eq(info.virt_kend, 0xfffffffffffff000ull);
}
END_TEST

START_TEST(refuses_non_canonical)
{
    static const uint64_t bad[][2] = {
        { 0x0000800000000000ull, 0x1000 },            /* first non-canonical byte */
        { 0x00007ffffffff000ull, 0x2000 },            /* crosses up into the hole */
        { 0x00007fffffffffffull, 2 },
        { 0x1234000000000000ull, 0x1000 },
        { 0xffff7ffffffff000ull, 0x1000 },            /* last page of the hole */
        { 0x0000800000000000ull, 0 },                 /* empty, but still there */
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        fx_xtf(&spec);
        fx_del_note(&spec, XEN_ELFNOTE_HYPERCALL_PAGE);
        spec.ph[0].paddr = bad[i][0];
        spec.ph[0].memsz = bad[i][1];
        spec.ph[0].filesz = 0;
        spec.entry = bad[i][0];
        expect_refused(build(), -XEN_EINVAL, "not canonical");
    }
}
END_TEST

START_TEST(refuses_hypervisor_range)
{
    static const uint64_t bad[][2] = {
        { 0xffff800000000000ull, 0x1000 },            /* the M2P */
        { 0xffff83fffffff000ull, 0x1000 },
        { 0xffff87fffffff000ull, 0x1000 },            /* last hypervisor page */
        { 0xffff87fffffff000ull, 0x2000 },            /* crosses into guest space */
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        fx_xtf(&spec);
        fx_del_note(&spec, XEN_ELFNOTE_HYPERCALL_PAGE);
        spec.ph[0].paddr = bad[i][0];
        spec.ph[0].memsz = bad[i][1];
        spec.ph[0].filesz = 0;
        spec.entry = bad[i][0];
        expect_refused(build(), -XEN_EINVAL, "hypervisor range");
    }
    /* Reached only through VIRT_BASE: p_paddr 0x100000 looks harmless. */
    fx_xtf(&spec);
    fx_del_note(&spec, XEN_ELFNOTE_HYPERCALL_PAGE);
    fx_add_note_u64(&spec, XEN_ELFNOTE_VIRT_BASE, 0xffff800000000000ull);
    spec.entry = 0xffff800000100000ull;
    expect_refused(build(), -XEN_EINVAL, "hypervisor range");
}
END_TEST

START_TEST(refuses_overlapping_segments)
{
    fx_minios(&spec);
    spec.ph[1].paddr = 0x2fff;                        /* one byte into segment 0 */
    expect_refused(build(), -XEN_EINVAL, "segments 0 and 1 overlap");
    spec.ph[1].paddr = 0;                             /* identical start */
    expect_refused(build(), -XEN_EINVAL, "overlap");
    fx_minios(&spec);                                 /* segment 0 inside segment 1 */
    spec.ph[0].paddr = 0x10000;
    spec.ph[0].vaddr = 0x10000;
    spec.ph[1].paddr = 0;
    spec.entry = 0x10000;
    fx_del_note(&spec, XEN_ELFNOTE_HYPERCALL_PAGE);
    expect_refused(build(), -XEN_EINVAL, "overlap");
    /* p_vaddr overlap does not matter (only p_paddr counts) ... */
    fx_minios(&spec);
    spec.ph[1].vaddr = 0x1000;
    expect_ok(build());
    /* ... nor does an empty segment inside another one. */
    fx_minios(&spec);
    fx_add_phdr(&spec, PT_LOAD, PF_R, 0x1000, 0, 0);
    expect_ok(build());
    ck_assert_uint_eq(info.nr_segments, 3);
}
END_TEST

START_TEST(refuses_span_too_large)
{
    fx_xtf(&spec);
    spec.ph[0].memsz = GIB;                           /* exactly the limit */
    expect_ok(build());
    ck_assert_uint_eq(info.virt_kend - info.virt_kstart, GIB);
    spec.ph[0].memsz = GIB + 1;
    expect_refused(build(), -XEN_E2BIG, "image spans");
    /* Two small segments far apart are refused too (the builder maps the span). */
    fx_xtf(&spec);
    fx_add_phdr(&spec, PT_LOAD, PF_R, 0x100000 + GIB, 0x10, 0x10);
    expect_refused(build(), -XEN_E2BIG, "image spans 0x100000-0x40101000");
    /* A small segment at a page-unaligned address is rounded both ways. */
    fx_xtf(&spec);
    fx_add_phdr(&spec, PT_LOAD, PF_R, 0x100000 + GIB - 0x10, 0x10, 0x10);
    expect_ok(build());
    ck_assert_uint_eq(info.virt_kend, 0x100000 + GIB);
}
END_TEST

/* ---- refusals: notes ---------------------------------------------------------------- */

START_TEST(refuses_note_areas_outside_image)
{
    size_t n;

    fx_xtf(&spec);
    n = build();
    FX_SET_PH(img, &lay, lay.pt_note_idx, p_filesz, n);
    expect_refused(n, -XEN_EINVAL, "PT_NOTE 1: file range");
    FX_SET_PH(img, &lay, lay.pt_note_idx, p_filesz, lay.parea_len);
    FX_SET_PH(img, &lay, lay.pt_note_idx, p_offset, 0xffffffffffffff00ull);
    expect_refused(n, -XEN_EINVAL, "PT_NOTE 1: file range");
    /* A PT_NOTE at offset 0 is skipped (old binutils), so the sections are used. */
    FX_SET_PH(img, &lay, lay.pt_note_idx, p_offset, 0);
    expect_ok(n);
    ck_assert(info.notes_from_sections);

    fx_minios(&spec);
    n = build();
    FX_SET_SH(img, &lay, lay.note_sh_idx, sh_size, n);
    expect_refused(n, -XEN_EINVAL, "SHT_NOTE section 1: range");
    FX_SET_SH(img, &lay, lay.note_sh_idx, sh_size, lay.sarea_len);
    FX_SET_SH(img, &lay, lay.note_sh_idx, sh_offset, 0xfffffffffffffff0ull);
    expect_refused(n, -XEN_EINVAL, "SHT_NOTE section 1: range");
}
END_TEST

START_TEST(refuses_truncated_notes)
{
    size_t n;
    unsigned last;

    fx_xtf(&spec);
    n = build();
    last = spec.nr_notes - 1;                          /* FEATURES, the last note */
    /* 4 stray bytes after the last note: too short for a header. */
    FX_SET_PH(img, &lay, lay.pt_note_idx, p_filesz, lay.parea_len + 4);
    expect_refused(n, -XEN_EINVAL, "note header at");
    FX_SET_PH(img, &lay, lay.pt_note_idx, p_filesz, lay.parea_len + 11);
    expect_refused(n, -XEN_EINVAL, "is truncated");
    /* The area ends inside the last descriptor. */
    FX_SET_PH(img, &lay, lay.pt_note_idx, p_filesz, lay.parea_len - 8);
    expect_refused(n, -XEN_EINVAL, "runs past the area");
    /* ... but not if only the final padding (2 bytes after 42) is missing. */
    ck_assert_uint_eq(strlen("!writable_page_tables|pae_pgdir_above_4gb") + 1, 42);
    FX_SET_PH(img, &lay, lay.pt_note_idx, p_filesz, lay.parea_len - 3);
    expect_refused(n, -XEN_EINVAL, "runs past the area");
    FX_SET_PH(img, &lay, lay.pt_note_idx, p_filesz, lay.parea_len - 2);
    expect_ok(n);
    FX_SET_PH(img, &lay, lay.pt_note_idx, p_filesz, lay.parea_len);
    /* Sizes that run past the area, including ones that would wrap 32-bit sums. */
    FX_SET_NH(img, &lay, last, n_descsz, 0xffffffffu);
    expect_refused(n, -XEN_EINVAL, "descsz 4294967295");
    FX_SET_NH(img, &lay, last, n_descsz, 0xfffffffdu);
    expect_refused(n, -XEN_EINVAL, "runs past the area");
    FX_SET_NH(img, &lay, last, n_descsz, 45);
    expect_refused(n, -XEN_EINVAL, "runs past the area");
    FX_SET_NH(img, &lay, last, n_descsz, 42);
    FX_SET_NH(img, &lay, 0, n_namesz, 0xffffffffu);
    expect_refused(n, -XEN_EINVAL, "namesz 4294967295");
    FX_SET_NH(img, &lay, 0, n_namesz, 0xfffffffcu);
    expect_refused(n, -XEN_EINVAL, "runs past the area");
    /* Same checks in the SHT_NOTE fallback. */
    fx_minios(&spec);
    n = build();
    FX_SET_NH(img, &lay, 0, n_descsz, 0x10000);
    expect_refused(n, -XEN_EINVAL, "SHT_NOTE section 1: note at +0 (");
    FX_SET_NH(img, &lay, 0, n_descsz, 8);
    FX_SET_SH(img, &lay, lay.note_sh_idx, sh_size, lay.sarea_len + 8);
    expect_refused(n, -XEN_EINVAL, "is truncated");
}
END_TEST

START_TEST(refuses_no_xen_notes)
{
    unsigned i;

    fx_xtf(&spec);                                    /* every note renamed */
    for (i = 0; i < spec.nr_notes; i++)
        fx_note_name(&spec.note[i], "Xeo", 4);
    expect_refused(build(), -XEN_EINVAL, "no Xen ELF notes");
    fx_xtf(&spec);                                    /* no notes at all */
    spec.nr_notes = 0;
    expect_refused(build(), -XEN_EINVAL, "not a Xen PV kernel");
    fx_minios(&spec);                                 /* stripped Mini-OS: no sections */
    spec.sections = false;
    spec.sht_note = false;
    expect_refused(build(), -XEN_EINVAL, "no Xen ELF notes");
    fx_minios(&spec);                                 /* sections but no SHT_NOTE */
    spec.sht_note = false;
    expect_refused(build(), -XEN_EINVAL, "no Xen ELF notes");
}
END_TEST

START_TEST(refuses_bad_integer_note_size)
{
    static const uint32_t types[] = { XEN_ELFNOTE_ENTRY, XEN_ELFNOTE_HYPERCALL_PAGE,
                                      XEN_ELFNOTE_VIRT_BASE, XEN_ELFNOTE_PADDR_OFFSET };
    static const uint32_t sizes[] = { 0, 1, 2, 3, 5, 7, 9, 16 };
    static const uint8_t zeros[16];
    char want[64];
    size_t t, s;

    for (t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
        for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
            fx_xtf(&spec);
            fx_del_note(&spec, types[t]);
            fx_add_note(&spec, types[t], zeros, sizes[s]);
            snprintf(want, sizeof(want), "Xen note %u: integer of %u bytes",
                     types[t], sizes[s]);
            expect_refused(build(), -XEN_EINVAL, want);
        }
    }
}
END_TEST

/* A string note ends at its NUL or at the end of its descriptor, as Xen reads it:
 * Linux emits FEATURES without a NUL. */
START_TEST(string_note_bounded_by_descriptor)
{
    static const char feats[] = "writable_page_tables|!pae_pgdir_above_4gb";

    fx_xtf(&spec);
    fx_del_note(&spec, XEN_ELFNOTE_FEATURES);
    fx_add_note(&spec, XEN_ELFNOTE_FEATURES, feats, sizeof(feats) - 1);   /* no NUL */
    expect_ok(build());
    ck_assert_str_eq(info.features, feats);

    fx_del_note(&spec, XEN_ELFNOTE_FEATURES);
    fx_add_note(&spec, XEN_ELFNOTE_FEATURES, "!writable_page_tables|!bogus", 28);
    expect_refused(build(), -XEN_EOPNOTSUPP,
                   "kernel requires feature 'bogus', which xlite does not support");

    fx_xtf(&spec);
    fx_del_note(&spec, XEN_ELFNOTE_XEN_VERSION);
    fx_add_note(&spec, XEN_ELFNOTE_XEN_VERSION, "xen-3.0", 7);     /* no NUL */
    expect_ok(build());
    ck_assert_str_eq(info.xen_version, "xen-3.0");

    fx_del_note(&spec, XEN_ELFNOTE_XEN_VERSION);
    fx_add_note(&spec, XEN_ELFNOTE_XEN_VERSION, "xen-3.0-unstable", 5);  /* "xen-3" */
    expect_refused(build(), -XEN_EINVAL, "XEN_VERSION 'xen-3' does not start with 'xen-3.0'");

    fx_del_note(&spec, XEN_ELFNOTE_XEN_VERSION);
    fx_add_note(&spec, XEN_ELFNOTE_XEN_VERSION, "", 0);           /* empty descriptor */
    expect_refused(build(), -XEN_EINVAL, "XEN_VERSION '' does not start with 'xen-3.0'");
}
END_TEST

START_TEST(refuses_missing_xen_version)
{
    fx_xtf(&spec);
    fx_del_note(&spec, XEN_ELFNOTE_XEN_VERSION);
    expect_refused(build(), -XEN_EINVAL, "no XEN_VERSION note");
    fx_minios(&spec);
    fx_del_note(&spec, XEN_ELFNOTE_XEN_VERSION);
    expect_refused(build(), -XEN_EINVAL, "no XEN_VERSION note");
}
END_TEST

START_TEST(refuses_bad_xen_version)
{
    static const char *const bad[] = { "xen-2.0", "xen-3", "", "XEN-3.0", " xen-3.0",
                                       "xen-3.1", "xen-4.0" };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        fx_xtf(&spec);
        set_note_str(XEN_ELFNOTE_XEN_VERSION, bad[i]);
        expect_refused(build(), -XEN_EINVAL, "does not start with 'xen-3.0'");
    }
}
END_TEST

START_TEST(refuses_bad_loader)
{
    static const char *const bad[] = { "elf", "gener", "", "Generic", "bsd" };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        fx_xtf(&spec);
        set_note_str(XEN_ELFNOTE_LOADER, bad[i]);
        expect_refused(build(), -XEN_EINVAL, "is not 'generic' and GUEST_OS 'XTF'");
    }
    fx_xtf(&spec);
    fx_del_note(&spec, XEN_ELFNOTE_LOADER);
    expect_refused(build(), -XEN_EINVAL, "no LOADER note and GUEST_OS 'XTF'");
    fx_del_note(&spec, XEN_ELFNOTE_GUEST_OS);
    expect_refused(build(), -XEN_EINVAL, "no LOADER note");
    set_note_str(XEN_ELFNOTE_GUEST_OS, "Linux");      /* case matters */
    expect_refused(build(), -XEN_EINVAL, "no LOADER note");
}
END_TEST

START_TEST(refuses_required_feature)
{
    static const struct { const char *feats, *name; } bad[] = {
        { "!auto_translated_physmap", "'auto_translated_physmap'" },
        { "!writable_page_tables|!dom0", "'dom0'" },
        { "writable_page_tables|!supervisor_mode_kernel|hvm_callback_vector",
          "'supervisor_mode_kernel'" },
        { "!writable_descriptor_tables", "'writable_descriptor_tables'" },
        { "!", "''" },
        { "pae_pgdir_above_4gb|!writable_page_table", "'writable_page_table'" },
        { "!writable_page_tablesX", "'writable_page_tablesX'" },
        { "!hvm_callback_vector|", "'hvm_callback_vector'" },
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        fx_xtf(&spec);
        set_note_str(XEN_ELFNOTE_FEATURES, bad[i].feats);
        expect_refused(build(), -XEN_EOPNOTSUPP, bad[i].name);
    }
    fx_xtf(&spec);
    set_note_str(XEN_ELFNOTE_FEATURES, "!pae_pgdir_above_4gb|!writable_page_tables|");
    expect_ok(build());
}
END_TEST

/* ---- refusals: addresses ------------------------------------------------------------ */

START_TEST(refuses_paddr_offset_without_virt_base)
{
    fx_xtf(&spec);
    fx_add_note_u64(&spec, XEN_ELFNOTE_PADDR_OFFSET, 0);
    expect_refused(build(), -XEN_EINVAL, "PADDR_OFFSET note without VIRT_BASE");
}
END_TEST

START_TEST(refuses_unaligned_virt_base)
{
    fx_xtf(&spec);
    fx_add_note_u64(&spec, XEN_ELFNOTE_VIRT_BASE, 0x800);
    expect_refused(build(), -XEN_EINVAL, "VIRT_BASE 0x800 is not page-aligned");
}
END_TEST

START_TEST(refuses_virt_base_above_kstart)
{
    fx_xtf(&spec);
    fx_add_note_u64(&spec, XEN_ELFNOTE_VIRT_BASE, 0x200000);
    fx_add_note_u64(&spec, XEN_ELFNOTE_PADDR_OFFSET, 0x200000);
    expect_refused(build(), -XEN_EINVAL, "VIRT_BASE 0x200000 is above the lowest segment VA "
                   "0x100000");
    set_note_u64(XEN_ELFNOTE_VIRT_BASE, 0x100000);    /* equal is fine */
    set_note_u64(XEN_ELFNOTE_PADDR_OFFSET, 0x100000);
    expect_ok(build());
}
END_TEST

START_TEST(refuses_entry_outside_image)
{
    fx_xtf(&spec);
    spec.entry = 0xfffff;
    expect_refused(build(), -XEN_EINVAL, "entry 0xfffff is outside the image");
    spec.entry = 0x111000;                            /* == end: outside */
    expect_refused(build(), -XEN_EINVAL, "entry 0x111000");
    spec.entry = 0x110fff;
    expect_ok(build());
    spec.ph[0].memsz = 0x10800;                       /* in the page-rounding slack */
    spec.entry = 0x110800;
    expect_refused(build(), -XEN_EINVAL, "outside the image 0x100000-0x110800");
    fx_xtf(&spec);                                    /* ENTRY note outside */
    fx_add_note_u64(&spec, XEN_ELFNOTE_ENTRY, 0x200000);
    expect_refused(build(), -XEN_EINVAL, "entry 0x200000");
    set_note_u64(XEN_ELFNOTE_ENTRY, 0);
    expect_refused(build(), -XEN_EINVAL, "entry 0 is");
}
END_TEST

START_TEST(refuses_unaligned_hypercall_page)
{
    fx_xtf(&spec);
    set_note_u64(XEN_ELFNOTE_HYPERCALL_PAGE, 0x106800);
    expect_refused(build(), -XEN_EINVAL, "HYPERCALL_PAGE 0x106800 is not page-aligned");
    set_note_u64(XEN_ELFNOTE_HYPERCALL_PAGE, 0x106001);
    expect_refused(build(), -XEN_EINVAL, "not page-aligned");
}
END_TEST

START_TEST(refuses_hypercall_page_outside_segments)
{
    fx_xtf(&spec);
    set_note_u64(XEN_ELFNOTE_HYPERCALL_PAGE, 0xff000);
    expect_refused(build(), -XEN_EINVAL, "HYPERCALL_PAGE 0xff000 is not inside a PT_LOAD");
    set_note_u64(XEN_ELFNOTE_HYPERCALL_PAGE, 0x111000);
    expect_refused(build(), -XEN_EINVAL, "not inside a PT_LOAD");
    set_note_u64(XEN_ELFNOTE_HYPERCALL_PAGE, 0);
    expect_refused(build(), -XEN_EINVAL, "not inside a PT_LOAD");
    set_note_u64(XEN_ELFNOTE_HYPERCALL_PAGE, 0x110000); /* last page: fine */
    expect_ok(build());
    /* In the gap between two segments. */
    fx_minios(&spec);
    spec.ph[1].paddr = 0x5000;
    spec.ph[1].vaddr = 0x5000;
    set_note_u64(XEN_ELFNOTE_HYPERCALL_PAGE, 0x3000);
    expect_refused(build(), -XEN_EINVAL, "not inside a PT_LOAD");
    set_note_u64(XEN_ELFNOTE_HYPERCALL_PAGE, 0x5000);
    expect_ok(build());
}
END_TEST

/* ---- robustness --------------------------------------------------------------------- */

/* Every prefix of a valid image, in an exactly sized buffer, is refused. */
static void truncate_all(void)
{
    size_t n = build(), len;

    for (len = 0; len <= n; len++) {
        uint8_t *p = exact_copy(img, len);
        int rc = pv_elf_parse(p, len, &info, err, sizeof(err));

        UNIT_REQUIRE(rc == (len == n ? 0 : -XEN_EINVAL), "len %zu of %zu: rc %d (%s)",
                     len, n, rc, err);
        UNIT_REQUIRE(len == n || err[0] != '\0', "len %zu: no reason", len);
        free(p);
    }
}

START_TEST(truncated_images_refused)
{
    fx_xtf(&spec);
    truncate_all();
    fx_minios(&spec);
    truncate_all();
    fx_xtf(&spec);                                    /* stripped: data is last */
    spec.sections = spec.sht_note = false;
    truncate_all();
}
END_TEST

/* Checks what a successful parse promises, whatever the input was, then loads the
 * image into a recording fake memory covering exactly [virt_kstart, virt_kend). */
static void check_sane(const uint8_t *p, size_t size, unsigned iter)
{
    struct gmem g;
    unsigned i;
    int rc;

    UNIT_REQUIRE(info.nr_segments >= 1 && info.nr_segments <= PV_ELF_MAX_SEGMENTS,
                 "iteration %u: %u segments", iter, info.nr_segments);
    UNIT_REQUIRE(info.virt_kstart % 4096 == 0 && info.virt_kend % 4096 == 0 &&
                 info.virt_kstart < info.virt_kend &&
                 info.virt_kend - info.virt_kstart <= PV_ELF_MAX_SPAN,
                 "iteration %u: kstart %#lx kend %#lx", iter, info.virt_kstart,
                 info.virt_kend);
    UNIT_REQUIRE(info.virt_kend <= PV_GUEST_LOW_END ||
                 info.virt_kstart >= PV_GUEST_HIGH_START, "iteration %u: range", iter);
    UNIT_REQUIRE(info.entry >= info.virt_kstart && info.entry < info.virt_kend,
                 "iteration %u: entry %#lx", iter, info.entry);
    UNIT_REQUIRE(info.virt_base <= info.virt_kstart, "iteration %u: virt_base", iter);
    UNIT_REQUIRE(!info.has_hypercall_page ||
                 (info.hypercall_page % 4096 == 0 &&
                  info.hypercall_page >= info.virt_kstart &&
                  info.hypercall_page < info.virt_kend),
                 "iteration %u: hypercall page", iter);
    for (i = 0; i < info.nr_segments; i++) {
        const struct pv_elf_segment *s = &info.seg[i];

        UNIT_REQUIRE(s->filesz <= s->memsz && s->offset <= size &&
                     s->filesz <= size - s->offset, "iteration %u: segment %u", iter, i);
        UNIT_REQUIRE(s->va >= info.virt_kstart && s->memsz <= info.virt_kend - s->va,
                     "iteration %u: segment %u VA", iter, i);
        UNIT_REQUIRE(s->flags != 0 && (s->flags & ~7u) == 0, "iteration %u: flags", iter);
    }
    UNIT_REQUIRE(memchr(info.guest_os, '\0', sizeof(info.guest_os)) &&
                 memchr(info.guest_version, '\0', sizeof(info.guest_version)) &&
                 memchr(info.loader, '\0', sizeof(info.loader)) &&
                 memchr(info.features, '\0', sizeof(info.features)) &&
                 strncmp(info.xen_version, "xen-3.0", 7) == 0,
                 "iteration %u: strings", iter);
    memset(&g, 0, sizeof(g));
    g.base = info.virt_kstart;
    g.len = info.virt_kend - info.virt_kstart;
    g.src_lo = p;
    g.src_hi = p + size;
    rc = pv_elf_load(p, size, &info, gm_write, gm_zero, &g);
    UNIT_REQUIRE(rc == 0, "iteration %u: load rc %d", iter, rc);
}

/* Interesting values for whole-field overwrites. */
static uint64_t boundary_value(void)
{
    static const uint64_t v[] = {
        0, 1, 3, 4, 7, 8, 12, 0x38, 0x40, 0xfff, 0x1000, 0x100000, 0x106000, 0x7fffffff,
        0x80000000, 0xffffffff, 0x100000000ull, 0x00007ffffffff000ull,
        0x0000800000000000ull, 0xffff800000000000ull, 0xffff880000000000ull,
        0xfffffffffffff000ull, 0xffffffffffffffffull, 0x8000000000000000ull,
    };

    if (rand() % 4 == 0)
        return ((uint64_t)rand() << 33) ^ ((uint64_t)rand() << 11) ^ (uint64_t)rand();
    return v[rand() % (sizeof(v) / sizeof(v[0]))] + (uint64_t)(rand() % 3) - 1;
}

START_TEST(random_corruption_survived)
{
    static uint8_t good[2][IMG_CAP];
    size_t size[2];
    unsigned iter, ok = 0, bad = 0, which;
    uint8_t *p[2];

    fx_xtf(&spec);
    size[0] = build();
    memcpy(good[0], img, size[0]);
    fx_minios(&spec);
    size[1] = build();
    memcpy(good[1], img, size[1]);
    p[0] = exact_copy(good[0], size[0]);
    p[1] = exact_copy(good[1], size[1]);

    srand(0xe1f);
    for (iter = 0; iter < 200000; iter++) {
        int flips = 1 + rand() % 4, f, rc;
        size_t n;
        uint8_t *q;

        which = iter & 1;
        n = size[which];
        q = p[which];
        memcpy(q, good[which], n);
        for (f = 0; f < flips; f++) {
            size_t pos;

            switch (rand() % 4) {
            case 0:                                   /* anywhere */
                pos = (size_t)rand() % n;
                q[pos] ^= (uint8_t)(1u << (rand() % 8));
                break;
            case 1:                                   /* headers and notes */
                pos = (size_t)rand() % 0x200;
                q[pos] ^= (uint8_t)(1u << (rand() % 8));
                break;
            case 2:                                   /* section headers */
                pos = n - 1 - (size_t)rand() % 0xe0;
                q[pos] ^= (uint8_t)(1u << (rand() % 8));
                break;
            default: {                                /* a whole aligned field */
                uint64_t v = boundary_value();
                size_t w = (size_t)1 << (1 + rand() % 3);
                size_t range = rand() % 2 ? 0x200 : n;

                pos = ((size_t)rand() % range) & ~(w - 1);
                if (pos + w <= n)
                    memcpy(q + pos, &v, w);
                break;
            }
            }
        }
        rc = pv_elf_parse(q, n, &info, err, sizeof(err));
        UNIT_REQUIRE(rc == 0 || rc == -XEN_EINVAL || rc == -XEN_E2BIG ||
                     rc == -XEN_EOPNOTSUPP, "iteration %u: rc %d", iter, rc);
        if (rc == 0) {
            check_sane(q, n, iter);
            ok++;
        } else {
            UNIT_REQUIRE(strncmp(err, "elf: ", 5) == 0 && strchr(err, '\n') == NULL,
                         "iteration %u: reason '%s'", iter, err);
            bad++;
        }
    }
    ck_assert_uint_gt(ok, 1000);                      /* both outcomes were exercised */
    ck_assert_uint_gt(bad, 1000);
    free(p[0]);
    free(p[1]);
}
END_TEST

/* ---- pv_elf_load -------------------------------------------------------------------- */

START_TEST(load_copies_and_zeroes_exactly)
{
    struct gmem g;
    uint8_t *p;
    size_t n;

    fx_minios(&spec);
    n = build();
    p = exact_copy(img, n);
    ck_assert_int_eq(pv_elf_parse(p, n, &info, err, sizeof(err)), 0);
    gm_init(&g, 0, 0x6a000, p, n);                    /* one page beyond virt_kend */
    ck_assert_int_eq(pv_elf_load(p, n, &info, gm_write, gm_zero, &g), 0);
    ck_assert_uint_eq(g.nr_calls, 3);                 /* segment 0 has no bss */
    check_call(&g, 0, 'w', 0, 0x3000);
    check_call(&g, 1, 'w', 0x3000, 0x800);
    check_call(&g, 2, 'z', 0x3800, 0x65e24 - 0x800);
    check_pattern(&g, 0, 0x3000, 0);
    check_pattern(&g, 0x3000, 0x800, 1);
    check_fill(&g, 0x3800, 0x68e24 - 0x3800, 0);
    check_fill(&g, 0x68e24, 0x6a000 - 0x68e24, 0xee);  /* untouched past memsz */
    free(g.mem);
    free(p);

    fx_xtf(&spec);
    n = build();
    p = exact_copy(img, n);
    ck_assert_int_eq(pv_elf_parse(p, n, &info, err, sizeof(err)), 0);
    gm_init(&g, 0xff000, 0x13000, p, n);
    ck_assert_int_eq(pv_elf_load(p, n, &info, gm_write, gm_zero, &g), 0);
    ck_assert_uint_eq(g.nr_calls, 2);
    check_call(&g, 0, 'w', 0x100000, 0x3000);
    check_call(&g, 1, 'z', 0x103000, 0xe000);
    check_fill(&g, 0xff000, 0x1000, 0xee);
    check_pattern(&g, 0x100000, 0x3000, 0);
    check_fill(&g, 0x103000, 0xe000, 0);
    check_fill(&g, 0x111000, 0x1000, 0xee);
    free(g.mem);
    free(p);
}
END_TEST

/* Translated VAs are used; pure-bss segments get only a zero call. */
START_TEST(load_uses_translated_va)
{
    struct gmem g;
    uint8_t *p;
    size_t n;

    fx_init(&spec);
    spec.entry = 0xffffffff81000000ull;
    fx_add_phdr(&spec, PT_LOAD, PF_R | PF_X, 0xffffffff81000000ull, 0x1800,
                0x2000)->paddr = 0x1000000;
    fx_add_phdr(&spec, PT_LOAD, PF_R | PF_W, 0xffffffff81002000ull, 0, 0x1000)->paddr =
        0x1002000;
    fx_add_note_str(&spec, XEN_ELFNOTE_GUEST_OS, "linux");
    fx_add_note_str(&spec, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    fx_add_note_u64(&spec, XEN_ELFNOTE_VIRT_BASE, 0xffffffff80000000ull);
    fx_add_note_u64(&spec, XEN_ELFNOTE_PADDR_OFFSET, 0);
    n = build();
    p = exact_copy(img, n);
    ck_assert_int_eq(pv_elf_parse(p, n, &info, err, sizeof(err)), 0);
    gm_init(&g, 0xffffffff81000000ull, 0x3000, p, n);
    ck_assert_int_eq(pv_elf_load(p, n, &info, gm_write, gm_zero, &g), 0);
    ck_assert_uint_eq(g.nr_calls, 3);
    check_call(&g, 0, 'w', 0xffffffff81000000ull, 0x1800);
    check_call(&g, 1, 'z', 0xffffffff81001800ull, 0x800);
    check_call(&g, 2, 'z', 0xffffffff81002000ull, 0x1000);
    check_pattern(&g, 0xffffffff81000000ull, 0x1800, 0);
    check_fill(&g, 0xffffffff81001800ull, 0x1800, 0);
    free(g.mem);
    free(p);
}
END_TEST

START_TEST(load_propagates_callback_errors)
{
    static const struct { unsigned fail_at; int rc, want; } cases[] = {
        { 1, -XEN_EFAULT, -XEN_EFAULT },              /* first write */
        { 2, -XEN_ENOMEM, -XEN_ENOMEM },              /* second write */
        { 3, -XEN_EINVAL, -XEN_EINVAL },              /* the zero */
        { 2, 1, -XEN_EIO },                           /* positive: treated as failure */
    };
    struct gmem g;
    uint8_t *p;
    size_t n, i;

    fx_minios(&spec);
    n = build();
    p = exact_copy(img, n);
    ck_assert_int_eq(pv_elf_parse(p, n, &info, err, sizeof(err)), 0);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        gm_init(&g, 0, 0x69000, p, n);
        g.fail_at = cases[i].fail_at;
        g.fail_rc = cases[i].rc;
        ck_assert_int_eq(pv_elf_load(p, n, &info, gm_write, gm_zero, &g), cases[i].want);
        ck_assert_uint_eq(g.nr_calls, cases[i].fail_at);   /* nothing after the failure */
        free(g.mem);
    }
    free(p);
}
END_TEST

START_TEST(load_refuses_bad_arguments)
{
    struct pv_elf_info bad;
    struct gmem g;
    uint8_t *p;
    size_t n;

    fx_minios(&spec);
    n = build();
    p = exact_copy(img, n);
    ck_assert_int_eq(pv_elf_parse(p, n, &info, err, sizeof(err)), 0);
    gm_init(&g, 0, 0x69000, p, n);
    ck_assert_int_eq(pv_elf_load(NULL, n, &info, gm_write, gm_zero, &g), -XEN_EINVAL);
    ck_assert_int_eq(pv_elf_load(p, n, NULL, gm_write, gm_zero, &g), -XEN_EINVAL);
    ck_assert_int_eq(pv_elf_load(p, n, &info, NULL, gm_zero, &g), -XEN_EINVAL);
    ck_assert_int_eq(pv_elf_load(p, n, &info, gm_write, NULL, &g), -XEN_EINVAL);
    bad = info;
    bad.nr_segments = PV_ELF_MAX_SEGMENTS + 1;
    ck_assert_int_eq(pv_elf_load(p, n, &bad, gm_write, gm_zero, &g), -XEN_EINVAL);
    /* A wrong size for this info: the last segment's data is past it. Checked before
     * any callback runs, so segment 0 is not written either. */
    ck_assert_int_eq(pv_elf_load(p, info.seg[1].offset + 0x7ff, &info, gm_write, gm_zero,
                                 &g), -XEN_EINVAL);
    bad = info;
    bad.seg[1].offset = UINT64_MAX - 0x10;
    ck_assert_int_eq(pv_elf_load(p, n, &bad, gm_write, gm_zero, &g), -XEN_EINVAL);
    bad = info;
    bad.seg[1].filesz = bad.seg[1].memsz + 1;
    ck_assert_int_eq(pv_elf_load(p, n, &bad, gm_write, gm_zero, &g), -XEN_EINVAL);
    bad = info;
    bad.seg[1].va = UINT64_MAX - 0x1000;
    ck_assert_int_eq(pv_elf_load(p, n, &bad, gm_write, gm_zero, &g), -XEN_EINVAL);
    ck_assert_uint_eq(g.nr_calls, 0);
    bad = info;                                       /* nothing to do is fine */
    bad.nr_segments = 0;
    ck_assert_int_eq(pv_elf_load(p, n, &bad, gm_write, gm_zero, &g), 0);
    ck_assert_uint_eq(g.nr_calls, 0);
    free(g.mem);
    free(p);
}
END_TEST

Suite *elf_loader_suite(void)
{
    Suite *s = suite_create("elf_loader");

    UNIT_ADD_TEST(s, xtf_like_parsed_exactly);
    UNIT_ADD_TEST(s, minios_like_uses_section_fallback);
    UNIT_ADD_TEST(s, pt_note_without_xen_notes_falls_back);
    UNIT_ADD_TEST(s, entry_note_overrides_e_entry);
    UNIT_ADD_TEST(s, integer_notes_4_and_8_bytes);
    UNIT_ADD_TEST(s, va_follows_paddr_and_notes);
    UNIT_ADD_TEST(s, linux_loader_rule_and_prefixes);
    UNIT_ADD_TEST(s, features_recorded_and_strings_truncated);
    UNIT_ADD_TEST(s, non_xen_notes_ignored);
    UNIT_ADD_TEST(s, non_loadable_pt_load_skipped);
    UNIT_ADD_TEST(s, refuses_null_arguments);
    UNIT_ADD_TEST(s, refuses_short_image);
    UNIT_ADD_TEST(s, refuses_bad_magic);
    UNIT_ADD_TEST(s, refuses_wrong_class);
    UNIT_ADD_TEST(s, refuses_wrong_data_encoding);
    UNIT_ADD_TEST(s, refuses_wrong_version);
    UNIT_ADD_TEST(s, refuses_wrong_machine);
    UNIT_ADD_TEST(s, refuses_wrong_type);
    UNIT_ADD_TEST(s, refuses_bad_phentsize);
    UNIT_ADD_TEST(s, refuses_phdrs_outside_image);
    UNIT_ADD_TEST(s, refuses_bad_section_table);
    UNIT_ADD_TEST(s, refuses_no_pt_load);
    UNIT_ADD_TEST(s, refuses_too_many_pt_loads);
    UNIT_ADD_TEST(s, refuses_filesz_above_memsz);
    UNIT_ADD_TEST(s, refuses_segment_outside_file);
    UNIT_ADD_TEST(s, refuses_va_wrap);
    UNIT_ADD_TEST(s, refuses_last_page);
    UNIT_ADD_TEST(s, refuses_non_canonical);
    UNIT_ADD_TEST(s, refuses_hypervisor_range);
    UNIT_ADD_TEST(s, refuses_overlapping_segments);
    UNIT_ADD_TEST(s, refuses_span_too_large);
    UNIT_ADD_TEST(s, refuses_note_areas_outside_image);
    UNIT_ADD_TEST(s, refuses_truncated_notes);
    UNIT_ADD_TEST(s, refuses_no_xen_notes);
    UNIT_ADD_TEST(s, refuses_bad_integer_note_size);
    UNIT_ADD_TEST(s, string_note_bounded_by_descriptor);
    UNIT_ADD_TEST(s, refuses_missing_xen_version);
    UNIT_ADD_TEST(s, refuses_bad_xen_version);
    UNIT_ADD_TEST(s, refuses_bad_loader);
    UNIT_ADD_TEST(s, refuses_required_feature);
    UNIT_ADD_TEST(s, refuses_paddr_offset_without_virt_base);
    UNIT_ADD_TEST(s, refuses_unaligned_virt_base);
    UNIT_ADD_TEST(s, refuses_virt_base_above_kstart);
    UNIT_ADD_TEST(s, refuses_entry_outside_image);
    UNIT_ADD_TEST(s, refuses_unaligned_hypercall_page);
    UNIT_ADD_TEST(s, refuses_hypercall_page_outside_segments);
    UNIT_ADD_SLOW_TEST(s, truncated_images_refused, 60);
    UNIT_ADD_SLOW_TEST(s, random_corruption_survived, 120);
    UNIT_ADD_TEST(s, load_copies_and_zeroes_exactly);
    UNIT_ADD_TEST(s, load_uses_translated_va);
    UNIT_ADD_TEST(s, load_propagates_callback_errors);
    UNIT_ADD_TEST(s, load_refuses_bad_arguments);
    return s;
}
