/* Unit tests for common/grant_core.c (grant tables v1: tables, active entries,
 * maptrack, copies, orphans) on the page-type fixture's fake RAM. Deterministic tests
 * for each op and each XSA the ABI notes list, then a long random run over three
 * simulated domains checked after every operation against pt_check, the fixture's
 * oracle, gnt_check and a model of every mapping (where its grant entry is, which refs
 * it holds), with the expected status of every op computed from the model. */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/frame.h>
#include <hv/grant_table.h>
#include <x86/page_type.h>
#include "page_type_fixture.h"
#include "suites.h"
#include <xlite/errno.h>
#include <xlite/grant_table.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static struct ptf X;
static struct gnt_core C;
static long pages_live;
#define ENV (&X.env)

/* ---------------------------------------------------------------- core memory */

static void *t_page_alloc(void *ctx)
{
    void *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);

    (void)ctx;
    if (p == NULL)
        return NULL;
    memset(p, 0xA5, PAGE_SIZE);             /* the core must not rely on zeroing */
    pages_live++;
    return p;
}

static void t_page_free(void *ctx, void *p)
{
    (void)ctx;
    pages_live--;
    free(p);
}

static mfn_t t_frame_alloc(void *ctx, uint16_t owner)
{
    mfn_t m = frames_alloc(&X.fa, 0, owner);

    (void)ctx;
    if (m != INVALID_MFN)
        memset(ptf_page(&X, m), 0, PAGE_SIZE);
    return m;
}

static void t_frame_free(void *ctx, mfn_t m)
{
    (void)ctx;
    UNIT_REQUIRE(frames_free(&X.fa, m, 0) == 0, "frame_free of a busy frame %#llx",
                 (unsigned long long)m);
}

static const struct gnt_ops ops = {
    .page_alloc = t_page_alloc,
    .page_free = t_page_free,
    .frame_alloc = t_frame_alloc,
    .frame_free = t_frame_free,
};

/* ---------------------------------------------------------------- simulated domains */

#define NDATA   12          /* data frames: l1a[0..11]; even ones RW, odd ones RO */
#define VA_B    0x200000ull /* l1b maps [2 MiB, 4 MiB): free for grant mappings */
#define VA_NONE 0x400000ull /* no L1 here */

struct sdom {
    uint16_t id;
    mfn_t l4, l3, l2, l1a, l1b, bp;
    mfn_t data[NDATA];
    bool l1b_hooked;
};

static uint64_t *pg(mfn_t m)
{
    return ptf_page(&X, m);
}

static struct frame *fr(mfn_t m)
{
    return ptf_frame(&X, m);
}

/* Builds d's tables and grant state (one table frame). */
static void dom_build(struct sdom *d, uint16_t id, uint64_t *seed)
{
    unsigned int i, k;

    memset(d, 0, sizeof(*d));
    d->id = id;
    d->l4 = ptf_alloc(&X, id);
    d->l3 = ptf_alloc(&X, id);
    d->l2 = ptf_alloc(&X, id);
    d->l1a = ptf_alloc(&X, id);
    d->l1b = ptf_alloc(&X, id);
    pg(d->l4)[0] = PTE(d->l3, F_UPPER);
    pg(d->l3)[0] = PTE(d->l2, F_UPPER);
    pg(d->l2)[0] = PTE(d->l1a, F_UPPER);
    pg(d->l2)[1] = PTE(d->l1b, F_UPPER);
    for (i = 0; i < NDATA; i++) {
        d->data[i] = ptf_alloc(&X, id);
        for (k = 0; k < PT_ENTRIES; k++) {
            *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
            pg(d->data[i])[k] = *seed;
        }
        pg(d->l1a)[i] = PTE(d->data[i], i % 2 ? F_L1RO : F_L1RW);
    }
    d->bp = INVALID_MFN;
    ck_assert_int_eq(pt_set_baseptr(ENV, id, &d->bp, d->l4), 0);
    d->l1b_hooked = true;
    ck_assert_int_eq(gnt_domain_create(&C, id), 0);
    mfn_t frames[GNT_MAX_FRAMES];
    ck_assert_int_eq(gnt_setup_table(&C, id, 1, frames), GNTST_okay);
}

/* Teardown as domain_destroy does it: grants, baseptr, relinquish, free. Nothing of
 * d may stay referenced (frames others map through grants became orphans). */
static unsigned int dom_kill(struct sdom *d)
{
    unsigned int orphans;
    mfn_t i;
    uint64_t busy;

    orphans = gnt_domain_destroy(&C, d->id);
    UNIT_REQUIRE(pt_set_baseptr(ENV, d->id, &d->bp, INVALID_MFN) == 0, "baseptr drop");
    busy = pt_domain_relinquish(ENV, d->id);
    UNIT_REQUIRE(busy == 0, "d%u: %llu frames still referenced after teardown", d->id,
                 (unsigned long long)busy);
    for (i = 0; i < X.nr; i++) {
        const struct frame *f = &X.table[i];

        if (f->owner == d->id && !(f->flags & (FRAME_F_FREE | FRAME_F_RESERVED)))
            UNIT_REQUIRE(frames_free(&X.fa, PTF_BASE + i, 0) == 0, "free %#llx",
                         (unsigned long long)(PTF_BASE + i));
    }
    d->id = 0;
    return orphans;
}

static mfn_t table_frame(uint16_t id, unsigned int i)
{
    return gnt_domain(&C, id)->frames[i];
}

static uint64_t *gentry(uint16_t id, uint32_t ref)
{
    return &pg(table_frame(id, ref / 512))[ref % 512];
}

static uint64_t gvalue(uint16_t flags, uint16_t domid, uint32_t frame)
{
    return flags | (uint64_t)domid << 16 | (uint64_t)frame << 32;
}

/* The granter guest fills an entry (frame, domid, then flags). */
static void grant(uint16_t granter, uint32_t ref, uint16_t grantee, mfn_t frame, bool ro)
{
    *gentry(granter, ref) = gvalue(GTF_permit_access | (ro ? GTF_readonly : 0), grantee,
                                   (uint32_t)frame);
}

/* Mini-OS's end of access: clear flags unless GTF_reading/GTF_writing are set. */
static bool end_access(uint16_t granter, uint32_t ref)
{
    uint64_t *e = gentry(granter, ref), old = *e;

    if (old & (GTF_reading | GTF_writing))
        return false;
    *e = old & ~0xFFFFull;
    return true;
}

static void init_all(mfn_t nr)
{
    ptf_init(&X, nr);
    memset(&C, 0, sizeof(C));
    C.pt = ENV;
    C.ops = &ops;
    pages_live = 0;
}

static struct pt_hold holds[GNT_MAX_HANDLES + 1024];
static unsigned int cur_op;         /* for messages of the random run */
static uint32_t scratch[4 * GNT_MAX_ENTRIES];

/* pt_check, the oracle and gnt_check agree with everything; extra baseptrs given. */
static void consistent(const struct sdom *doms, unsigned int n)
{
    size_t k = gnt_holds(&C, holds, NELEM(holds) - 8);
    struct gnt_check_report rep;
    const char *o;
    unsigned int i;
    int rc;

    UNIT_REQUIRE(k <= NELEM(holds) - 8, "too many holds");
    for (i = 0; i < n; i++)
        if (doms[i].id != 0 && doms[i].bp != INVALID_MFN)
            holds[k++] = (struct pt_hold){ doms[i].bp, FRAME_TYPE_L4 };
    rc = ptf_check(&X, holds, k);
    UNIT_REQUIRE(rc == 0, "op %u: pt_check %d at %#llx entry %u (want %u have %u)", cur_op, rc,
                 (unsigned long long)X.rep.mfn, X.rep.index, X.rep.expected, X.rep.actual);
    o = ptf_oracle(&X, holds, k);
    UNIT_REQUIRE(o == NULL, "op %u: %s", cur_op, o);
    rc = gnt_check(&C, scratch, &rep);
    if (rc == -GNTCHK_FLAGS || rc == -GNTCHK_PINS) {
        struct gnt_active *a = &gnt_domain(&C, rep.domid)->active[rep.index / 256][rep.index % 256];

        fprintf(stderr, "entry %#llx pins hro %u hrw %u dro %u drw %u cro %u crw %u dom %u\n",
                (unsigned long long)*gentry(rep.domid, rep.index), a->host_ro, a->host_rw,
                a->dev_ro, a->dev_rw, a->copy_ro, a->copy_rw, a->domid);
    }
    UNIT_REQUIRE(rc == 0, "op %u: gnt_check %d d%u index %u", cur_op, rc, rep.domid,
                 rep.index);
}

static struct gnttab_map_grant_ref mapop(uint64_t addr, uint32_t flags, uint32_t ref,
                                         uint16_t dom)
{
    return (struct gnttab_map_grant_ref){ .host_addr = addr, .flags = flags, .ref = ref,
                                          .dom = dom, .status = 99,
                                          .handle = GNT_NO_HANDLE };
}

static int16_t unmap(const struct sdom *d, uint64_t host, uint64_t dev, uint32_t h)
{
    struct gnttab_unmap_grant_ref u = { .host_addr = host, .dev_bus_addr = dev,
                                        .handle = h, .status = 99 };

    gnt_unmap(&C, d->id, d->bp, &u);
    return u.status;
}

static void expect_frame(mfn_t m, uint32_t count, uint32_t tc, unsigned int type)
{
    const struct frame *f = fr(m);

    ck_assert_msg(f->count == count && f->type_count == tc && f->type == type,
                  "mfn %#llx: count %u tc %u type %u, want %u %u %u", (unsigned long long)m,
                  f->count, f->type_count, f->type, count, tc, type);
}

/* ---------------------------------------------------------------- deterministic */

START_TEST(setup_and_table_frames)
{
    struct sdom a;
    uint64_t seed = 1;
    mfn_t frames[GNT_MAX_FRAMES];
    unsigned int i;

    init_all(512);
    dom_build(&a, 1, &seed);
    expect_frame(table_frame(1, 0), 1, 1, FRAME_TYPE_WRITABLE);
    /* The owner maps its table writable and writes entries; it cannot pin it. */
    ck_assert_int_eq(pt_mod_entry(ENV, 1, 1, a.l1b, 0, PTE(table_frame(1, 0), F_L1RW), 0), 0);
    ck_assert_int_eq(pt_pin(ENV, 1, table_frame(1, 0), 1), -XEN_EINVAL);
    ck_assert_int_eq(gnt_setup_table(&C, 1, 4, frames), GNTST_okay);
    ck_assert_uint_eq(gnt_domain(&C, 1)->nr_frames, 4);
    ck_assert_uint_eq(frames[0], table_frame(1, 0));
    for (i = 1; i < 4; i++) {
        ck_assert_uint_eq(fr(frames[i])->owner, 1);
        expect_frame(frames[i], 1, 1, FRAME_TYPE_WRITABLE);
    }
    ck_assert_int_eq(gnt_setup_table(&C, 1, 2, frames), GNTST_okay);     /* no shrink */
    ck_assert_uint_eq(gnt_domain(&C, 1)->nr_frames, 4);
    ck_assert_int_eq(gnt_setup_table(&C, 1, 33, frames), GNTST_general_error);
    ck_assert_int_eq(gnt_setup_table(&C, 1, 32, frames), GNTST_okay);
    ck_assert_uint_eq(gnt_domain(&C, 1)->nr_frames, 32);
    ck_assert_int_eq(gnt_setup_table(&C, 7, 1, frames), GNTST_bad_domain);
    ck_assert_int_eq(gnt_domain_create(&C, 1), -XEN_EEXIST);
    consistent(&a, 1);
    dom_kill(&a);
    ck_assert_int_eq(pages_live, 0);
    ck_assert_uint_eq(X.fa.nr_free, X.fa.nr_managed);
    ptf_fini(&X);
}
END_TEST

