/* Unit tests for common/multiboot2.c: a realistic blob parsed exactly, malformed blobs
 * refused, every truncation and thousands of random corruptions survived. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hv/multiboot2.h>
#include "suites.h"
#include <xlite/errno.h>

#define BLOB_CAP    8192

/* ---- a little tag writer ---------------------------------------------------------- */

struct mbw {
    uint8_t *b;
    size_t cap, len;
};

static struct boot_info bi;       /* large; each test runs in its own process */
static char err[256];

static void w_init(struct mbw *w, uint64_t *store, size_t cap)
{
    memset(store, 0, cap);
    w->b = (uint8_t *)store;
    w->cap = cap;
    w->len = 8;                   /* total_size + reserved, patched by w_finish */
}

static void w_raw(struct mbw *w, const void *p, size_t n)
{
    ck_assert_msg(w->len + n <= w->cap, "test blob overflow");
    memcpy(w->b + w->len, p, n);
    w->len += n;
}

static void w_u32(struct mbw *w, uint32_t v) { w_raw(w, &v, 4); }
static void w_u64(struct mbw *w, uint64_t v) { w_raw(w, &v, 8); }
static void w_pad(struct mbw *w) { w->len = (w->len + 7) & ~(size_t)7; }

static void w_set32(struct mbw *w, size_t off, uint32_t v) { memcpy(w->b + off, &v, 4); }

/* Starts a tag (size patched by w_end); returns its offset. */
static size_t w_begin(struct mbw *w, uint32_t type)
{
    size_t off = w->len;

    w_u32(w, type);
    w_u32(w, 0);
    return off;
}

/* Sets the tag's size to what was written since w_begin, then pads to 8. */
static void w_end(struct mbw *w, size_t off)
{
    w_set32(w, off + 4, (uint32_t)(w->len - off));
    w_pad(w);
}

static void w_string_tag(struct mbw *w, uint32_t type, const char *s)
{
    size_t off = w_begin(w, type);

    w_raw(w, s, strlen(s) + 1);
    w_end(w, off);
}

static void w_module(struct mbw *w, uint32_t start, uint32_t end, const char *s)
{
    size_t off = w_begin(w, MB2_TAG_MODULE);

    w_u32(w, start);
    w_u32(w, end);
    w_raw(w, s, strlen(s) + 1);
    w_end(w, off);
}

static void w_meminfo(struct mbw *w, uint32_t lower, uint32_t upper)
{
    size_t off = w_begin(w, MB2_TAG_BASIC_MEMINFO);

    w_u32(w, lower);
    w_u32(w, upper);
    w_end(w, off);
}

/* An mmap tag; entries are {addr, len, type} triples, each padded to esize (>= 24). */
static void w_mmap(struct mbw *w, uint32_t esize, const uint64_t (*e)[3], size_t n)
{
    size_t off = w_begin(w, MB2_TAG_MMAP), i, j;

    w_u32(w, esize);
    w_u32(w, 0);
    for (i = 0; i < n; i++) {
        w_u64(w, e[i][0]);
        w_u64(w, e[i][1]);
        w_u32(w, (uint32_t)e[i][2]);
        w_u32(w, 0);
        for (j = 24; j < esize; j++)
            w_raw(w, "\0", 1);
    }
    w_end(w, off);
}

/* Appends the end tag and patches total_size; returns it. */
static uint32_t w_finish(struct mbw *w)
{
    size_t off = w_begin(w, MB2_TAG_END);

    w_end(w, off);
    w_set32(w, 0, (uint32_t)w->len);
    return (uint32_t)w->len;
}

/* Patches total_size to the current length without an end tag. */
static uint32_t w_finish_no_end(struct mbw *w)
{
    w_set32(w, 0, (uint32_t)w->len);
    return (uint32_t)w->len;
}

