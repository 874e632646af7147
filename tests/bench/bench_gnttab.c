/* Grant tables between two domains: this guest as the measuring domain (dom0 in
 * `make bench`) and a second copy of it as the peer (a boot-time domU, command line
 * `serve=0`), which grants us 64 data pages at gref G+1 .. G+64 (convention:
 * tests/bench/lib/bench.h; `peer=D`, default 1, and `gref=G`, default 8, here).
 *
 *   gnttab-copy-64B     GNTTABOP_copy of 64 bytes from the peer's granted page
 *                       (source by grant reference) into a frame of ours (by MFN)
 *   gnttab-copy-4KiB    the same, one whole page
 *   gnttab-copy-64KiB   16 page copies from 16 granted pages in one hypercall
 *   memcpy-64B, -4KiB, -64KiB   the baselines: the same sizes copied inside this
 *                       guest with 8-byte loads and stores (what a copy costs without
 *                       the hypervisor); run.sh prints MB/s for all six and each
 *                       grant copy's share of memcpy's throughput
 *   gnttab-map-unmap    one GNTTABOP_map_grant_ref (host mapping, read-write) of one
 *                       page and its GNTTABOP_unmap_grant_ref: two hypercalls
 *   gnttab-map-unmap-64 per page, in batches of 64: one map hypercall with 64 ops and
 *                       one unmap hypercall with 64 ops
 * Every status is checked; the copies' contents once, before measuring. */
#include "bench.h"

#include <xlite/grant_table.h>

#define BATCH 64
#define COPY_PAGES 16

static struct bench_peer peer;
static uint8_t dst[COPY_PAGES][4096] __attribute__((aligned(4096), section(".bss.page_aligned")));
static uint8_t src[COPY_PAGES][4096] __attribute__((aligned(4096), section(".bss.page_aligned")));
static uint8_t map_va[BATCH][4096] __attribute__((aligned(4096), section(".bss.page_aligned")));
static struct gnttab_copy cops[COPY_PAGES];
static struct gnttab_map_grant_ref maps[BATCH];
static struct gnttab_unmap_grant_ref unmaps[BATCH];

static long gnttab_op(unsigned int cmd, void *ops, unsigned int count)
{
    return HYPERCALL3(__HYPERVISOR_grant_table_op, cmd, ops, count);
}

static void setup_copies(uint16_t len)
{
    for (unsigned int i = 0; i < COPY_PAGES; i++)
        cops[i] = (struct gnttab_copy){
            .source = { .u.ref = peer.gref + 1 + i, .domid = peer.domid },
            .dest = { .u.gmfn = bench_mfn_of(dst[i]), .domid = DOMID_SELF },
            .len = len, .flags = GNTCOPY_source_gref,
        };
}

static long copy(unsigned int nr, uint16_t len)
{
    if (cops[0].len != len)
        setup_copies(len);
    long rc = gnttab_op(GNTTABOP_copy, cops, nr);
    if (rc)
        return rc;
    for (unsigned int i = 0; i < nr; i++)
        if (cops[i].status != GNTST_okay)
            return -XEN_EIO;
    return 0;
}

static long run_copy_64(uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (copy(1, 64))
            return -XEN_EIO;
    return 0;
}

static long run_copy_4k(uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (copy(1, 4096))
            return -XEN_EIO;
    return 0;
}

static long run_copy_64k(uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (copy(COPY_PAGES, 4096))
            return -XEN_EIO;
    return 0;
}

/* The in-guest copy: 8-byte words, four per iteration. noipa: really done each time. */
__attribute__((noipa)) static void copy_words(void *d, const void *s, size_t bytes)
{
    uint64_t *dw = d;
    const uint64_t *sw = s;

    for (size_t i = 0; i < bytes / 8; i += 4) {
        uint64_t a = sw[i], b = sw[i + 1], c = sw[i + 2], e = sw[i + 3];
        dw[i] = a;
        dw[i + 1] = b;
        dw[i + 2] = c;
        dw[i + 3] = e;
    }
}

static long run_memcpy(uint64_t n, size_t bytes)
{
    for (uint64_t i = 0; i < n; i++)
        copy_words(dst, src, bytes);
    return 0;
}
static long run_memcpy_64(uint64_t n) { return run_memcpy(n, 64); }
static long run_memcpy_4k(uint64_t n) { return run_memcpy(n, 4096); }
static long run_memcpy_64k(uint64_t n) { return run_memcpy(n, COPY_PAGES * 4096); }