/* Out of frames while growing: the frames added so far stay, nothing leaks. */
START_TEST(setup_out_of_memory)
{
    struct sdom a;
    uint64_t seed = 2;
    mfn_t frames[GNT_MAX_FRAMES];

    init_all(40);                       /* 32 usable frames, 18 taken by the domain */
    dom_build(&a, 1, &seed);
    ck_assert_int_eq(gnt_setup_table(&C, 1, 32, frames), GNTST_general_error);
    ck_assert_uint_gt(gnt_domain(&C, 1)->nr_frames, 1);
    ck_assert_uint_lt(gnt_domain(&C, 1)->nr_frames, 32);
    consistent(&a, 1);
    dom_kill(&a);
    ck_assert_int_eq(pages_live, 0);
    ck_assert_uint_eq(X.fa.nr_free, X.fa.nr_managed);
    ptf_fini(&X);
}
END_TEST

START_TEST(map_status_codes)
{
    struct sdom a, b;
    uint64_t seed = 3;
    struct gnttab_map_grant_ref m;

    init_all(512);
    dom_build(&a, 1, &seed);
    dom_build(&b, 2, &seed);
    grant(1, 8, 2, a.data[0], false);
    grant(1, 9, 3, a.data[1], false);           /* for someone else */
    grant(1, 10, 2, a.data[1], true);           /* read-only */
    grant(1, 11, 2, b.data[1], false);          /* a frame that is not the granter's */
    grant(1, 12, 2, a.l1a, false);              /* a page table, writable */
#define MAP(op) (gnt_map(&C, 2, b.bp, &(op)), (op).status)
    m = mapop(VA_B, 0, 8, 1);
    ck_assert_int_eq(MAP(m), GNTST_bad_gntref);                 /* neither half */
    m = mapop(VA_B, GNTMAP_host_map, 8, 0x7000);
    ck_assert_int_eq(MAP(m), GNTST_bad_domain);
    m = mapop(VA_B, GNTMAP_host_map, 512, 1);
    ck_assert_int_eq(MAP(m), GNTST_bad_gntref);
    m = mapop(VA_B, GNTMAP_host_map, 7, 1);                    /* XSA-316: not granted */
    ck_assert_int_eq(MAP(m), GNTST_general_error);
    m = mapop(VA_B, GNTMAP_host_map, 9, 1);
    ck_assert_int_eq(MAP(m), GNTST_general_error);
    m = mapop(VA_B, GNTMAP_host_map, 10, 1);                   /* RW of an RO grant */
    ck_assert_int_eq(MAP(m), GNTST_general_error);
    m = mapop(VA_B, GNTMAP_host_map, 11, 1);
    ck_assert_int_eq(MAP(m), GNTST_general_error);
    m = mapop(VA_B, GNTMAP_host_map, 12, 1);
    ck_assert_int_eq(MAP(m), GNTST_general_error);
    m = mapop(VA_NONE, GNTMAP_host_map, 8, 1);                 /* no L1 there */
    ck_assert_int_eq(MAP(m), GNTST_general_error);
    m = mapop(0xFFFF800000000000ull, GNTMAP_host_map, 8, 1);   /* hypervisor's */
    ck_assert_int_eq(MAP(m), GNTST_general_error);
    /* XSA-227: a misaligned PTE address; a PTE address in someone else's L1. */
    m = mapop((b.l1b << 12) + 13, GNTMAP_host_map | GNTMAP_contains_pte, 8, 1);
    ck_assert_int_eq(MAP(m), GNTST_general_error);
    m = mapop((a.l1b << 12) + 16, GNTMAP_host_map | GNTMAP_contains_pte, 8, 1);
    ck_assert_int_eq(MAP(m), GNTST_general_error);
    m = mapop((b.data[0] << 12) + 16, GNTMAP_host_map | GNTMAP_contains_pte, 8, 1);
    ck_assert_int_eq(MAP(m), GNTST_general_error);
    ck_assert_uint_eq(m.handle, GNT_NO_HANDLE);
    ck_assert_uint_eq(*gentry(1, 8) & (GTF_reading | GTF_writing), 0);
    consistent((struct sdom[]){ a, b }, 2);
    /* And the ones that work: RO of the RO grant, RW with a PTE address, a device map. */
    m = mapop(VA_B, GNTMAP_host_map | GNTMAP_readonly, 10, 1);
    ck_assert_int_eq(MAP(m), GNTST_okay);
    ck_assert_uint_eq(pg(b.l1b)[0], pt_grant_l1e(a.data[1], false));
    m = mapop((b.l1b << 12) + 8, GNTMAP_host_map | GNTMAP_contains_pte, 8, 1);
    ck_assert_int_eq(MAP(m), GNTST_okay);
    ck_assert_uint_eq(pg(b.l1b)[1], pt_grant_l1e(a.data[0], true));
    m = mapop(0, GNTMAP_device_map, 8, DOMID_SELF);            /* SELF is b: not granted */
    ck_assert_int_eq(MAP(m), GNTST_general_error);
    m = mapop(0, GNTMAP_device_map, 8, 1);
    ck_assert_int_eq(MAP(m), GNTST_okay);
    ck_assert_uint_eq(m.dev_bus_addr, a.data[0] << 12);
    ck_assert_uint_eq(*gentry(1, 8) & 0xFFFF, GTF_permit_access | GTF_reading | GTF_writing);
    ck_assert_uint_eq(*gentry(1, 10) & 0xFFFF, GTF_permit_access | GTF_readonly | GTF_reading);
    /* A grant mapping already at the address. */
    m = mapop(VA_B, GNTMAP_host_map | GNTMAP_readonly, 10, 1);
    ck_assert_int_eq(MAP(m), GNTST_general_error);
    expect_frame(a.data[0], 3, 3, FRAME_TYPE_WRITABLE);       /* own RW, host, device */
    consistent((struct sdom[]){ a, b }, 2);
#undef MAP
    dom_kill(&b);
    ck_assert_uint_eq(*gentry(1, 8) & 0xFFFF, GTF_permit_access);
    expect_frame(a.data[0], 1, 1, FRAME_TYPE_WRITABLE);
    consistent(&a, 1);
    dom_kill(&a);
    ck_assert_int_eq(pages_live, 0);
    ck_assert_uint_eq(X.fa.nr_free, X.fa.nr_managed);
    ptf_fini(&X);
}
END_TEST

/* XSA-224: host and device halves of one RW mapping unmapped separately drop exactly
 * their own refs; the frame's own RW mapping still keeps it from becoming an L1. */
START_TEST(xsa224_separate_halves)
{
    struct sdom a;
    uint64_t seed = 4;
    struct gnttab_map_grant_ref m;
    mfn_t f;

    init_all(512);
    dom_build(&a, 1, &seed);
    f = a.data[0];
    grant(1, 8, 1, f, false);
    m = mapop(VA_B + 0x1000, GNTMAP_host_map | GNTMAP_device_map, 8, 1);
    gnt_map(&C, 1, a.bp, &m);
    ck_assert_int_eq(m.status, GNTST_okay);
    expect_frame(f, 3, 3, FRAME_TYPE_WRITABLE);
    ck_assert_int_eq(unmap(&a, VA_B + 0x1000, 0, m.handle), GNTST_okay);
    expect_frame(f, 2, 2, FRAME_TYPE_WRITABLE);
    ck_assert_int_eq(unmap(&a, VA_B + 0x1000, 0, m.handle), GNTST_general_error);
    ck_assert_int_eq(unmap(&a, 0, (f + 1) << 12, m.handle), GNTST_bad_dev_addr);
    ck_assert_int_eq(unmap(&a, 0, f << 12, m.handle), GNTST_okay);
    expect_frame(f, 1, 1, FRAME_TYPE_WRITABLE);
    ck_assert_int_eq(unmap(&a, 0, f << 12, m.handle), GNTST_bad_handle);
    ck_assert_int_eq(pt_pin(ENV, 1, f, 1), -XEN_EINVAL);
    ck_assert_uint_eq(*gentry(1, 8) & 0xFFFF, GTF_permit_access);
    consistent(&a, 1);
    /* Both halves at once, and a stale or unknown handle. */
    m = mapop(VA_B, GNTMAP_host_map | GNTMAP_device_map | GNTMAP_readonly, 8, 1);
    gnt_map(&C, 1, a.bp, &m);
    ck_assert_int_eq(m.status, GNTST_okay);
    ck_assert_int_eq(unmap(&a, 0, 0, m.handle), GNTST_general_error);
    ck_assert_int_eq(unmap(&a, VA_B, f << 12, m.handle), GNTST_okay);
    ck_assert_int_eq(unmap(&a, VA_B, f << 12, m.handle), GNTST_bad_handle);
    ck_assert_int_eq(unmap(&a, VA_B, f << 12, 12345), GNTST_bad_handle);
    ck_assert_int_eq(unmap(&a, VA_B, f << 12, GNT_NO_HANDLE), GNTST_bad_handle);
    ck_assert_uint_eq(pg(a.l1b)[0], 0);
    expect_frame(f, 1, 1, FRAME_TYPE_WRITABLE);
    consistent(&a, 1);
    dom_kill(&a);
    ck_assert_int_eq(pages_live, 0);
    ptf_fini(&X);
}
END_TEST

/* Grant table v2: a change of version is refused while a non-reserved entry is in use
 * and converts the reserved ones (status bits move into the status frame); v2 entries
 * map with their status in the status frame, sub-page and transitive ones are refused,
 * the checker and pt_check agree throughout, and back in v1 the reserved entry is one
 * word again. */
