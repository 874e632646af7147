/* The hypervisor's own memcpy/memmove/memset (hypervisor/common/string.c, word loops
 * since they replaced `rep movsb`): every length 0..100 and every alignment of source
 * and destination, overlap both ways, against byte-by-byte references. The file is
 * compiled here under other names so the host's libc stays what the rest uses. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "suites.h"

#define memcpy hv_memcpy
#define memmove hv_memmove
#define memset hv_memset
#define memcmp hv_memcmp
#define strlen hv_strlen
#define strnlen hv_strnlen
#define strcmp hv_strcmp
#define strncmp hv_strncmp
#define strchr hv_strchr
#include "../../hypervisor/common/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr

#define AREA 256

static void fill(unsigned char *b, unsigned int seed)
{
    for (unsigned int i = 0; i < AREA; i++)
        b[i] = (unsigned char)(i * 7 + seed * 13 + 1);
}

START_TEST(memcpy_every_length_and_alignment)
{
    unsigned char src[AREA], dst[AREA], want[AREA];

    for (unsigned int so = 0; so < 8; so++)
        for (unsigned int dof = 0; dof < 8; dof++)
            for (unsigned int n = 0; n <= 100; n++) {
                fill(src, 1);
                fill(dst, 2);
                fill(want, 2);
                for (unsigned int i = 0; i < n; i++)
                    want[dof + i] = src[so + i];
                UNIT_REQUIRE(hv_memcpy(dst + dof, src + so, n) == dst + dof, "return value");
                UNIT_REQUIRE(!memcmp(dst, want, AREA), "memcpy n %u src+%u dst+%u", n, so, dof);
            }
}
END_TEST

START_TEST(memmove_overlaps_both_ways)
{
    unsigned char buf[AREA], want[AREA], tmp[AREA];

    for (unsigned int from = 0; from < 48; from++)
        for (unsigned int to = 0; to < 48; to++)
            for (unsigned int n = 0; n <= 100; n += (n < 40 ? 1 : 7)) {
                fill(buf, 3);
                fill(want, 3);
                for (unsigned int i = 0; i < n; i++)
                    tmp[i] = want[from + i];
                for (unsigned int i = 0; i < n; i++)
                    want[to + i] = tmp[i];
                UNIT_REQUIRE(hv_memmove(buf + to, buf + from, n) == buf + to, "return value");
                UNIT_REQUIRE(!memcmp(buf, want, AREA), "memmove n %u from %u to %u", n, from, to);
            }
}
END_TEST

START_TEST(memset_every_length_and_alignment)
{
    unsigned char buf[AREA], want[AREA];

    for (unsigned int off = 0; off < 8; off++)
        for (unsigned int n = 0; n <= 100; n++) {
            fill(buf, 4);
            fill(want, 4);
            for (unsigned int i = 0; i < n; i++)
                want[off + i] = 0xA5;
            UNIT_REQUIRE(hv_memset(buf + off, 0x1A5, n) == buf + off, "return value");
            UNIT_REQUIRE(!memcmp(buf, want, AREA), "memset n %u at +%u", n, off);
        }
}
END_TEST

Suite *string_suite(void)
{
    Suite *s = suite_create("string");

    UNIT_ADD_TEST(s, memcpy_every_length_and_alignment);
    UNIT_ADD_TEST(s, memmove_overlaps_both_ways);
    UNIT_ADD_TEST(s, memset_every_length_and_alignment);
    return s;
}