/* QEMU's 512 MiB e820 map. */
static const uint64_t qemu_map[][3] = {
    { 0x0,          0x9fc00,        MB2_MEM_AVAILABLE },
    { 0x9fc00,      0x400,          MB2_MEM_RESERVED },
    { 0xf0000,      0x10000,        MB2_MEM_RESERVED },
    { 0x100000,     0x1fee0000,     MB2_MEM_AVAILABLE },
    { 0x1ffe0000,   0x20000,        MB2_MEM_RESERVED },
    { 0xfffc0000,   0x40000,        MB2_MEM_RESERVED },
};

#define GOOD_CMDLINE    "console=com1,vga dom0_mem=256M loglvl=all"
#define GOOD_LOADER     "GRUB 2.06-13+deb12u1"
#define GOOD_MOD0       "/boot/vmlinuz-6.1 console=hvc0 root=/dev/xvda1 ro"
#define GOOD_MOD1       "/boot/initrd.img-6.1 with spaces"

/* Writes the realistic blob (with an unknown tag that must be skipped). */
static uint32_t build_good(struct mbw *w, uint64_t *store)
{
    size_t off;

    w_init(w, store, BLOB_CAP);
    w_string_tag(w, MB2_TAG_CMDLINE, GOOD_CMDLINE);
    w_string_tag(w, MB2_TAG_LOADER_NAME, GOOD_LOADER);
    w_meminfo(w, 639, 523136);
    off = w_begin(w, 21);                         /* image load base: unknown here */
    w_u32(w, 0x200000);
    w_end(w, off);
    w_mmap(w, 24, qemu_map, 6);
    w_module(w, 0x1000000, 0x1a3c000, GOOD_MOD0);
    w_module(w, 0x1a3c000, 0x2f00123, GOOD_MOD1);
    return w_finish(w);
}

/* Parses a blob that must be refused (called from line `line`); checks the error
 * path's output. */
#define expect_refused(b, avail) expect_refused_at(__LINE__, (b), (avail))
static void expect_refused_at(int line, const void *b, size_t avail)
{
    int rc;

    err[0] = 'x';
    err[1] = '\0';
    memset(&bi, 0xa5, sizeof(bi));
    rc = mb2_parse(b, avail, &bi, err, sizeof(err));
    ck_assert_msg(rc == -XEN_EINVAL, "line %d: rc %d, want -XEN_EINVAL", line, rc);
    ck_assert_msg(err[0] != '\0' && strcmp(err, "x") != 0, "line %d: no reason", line);
    ck_assert_msg(strchr(err, '\n') == NULL, "line %d: multi-line reason", line);
    ck_assert_msg(bi.nr_mmap == 0 && bi.nr_modules == 0 && bi.info_size == 0,
                  "line %d: *out not cleared", line);
}

/* Copies n bytes of b into an exactly sized heap block so ASan sees over-reads. */
static uint8_t *exact_copy(const void *b, size_t n)
{
    uint8_t *p = malloc(n ? n : 1);

    ck_assert_ptr_nonnull(p);
    memcpy(p, b, n);
    return p;
}

/* ---- tests ------------------------------------------------------------------------- */