START_TEST(version_2)
{
    struct sdom ab[2], *a = &ab[0], *b = &ab[1];
    uint64_t seed = 6, *words;
    struct gnttab_map_grant_ref m0, m;
    mfn_t f, s;
    uint16_t *status;

    init_all(512);
    dom_build(a, 1, &seed);
    dom_build(b, 2, &seed);
    f = a->data[0];
    grant(1, 0, 2, f, false);
    grant(1, 9, 2, f, true);
    m = mapop(VA_B + 0x1000, GNTMAP_host_map | GNTMAP_readonly, 9, 1);
    gnt_map(&C, 2, b->bp, &m);
    ck_assert_int_eq(m.status, GNTST_okay);
    ck_assert_int_eq(gnt_set_version(&C, 1, 2), -XEN_EBUSY);
    ck_assert_uint_eq(gnt_version(&C, 1), 1);
    ck_assert_int_eq(unmap(b, VA_B + 0x1000, 0, m.handle), GNTST_okay);
    m0 = mapop(VA_B, GNTMAP_host_map, 0, 1);
    gnt_map(&C, 2, b->bp, &m0);
    ck_assert_int_eq(m0.status, GNTST_okay);
    ck_assert_int_eq(gnt_set_version(&C, 1, 3), -XEN_EINVAL);
    ck_assert_int_eq(gnt_set_version(&C, 1, 2), 0);
    ck_assert_uint_eq(gnt_version(&C, 1), 2);
    ck_assert_int_eq(gnt_status_frames(&C, 1, 1, &s), GNTST_okay);
    ck_assert_int_eq(gnt_status_frames(&C, 1, 2, &s), GNTST_general_error);
    words = pg(table_frame(1, 0));
    status = (uint16_t *)pg(s);
    ck_assert_uint_eq(words[0], GTF_permit_access | (2ull << 16));   /* no status bits */
    ck_assert_uint_eq(words[1], f);
    ck_assert_uint_eq(words[18], 0);                                 /* ref 9 cleared */
    ck_assert_uint_eq(status[0], GTF_reading | GTF_writing);
    consistent(ab, 2);
    /* A v2 entry: ref 10, read-only. */
    words[20] = GTF_permit_access | GTF_readonly | (2ull << 16);
    words[21] = f;
    m = mapop(VA_B + 0x1000, GNTMAP_host_map, 10, 1);
    gnt_map(&C, 2, b->bp, &m);
    ck_assert_int_eq(m.status, GNTST_general_error);                /* read-only grant */
    m = mapop(VA_B + 0x1000, GNTMAP_host_map | GNTMAP_readonly, 10, 1);
    gnt_map(&C, 2, b->bp, &m);
    ck_assert_int_eq(m.status, GNTST_okay);
    ck_assert_uint_eq(status[10], GTF_reading);
    consistent(ab, 2);
    ck_assert_int_eq(unmap(b, VA_B + 0x1000, 0, m.handle), GNTST_okay);
    ck_assert_uint_eq(status[10], 0);
    words[22] = GTF_permit_access | GTF_sub_page | (2ull << 16);
    words[23] = f;
    m = mapop(VA_B + 0x1000, GNTMAP_host_map | GNTMAP_readonly, 11, 1);
    gnt_map(&C, 2, b->bp, &m);
    ck_assert_int_eq(m.status, GNTST_general_error);
    /* Back to v1 with ref 0 still mapped: one word, status in its flags. */
    ck_assert_int_eq(gnt_set_version(&C, 1, 1), 0);
    ck_assert_uint_eq(*gentry(1, 0), gvalue(GTF_permit_access | GTF_reading | GTF_writing, 2,
                                            (uint32_t)f));
    consistent(ab, 2);
    ck_assert_int_eq(unmap(b, VA_B, 0, m0.handle), GNTST_okay);
    consistent(ab, 2);
    dom_kill(b);
    dom_kill(a);
    ck_assert_int_eq(pages_live, 0);
    ck_assert_uint_eq(X.fa.nr_free, X.fa.nr_managed);
    ptf_fini(&X);
}
END_TEST

/* XENFEAT_gnttab_map_avail_bits: the mapper's GNTMAP_guest_avail bits (flags bits
 * 16-18) land in the grant PTE's available bits 9-11; higher bits are dropped; the
 * entry still unmaps, and the checker accepts it. */
START_TEST(map_avail_bits)
{
    struct sdom a;
    uint64_t seed = 5;
    struct gnttab_map_grant_ref m;
    mfn_t f;

    init_all(512);
    dom_build(&a, 1, &seed);
    f = a.data[0];
    grant(1, 8, 1, f, false);
    m = mapop(VA_B, GNTMAP_host_map | (5u << _GNTMAP_guest_avail0) | (1u << 20), 8, 1);
    gnt_map(&C, 1, a.bp, &m);
    ck_assert_int_eq(m.status, GNTST_okay);
    ck_assert_uint_eq((pg(a.l1b)[0] >> 9) & 7, 5);
    ck_assert_uint_eq(pg(a.l1b)[0] & ~(PG_A | PG_D | PG_AVAIL), pt_grant_l1e(f, true) &
                      ~(PG_A | PG_D));
    consistent(&a, 1);
    ck_assert_int_eq(unmap(&a, VA_B, 0, m.handle), GNTST_okay);
    ck_assert_uint_eq(pg(a.l1b)[0], 0);
    consistent(&a, 1);
    dom_kill(&a);
    ck_assert_int_eq(pages_live, 0);
    ptf_fini(&X);
}
END_TEST

/* A map asks for a TLB flush only when its slot held a present entry: an empty slot
 * cannot be cached, a replaced translation can. */
START_TEST(map_flushes_only_over_a_present_entry)
{
    struct sdom a;
    uint64_t seed = 5;
    struct gnttab_map_grant_ref m, m2;

    init_all(512);
    dom_build(&a, 1, &seed);
    grant(1, 8, 1, a.data[1], true);
    m = mapop(VA_B, GNTMAP_host_map | GNTMAP_readonly, 8, 1);
    ck_assert(!gnt_map(&C, 1, a.bp, &m));                       /* l1b[0] was empty */
    ck_assert_int_eq(m.status, GNTST_okay);
    m2 = mapop(0x3000, GNTMAP_host_map | GNTMAP_readonly, 8, 1); /* l1a[3] maps data[3] */
    ck_assert(gnt_map(&C, 1, a.bp, &m2));
    ck_assert_int_eq(m2.status, GNTST_okay);
    consistent(&a, 1);
    ck_assert_int_eq(unmap(&a, VA_B, 0, m.handle), GNTST_okay);
    ck_assert_int_eq(unmap(&a, 0x3000, 0, m2.handle), GNTST_okay);
    consistent(&a, 1);
    dom_kill(&a);
    ck_assert_int_eq(pages_live, 0);
    ptf_fini(&X);
}
END_TEST

/* XSA-234: unmap_and_replace of a read-only grant steals the writable grant entry at
 * new_addr; the writable mapping keeps its refs wherever its entry went. */
START_TEST(xsa234_replace)
{
    struct sdom a;
    uint64_t seed = 5;
    struct gnttab_map_grant_ref m1, m2;
    struct gnttab_unmap_and_replace ur;
    mfn_t f1, f2;

    init_all(512);
    dom_build(&a, 1, &seed);
    f1 = a.data[1];                             /* RO-mapped by its owner */
    f2 = a.data[3];
    grant(1, 8, 1, f1, false);
    grant(1, 9, 1, f2, false);
    m1 = mapop(0x1000, GNTMAP_host_map, 8, 1);  /* over the owner's own RO mapping */
    gnt_map(&C, 1, a.bp, &m1);
    m2 = mapop(0x3000, GNTMAP_host_map | GNTMAP_readonly, 9, 1);
    gnt_map(&C, 1, a.bp, &m2);
    ck_assert_int_eq(m1.status, GNTST_okay);
    ck_assert_int_eq(m2.status, GNTST_okay);
    expect_frame(f1, 1, 1, FRAME_TYPE_WRITABLE);
    ur = (struct gnttab_unmap_and_replace){ .host_addr = 0x3000, .new_addr = 0x1000,
                                            .handle = m2.handle };
    ck_assert(gnt_unmap_and_replace(&C, 1, a.bp, &ur));
    ck_assert_int_eq(ur.status, GNTST_okay);
    ck_assert_uint_eq(pg(a.l1a)[1], 0);
    ck_assert_uint_eq(pg(a.l1a)[3], pt_grant_l1e(f1, true));
    ck_assert_int_eq(pt_mod_entry(ENV, 1, 1, a.l1a, 1, PTE(f1, F_L1RO), 0), 0);
    ck_assert_int_eq(unmap(&a, 0x1000, 0, m1.handle), GNTST_general_error);
    ck_assert_int_eq(pt_pin(ENV, 1, f1, 1), -XEN_EINVAL);
    ck_assert_uint_eq(*gentry(1, 9) & 0xFFFF, GTF_permit_access);
    ck_assert_uint_eq(*gentry(1, 8) & 0xFFFF, GTF_permit_access | GTF_reading | GTF_writing);
    consistent(&a, 1);
    /* Replace refusals: stale handle, same slot, new address unmapped, no host half. */
    ck_assert(!gnt_unmap_and_replace(&C, 1, a.bp, &ur));
    ck_assert_int_eq(ur.status, GNTST_bad_handle);
    ur = (struct gnttab_unmap_and_replace){ .host_addr = 0x3000, .new_addr = 0x3000,
                                            .handle = m1.handle };
    gnt_unmap_and_replace(&C, 1, a.bp, &ur);
    ck_assert_int_eq(ur.status, GNTST_general_error);
    ur.new_addr = VA_NONE;
    gnt_unmap_and_replace(&C, 1, a.bp, &ur);
    ck_assert_int_eq(ur.status, GNTST_general_error);
    /* The entry now at 4*3K is m1's: unmapping it there works, with new_addr 0. */
    ur.new_addr = 0;
    gnt_unmap_and_replace(&C, 1, a.bp, &ur);
    ck_assert_int_eq(ur.status, GNTST_okay);
    ck_assert_uint_eq(pg(a.l1a)[3], 0);
    memset(pg(f1), 0, PAGE_SIZE);               /* only its own RO mapping is left */
    ck_assert_int_eq(pt_pin(ENV, 1, f1, 1), 0);
    ck_assert_int_eq(pt_unpin(ENV, 1, f1), 0);
    consistent(&a, 1);
    dom_kill(&a);
    ck_assert_int_eq(pages_live, 0);
    ptf_fini(&X);
}
END_TEST

START_TEST(flags_and_revocation)
{
    struct sdom a, b;
    uint64_t seed = 6;
    struct gnttab_map_grant_ref m, m2;
    uint32_t h2;

    init_all(512);
    dom_build(&a, 1, &seed);
    dom_build(&b, 2, &seed);
    grant(1, 8, 2, a.data[0], false);
    m = mapop(VA_B, GNTMAP_host_map | GNTMAP_readonly, 8, 1);
    gnt_map(&C, 2, b.bp, &m);
    ck_assert_int_eq(m.status, GNTST_okay);
    ck_assert_uint_eq(*gentry(1, 8) & 0xFFFF, GTF_permit_access | GTF_reading);
    ck_assert(!end_access(1, 8));                       /* a mapped grant stays */
    m2 = mapop(0, GNTMAP_device_map, 8, 1);
    gnt_map(&C, 2, b.bp, &m2);
    ck_assert_uint_eq(*gentry(1, 8) & 0xFFFF, GTF_permit_access | GTF_reading | GTF_writing);
    ck_assert_int_eq(unmap(&b, 0, a.data[0] << 12, m2.handle), GNTST_okay);
    ck_assert_uint_eq(*gentry(1, 8) & 0xFFFF, GTF_permit_access | GTF_reading);
    /* Pinned by b: nobody else may map it, even if the granter re-aims the entry. */
    *gentry(1, 8) = gvalue(GTF_permit_access | GTF_reading, 1, (uint32_t)a.data[2]);
    m2 = mapop(VA_B, GNTMAP_host_map, 8, 1);
    gnt_map(&C, 1, a.bp, &m2);
    ck_assert_int_eq(m2.status, GNTST_general_error);
    /* b's new maps use the pinned frame, but only while the entry still names b. */
    m2 = mapop(VA_B + 0x1000, GNTMAP_host_map | GNTMAP_readonly, 8, 1);
    gnt_map(&C, 2, b.bp, &m2);
    ck_assert_int_eq(m2.status, GNTST_general_error);
    *gentry(1, 8) = gvalue(GTF_permit_access | GTF_reading, 2, (uint32_t)a.data[2]);
    gnt_map(&C, 2, b.bp, &m2);
    ck_assert_int_eq(m2.status, GNTST_okay);
    h2 = m2.handle;
    ck_assert_uint_eq(pg(b.l1b)[1], pt_grant_l1e(a.data[0], false));
    /* A hostile granter clears the entry: existing mappings stay valid, new ones fail. */
    *gentry(1, 8) = gvalue(GTF_reading, 0, 0);
    m2 = mapop(VA_B + 0x2000, GNTMAP_host_map | GNTMAP_readonly, 8, 1);
    gnt_map(&C, 2, b.bp, &m2);
    ck_assert_int_eq(m2.status, GNTST_general_error);
    expect_frame(a.data[0], 3, 1, FRAME_TYPE_WRITABLE);
    consistent((struct sdom[]){ a, b }, 2);
    ck_assert_int_eq(unmap(&b, VA_B, 0, m.handle), GNTST_okay);
    ck_assert_int_eq(unmap(&b, VA_B + 0x1000, 0, h2), GNTST_okay);
    ck_assert_uint_eq(*gentry(1, 8) & 0xFFFF, 0);
    /* Revoked and unmapped: mapping after the revocation fails. */
    grant(1, 9, 2, a.data[4], false);
    ck_assert(end_access(1, 9));
    m2 = mapop(VA_B, GNTMAP_host_map, 9, 1);
    gnt_map(&C, 2, b.bp, &m2);
    ck_assert_int_eq(m2.status, GNTST_general_error);
    consistent((struct sdom[]){ a, b }, 2);
    dom_kill(&a);
    dom_kill(&b);
    ck_assert_int_eq(pages_live, 0);
    ck_assert_uint_eq(X.fa.nr_free, X.fa.nr_managed);
    ptf_fini(&X);
}
END_TEST

