/* Unit tests for common/memmap.c: free ranges from the firmware map and reservations. */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hv/memmap.h>
#include "suites.h"
#include <xlite/errno.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_OUT 64

static struct mem_range out[MAX_OUT];

/* Runs memmap_free_ranges and compares the result with want[nw]. */
#define expect(...) expect_at(__LINE__, __VA_ARGS__)
static void expect_at(int line, const struct mem_range *av, size_t na,
                      const struct mem_range *rs, size_t nr, const struct mem_range *want,
                      size_t nw)
{
    int n, i;

    memset(out, 0xee, sizeof(out));
    n = memmap_free_ranges(av, na, rs, nr, out, MAX_OUT);
    UNIT_REQUIRE(n == (int)nw, "line %d: got %d ranges, want %zu", line, n, nw);
    for (i = 0; i < n; i++) {
        UNIT_REQUIRE(out[i].start == want[i].start && out[i].end == want[i].end,
                     "line %d: range %d: got [%#llx, %#llx) want [%#llx, %#llx)", line, i,
                     (unsigned long long)out[i].start, (unsigned long long)out[i].end,
                     (unsigned long long)want[i].start, (unsigned long long)want[i].end);
    }
}

/* QEMU's 512 MiB map (available entries only). */
static const struct mem_range qemu_avail[] = {
    { 0x0, 0x9fc00 },
    { 0x100000, 0x1ffe0000 },
};

START_TEST(qemu_map_with_reservations)
{
    static const struct mem_range res[] = {
        { 0x0, 0x100000 },                 /* first MiB: BIOS, EBDA, VGA, mb2 info */
        { 0x200000, 0x3a1234 },            /* hypervisor image */
        { 0x1000000, 0x1a3c000 },          /* dom0 kernel module */
        { 0x1a3c000, 0x2f00123 },          /* initrd module */
        { 0x9a000, 0x9a4c8 },              /* multiboot2 info (inside the first MiB) */
    };
    static const struct mem_range want[] = {
        { 0x100000, 0x200000 },
        { 0x3a2000, 0x1000000 },
        { 0x2f01000, 0x1ffe0000 },
    };
    static const struct mem_range want_nores[] = {
        { 0x0, 0x9f000 },                  /* 0x9fc00 shrunk down to a page */
        { 0x100000, 0x1ffe0000 },
    };

    expect(qemu_avail, N(qemu_avail), res, N(res), want, N(want));
    expect(qemu_avail, N(qemu_avail), NULL, 0, want_nores, N(want_nores));
}
END_TEST

START_TEST(unsorted_overlapping_input)
{
    static const struct mem_range av[] = {
        { 0x20000, 0x30000 }, { 0x5000, 0x9000 }, { 0x21000, 0x22000 },
        { 0x1000, 0x6000 }, { 0x8000, 0xa000 }, { 0x1000, 0x6000 },
    };
    static const struct mem_range res[] = {
        { 0x28000, 0x29000 }, { 0x24000, 0x26000 }, { 0x25000, 0x27000 },
        { 0x24000, 0x25000 },
    };
    static const struct mem_range want[] = {
        { 0x1000, 0xa000 }, { 0x20000, 0x24000 }, { 0x27000, 0x28000 },
        { 0x29000, 0x30000 },
    };

    expect(av, N(av), res, N(res), want, N(want));
}
END_TEST

START_TEST(reservations_split_and_grow)
{
    static const struct mem_range av[] = { { 0x0, 0x100000 } };
    static const struct mem_range res[] = {
        { 0x10000, 0x11000 },              /* exact pages */
        { 0x20800, 0x20900 },              /* grows to [0x20000, 0x21000) */
        { 0x30fff, 0x31001 },              /* grows to [0x30000, 0x32000) */
        { 0xfffff, 0x100000 },             /* grows to the last page */
        { 0x50000, 0x40000 },              /* empty (reversed): ignored */
        { 0x60000, 0x60000 },              /* empty: ignored */
    };
    static const struct mem_range want[] = {
        { 0x0, 0x10000 }, { 0x11000, 0x20000 }, { 0x21000, 0x30000 },
        { 0x32000, 0xff000 },
    };

    expect(av, N(av), res, N(res), want, N(want));
}
END_TEST

START_TEST(adjacent_ranges_merge)
{
    static const struct mem_range av[] = {
        { 0x3000, 0x3800 }, { 0x1000, 0x2000 }, { 0x2000, 0x3000 },
        { 0x5000, 0x6000 }, { 0x4000, 0x5000 },
    };
    static const struct mem_range want[] = { { 0x1000, 0x3000 }, { 0x4000, 0x6000 } };
    /* Each range is shrunk on its own: a page split between two entries is lost. */
    static const struct mem_range split[] = { { 0x1000, 0x2800 }, { 0x2800, 0x4000 } };
    static const struct mem_range want_split[] = { { 0x1000, 0x2000 }, { 0x3000, 0x4000 } };

    expect(av, N(av), NULL, 0, want, N(want));
    expect(split, N(split), NULL, 0, want_split, N(want_split));
}
END_TEST