START_TEST(good_blob_parsed_exactly)
{
    uint64_t store[BLOB_CAP / 8];
    struct mbw w;
    uint32_t total = build_good(&w, store);
    uint8_t *p = exact_copy(store, total);
    size_t i;

    ck_assert_int_eq(mb2_parse(p, total, &bi, err, sizeof(err)), 0);
    ck_assert_uint_eq(bi.info_size, total);
    ck_assert_str_eq(bi.cmdline, GOOD_CMDLINE);
    ck_assert_str_eq(bi.loader, GOOD_LOADER);
    ck_assert(bi.has_meminfo);
    ck_assert_uint_eq(bi.mem_lower_kib, 639);
    ck_assert_uint_eq(bi.mem_upper_kib, 523136);
    ck_assert_uint_eq(bi.nr_mmap, 6);
    for (i = 0; i < 6; i++) {
        ck_assert_uint_eq(bi.mmap[i].addr, qemu_map[i][0]);
        ck_assert_uint_eq(bi.mmap[i].len, qemu_map[i][1]);
        ck_assert_uint_eq(bi.mmap[i].type, qemu_map[i][2]);
    }
    ck_assert_uint_eq(bi.nr_modules, 2);
    ck_assert_uint_eq(bi.modules[0].start, 0x1000000);
    ck_assert_uint_eq(bi.modules[0].end, 0x1a3c000);
    ck_assert_str_eq(bi.modules[0].string, GOOD_MOD0);
    ck_assert_uint_eq(bi.modules[1].start, 0x1a3c000);
    ck_assert_uint_eq(bi.modules[1].end, 0x2f00123);
    ck_assert_str_eq(bi.modules[1].string, GOOD_MOD1);
    ck_assert_uint_eq(mb2_usable_bytes(&bi), 0x9fc00ull + 0x1fee0000ull);
    /* avail larger than total_size is fine; a NULL err buffer is fine. */
    ck_assert_int_eq(mb2_parse(store, BLOB_CAP, &bi, NULL, 0), 0);
    ck_assert_uint_eq(bi.info_size, total);
    free(p);
}
END_TEST

START_TEST(minimal_blob_ok)
{
    uint64_t store[4];
    struct mbw w;
    uint32_t total;

    w_init(&w, store, sizeof(store));
    total = w_finish(&w);
    ck_assert_uint_eq(total, 16);
    ck_assert_int_eq(mb2_parse(store, total, &bi, err, sizeof(err)), 0);
    ck_assert_str_eq(bi.cmdline, "");
    ck_assert(!bi.has_meminfo);
    ck_assert_uint_eq(bi.nr_mmap + bi.nr_modules, 0);
    ck_assert_uint_eq(mb2_usable_bytes(&bi), 0);
}
END_TEST

START_TEST(refuses_bad_total_size)
{
    uint64_t store[BLOB_CAP / 8];
    struct mbw w;
    uint32_t total = build_good(&w, store);
    uint8_t *big;

    w_set32(&w, 0, 8);
    expect_refused(store, total);                 /* total_size < 16 */
    w_set32(&w, 0, 15);
    expect_refused(store, total);
    w_set32(&w, 0, 0);
    expect_refused(store, total);
    w_set32(&w, 0, total);
    expect_refused(store, total - 8);             /* total_size > avail */
    expect_refused(store, 7);                     /* cannot even read total_size */
    expect_refused(store, 0);
    big = calloc(1, MB2_INFO_MAX_SIZE + 64);      /* total_size > MB2_INFO_MAX_SIZE */
    ck_assert_ptr_nonnull(big);
    memcpy(big, store, total);
    w.b = big;
    w_set32(&w, 0, MB2_INFO_MAX_SIZE + 8);
    memcpy(big + MB2_INFO_MAX_SIZE, "\0\0\0\0\x08\0\0\0", 8);
    expect_refused(big, MB2_INFO_MAX_SIZE + 64);
    free(big);
}
END_TEST

START_TEST(refuses_short_tag_size)
{
    uint64_t store[16];
    struct mbw w;
    uint32_t total;
    size_t off;

    w_init(&w, store, sizeof(store));
    off = w_begin(&w, MB2_TAG_BOOTDEV);
    w_u32(&w, 0);
    total = w_finish(&w);
    w_set32(&w, off + 4, 4);                      /* size < 8 */
    expect_refused(store, total);
    w_set32(&w, off + 4, 0);                      /* size 0 would loop forever */
    expect_refused(store, total);
    w_init(&w, store, sizeof(store));             /* 8 is fine for an unknown type */
    off = w_begin(&w, MB2_TAG_BOOTDEV);
    w_end(&w, off);
    total = w_finish(&w);
    ck_assert_uint_eq(total, 24);
    ck_assert_int_eq(mb2_parse(store, total, &bi, err, sizeof(err)), 0);
}
END_TEST

