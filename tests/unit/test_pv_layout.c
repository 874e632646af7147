/* The PV initial layout must match the ABI notes' worked examples exactly (§1.2): XTF
 * and Mini-OS hard-code VA = PFN * 4 KiB and read start_info fields at these places, and
 * Mini-OS treats everything after pt_base + nr_pt_frames as free RAM. */
#include <check.h>
#include <string.h>

#include <x86/pv_layout.h>
#include "suites.h"
#include <xlite/errno.h>

START_TEST(xtf_example_128mib)
{
    struct pv_layout l;
    char err[128];

    /* test-pv64-example: kernel 0x100000-0x111000, 128 MiB. */
    ck_assert_int_eq(pv_layout_compute(&l, 0, 0x100000, 0x111000, 0, 0x8000, err,
                                       sizeof(err)), 0);
    ck_assert_uint_eq(l.kernel_pfn, 0x100);
    ck_assert_uint_eq(l.p2m_pfn, 0x111);
    ck_assert_uint_eq(l.p2m_pages, 0x40);
    ck_assert_uint_eq(l.start_info_pfn, 0x151);
    ck_assert_uint_eq(l.store_pfn, 0x152);
    ck_assert_uint_eq(l.console_pfn, 0x153);
    ck_assert_uint_eq(l.pt_pfn, 0x154);
    ck_assert_uint_eq(l.nr_pt, 5);
    ck_assert_uint_eq(l.stack_pfn, 0x159);
    ck_assert_uint_eq(l.mapped_pfns, 0x400);
    ck_assert_uint_eq(l.nr_l3 + l.nr_l2 + l.nr_l1, 4);
}
END_TEST

START_TEST(minios_example_32mib)
{
    struct pv_layout l;
    char err[128];

    /* Mini-OS: _end 0x68e24 -> kernel pages 0x00-0x68, 32 MiB. */
    ck_assert_int_eq(pv_layout_compute(&l, 0, 0, 0x69000, 0, 0x2000, err, sizeof(err)), 0);
    ck_assert_uint_eq(l.p2m_pfn, 0x69);
    ck_assert_uint_eq(l.start_info_pfn, 0x79);
    ck_assert_uint_eq(l.store_pfn, 0x7A);
    ck_assert_uint_eq(l.console_pfn, 0x7B);
    ck_assert_uint_eq(l.pt_pfn, 0x7C);
    ck_assert_uint_eq(l.nr_pt, 5);
    ck_assert_uint_eq(l.stack_pfn, 0x81);
    ck_assert_uint_eq(l.mapped_pfns, 0x400);
}
END_TEST

START_TEST(ramdisk_follows_kernel)
{
    struct pv_layout l;
    char err[128];

    ck_assert_int_eq(pv_layout_compute(&l, 0, 0x100000, 0x111000, 5000, 0x8000, err,
                                       sizeof(err)), 0);
    ck_assert_uint_eq(l.ramdisk_pfn, 0x111);
    ck_assert_uint_eq(l.ramdisk_pages, 2);
    ck_assert_uint_eq(l.p2m_pfn, 0x113);
}
END_TEST

START_TEST(high_virt_base_spans_tables)
{
    struct pv_layout l;
    char err[128];
    const uint64_t base = 0xFFFFFFFF80000000ull;

    /* A kernel in the top 2 GiB with 2 GiB of RAM: the mapped range must end on 4 MiB
     * and its tables count every level it crosses. */
    ck_assert_int_eq(pv_layout_compute(&l, base, base + 0x200000, base + 0x1200000, 0,
                                       0x80000, err, sizeof(err)), 0);
    ck_assert_uint_eq(l.mapped_pfns % 1024, 0);
    ck_assert_uint_eq(l.nr_pt, 1 + l.nr_l3 + l.nr_l2 + l.nr_l1);
    ck_assert_uint_ge(l.mapped_pfns, l.stack_pfn + 1 + 128);
}
END_TEST

START_TEST(refusals)
{
    struct pv_layout l;
    char err[128];

    ck_assert_int_eq(pv_layout_compute(&l, 0x200000, 0x100000, 0x111000, 0, 0x8000, err,
                                       sizeof(err)), -XEN_EINVAL);
    ck_assert_int_eq(pv_layout_compute(&l, 0, 0x100800, 0x111000, 0, 0x8000, err,
                                       sizeof(err)), -XEN_EINVAL);
    /* 2 MiB of RAM cannot hold a 4 MiB mapped range. */
    ck_assert_int_eq(pv_layout_compute(&l, 0, 0x100000, 0x111000, 0, 0x200, err,
                                       sizeof(err)), -XEN_ENOMEM);
    ck_assert_ptr_nonnull(strstr(err, "pages"));
    ck_assert_int_eq(pv_layout_compute(&l, 0, 0x100000, 0x111000, 0, 0, err,
                                       sizeof(err)), -XEN_EINVAL);
}
END_TEST

Suite *pv_layout_suite(void)
{
    Suite *s = suite_create("pv_layout");

    UNIT_ADD_TEST(s, xtf_example_128mib);
    UNIT_ADD_TEST(s, minios_example_32mib);
    UNIT_ADD_TEST(s, ramdisk_follows_kernel);
    UNIT_ADD_TEST(s, high_virt_base_spans_tables);
    UNIT_ADD_TEST(s, refusals);
    return s;
}