START_TEST(copy_cases)
{
    struct sdom a, b;
    uint64_t seed = 7, before[512];
    struct gnttab_copy c;
    uint8_t *src, *dst;

    init_all(512);
    dom_build(&a, 1, &seed);
    dom_build(&b, 2, &seed);
    grant(1, 8, 2, a.data[0], false);
    grant(1, 9, 2, a.data[1], true);
    grant(1, 10, 3, a.data[2], false);
#define COPY(...) (c = (struct gnttab_copy){ __VA_ARGS__ }, gnt_copy(&C, 2, &c), c.status)
    /* b's frame -> a's grant, odd offsets and length. */
    memcpy(before, pg(a.data[0]), PAGE_SIZE);
    ck_assert_int_eq(COPY(.source.u.gmfn = b.data[5], .source.domid = DOMID_SELF,
                          .source.offset = 3, .dest.u.ref = 8, .dest.domid = 1,
                          .dest.offset = 1001, .len = 777, .flags = GNTCOPY_dest_gref),
                     GNTST_okay);
    src = (uint8_t *)pg(b.data[5]);
    dst = (uint8_t *)pg(a.data[0]);
    ck_assert_int_eq(memcmp(dst + 1001, src + 3, 777), 0);
    ck_assert_int_eq(memcmp(dst, before, 1001), 0);
    ck_assert_int_eq(memcmp(dst + 1778, (uint8_t *)before + 1778, PAGE_SIZE - 1778), 0);
    /* a's read-only grant -> b's frame, to the last byte of the page. */
    ck_assert_int_eq(COPY(.source.u.ref = 9, .source.domid = 1, .source.offset = 4095,
                          .dest.u.gmfn = b.data[6], .dest.domid = DOMID_SELF,
                          .dest.offset = 4095, .len = 1, .flags = GNTCOPY_source_gref),
                     GNTST_okay);
    ck_assert_uint_eq(((uint8_t *)pg(b.data[6]))[4095], ((uint8_t *)pg(a.data[1]))[4095]);
    /* Grant to grant, whole page, and a zero-length copy. */
    ck_assert_int_eq(COPY(.source.u.ref = 9, .source.domid = 1, .dest.u.ref = 8,
                          .dest.domid = 1, .len = 4096,
                          .flags = GNTCOPY_source_gref | GNTCOPY_dest_gref), GNTST_okay);
    ck_assert_int_eq(memcmp(pg(a.data[0]), pg(a.data[1]), PAGE_SIZE), 0);
    ck_assert_int_eq(COPY(.source.u.gmfn = b.data[5], .source.domid = DOMID_SELF,
                          .dest.u.gmfn = b.data[6], .dest.domid = DOMID_SELF,
                          .source.offset = 4096, .dest.offset = 4096, .len = 0),
                     GNTST_okay);
    /* Refusals, each with its status. */
    ck_assert_int_eq(COPY(.source.u.gmfn = b.data[5], .source.domid = DOMID_SELF,
                          .source.offset = 4000, .dest.u.gmfn = b.data[6],
                          .dest.domid = DOMID_SELF, .len = 97), GNTST_bad_copy_arg);
    ck_assert_int_eq(COPY(.source.u.gmfn = b.data[5], .source.domid = DOMID_SELF,
                          .dest.u.ref = 8, .dest.domid = 1, .dest.offset = 1,
                          .len = 4096, .flags = GNTCOPY_dest_gref), GNTST_bad_copy_arg);
    ck_assert_int_eq(COPY(.source.u.gmfn = a.data[5], .source.domid = 1,
                          .dest.u.gmfn = b.data[6], .dest.domid = DOMID_SELF, .len = 8),
                     GNTST_permission_denied);
    ck_assert_int_eq(COPY(.source.u.ref = 8, .source.domid = 0x7000,
                          .dest.u.gmfn = b.data[6], .dest.domid = DOMID_SELF, .len = 8,
                          .flags = GNTCOPY_source_gref), GNTST_bad_domain);
    ck_assert_int_eq(COPY(.source.u.ref = 512, .source.domid = 1,
                          .dest.u.gmfn = b.data[6], .dest.domid = DOMID_SELF, .len = 8,
                          .flags = GNTCOPY_source_gref), GNTST_bad_gntref);
    ck_assert_int_eq(COPY(.source.u.ref = 10, .source.domid = 1,      /* someone else's */
                          .dest.u.gmfn = b.data[6], .dest.domid = DOMID_SELF, .len = 8,
                          .flags = GNTCOPY_source_gref), GNTST_general_error);
    ck_assert_int_eq(COPY(.source.u.gmfn = b.data[5], .source.domid = DOMID_SELF,
                          .dest.u.ref = 9, .dest.domid = 1, .len = 8,      /* read-only */
                          .flags = GNTCOPY_dest_gref), GNTST_general_error);
    ck_assert_int_eq(COPY(.source.u.gmfn = a.data[5], .source.domid = DOMID_SELF,
                          .dest.u.gmfn = b.data[6], .dest.domid = DOMID_SELF, .len = 8),
                     GNTST_bad_page);                  /* not b's frame */
    ck_assert_int_eq(COPY(.source.u.gmfn = b.data[5], .source.domid = DOMID_SELF,
                          .dest.u.gmfn = b.l1a, .dest.domid = DOMID_SELF, .len = 8),
                     GNTST_general_error);             /* into a page table */
    ck_assert_int_eq(COPY(.source.u.gmfn = b.l1a, .source.domid = DOMID_SELF,
                          .dest.u.gmfn = b.data[6], .dest.domid = DOMID_SELF, .len = 8),
                     GNTST_okay);                      /* out of one: fine */
    ck_assert_uint_eq(*gentry(1, 8) & 0xFFFF, GTF_permit_access);     /* flags back */
    ck_assert_uint_eq(*gentry(1, 9) & 0xFFFF, GTF_permit_access | GTF_readonly);
    consistent((struct sdom[]){ a, b }, 2);
#undef COPY
    dom_kill(&a);
    dom_kill(&b);
    ck_assert_int_eq(pages_live, 0);
    ptf_fini(&X);
}
END_TEST

/* The granter dies while b maps two of its frames (one also by a device half, one a
 * page table mapped read-only): b keeps using them; they are freed at b's unmaps. */
START_TEST(granter_dies_while_mapped)
{
    struct sdom a, b;
    uint64_t seed = 8, saved[512];
    struct gnttab_map_grant_ref m1, m2, m3;
    mfn_t f = 0, p = 0;

    init_all(512);
    dom_build(&a, 1, &seed);
    dom_build(&b, 2, &seed);
    f = a.data[0];
    p = a.l1a;
    grant(1, 8, 2, f, false);
    grant(1, 9, 2, p, true);
    m1 = mapop(VA_B, GNTMAP_host_map, 8, 1);
    gnt_map(&C, 2, b.bp, &m1);
    m2 = mapop(0, GNTMAP_device_map, 8, 1);
    gnt_map(&C, 2, b.bp, &m2);
    m3 = mapop(VA_B + 0x1000, GNTMAP_host_map | GNTMAP_readonly, 9, 1);
    gnt_map(&C, 2, b.bp, &m3);
    ck_assert_int_eq(m1.status | m2.status | m3.status, GNTST_okay);
    memcpy(saved, pg(f), PAGE_SIZE);
    ck_assert_uint_eq(dom_kill(&a), 2);
    ck_assert_uint_eq(fr(f)->owner, FRAME_OWNER_ORPHAN);
    ck_assert_uint_eq(fr(p)->owner, FRAME_OWNER_ORPHAN);
    expect_frame(f, 4, 2, FRAME_TYPE_WRITABLE);     /* + one hold per orphan map */
    expect_frame(p, 2, 0, FRAME_TYPE_L1);
    ck_assert_int_eq(memcmp(saved, pg(f), PAGE_SIZE), 0);     /* never freed, never reused */
    consistent(&b, 1);
    /* New maps of the dead domain's grants: no such domain. */
    m1.status = 99;
    gnt_map(&C, 2, b.bp, &m1);
    ck_assert_int_eq(m1.status, GNTST_bad_domain);
    ck_assert_int_eq(unmap(&b, VA_B, 0, 0), GNTST_okay);
    ck_assert_uint_eq(C.orphans_freed, 0);
    ck_assert_int_eq(unmap(&b, 0, f << 12, 1), GNTST_okay);
    ck_assert_uint_eq(C.orphans_freed, 1);
    ck_assert(fr(f)->flags & FRAME_F_FREE);
    consistent(&b, 1);
    dom_kill(&b);                               /* the page table goes with b's teardown */
    ck_assert_uint_eq(C.orphans_freed, 2);
    ck_assert_uint_eq(X.fa.nr_orphans, 0);
    ck_assert_int_eq(pages_live, 0);
    ck_assert_uint_eq(X.fa.nr_free, X.fa.nr_managed);
    ptf_fini(&X);
}
END_TEST

/* The one orphan mechanism: a granted frame that something outside grants also
 * references (a privileged domain's foreign mapping, here a plain page reference) when
 * its granter dies stays an orphan after the last grant unmap, and is freed as soon as
 * that other reference goes. Before, grants and domains had an orphan scheme each and
 * such a frame was counted "stuck" and never freed. */
START_TEST(orphan_held_outside_grants_freed_when_released)
{
    struct sdom a, b;
    uint64_t seed = 9;
    struct gnttab_map_grant_ref m1;
    mfn_t f;

    init_all(512);
    dom_build(&a, 1, &seed);
    dom_build(&b, 2, &seed);
    f = a.data[0];
    grant(1, 8, 2, f, false);
    m1 = mapop(VA_B, GNTMAP_host_map, 8, 1);
    gnt_map(&C, 2, b.bp, &m1);
    ck_assert_int_eq(m1.status, GNTST_okay);
    ck_assert_int_eq(pt_get_page(ENV, 1, f), 0);          /* the outside reference */
    dom_kill(&a);
    ck_assert_uint_eq(fr(f)->owner, FRAME_OWNER_ORPHAN);
    ck_assert_int_eq(unmap(&b, VA_B, 0, 0), GNTST_okay);
    ck_assert_uint_eq(C.orphans_freed, 0);                 /* still referenced */
    ck_assert(!(fr(f)->flags & FRAME_F_FREE));
    ck_assert_uint_eq(X.fa.nr_orphans, 1);
    ck_assert_int_eq(pt_put_page(ENV, f), 0);
    ck_assert_uint_eq(frames_reap_orphans(&X.fa), 1);
    ck_assert(fr(f)->flags & FRAME_F_FREE);
    ck_assert_uint_eq(X.fa.nr_orphans, 0);
    dom_kill(&b);
    ck_assert_int_eq(pages_live, 0);
    ck_assert_uint_eq(X.fa.nr_free, X.fa.nr_managed);
    ptf_fini(&X);
}
END_TEST