START_TEST(refuses_tag_past_end)
{
    uint64_t store[BLOB_CAP / 8];
    struct mbw w;
    uint32_t total = build_good(&w, store);

    w_set32(&w, 8 + 4, total);                    /* cmdline tag claims the whole blob */
    expect_refused(store, total);
    w_set32(&w, 8 + 4, 0xfffffff0u);              /* huge: no wrap-around */
    expect_refused(store, total);
    w_set32(&w, 8 + 4, total - 8);                /* exactly to the end: no end tag */
    expect_refused(store, total);
    /* End tag whose size runs past total_size. */
    build_good(&w, store);
    w_set32(&w, total - 4, 16);
    expect_refused(store, total);
}
END_TEST

START_TEST(refuses_misaligned)
{
    uint64_t store[BLOB_CAP / 8], store2[BLOB_CAP / 8 + 1];
    struct mbw w;
    uint32_t total;
    size_t off;

    /* A loader that does not pad: the next tag is written at offset 8 + 14. */
    w_init(&w, store, sizeof(store));
    off = w_begin(&w, MB2_TAG_CMDLINE);
    w_raw(&w, "hello", 6);
    w_set32(&w, off + 4, (uint32_t)(w.len - off));
    w_u32(&w, MB2_TAG_END);
    w_u32(&w, 8);
    total = w_finish_no_end(&w);
    ck_assert_uint_eq(total, 30);
    expect_refused(store, total);
    /* The good blob at an address that is not 8-byte aligned. */
    total = build_good(&w, store);
    memcpy((uint8_t *)store2 + 4, store, total);
    expect_refused((uint8_t *)store2 + 4, total);
    ck_assert_int_eq(mb2_parse(store, total, &bi, err, sizeof(err)), 0);
}
END_TEST

START_TEST(refuses_missing_end_tag)
{
    uint64_t store[BLOB_CAP / 8];
    struct mbw w;
    uint32_t total;

    w_init(&w, store, sizeof(store));
    w_string_tag(&w, MB2_TAG_CMDLINE, "a b c");
    w_meminfo(&w, 1, 2);
    total = w_finish_no_end(&w);
    expect_refused(store, total);
    /* The end tag exists but lies (wholly or partly) past total_size. */
    ck_assert_uint_eq(w_finish(&w), total + 8);
    ck_assert_int_eq(mb2_parse(store, total + 8, &bi, err, sizeof(err)), 0);
    w_set32(&w, 0, total);
    expect_refused(store, total + 8);
    w_set32(&w, 0, total + 4);
    expect_refused(store, total + 8);
}
END_TEST

START_TEST(refuses_unterminated_strings)
{
    uint64_t store[BLOB_CAP / 8];
    struct mbw w;
    uint32_t total, types[] = { MB2_TAG_CMDLINE, MB2_TAG_LOADER_NAME };
    size_t off, i;

    for (i = 0; i < 2; i++) {
        w_init(&w, store, sizeof(store));
        off = w_begin(&w, types[i]);
        w_raw(&w, "abcdefgh", 8);                 /* no NUL inside the tag */
        w_end(&w, off);
        total = w_finish(&w);
        expect_refused(store, total);
        w_init(&w, store, sizeof(store));         /* empty payload */
        off = w_begin(&w, types[i]);
        w_end(&w, off);
        total = w_finish(&w);
        expect_refused(store, total);
    }
    w_init(&w, store, sizeof(store));
    off = w_begin(&w, MB2_TAG_MODULE);
    w_u32(&w, 0x1000);
    w_u32(&w, 0x2000);
    w_raw(&w, "mod", 3);                          /* the NUL lies in the padding */
    w_end(&w, off);
    total = w_finish(&w);
    expect_refused(store, total);
}
END_TEST