static long map_unmap(unsigned int nr)
{
    for (unsigned int i = 0; i < nr; i++)
        maps[i] = (struct gnttab_map_grant_ref){
            .host_addr = (uint64_t)(uintptr_t)map_va[i], .flags = GNTMAP_host_map,
            .ref = peer.gref + 1 + i, .dom = peer.domid,
        };
    long rc = gnttab_op(GNTTABOP_map_grant_ref, maps, nr);
    if (rc)
        return rc;
    for (unsigned int i = 0; i < nr; i++) {
        if (maps[i].status != GNTST_okay)
            return -XEN_EIO;
        unmaps[i] = (struct gnttab_unmap_grant_ref){
            .host_addr = (uint64_t)(uintptr_t)map_va[i], .handle = maps[i].handle,
        };
    }
    rc = gnttab_op(GNTTABOP_unmap_grant_ref, unmaps, nr);
    if (rc)
        return rc;
    for (unsigned int i = 0; i < nr; i++)
        if (unmaps[i].status != GNTST_okay)
            return -XEN_EIO;
    return 0;
}

static long run_map_unmap(uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        long rc = map_unmap(1);
        if (rc)
            return rc;
    }
    return 0;
}

static long run_map_unmap_64(uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        long rc = map_unmap(BATCH);
        if (rc)
            return rc;
    }
    return 0;
}

static const struct bench_op ops[] = {
    { "memcpy-64B", run_memcpy_64, .bytes = 64 },
    { "gnttab-copy-64B", run_copy_64, .bytes = 64 },
    { "memcpy-4KiB", run_memcpy_4k, .bytes = 4096 },
    { "gnttab-copy-4KiB", run_copy_4k, .bytes = 4096 },
    { "memcpy-64KiB", run_memcpy_64k, .bytes = COPY_PAGES * 4096 },
    { "gnttab-copy-64KiB", run_copy_64k, .bytes = COPY_PAGES * 4096 },
    { "gnttab-map-unmap", run_map_unmap, 0, 0 },
    { "gnttab-map-unmap-64", run_map_unmap_64, .per = BATCH },
};

void bench_main(void)
{
    bench_peer_connect(&peer);

    /* The copies and a mapping must show the peer's pattern (page i, byte j: 7i + j). */
    long rc = copy(COPY_PAGES, 4096);
    if (rc)
        bench_fail("gnttab-copy-64KiB", "failed with %ld (status %d)", rc, cops[0].status);
    for (unsigned int i = 0; i < COPY_PAGES; i++)
        for (unsigned int j = 0; j < 4096; j += 511)
            if (dst[i][j] != (uint8_t)(i * 7 + j))
                bench_fail("gnttab-copy-64KiB", "page %u byte %u is %u", i, j, dst[i][j]);
    maps[0] = (struct gnttab_map_grant_ref){ .host_addr = (uint64_t)(uintptr_t)map_va[0],
                                             .flags = GNTMAP_host_map,
                                             .ref = peer.gref + 1 + 5, .dom = peer.domid };
    rc = gnttab_op(GNTTABOP_map_grant_ref, maps, 1);
    if (rc || maps[0].status != GNTST_okay)
        bench_fail("gnttab-map-unmap", "map returned %ld, status %d", rc, maps[0].status);
    if (((volatile uint8_t *)map_va[0])[100] != (uint8_t)(5 * 7 + 100))
        bench_fail("gnttab-map-unmap", "the mapped page does not hold the peer's data");
    unmaps[0] = (struct gnttab_unmap_grant_ref){ .host_addr = (uint64_t)(uintptr_t)map_va[0],
                                                 .handle = maps[0].handle };
    rc = gnttab_op(GNTTABOP_unmap_grant_ref, unmaps, 1);
    if (rc || unmaps[0].status != GNTST_okay)
        bench_fail("gnttab-map-unmap", "unmap returned %ld, status %d", rc, unmaps[0].status);

    bench_measure(ops, ARRAY_SIZE(ops));
    bench_peer_disconnect(&peer);
}