/* The mapping domain dies: its mappings go, the granter's flags clear, and a
 * mapping whose entry it moved (unmap_and_replace) or lost (unhooked L1) is found. */
START_TEST(mapper_dies_while_mapped)
{
    struct sdom a, b;
    uint64_t seed = 9;
    struct gnttab_map_grant_ref m;
    struct gnttab_unmap_and_replace ur;
    unsigned int i;

    init_all(512);
    dom_build(&a, 1, &seed);
    dom_build(&b, 2, &seed);
    for (i = 0; i < 4; i++)
        grant(1, 8 + i, 2, a.data[2 * i], false);
    for (i = 0; i < 4; i++) {
        m = mapop(VA_B + i * 0x1000, GNTMAP_host_map | (i == 3 ? GNTMAP_device_map : 0),
                  8 + i, 1);
        gnt_map(&C, 2, b.bp, &m);
        ck_assert_int_eq(m.status, GNTST_okay);
    }
    /* Move mapping 1's entry into l1a slot 20 (b's own frame moves to VA_B+4K). */
    ck_assert_int_eq(pt_mod_entry(ENV, 2, 2, b.l1a, 20, PTE(b.data[1], F_L1RO), 0), 0);
    m = mapop(0x14000, GNTMAP_host_map, 9, 1);      /* second mapping of ref 9 at slot 20 */
    gnt_map(&C, 2, b.bp, &m);
    ck_assert_int_eq(m.status, GNTST_okay);
    ur = (struct gnttab_unmap_and_replace){ .host_addr = VA_B + 0x1000, .new_addr = 0x14000,
                                            .handle = 1 };
    gnt_unmap_and_replace(&C, 2, b.bp, &ur);
    ck_assert_int_eq(ur.status, GNTST_okay);
    /* Unhook l1b: the grant entries there lose their refs (mapping 2 and 3 stale). */
    ck_assert_int_eq(pt_mod_entry(ENV, 2, 2, b.l2, 1, 0, 0), 0);
    consistent((struct sdom[]){ a, b }, 2);
    expect_frame(a.data[4], 1, 1, FRAME_TYPE_WRITABLE);   /* only a's own mapping */
    ck_assert_uint_eq(*gentry(1, 10) & 0xFFFF, GTF_permit_access | GTF_reading | GTF_writing);
    dom_kill(&b);
    for (i = 0; i < 4; i++) {
        ck_assert_uint_eq(*gentry(1, 8 + i) & 0xFFFF, GTF_permit_access);
        expect_frame(a.data[2 * i], 1, 1, FRAME_TYPE_WRITABLE);
    }
    consistent(&a, 1);
    dom_kill(&a);
    ck_assert_int_eq(pages_live, 0);
    ck_assert_uint_eq(X.fa.nr_free, X.fa.nr_managed);
    ptf_fini(&X);
}
END_TEST

/* Handles: unique among live mappings, reused last; the maptrack's limit. */
START_TEST(handles_and_limits)
{
    struct sdom a;
    uint64_t seed = 10;
    struct gnttab_map_grant_ref m;
    uint32_t h, first;

    init_all(512);
    dom_build(&a, 1, &seed);
    grant(1, 8, 1, a.data[1], true);
    m = mapop(0, GNTMAP_device_map | GNTMAP_readonly, 8, DOMID_SELF);
    gnt_map(&C, 1, a.bp, &m);
    first = m.handle;
    ck_assert_int_eq(unmap(&a, 0, a.data[1] << 12, first), GNTST_okay);
    gnt_map(&C, 1, a.bp, &m);
    ck_assert_uint_ne(m.handle, first);                 /* not reused at once */
    ck_assert_int_eq(unmap(&a, 0, a.data[1] << 12, m.handle), GNTST_okay);
    for (h = 0; h < GNT_MAX_HANDLES; h++) {
        gnt_map(&C, 1, a.bp, &m);
        UNIT_REQUIRE(m.status == GNTST_okay, "map %u: %d", h, m.status);
    }
    ck_assert_uint_eq(gnt_domain(&C, 1)->maps_in_use, GNT_MAX_HANDLES);
    gnt_map(&C, 1, a.bp, &m);
    ck_assert_int_eq(m.status, GNTST_no_device_space);
    expect_frame(a.data[1], 1 + GNT_MAX_HANDLES, 0, FRAME_TYPE_NONE);
    consistent(&a, 1);
    dom_kill(&a);
    ck_assert_int_eq(pages_live, 0);
    ck_assert_uint_eq(X.fa.nr_free, X.fa.nr_managed);
    ptf_fini(&X);
}
END_TEST

/* gnt_check notices broken bookkeeping. */
START_TEST(check_detects_corruption)
{
    struct sdom a;
    uint64_t seed = 11, e;
    struct gnttab_map_grant_ref m;
    struct gnt_check_report rep;
    struct gnt_active *act;

    init_all(512);
    dom_build(&a, 1, &seed);
    grant(1, 8, 1, a.data[1], false);
    m = mapop(VA_B, GNTMAP_host_map, 8, 1);
    gnt_map(&C, 1, a.bp, &m);
    consistent(&a, 1);
    act = &gnt_domain(&C, 1)->active[0][8];
    act->host_rw++;
    ck_assert_int_eq(gnt_check(&C, scratch, &rep), -GNTCHK_PINS);
    ck_assert_uint_eq(rep.index, 8);
    act->host_rw--;
    e = *gentry(1, 8);
    *gentry(1, 8) = e & ~(uint64_t)GTF_writing;
    ck_assert_int_eq(gnt_check(&C, scratch, &rep), -GNTCHK_FLAGS);
    *gentry(1, 8) = e;
    gnt_domain(&C, 1)->maps_in_use++;
    ck_assert_int_eq(gnt_check(&C, scratch, &rep), -GNTCHK_FREELIST);
    gnt_domain(&C, 1)->maps_in_use--;
    act->frame++;
    ck_assert_int_eq(gnt_check(&C, scratch, &rep), -GNTCHK_MAP);
    act->frame--;
    act->copy_ro++;
    ck_assert_int_eq(gnt_check(&C, scratch, &rep), -GNTCHK_COPY);
    act->copy_ro--;
    consistent(&a, 1);
    dom_kill(&a);
    ptf_fini(&X);
}
END_TEST

/* ---------------------------------------------------------------- random run
 * Three domains grant, map (host by address or PTE address, device, both; RO/RW),
 * unmap (right and wrong halves and addresses, stale handles), unmap_and_replace,
 * copy, end access (honestly, or by overwriting the entry), unhook the L1 holding
 * grant entries, try to pin granted frames, grow their tables, die and come back.
 * Every op's status is compared with the model's; after every op the whole state is
 * checked. */
#define R_NR_FRAMES 1400
#define R_OPS       150000u
#define R_MAPS      2048
#define NDOMS       3

struct mmap_ {
    bool live;
    uint16_t mapper;
    uint32_t handle;
    uint16_t granter;           /* GNT_ORPHAN after the granter died */
    uint32_t ref;
    mfn_t frame;
    bool rw, host, dev, pte;
    mfn_t loc_l1;               /* where its grant entry is; INVALID_MFN: gone */
    unsigned int loc_idx;
};

enum { R_GRANT, R_END, R_MAP, R_UNMAP, R_REPLACE, R_COPY, R_UNHOOK, R_PIN, R_GROW,
       R_KILL, R_NR };
static const char *const r_names[R_NR] = { "grant", "end", "map", "unmap", "replace",
                                           "copy", "unhook", "pin", "grow", "kill" };

static struct sdom rdom[NDOMS];
static struct mmap_ rmap[R_MAPS];
static uint16_t next_id;
static uint64_t rs = 0x9E3779B97F4A7C15ull, fill_seed = 77;
static unsigned long r_ok[R_NR], r_fail[R_NR], r_status[16];
static unsigned long r_moved_other, r_stale, r_orphan_maps;
static uint32_t snap_c[R_NR_FRAMES], snap_t[R_NR_FRAMES];

static uint32_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return (uint32_t)(rs >> 16);
}

static void tally(unsigned int op, int16_t st)
{
    if (st == GNTST_okay)
        r_ok[op]++;
    else
        r_fail[op]++;
    r_status[-st & 15]++;
}

static void snap(void)
{
    for (unsigned int i = 0; i < R_NR_FRAMES; i++) {
        snap_c[i] = X.table[i].count;
        snap_t[i] = X.table[i].type_count;
    }
}

static bool snap_same(void)
{
    for (unsigned int i = 0; i < R_NR_FRAMES; i++)
        if (snap_c[i] != X.table[i].count || snap_t[i] != X.table[i].type_count)
            return false;
    return true;
}

static struct sdom *dom_of(uint16_t id)
{
    for (unsigned int i = 0; i < NDOMS; i++)
        if (rdom[i].id == id && id != 0)
            return &rdom[i];
    return NULL;
}

static uint32_t entries(uint16_t id)
{
    return gnt_domain(&C, id)->nr_frames * GNT_ENTRIES_PER_FRAME;
}

/* The L1 slot a linear address of d names, as the walk would find it. */
static bool va_slot(const struct sdom *d, uint64_t va, mfn_t *l1, unsigned int *idx)
{
    if (va < VA_B) {
        *l1 = d->l1a;
    } else if (va < VA_NONE && d->l1b_hooked) {
        *l1 = d->l1b;
    } else {
        return false;
    }
    *idx = (unsigned int)(va >> 12) & 511;
    return true;
}

static uint64_t slot_va(const struct sdom *d, mfn_t l1, unsigned int idx)
{
    return (l1 == d->l1a ? 0 : VA_B) + ((uint64_t)idx << 12);
}

static bool slot_live(const struct sdom *d, mfn_t l1)
{
    return l1 == d->l1a || (l1 == d->l1b && d->l1b_hooked);
}

static struct mmap_ *find_map(uint16_t mapper, uint32_t h)
{
    for (unsigned int i = 0; i < R_MAPS; i++)
        if (rmap[i].live && rmap[i].mapper == mapper && rmap[i].handle == h)
            return &rmap[i];
    return NULL;
}

/* The model's mapping whose grant entry is at (l1, idx). */
static struct mmap_ *owner_of_slot(mfn_t l1, unsigned int idx)
{
    for (unsigned int i = 0; i < R_MAPS; i++)
        if (rmap[i].live && rmap[i].host && rmap[i].loc_l1 == l1 && rmap[i].loc_idx == idx)
            return &rmap[i];
    return NULL;
}

/* Pins on (granter, ref): who holds them (0xFFFF: nobody) and the pinned frame. */
static uint16_t pinned_by(uint16_t granter, uint32_t ref, mfn_t *frame)
{
    for (unsigned int i = 0; i < R_MAPS; i++)
        if (rmap[i].live && rmap[i].granter == granter && rmap[i].ref == ref) {
            *frame = rmap[i].frame;
            return rmap[i].mapper;
        }
    return 0xFFFF;
}

/* Does any mapping hold a writable ref on frame (a present RW entry or device half)? */
static bool rw_held(mfn_t frame)
{
    for (unsigned int i = 0; i < R_MAPS; i++)
        if (rmap[i].live && rmap[i].frame == frame && rmap[i].rw &&
            (rmap[i].dev || (rmap[i].host && rmap[i].loc_l1 != INVALID_MFN)))
            return true;
    return false;
}