START_TEST(refuses_module_end_before_start)
{
    uint64_t store[BLOB_CAP / 8];
    struct mbw w;
    uint32_t total;

    w_init(&w, store, sizeof(store));
    w_module(&w, 0x2000, 0x1fff, "m");
    total = w_finish(&w);
    expect_refused(store, total);
    w_init(&w, store, sizeof(store));             /* an empty module is fine */
    w_module(&w, 0x2000, 0x2000, "");
    total = w_finish(&w);
    ck_assert_int_eq(mb2_parse(store, total, &bi, err, sizeof(err)), 0);
    ck_assert_uint_eq(bi.nr_modules, 1);
    ck_assert_uint_eq(bi.modules[0].start, 0x2000);
    ck_assert_uint_eq(bi.modules[0].end, 0x2000);
    ck_assert_str_eq(bi.modules[0].string, "");
}
END_TEST

START_TEST(refuses_short_typed_tags)
{
    uint64_t store[BLOB_CAP / 8];
    struct mbw w;
    uint32_t total;
    size_t off;

    w_init(&w, store, sizeof(store));             /* module without a string */
    off = w_begin(&w, MB2_TAG_MODULE);
    w_u32(&w, 1);
    w_u32(&w, 2);
    w_end(&w, off);
    total = w_finish(&w);
    expect_refused(store, total);
    w_init(&w, store, sizeof(store));             /* meminfo with one field */
    off = w_begin(&w, MB2_TAG_BASIC_MEMINFO);
    w_u32(&w, 639);
    w_end(&w, off);
    total = w_finish(&w);
    expect_refused(store, total);
    w_init(&w, store, sizeof(store));             /* mmap without entry_version */
    off = w_begin(&w, MB2_TAG_MMAP);
    w_u32(&w, 24);
    w_end(&w, off);
    total = w_finish(&w);
    expect_refused(store, total);
}
END_TEST

START_TEST(refuses_bad_mmap_entry_size)
{
    static const uint32_t bad[] = { 0, 7, 8, 16, 20, 23, 25, 28, 0xfffffff8u };
    uint64_t store[BLOB_CAP / 8];
    struct mbw w;
    uint32_t total;
    size_t i, off;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        w_init(&w, store, sizeof(store));
        off = w.len;
        w_mmap(&w, 24, qemu_map, 6);
        w_set32(&w, off + 8, bad[i]);
        total = w_finish(&w);
        expect_refused(store, total);
    }
    /* A body that is not a whole number of entries. */
    w_init(&w, store, sizeof(store));
    off = w.len;
    w_mmap(&w, 24, qemu_map, 2);
    w_set32(&w, off + 4, 16 + 24 + 8);
    total = w_finish(&w);
    expect_refused(store, total);
    /* Larger entries (32 bytes) are read with the right stride. */
    w_init(&w, store, sizeof(store));
    w_mmap(&w, 32, qemu_map, 6);
    total = w_finish(&w);
    ck_assert_int_eq(mb2_parse(store, total, &bi, err, sizeof(err)), 0);
    ck_assert_uint_eq(bi.nr_mmap, 6);
    ck_assert_uint_eq(bi.mmap[5].addr, 0xfffc0000u);
    ck_assert_uint_eq(bi.mmap[5].len, 0x40000);
    ck_assert_uint_eq(bi.mmap[3].type, MB2_MEM_AVAILABLE);
    /* An empty mmap tag is fine. */
    w_init(&w, store, sizeof(store));
    w_mmap(&w, 24, qemu_map, 0);
    total = w_finish(&w);
    ck_assert_int_eq(mb2_parse(store, total, &bi, err, sizeof(err)), 0);
    ck_assert_uint_eq(bi.nr_mmap, 0);
}
END_TEST

START_TEST(refuses_wrapping_mmap_entry)
{
    uint64_t store[BLOB_CAP / 8];
    static const uint64_t e[][3] = {
        { 0x100000, 0x1000, MB2_MEM_AVAILABLE },
        { 0xfffffffffffff000ull, 0x2000, MB2_MEM_RESERVED },
    };
    struct mbw w;
    uint32_t total;

    w_init(&w, store, sizeof(store));
    w_mmap(&w, 24, e, 2);
    total = w_finish(&w);
    expect_refused(store, total);
}
END_TEST