START_TEST(sub_page_ranges_vanish)
{
    static const struct mem_range av[] = {
        { 0x1001, 0x1fff }, { 0x2000, 0x2fff }, { 0x3001, 0x4000 }, { 0x5800, 0x6800 },
        { 0x7000, 0x7000 }, { 0x9000, 0x8000 },
        { 0xfffffffffffffffaull, 0xffffffffffffffffull },   /* align-up would wrap */
        { 0xfffffffffffff000ull, 0xffffffffffffffffull },   /* no whole page */
    };
    static const struct mem_range page[] = { { 0x2000, 0x3000 } };

    expect(av, N(av), NULL, 0, NULL, 0);
    expect(page, 1, NULL, 0, page, 1);
}
END_TEST

START_TEST(top_of_address_space)
{
    static const struct mem_range av[] = { { 0xffffffff00000000ull, UINT64_MAX } };
    static const struct mem_range res[] = { { 0xfffffffffffffe00ull, UINT64_MAX } };
    static const struct mem_range res2[] = { { 0xffffffffffffd800ull, UINT64_MAX } };
    static const struct mem_range want[] = {
        { 0xffffffff00000000ull, 0xfffffffffffff000ull },
    };
    static const struct mem_range want2[] = {
        { 0xffffffff00000000ull, 0xffffffffffffd000ull },
    };

    expect(av, 1, NULL, 0, want, 1);
    expect(av, 1, res, 1, want, 1);        /* the reservation hits no whole page */
    expect(av, 1, res2, 1, want2, 1);
}
END_TEST

START_TEST(out_of_space)
{
    static const struct mem_range av[] = { { 0x0, 0x10000 } };
    static const struct mem_range res[] = { { 0x2000, 0x3000 }, { 0x6000, 0x7000 } };
    struct mem_range small[3];

    ck_assert_int_eq(memmap_free_ranges(av, 1, res, 2, small, 2), -XEN_ENOSPC);
    ck_assert_int_eq(memmap_free_ranges(av, 1, res, 2, small, 3), 3);
    ck_assert_uint_eq(small[2].start, 0x7000);
    ck_assert_uint_eq(small[2].end, 0x10000);
    ck_assert_int_eq(memmap_free_ranges(av, 1, res, 2, NULL, 0), -XEN_ENOSPC);
    ck_assert_int_eq(memmap_free_ranges(av, 1, av, 1, NULL, 0), 0);     /* all reserved */
    ck_assert_int_eq(memmap_free_ranges(NULL, 0, NULL, 0, NULL, 0), 0);
    ck_assert_int_eq(memmap_free_ranges(NULL, 1, NULL, 0, small, 3), -XEN_EINVAL);
    ck_assert_int_eq(memmap_free_ranges(av, 1, NULL, 1, small, 3), -XEN_EINVAL);
    ck_assert_int_eq(memmap_free_ranges(av, 1, NULL, 0, NULL, 3), -XEN_EINVAL);
}
END_TEST

/* Random maps within 1 MiB against a page-by-page model. */
#define MODEL_PAGES 256

static uint64_t rnd_addr(void)
{
    /* Mostly page-aligned boundaries, sometimes arbitrary bytes. */
    uint64_t a = (uint64_t)(rand() % (MODEL_PAGES + 1)) * 4096;

    if (rand() % 3 == 0 && a >= 4096)
        a -= (uint64_t)(rand() % 4096);
    return a;
}

START_TEST(random_maps_match_model)
{
    struct mem_range av[12], rs[12];
    int iter;

    srand(7);
    for (iter = 0; iter < 3000; iter++) {
        size_t na = (size_t)(rand() % 12), nr = (size_t)(rand() % 12), i;
        struct mem_range want[MODEL_PAGES];
        size_t nw = 0;
        uint64_t p;

        for (i = 0; i < na; i++) {
            av[i].start = rnd_addr();
            av[i].end = rand() % 8 ? av[i].start + (uint64_t)(rand() % 20) * 4096 +
                                     (uint64_t)(rand() % 2) * 2048 : rnd_addr();
        }
        for (i = 0; i < nr; i++) {
            rs[i].start = rnd_addr();
            rs[i].end = rs[i].start + (uint64_t)(rand() % 6000);
        }
        for (p = 0; p < MODEL_PAGES + 25; p++) {
            uint64_t s = p * 4096, e = s + 4096;
            bool free_page = false;

            for (i = 0; i < na; i++)
                if (av[i].start <= s && av[i].end >= e)
                    free_page = true;
            for (i = 0; i < nr; i++)
                if (rs[i].start < e && rs[i].end > s && rs[i].start < rs[i].end)
                    free_page = false;
            if (!free_page)
                continue;
            if (nw > 0 && want[nw - 1].end == s)
                want[nw - 1].end = e;
            else
                want[nw++] = (struct mem_range){ s, e };
        }
        expect(av, na, rs, nr, want, nw);
    }
}
END_TEST

Suite *memmap_suite(void)
{
    Suite *s = suite_create("memmap");

    UNIT_ADD_TEST(s, qemu_map_with_reservations);
    UNIT_ADD_TEST(s, unsorted_overlapping_input);
    UNIT_ADD_TEST(s, reservations_split_and_grow);
    UNIT_ADD_TEST(s, adjacent_ranges_merge);
    UNIT_ADD_TEST(s, sub_page_ranges_vanish);
    UNIT_ADD_TEST(s, top_of_address_space);
    UNIT_ADD_TEST(s, out_of_space);
    UNIT_ADD_SLOW_TEST(s, random_maps_match_model, 60);
    return s;
}