static bool ram_of(mfn_t m, uint16_t owner)
{
    const struct frame *f = frame_of(&X.fa, m);

    return f != NULL && !(f->flags & (FRAME_F_FREE | FRAME_F_RESERVED)) && f->owner == owner;
}

static bool can_be_writable(mfn_t m)
{
    const struct frame *f = frame_of(&X.fa, m);

    return f->type_count == 0 || f->type == FRAME_TYPE_WRITABLE;
}

static mfn_t pick_frame(const struct sdom *d)
{
    unsigned int r = rnd() % 20;
    const struct sdom *o = &rdom[rnd() % NDOMS];

    if (r < 14)
        return d->data[rnd() % NDATA];
    if (r < 15)
        return d->l1a;
    if (r < 16)
        return table_frame(d->id, 0);
    if (r < 18 && o->id != 0)
        return o->data[rnd() % NDATA];
    return PTF_BASE + rnd() % R_NR_FRAMES;
}

static uint16_t pick_dom_id(void)
{
    unsigned int r = rnd() % 20;

    if (r == 0)
        return 0x7000;
    if (r == 1)
        return DOMID_SELF;
    return rdom[rnd() % NDOMS].id;
}

static uint32_t pick_ref(uint16_t id)
{
    struct sdom *d = dom_of(id);
    uint32_t n = d != NULL ? entries(id) : 512;

    if (rnd() % 30 == 0)
        return n + rnd() % 600;
    return rnd() % 4 ? 8 + rnd() % 24 : rnd() % n;
}

/* The granter guest writes an entry: honestly (only if unmapped, like Mini-OS), or
 * by overwriting it while keeping the hypervisor's two flags (a hostile guest can
 * change everything else). */
static void r_grant(void)
{
    struct sdom *d = &rdom[rnd() % NDOMS];
    uint32_t ref = rnd() % 8 ? 8 + rnd() % 24 : rnd() % entries(d->id);
    uint64_t *e = gentry(d->id, ref);
    uint16_t to = rnd() % 10 ? rdom[rnd() % NDOMS].id : (uint16_t)(rnd() % 5);
    uint16_t fl = GTF_permit_access;

    if (rnd() % 3 == 0)
        fl |= GTF_readonly;
    if (rnd() % 20 == 0)
        fl = (uint16_t)(rnd() % 4);                     /* invalid/transfer/transitive */
    if (rnd() % 8 && (*e & (GTF_reading | GTF_writing))) {
        r_fail[R_GRANT]++;
        return;
    }
    *e = gvalue((uint16_t)(fl | (*e & (GTF_reading | GTF_writing))), to,
                (uint32_t)pick_frame(d));
    r_ok[R_GRANT]++;
}

static void r_end(void)
{
    struct sdom *d = &rdom[rnd() % NDOMS];
    uint32_t ref = rnd() % 4 ? 8 + rnd() % 24 : rnd() % entries(d->id);
    mfn_t f;
    bool pinned = pinned_by(d->id, ref, &f) != 0xFFFF, ok = end_access(d->id, ref);

    UNIT_REQUIRE(ok == !pinned, "end_access %d with pins %d", ok, pinned);
    if (ok)
        r_ok[R_END]++;
    else
        r_fail[R_END]++;
}

static struct mmap_ *new_map(void)
{
    for (unsigned int i = 0; i < R_MAPS; i++)
        if (!rmap[i].live)
            return &rmap[i];
    return NULL;
}

static void r_map(unsigned int n)
{
    struct sdom *d = &rdom[rnd() % NDOMS];
    uint16_t dom = pick_dom_id(), granter = dom == DOMID_SELF ? d->id : dom;
    uint32_t ref = pick_ref(granter), flags = 0, r = rnd() % 100;
    struct gnttab_map_grant_ref op;

    if (rnd() % 10 < 6) {               /* mostly an entry that does grant d something */
        const struct sdom *g = &rdom[rnd() % NDOMS];
        uint32_t s0 = rnd() % 24;

        for (uint32_t k = 0; k < 24; k++) {
            uint64_t e = *gentry(g->id, 8 + (s0 + k) % 24);

            if ((e & GTF_type_mask) == GTF_permit_access && ((e >> 16) & 0xFFFF) == d->id) {
                granter = g->id;
                dom = g == d && rnd() % 2 ? DOMID_SELF : g->id;
                ref = 8 + (s0 + k) % 24;
                break;
            }
        }
    }

    struct mmap_ *nm = new_map();
    struct sdom *g;
    mfn_t l1 = INVALID_MFN, frame = INVALID_MFN;
    unsigned int idx = 0;
    uint64_t addr = 0, old = 0;
    int16_t want;
    bool rw, host, slot_ok = true;

    if (nm == NULL)
        return;
    g = dom_of(granter);
    if (r < 70)
        flags = GNTMAP_host_map;
    else if (r < 85)
        flags = GNTMAP_device_map;
    else if (r < 97)
        flags = GNTMAP_host_map | GNTMAP_device_map;
    if (rnd() % 2)
        flags |= GNTMAP_readonly;
    if ((flags & GNTMAP_host_map) && rnd() % 4 == 0)
        flags |= GNTMAP_contains_pte;
    if (rnd() % 10 == 0)
        flags |= GNTMAP_application_map;
    rw = !(flags & GNTMAP_readonly);
    host = flags & GNTMAP_host_map;
    r = rnd() % 100;
    if (flags & GNTMAP_contains_pte) {
        l1 = r < 60 ? d->l1b : r < 90 ? d->l1a : rnd() % 2 ? d->data[0] : rdom[0].l1b;
        idx = rnd() % 512;
        addr = (l1 << 12) | ((uint64_t)idx << 3) | (rnd() % 15 == 0 ? 1 + rnd() % 7 : 0);
        slot_ok = !(addr & 7) && slot_live(d, l1);
    } else {
        addr = r < 70 ? VA_B + (uint64_t)(rnd() % 512) * 4096
                      : r < 90 ? (uint64_t)(rnd() % 512) * 4096 | (rnd() % 4096)
                               : VA_NONE + (uint64_t)(rnd() % 64) * 4096;
        slot_ok = va_slot(d, addr, &l1, &idx);
    }
    if (host && slot_ok)
        old = pg(l1)[idx];
    /* The expected status. */
    if (!(flags & (GNTMAP_host_map | GNTMAP_device_map))) {
        want = GNTST_bad_gntref;
    } else if (g == NULL) {
        want = GNTST_bad_domain;
    } else if (ref >= entries(granter)) {
        want = GNTST_bad_gntref;
    } else {
        uint64_t e = *gentry(granter, ref);
        uint16_t by = pinned_by(granter, ref, &frame);

        if (by == 0xFFFF)
            frame = e >> 32;
        want = GNTST_okay;
        if ((by != 0xFFFF && by != d->id) || (e & GTF_type_mask) != GTF_permit_access ||
            ((e >> 16) & 0xFFFF) != d->id || (rw && (e & GTF_readonly)) ||
            !ram_of(frame, granter) || (rw && !can_be_writable(frame)) ||
            (host && (!slot_ok || (pg(l1)[idx] & (PG_P | PG_GNTTAB)) == (PG_P | PG_GNTTAB))))
            want = GNTST_general_error;
    }
    op = mapop(addr, flags, ref, dom);
    snap();
    gnt_map(&C, d->id, d->bp, &op);
    tally(R_MAP, op.status);
    UNIT_REQUIRE(op.status == want, "op %u: map d%u of d%u ref %u flags %#x addr %#llx: "
                 "status %d, model %d", n, d->id, granter, ref, flags,
                 (unsigned long long)addr, op.status, want);
    if (op.status != GNTST_okay) {
        UNIT_REQUIRE(snap_same() && (!host || !slot_ok || pg(l1)[idx] == old),
                     "op %u: refused map left a trace", n);
        return;
    }
    UNIT_REQUIRE(find_map(d->id, op.handle) == NULL, "op %u: handle %u handed out twice", n,
                 op.handle);
    UNIT_REQUIRE(!(flags & GNTMAP_device_map) || op.dev_bus_addr == frame << 12,
                 "op %u: dev_bus_addr", n);
    if (host)
        UNIT_REQUIRE(pg(l1)[idx] == pt_grant_l1e(frame, rw), "op %u: entry %#llx", n,
                     (unsigned long long)pg(l1)[idx]);
    *nm = (struct mmap_){ .live = true, .mapper = d->id, .handle = op.handle,
                          .granter = granter, .ref = ref, .frame = frame, .rw = rw,
                          .host = host, .dev = flags & GNTMAP_device_map,
                          .pte = flags & GNTMAP_contains_pte,
                          .loc_l1 = host ? l1 : INVALID_MFN, .loc_idx = idx };
}

/* The host half of m goes by removing the entry at (l1, idx), which is the entry of
 * `owner` (m or another mapping of the same frame and access): owner takes over m's
 * entry. */
static void host_half_gone(struct mmap_ *m, struct mmap_ *owner)
{
    if (owner != NULL && owner != m) {
        owner->loc_l1 = m->loc_l1;
        owner->loc_idx = m->loc_idx;
        r_moved_other++;
    }
    m->host = false;
    m->loc_l1 = INVALID_MFN;
    if (!m->dev)
        m->live = false;
}

/* A live mapping of d, or NULL. */
static struct mmap_ *pick_map(const struct sdom *d, bool want_host)
{
    unsigned int s = rnd() % R_MAPS;

    for (unsigned int i = 0; i < R_MAPS; i++) {
        struct mmap_ *m = &rmap[(s + i) % R_MAPS];

        if (m->live && m->mapper == d->id && (!want_host || m->host))
            return m;
    }
    return NULL;
}

/* Another live host mapping of d with m's frame and access if there is one (its entry
 * is interchangeable with m's), else any host mapping of d. */
static struct mmap_ *pick_same_class(const struct sdom *d, const struct mmap_ *m)
{
    for (unsigned int i = 0; i < R_MAPS; i++) {
        struct mmap_ *o = &rmap[i];

        if (o != m && o->live && o->mapper == d->id && o->host && o->frame == m->frame &&
            o->rw == m->rw && o->loc_l1 != INVALID_MFN)
            return o;
    }
    return pick_map(d, true);
}

/* An address naming slot (l1, idx) for mapping m (PTE address or linear). */
static uint64_t addr_of(const struct sdom *d, const struct mmap_ *m, mfn_t l1,
                        unsigned int idx)
{
    return m->pte ? (l1 << 12) | ((uint64_t)idx << 3) : slot_va(d, l1, idx);
}

/* Is there, at address addr of d, the grant entry of m's frame and access? */
static bool entry_matches(const struct sdom *d, const struct mmap_ *m, uint64_t addr,
                          mfn_t *l1, unsigned int *idx)
{
    if (m->pte) {
        if (addr & 7)
            return false;
        *l1 = addr >> 12;
        *idx = (unsigned int)(addr & 0xFFF) >> 3;
        if (!slot_live(d, *l1))
            return false;
    } else if (!va_slot(d, addr, l1, idx)) {
        return false;
    }
    return (pg(*l1)[*idx] & ~(PG_A | PG_D)) == (pt_grant_l1e(m->frame, m->rw) & ~(PG_A | PG_D));
}