START_TEST(refuses_too_many_modules_and_entries)
{
    static uint64_t map[MB2_MAX_MMAP + 1][3];
    uint64_t store[BLOB_CAP / 8];
    struct mbw w;
    uint32_t total, i;

    w_init(&w, store, sizeof(store));
    for (i = 0; i < MB2_MAX_MODULES; i++)
        w_module(&w, i * 0x1000, i * 0x1000 + 0x800, "mod");
    total = w_finish(&w);
    ck_assert_int_eq(mb2_parse(store, total, &bi, err, sizeof(err)), 0);
    ck_assert_uint_eq(bi.nr_modules, MB2_MAX_MODULES);
    ck_assert_uint_eq(bi.modules[MB2_MAX_MODULES - 1].start, (MB2_MAX_MODULES - 1) * 0x1000);
    w.len -= 8;                                   /* drop the end tag, add one more */
    w_module(&w, 0, 1, "one too many");
    total = w_finish(&w);
    expect_refused(store, total);

    for (i = 0; i <= MB2_MAX_MMAP; i++) {
        map[i][0] = (uint64_t)i << 20;
        map[i][1] = 1 << 20;
        map[i][2] = MB2_MEM_AVAILABLE;
    }
    w_init(&w, store, sizeof(store));
    w_mmap(&w, 24, map, MB2_MAX_MMAP);
    total = w_finish(&w);
    ck_assert_int_eq(mb2_parse(store, total, &bi, err, sizeof(err)), 0);
    ck_assert_uint_eq(bi.nr_mmap, MB2_MAX_MMAP);
    ck_assert_uint_eq(mb2_usable_bytes(&bi), (uint64_t)MB2_MAX_MMAP << 20);
    w_init(&w, store, sizeof(store));             /* split over two tags: 129 total */
    w_mmap(&w, 24, map, 100);
    w_mmap(&w, 24, map + 100, MB2_MAX_MMAP + 1 - 100);
    total = w_finish(&w);
    expect_refused(store, total);
}
END_TEST

START_TEST(refuses_strings_too_long)
{
    static char s[MB2_CMDLINE_MAX + 1];
    uint64_t store[BLOB_CAP / 8];
    struct mbw w;
    uint32_t total;

    memset(s, 'c', MB2_CMDLINE_MAX - 1);          /* 1023 chars: fits */
    w_init(&w, store, sizeof(store));
    w_string_tag(&w, MB2_TAG_CMDLINE, s);
    total = w_finish(&w);
    ck_assert_int_eq(mb2_parse(store, total, &bi, err, sizeof(err)), 0);
    ck_assert_uint_eq(strlen(bi.cmdline), MB2_CMDLINE_MAX - 1);
    s[MB2_CMDLINE_MAX - 1] = 'c';                 /* 1024 chars: refused */
    w_init(&w, store, sizeof(store));
    w_string_tag(&w, MB2_TAG_CMDLINE, s);
    total = w_finish(&w);
    expect_refused(store, total);

    memset(s, 0, sizeof(s));
    memset(s, 'l', MB2_LOADER_MAX - 1);
    w_init(&w, store, sizeof(store));
    w_string_tag(&w, MB2_TAG_LOADER_NAME, s);
    total = w_finish(&w);
    ck_assert_int_eq(mb2_parse(store, total, &bi, err, sizeof(err)), 0);
    ck_assert_uint_eq(strlen(bi.loader), MB2_LOADER_MAX - 1);
    s[MB2_LOADER_MAX - 1] = 'l';
    w_init(&w, store, sizeof(store));
    w_string_tag(&w, MB2_TAG_LOADER_NAME, s);
    total = w_finish(&w);
    expect_refused(store, total);

    memset(s, 'm', MB2_MODSTRING_MAX);
    s[MB2_MODSTRING_MAX] = '\0';
    w_init(&w, store, sizeof(store));
    w_module(&w, 0, 0x1000, s);
    total = w_finish(&w);
    expect_refused(store, total);
}
END_TEST