static void r_unmap(unsigned int n)
{
    struct sdom *d = &rdom[rnd() % NDOMS];
    struct mmap_ *m = pick_map(d, false), *o;
    uint32_t h = m != NULL && rnd() % 20 ? m->handle : rnd() % 300;
    uint64_t host = 0, dev = 0;
    mfn_t l1 = INVALID_MFN;
    unsigned int idx = 0, r = rnd() % 100;
    bool want_host, want_dev, match = false;
    int16_t want, st;

    m = find_map(d->id, h);
    if (m != NULL && m->host) {
        struct mmap_ *other = pick_same_class(d, m);

        if (r < 70 && m->loc_l1 != INVALID_MFN)
            host = addr_of(d, m, m->loc_l1, m->loc_idx);
        else if (r < 80 && other != NULL && other->loc_l1 != INVALID_MFN)
            host = addr_of(d, m, other->loc_l1, other->loc_idx);
        else if (r < 95)
            host = m->pte ? (d->l1b << 12) | (rnd() % 4096) : VA_B + (rnd() % 512) * 4096ull;
    } else if (rnd() % 2) {
        host = VA_B;
    }
    if (m != NULL && m->dev && rnd() % 4)
        dev = rnd() % 10 ? m->frame << 12 : (m->frame + 1) << 12;
    else if (rnd() % 5 == 0)
        dev = 0x1000;
    want_host = m != NULL && host != 0 && m->host;
    want_dev = m != NULL && dev != 0 && m->dev;
    if (want_host)
        match = entry_matches(d, m, host, &l1, &idx);
    if (m == NULL)
        want = GNTST_bad_handle;
    else if (!want_host && !want_dev)
        want = GNTST_general_error;
    else if (want_dev && (dev >> 12) != m->frame)
        want = GNTST_bad_dev_addr;
    else if (want_host && !match)
        want = GNTST_general_error;
    else
        want = GNTST_okay;
    snap();
    st = unmap(d, host, dev, h);
    tally(R_UNMAP, st);
    UNIT_REQUIRE(st == want, "op %u: unmap d%u h %u host %#llx dev %#llx: %d, model %d", n,
                 d->id, h, (unsigned long long)host, (unsigned long long)dev, st, want);
    if (st != GNTST_okay) {
        UNIT_REQUIRE(snap_same(), "op %u: refused unmap left a trace", n);
        return;
    }
    if (want_host) {
        UNIT_REQUIRE(pg(l1)[idx] == 0, "op %u: unmapped slot not cleared", n);
        o = owner_of_slot(l1, idx);
        UNIT_REQUIRE(o != NULL, "op %u: removed an entry the model does not know", n);
        host_half_gone(m, o);
    }
    if (want_dev) {
        m->dev = false;
        if (!m->host)
            m->live = false;
    }
}

static void r_replace(unsigned int n)
{
    struct sdom *d = &rdom[rnd() % NDOMS];
    struct mmap_ *m = pick_map(d, false), *o, *mover;
    struct gnttab_unmap_and_replace op;
    uint64_t host = 0, nva = 0, moved = 0;
    mfn_t l1 = INVALID_MFN, nl1 = INVALID_MFN;
    unsigned int idx = 0, nidx = 0, r = rnd() % 100;
    bool match = false, new_ok = true;
    int16_t want;

    if (m == NULL)
        return;
    if (m->host && m->loc_l1 != INVALID_MFN && r < 80)
        host = addr_of(d, m, m->loc_l1, m->loc_idx);
    else
        host = VA_B + (rnd() % 512) * 4096ull;
    r = rnd() % 100;
    if (r < 30) {
        nva = 0;
    } else if (r < 50) {
        struct mmap_ *other = pick_same_class(d, m);

        nva = other != NULL && other->loc_l1 != INVALID_MFN
                  ? slot_va(d, other->loc_l1, other->loc_idx) : VA_B;
    } else if (r < 95) {
        nva = rnd() % 2 ? (rnd() % 512) * 4096ull : VA_B + (rnd() % 512) * 4096ull;
    } else {
        nva = VA_NONE;
    }
    if (m->host)
        match = entry_matches(d, m, host, &l1, &idx);
    if (nva != 0)
        new_ok = va_slot(d, nva, &nl1, &nidx) && !(nl1 == l1 && nidx == idx);
    want = !m->host || (m->pte && nva != 0) || !match || !new_ok ? GNTST_general_error
                                                                 : GNTST_okay;
    if (nva != 0 && new_ok)
        moved = pg(nl1)[nidx];
    op = (struct gnttab_unmap_and_replace){ .host_addr = host, .new_addr = nva,
                                            .handle = m->handle, .status = 99 };
    snap();
    gnt_unmap_and_replace(&C, d->id, d->bp, &op);
    tally(R_REPLACE, op.status);
    UNIT_REQUIRE(op.status == want, "op %u: replace: %d, model %d", n, op.status, want);
    if (op.status != GNTST_okay) {
        UNIT_REQUIRE(snap_same(), "op %u: refused replace left a trace", n);
        return;
    }
    UNIT_REQUIRE(pg(l1)[idx] == moved && (nva == 0 || pg(nl1)[nidx] == 0),
                 "op %u: replace stored %#llx", n, (unsigned long long)pg(l1)[idx]);
    o = owner_of_slot(l1, idx);
    UNIT_REQUIRE(o != NULL, "op %u: replaced an entry the model does not know", n);
    mover = nva != 0 ? owner_of_slot(nl1, nidx) : NULL;
    if (mover != NULL) {                /* a grant entry moved from new_addr */
        mover->loc_l1 = l1;
        mover->loc_idx = idx;
    }
    o->loc_l1 = INVALID_MFN;            /* its entry is gone ... */
    if (o != m) {                       /* ... and it takes over m's */
        o->loc_l1 = m->loc_l1;
        o->loc_idx = m->loc_idx;
        r_moved_other++;
    }
    m->host = false;
    m->loc_l1 = INVALID_MFN;
    if (!m->dev)
        m->live = false;
}

static bool is_table_frame(mfn_t m)
{
    for (unsigned int d = 0; d < NDOMS; d++) {
        const struct grant_domain *gd = gnt_domain(&C, rdom[d].id);

        for (uint32_t i = 0; gd != NULL && i < gd->nr_frames; i++)
            if (gd->frames[i] == m)
                return true;
    }
    return false;
}

/* Copies with sides picked at random; the status and the bytes follow the model. */
static void r_copy(unsigned int n)
{
    static uint8_t want_page[PAGE_SIZE], src_before[PAGE_SIZE];
    struct sdom *d = &rdom[rnd() % NDOMS];
    struct gnttab_copy op;
    struct {
        bool gref;
        uint16_t dom;
        uint32_t ref;
        mfn_t mfn;
        uint16_t off;
    } s[2];
    int16_t want = GNTST_okay;
    unsigned int i;

    memset(&op, 0, sizeof(op));
    op.len = rnd() % 5 == 0 ? rnd() % 4097 : rnd() % 300;
    for (i = 0; i < 2; i++) {
        s[i].gref = rnd() % 2;
        s[i].dom = s[i].gref ? pick_dom_id() : rnd() % 15 ? DOMID_SELF : d->id;
        s[i].ref = pick_ref(s[i].dom == DOMID_SELF ? d->id : s[i].dom);
        s[i].mfn = pick_frame(d);
        s[i].off = (uint16_t)(rnd() % 8 ? rnd() % (PAGE_SIZE - op.len + 1)
                                         : rnd() % PAGE_SIZE);
    }
    op.source.u.gmfn = 0;
    if (s[0].gref)
        op.source.u.ref = s[0].ref;
    else
        op.source.u.gmfn = s[0].mfn;
    if (s[1].gref)
        op.dest.u.ref = s[1].ref;
    else
        op.dest.u.gmfn = s[1].mfn;
    op.source.domid = s[0].dom;
    op.dest.domid = s[1].dom;
    op.source.offset = s[0].off;
    op.dest.offset = s[1].off;
    op.flags = (s[0].gref ? GNTCOPY_source_gref : 0) | (s[1].gref ? GNTCOPY_dest_gref : 0);
    /* The model. */
    if (s[0].off + op.len > PAGE_SIZE || s[1].off + op.len > PAGE_SIZE)
        want = GNTST_bad_copy_arg;
    else if ((!s[0].gref && s[0].dom != DOMID_SELF) || (!s[1].gref && s[1].dom != DOMID_SELF))
        want = GNTST_permission_denied;
    for (i = 0; i < 2 && want == GNTST_okay; i++)
        if (s[i].gref && dom_of(s[i].dom == DOMID_SELF ? d->id : s[i].dom) == NULL)
            want = GNTST_bad_domain;
    for (i = 0; i < 2 && want == GNTST_okay; i++) {
        bool rw = i == 1;

        if (!s[i].gref) {
            if (!ram_of(s[i].mfn, d->id))
                want = GNTST_bad_page;
            else if (rw && !can_be_writable(s[i].mfn))
                want = GNTST_general_error;
            continue;
        }
        uint16_t g = s[i].dom == DOMID_SELF ? d->id : s[i].dom, by;
        mfn_t frame = INVALID_MFN;
        uint64_t e;

        if (s[i].ref >= entries(g)) {
            want = GNTST_bad_gntref;
            break;
        }
        e = *gentry(g, s[i].ref);
        by = pinned_by(g, s[i].ref, &frame);
        if (i == 1 && s[0].gref && g == (s[0].dom == DOMID_SELF ? d->id : s[0].dom) &&
            s[0].ref == s[1].ref && by == 0xFFFF) {
            by = d->id;                 /* the source side pinned it just before */
            frame = e >> 32;
        }
        if (by == 0xFFFF)
            frame = e >> 32;
        if ((by != 0xFFFF && by != d->id) || (e & GTF_type_mask) != GTF_permit_access ||
            ((e >> 16) & 0xFFFF) != d->id || (rw && (e & GTF_readonly)) ||
            !ram_of(frame, g) || (rw && !can_be_writable(frame)))
            want = GNTST_general_error;
        s[i].mfn = frame;
    }
    /* Bytes copied into a grant table would fake GTF_reading/writing, and out of one
     * they change under the copy (its own pins): keep those copies empty. */
    if (want == GNTST_okay && (is_table_frame(s[0].mfn) || is_table_frame(s[1].mfn)))
        op.len = 0;
    if (want == GNTST_okay) {
        memcpy(src_before, pg(s[0].mfn), PAGE_SIZE);
        memcpy(want_page, pg(s[1].mfn), PAGE_SIZE);
        memmove(want_page + s[1].off, src_before + s[0].off, op.len);
    }
    snap();
    gnt_copy(&C, d->id, &op);
    tally(R_COPY, op.status);
    UNIT_REQUIRE(op.status == want, "op %u: copy: %d, model %d", n, op.status, want);
    UNIT_REQUIRE(snap_same(), "op %u: copy left refs behind", n);
    if (want == GNTST_okay)
        UNIT_REQUIRE(memcmp(pg(s[1].mfn), want_page, PAGE_SIZE) == 0,
                     "op %u: copied bytes (%s %#x ref %u mfn %#llx +%u -> %s %#x ref %u mfn "
                     "%#llx +%u, len %u)", n, s[0].gref ? "gref" : "gmfn", s[0].dom, s[0].ref,
                     (unsigned long long)s[0].mfn, s[0].off, s[1].gref ? "gref" : "gmfn",
                     s[1].dom, s[1].ref, (unsigned long long)s[1].mfn, s[1].off, op.len);
}

/* d unhooks l1b (the grant entries there lose their refs: their mappings go stale) and
 * later clears them by plain writes and hooks it back. */