START_TEST(refuses_null_arguments)
{
    uint64_t store[BLOB_CAP / 8];
    struct mbw w;
    uint32_t total = build_good(&w, store);

    ck_assert_int_eq(mb2_parse(NULL, total, &bi, err, sizeof(err)), -XEN_EINVAL);
    ck_assert_int_eq(mb2_parse(store, total, NULL, err, sizeof(err)), -XEN_EINVAL);
    ck_assert_int_eq(mb2_parse(store, 4, &bi, NULL, 0), -XEN_EINVAL);
    ck_assert_int_eq(mb2_parse(store, 4, &bi, err, 1), -XEN_EINVAL);
    ck_assert_str_eq(err, "");
    ck_assert_uint_eq(mb2_usable_bytes(NULL), 0);
}
END_TEST

/* Every prefix of the good blob, in an exactly sized buffer, both with the original
 * total_size and with total_size patched to the prefix length. */
START_TEST(truncated_blobs_refused)
{
    uint64_t store[BLOB_CAP / 8];
    struct mbw w;
    uint32_t total = build_good(&w, store), len, patched;
    int rc;

    for (len = 0; len <= total; len++) {
        uint8_t *p = exact_copy(store, len);

        rc = mb2_parse(p, len, &bi, err, sizeof(err));
        UNIT_REQUIRE(rc == (len == total ? 0 : -XEN_EINVAL), "len %u: rc %d", len, rc);
        if (len >= 4) {
            patched = len;
            memcpy(p, &patched, 4);
            rc = mb2_parse(p, len, &bi, err, sizeof(err));
            UNIT_REQUIRE(rc == (len == total ? 0 : -XEN_EINVAL),
                         "patched len %u: rc %d (%s)", len, rc, err);
        }
        free(p);
    }
}
END_TEST

/* Checks what a successful parse promises, whatever the input was. */
static void check_sane(uint32_t avail, uint32_t iter)
{
    uint32_t i;

    UNIT_REQUIRE(bi.info_size <= avail && bi.nr_mmap <= MB2_MAX_MMAP &&
                 bi.nr_modules <= MB2_MAX_MODULES, "iteration %u: counts", iter);
    UNIT_REQUIRE(memchr(bi.cmdline, '\0', sizeof(bi.cmdline)) != NULL &&
                 memchr(bi.loader, '\0', sizeof(bi.loader)) != NULL,
                 "iteration %u: unterminated string", iter);
    for (i = 0; i < bi.nr_modules; i++) {
        UNIT_REQUIRE(bi.modules[i].start <= bi.modules[i].end, "iteration %u", iter);
        UNIT_REQUIRE(memchr(bi.modules[i].string, '\0', MB2_MODSTRING_MAX) != NULL,
                     "iteration %u: unterminated module string", iter);
    }
    for (i = 0; i < bi.nr_mmap; i++)
        UNIT_REQUIRE(bi.mmap[i].len <= UINT64_MAX - bi.mmap[i].addr, "iteration %u", iter);
    (void)mb2_usable_bytes(&bi);
}

START_TEST(random_corruption_survived)
{
    uint64_t store[BLOB_CAP / 8];
    struct mbw w;
    uint32_t total = build_good(&w, store), iter, ok = 0, bad = 0;
    uint8_t *p = exact_copy(store, total);

    srand(0x5eed);
    for (iter = 0; iter < 100000; iter++) {
        int flips = 1 + rand() % 4, rc, f;

        memcpy(p, store, total);
        for (f = 0; f < flips; f++) {
            /* Bias a quarter of the flips towards tag headers and sizes. */
            uint32_t pos = (rand() % 4 == 0) ? (uint32_t)(rand() % 64) : (uint32_t)rand();

            p[pos % total] ^= (uint8_t)(1u << (rand() % 8));
        }
        rc = mb2_parse(p, total, &bi, err, sizeof(err));
        UNIT_REQUIRE(rc == 0 || rc == -XEN_EINVAL, "iteration %u: rc %d", iter, rc);
        if (rc == 0) {
            check_sane(total, iter);
            ok++;
        } else {
            UNIT_REQUIRE(err[0] != '\0', "iteration %u: no reason", iter);
            bad++;
        }
    }
    ck_assert_uint_gt(ok, 0);                     /* both outcomes were exercised */
    ck_assert_uint_gt(bad, 0);
    free(p);
}
END_TEST