static void r_unhook(unsigned int n)
{
    struct sdom *d = &rdom[rnd() % NDOMS];
    unsigned int i;

    if (d->l1b_hooked) {
        UNIT_REQUIRE(pt_mod_entry(ENV, d->id, d->id, d->l2, 1, 0, 0) == 0, "op %u", n);
        d->l1b_hooked = false;
        for (i = 0; i < R_MAPS; i++)
            if (rmap[i].live && rmap[i].mapper == d->id && rmap[i].loc_l1 == d->l1b) {
                rmap[i].loc_l1 = INVALID_MFN;
                r_stale++;
            }
        r_ok[R_UNHOOK]++;
        return;
    }
    bool stale = false;

    for (i = 0; i < PT_ENTRIES; i++)
        stale |= (pg(d->l1b)[i] & (PG_P | PG_GNTTAB)) == (PG_P | PG_GNTTAB);
    /* Stale grant entries keep it from validating until the guest clears them. */
    UNIT_REQUIRE(!stale || pt_mod_entry(ENV, d->id, d->id, d->l2, 1, PTE(d->l1b, F_UPPER),
                                        0) == -XEN_EINVAL, "op %u: stale L1 validated", n);
    for (i = 0; i < PT_ENTRIES; i++)
        if (pg(d->l1b)[i] & PG_GNTTAB)
            UNIT_REQUIRE(pt_mod_entry(ENV, d->id, d->id, d->l1b, i, 0, 0) == 0, "op %u", n);
    UNIT_REQUIRE(pt_mod_entry(ENV, d->id, d->id, d->l2, 1, PTE(d->l1b, F_UPPER), 0) == 0,
                 "op %u: re-hook", n);
    d->l1b_hooked = true;
    r_ok[R_UNHOOK]++;
}

/* XSA-224/234 in general: pinning a frame as an L1 must fail while a grant mapping
 * holds a writable ref on it. */
static void r_pin(unsigned int n)
{
    struct sdom *d = &rdom[rnd() % NDOMS];
    mfn_t f = d->data[1 + 2 * (rnd() % (NDATA / 2))];      /* mapped RO by d itself */
    int rc;

    memset(pg(f), 0, PAGE_SIZE);                            /* a valid (empty) L1 */
    rc = pt_pin(ENV, d->id, f, 1);
    UNIT_REQUIRE(rc == (rw_held(f) ? -XEN_EINVAL : 0), "op %u: pin %d, writable grant %d",
                 n, rc, rw_held(f));
    if (rc == 0) {
        UNIT_REQUIRE(pt_unpin(ENV, d->id, f) == 0, "op %u: unpin", n);
        r_ok[R_PIN]++;
    } else {
        r_fail[R_PIN]++;
    }
}

static void r_grow(void)
{
    struct sdom *d = &rdom[rnd() % NDOMS];
    uint32_t want = rnd() % 40 ? 1 + rnd() % 3 : 33;
    mfn_t frames[GNT_MAX_FRAMES];
    int16_t st = gnt_setup_table(&C, d->id, want, frames);

    UNIT_REQUIRE(st == (want > GNT_MAX_FRAMES ? GNTST_general_error : GNTST_okay),
                 "grow %u: %d", want, st);
    tally(R_GROW, st);
}

static void r_kill(unsigned int n)
{
    struct sdom *d = &rdom[rnd() % NDOMS];
    uint16_t old = d->id;
    unsigned int i;

    dom_kill(d);
    for (i = 0; i < R_MAPS; i++) {
        if (!rmap[i].live)
            continue;
        if (rmap[i].mapper == old)
            rmap[i].live = false;
        else if (rmap[i].granter == old) {
            rmap[i].granter = GNT_ORPHAN;
            r_orphan_maps++;
        }
    }
    /* Every orphaned frame is one a live mapping names. */
    for (i = 0; i < X.nr; i++) {
        const struct frame *f = &X.table[i];
        bool named = false;

        if (f->owner != FRAME_OWNER_ORPHAN || (f->flags & (FRAME_F_FREE | FRAME_F_RESERVED)))
            continue;
        for (unsigned int k = 0; k < R_MAPS && !named; k++)
            named = rmap[k].live && rmap[k].granter == GNT_ORPHAN &&
                    rmap[k].frame == PTF_BASE + i;
        UNIT_REQUIRE(named, "op %u: orphan %#llx that no mapping names", n,
                     (unsigned long long)(PTF_BASE + i));
    }
    dom_build(d, next_id++, &fill_seed);
    r_ok[R_KILL]++;
}

/* The model against the real state: every mapping's maptrack entry and grant entry. */
static void model_check(unsigned int n)
{
    unsigned int i, d;

    for (i = 0; i < R_MAPS; i++) {
        const struct mmap_ *m = &rmap[i];
        struct grant_domain *gd;
        const struct gnt_map *e;

        if (!m->live)
            continue;
        gd = gnt_domain(&C, m->mapper);
        UNIT_REQUIRE(gd != NULL && m->handle < gd->maptrack_pages * GNT_MAPTRACK_PER_PAGE,
                     "op %u: mapping without maptrack", n);
        e = &gd->maptrack[m->handle / GNT_MAPTRACK_PER_PAGE][m->handle % GNT_MAPTRACK_PER_PAGE];
        UNIT_REQUIRE((e->flags & GNT_M_USED) && e->granter == m->granter && e->ref == m->ref &&
                     e->frame == m->frame && !!(e->flags & GNT_M_HOST) == m->host &&
                     !!(e->flags & GNT_M_DEV) == m->dev && !(e->flags & GNT_M_RO) == m->rw,
                     "op %u: maptrack of d%u handle %u differs", n, m->mapper, m->handle);
        if (m->host && m->loc_l1 != INVALID_MFN)
            UNIT_REQUIRE((pg(m->loc_l1)[m->loc_idx] & ~(PG_A | PG_D)) ==
                         (pt_grant_l1e(m->frame, m->rw) & ~(PG_A | PG_D)),
                         "op %u: grant entry of d%u handle %u not where the model says", n,
                         m->mapper, m->handle);
    }
    for (d = 0; d < NDOMS; d++) {
        unsigned int want = 0, have = 0, k;
        struct grant_domain *gd = gnt_domain(&C, rdom[d].id);

        for (i = 0; i < R_MAPS; i++)
            if (rmap[i].live && rmap[i].mapper == rdom[d].id)
                want++;
        UNIT_REQUIRE(gd->maps_in_use == want, "op %u: d%u has %u maps, model %u", n,
                     rdom[d].id, gd->maps_in_use, want);
        want = 0;
        for (i = 0; i < R_MAPS; i++)
            if (rmap[i].live && rmap[i].mapper == rdom[d].id && rmap[i].host &&
                rmap[i].loc_l1 != INVALID_MFN)
                want++;
        for (k = 0; k < PT_ENTRIES; k++) {
            have += (pg(rdom[d].l1a)[k] & (PG_P | PG_GNTTAB)) == (PG_P | PG_GNTTAB);
            if (rdom[d].l1b_hooked)
                have += (pg(rdom[d].l1b)[k] & (PG_P | PG_GNTTAB)) == (PG_P | PG_GNTTAB);
        }
        UNIT_REQUIRE(have == want, "op %u: d%u has %u grant entries, model %u", n,
                     rdom[d].id, have, want);
    }
}

static void r_check(unsigned int n)
{
    consistent(rdom, NDOMS);
    model_check(n);
}

START_TEST(random_ops_invariants)
{
    unsigned int n, i;

    init_all(R_NR_FRAMES);
    if (getenv("GNT_SEED") != NULL)
        rs = strtoull(getenv("GNT_SEED"), NULL, 0) | 1;
    memset(rmap, 0, sizeof(rmap));
    memset(r_ok, 0, sizeof(r_ok));
    memset(r_fail, 0, sizeof(r_fail));
    memset(r_status, 0, sizeof(r_status));
    r_moved_other = r_stale = r_orphan_maps = 0;
    next_id = 4;
    for (i = 0; i < NDOMS; i++)
        dom_build(&rdom[i], (uint16_t)(i + 1), &fill_seed);
    for (n = 0; n < R_OPS; n++) {
        unsigned int r = rnd() % 1000;

        cur_op = n;
        if (getenv("GNT_TRACE") != NULL && n >= strtoul(getenv("GNT_TRACE"), NULL, 0))
            fprintf(stderr, "op %u: r %u\n", n, r);

        if (r < 150)
            r_grant();
        else if (r < 190)
            r_end();
        else if (r < 500)
            r_map(n);
        else if (r < 700)
            r_unmap(n);
        else if (r < 770)
            r_replace(n);
        else if (r < 900)
            r_copy(n);
        else if (r < 915)
            r_unhook(n);
        else if (r < 970)
            r_pin(n);
        else if (r < 985)
            r_grow();
        else if (r < 988)
            r_kill(n);
        r_check(n);
    }
    for (i = 0; i < NDOMS; i++) {
        struct sdom *d = &rdom[rnd() % NDOMS];

        if (d->id != 0)
            dom_kill(d);
    }
    for (i = 0; i < NDOMS; i++)
        if (rdom[i].id != 0)
            dom_kill(&rdom[i]);
    UNIT_REQUIRE(pages_live == 0, "%ld core pages leaked", pages_live);
    UNIT_REQUIRE(X.fa.nr_free == X.fa.nr_managed && frames_check(&X.fa) == 0,
                 "frames leaked: %llu free of %llu", (unsigned long long)X.fa.nr_free,
                 (unsigned long long)X.fa.nr_managed);
    if (getenv("GNT_STATS") != NULL) {
        for (i = 0; i < R_NR; i++)
            fprintf(stderr, "%-8s ok %7lu fail %7lu\n", r_names[i], r_ok[i], r_fail[i]);
        for (i = 0; i < 13; i++)
            fprintf(stderr, "status %d: %lu\n", -(int)i, r_status[i]);
        fprintf(stderr, "moved to another mapping %lu, stale %lu, orphaned %lu, orphans freed "
                "%lu, left %llu\n", r_moved_other, r_stale, r_orphan_maps, C.orphans_freed,
                (unsigned long long)X.fa.nr_orphans);
    }
    /* The run reached the interesting states. */
    for (i = 0; i < R_NR; i++)
        ck_assert_uint_gt(r_ok[i], 10);
    for (i = 0; i <= 10; i++)
        if (i != 5 && i != 7)               /* bad_virt_addr, no_device_space */
            ck_assert_uint_gt(r_status[i], 10);
    ck_assert_uint_gt(r_ok[R_MAP], 5000);
    ck_assert_uint_gt(r_moved_other, 10);
    ck_assert_uint_gt(r_stale, 10);
    ck_assert_uint_gt(r_orphan_maps, 10);
    ck_assert_uint_gt(C.orphans_freed, 10);
    ck_assert_uint_eq(X.fa.nr_orphans, 0);
    ptf_fini(&X);
}
END_TEST

Suite *grant_table_suite(void)
{
    Suite *s = suite_create("grant_table");

    UNIT_ADD_TEST(s, setup_and_table_frames);
    UNIT_ADD_TEST(s, setup_out_of_memory);
    UNIT_ADD_TEST(s, map_status_codes);
    UNIT_ADD_TEST(s, xsa224_separate_halves);
    UNIT_ADD_TEST(s, map_avail_bits);
    UNIT_ADD_TEST(s, map_flushes_only_over_a_present_entry);
    UNIT_ADD_TEST(s, version_2);
    UNIT_ADD_TEST(s, xsa234_replace);
    UNIT_ADD_TEST(s, flags_and_revocation);
    UNIT_ADD_TEST(s, copy_cases);
    UNIT_ADD_TEST(s, granter_dies_while_mapped);
    UNIT_ADD_TEST(s, orphan_held_outside_grants_freed_when_released);
    UNIT_ADD_TEST(s, mapper_dies_while_mapped);
    UNIT_ADD_TEST(s, handles_and_limits);
    UNIT_ADD_TEST(s, check_detects_corruption);
    UNIT_ADD_SLOW_TEST(s, random_ops_invariants, 600);
    return s;
}