START_TEST(usable_bytes_counts_overlaps_once)
{
    static const struct mb2_mmap_entry e[] = {
        { 0x200000, 0x100000, MB2_MEM_AVAILABLE },    /* [2M, 3M) */
        { 0x0, 0x1000, MB2_MEM_AVAILABLE },           /* [0, 4K) */
        { 0x800, 0x2800, MB2_MEM_AVAILABLE },         /* [2K, 12K): overlaps */
        { 0x0, 0x100000, MB2_MEM_RESERVED },          /* not counted */
        { 0x1000, 0x800, MB2_MEM_AVAILABLE },         /* inside [2K, 12K) */
        { 0x280000, 0x100000, MB2_MEM_AVAILABLE },    /* [2.5M, 3.5M) */
        { 0x200000, 0x100000, MB2_MEM_AVAILABLE },    /* duplicate */
        { 0x380000, 0x0, MB2_MEM_AVAILABLE },         /* empty */
        { 0x380000, 0x1000, MB2_MEM_AVAILABLE },      /* adjacent to [.., 3.5M) */
        { 0x400000, 0x1000, MB2_MEM_ACPI_RECLAIM },   /* not counted */
    };
    size_t i;

    memset(&bi, 0, sizeof(bi));
    for (i = 0; i < sizeof(e) / sizeof(e[0]); i++)
        bi.mmap[i] = e[i];
    bi.nr_mmap = (uint32_t)i;
    ck_assert_uint_eq(mb2_usable_bytes(&bi), 0x3000 + 0x180000 + 0x1000);
    bi.nr_mmap = 0;
    ck_assert_uint_eq(mb2_usable_bytes(&bi), 0);
    bi.nr_mmap = 1000;                            /* corrupt count: clamped, no crash */
    ck_assert_uint_eq(mb2_usable_bytes(&bi), 0x3000 + 0x180000 + 0x1000);
}
END_TEST

Suite *multiboot2_suite(void)
{
    Suite *s = suite_create("multiboot2");

    UNIT_ADD_TEST(s, good_blob_parsed_exactly);
    UNIT_ADD_TEST(s, minimal_blob_ok);
    UNIT_ADD_TEST(s, refuses_bad_total_size);
    UNIT_ADD_TEST(s, refuses_short_tag_size);
    UNIT_ADD_TEST(s, refuses_tag_past_end);
    UNIT_ADD_TEST(s, refuses_misaligned);
    UNIT_ADD_TEST(s, refuses_missing_end_tag);
    UNIT_ADD_TEST(s, refuses_unterminated_strings);
    UNIT_ADD_TEST(s, refuses_module_end_before_start);
    UNIT_ADD_TEST(s, refuses_short_typed_tags);
    UNIT_ADD_TEST(s, refuses_bad_mmap_entry_size);
    UNIT_ADD_TEST(s, refuses_wrapping_mmap_entry);
    UNIT_ADD_TEST(s, refuses_too_many_modules_and_entries);
    UNIT_ADD_TEST(s, refuses_strings_too_long);
    UNIT_ADD_TEST(s, refuses_null_arguments);
    UNIT_ADD_SLOW_TEST(s, truncated_blobs_refused, 60);
    UNIT_ADD_SLOW_TEST(s, random_corruption_survived, 120);
    UNIT_ADD_TEST(s, usable_bytes_counts_overlaps_once);
    return s;
}
