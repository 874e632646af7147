/* Grant tables across domains, the mapping side (granter: domu_grant_granter.c).
 *
 * Booted as a `domU ... cmdline="peer=<granter's domid>"` module by
 * tests/boot/scenarios/grant-peers.sh (dom0=none), never by tests/guests/run.sh.
 * Talks to the granter through its mailbox grant with GNTTABOP_copy only. Checks:
 *  - every refusal with its status: a ref nobody granted, one granted to another
 *    domain, beyond the table, of an unknown domain, no host/device flag, a writable map
 *    of a read-only grant, a misaligned GNTMAP_contains_pte address (XSA-227), unknown
 *    and stale handles, unmapping twice; copies with a bad ref, the wrong domain, an
 *    unknown domain, offset + length beyond the page, a frame side naming another
 *    domain, a frame that is not the caller's, a read-only grant as destination;
 *  - a writable grant mapped host + device: writes land in the granter's page (the
 *    granter checks), dev_bus_addr is the frame; each half unmapped on its own;
 *  - a read-only grant (mapped by PTE address, GNTMAP_contains_pte): reads see the
 *    pattern, a write faults with #PF (present, write) and changes nothing;
 *  - a writable mapping held while the granter tries to pin the frame;
 *  - copies in both directions with odd offsets and lengths, one batch of three;
 *  - after the granter revoked the grant, mapping it and copying into it fail.
 * Without these, the backends' data path (copies) and the frontends' mappings would
 * either not work or let a guest reach memory it was not granted.
 */
#include "domu_grant.h"

enum { G_READY = 1, G_CHECKED, G_PIN_REFUSED, G_GO_COPY, G_REVOKED };
enum { P_MAPPED = 1, P_PINTEST, P_PINDONE, P_DONE, P_BYE };

static volatile uint8_t at_a[4096] BSS_PAGE;    /* REF_RW */
static volatile uint8_t at_b[4096] BSS_PAGE;    /* REF_RO */
static volatile uint8_t at_c[4096] BSS_PAGE;    /* REF_PIN */
static volatile uint8_t local[4096] BSS_PAGE;   /* copy source and destination */

static uint64_t granter;

static int16_t map(uint64_t addr, uint32_t flags, uint32_t ref, domid_t dom, uint32_t *handle,
                   uint64_t *bus)
{
    gnttab_map_grant_ref_t m = { .host_addr = addr, .flags = flags, .ref = ref, .dom = dom };
    long rc = gop(GNTTABOP_map_grant_ref, &m, 1);

    if (rc != 0)
        return (int16_t)(rc < -1000 ? -1000 : rc - 1000);      /* never a GNTST_* */
    if (handle != NULL)
        *handle = m.handle;
    if (bus != NULL)
        *bus = m.dev_bus_addr;
    return m.status;
}

static int16_t unmap(uint64_t host, uint64_t dev, uint32_t handle)
{
    gnttab_unmap_grant_ref_t u = { .host_addr = host, .dev_bus_addr = dev, .handle = handle };
    long rc = gop(GNTTABOP_unmap_grant_ref, &u, 1);

    return rc != 0 ? -1000 : u.status;
}

/* One copy: a side is a grant (ref of dom) when *_gref, else a frame (dom = its domid
 * field as given). */
static int16_t copy(bool src_gref, uint64_t src, domid_t src_dom, uint16_t src_off,
                    bool dst_gref, uint64_t dst, domid_t dst_dom, uint16_t dst_off,
                    uint16_t len)
{
    gnttab_copy_t c;

    memset(&c, 0, sizeof(c));
    if (src_gref)
        c.source.u.ref = (grant_ref_t)src;
    else
        c.source.u.gmfn = src;
    if (dst_gref)
        c.dest.u.ref = (grant_ref_t)dst;
    else
        c.dest.u.gmfn = dst;
    c.source.domid = src_dom;
    c.source.offset = src_off;
    c.dest.domid = dst_dom;
    c.dest.offset = dst_off;
    c.len = len;
    c.flags = (src_gref ? GNTCOPY_source_gref : 0) | (dst_gref ? GNTCOPY_dest_gref : 0);
    return gop(GNTTABOP_copy, &c, 1) != 0 ? -1000 : c.status;
}

#define G ((domid_t)granter)
#define SELF DOMID_SELF
#define LOCAL virt_to_mfn(local)

static void refusals(void)
{
    uint32_t h = 0;

    t_begin("map_refusals_status_codes");
    t_eq("ref nobody granted", map((uint64_t)at_a, GNTMAP_host_map, 300, G, NULL, NULL),
         GNTST_general_error);
    t_eq("ref granted to another domain",
         map((uint64_t)at_a, GNTMAP_host_map, REF_OTHER, G, NULL, NULL), GNTST_general_error);
    t_eq("ref beyond the table", map((uint64_t)at_a, GNTMAP_host_map, 5000, G, NULL, NULL),
         GNTST_bad_gntref);
    t_eq("unknown domain", map((uint64_t)at_a, GNTMAP_host_map, REF_RW, 0x7000, NULL, NULL),
         GNTST_bad_domain);
    t_eq("neither host nor device", map((uint64_t)at_a, 0, REF_RW, G, NULL, NULL),
         GNTST_bad_gntref);
    t_eq("writable map of a read-only grant",
         map((uint64_t)at_b, GNTMAP_host_map, REF_RO, G, NULL, NULL), GNTST_general_error);
    t_eq("misaligned PTE address (XSA-227)",
         map(l1e_maddr(at_b) + 2, GNTMAP_host_map | GNTMAP_contains_pte | GNTMAP_readonly,
             REF_RO, G, NULL, NULL), GNTST_general_error);
    t_eq("host address without a page table",
         map(0x0000700000000000ull, GNTMAP_host_map, REF_RW, G, NULL, NULL),
         GNTST_general_error);
    t_eq("unknown handle", unmap((uint64_t)at_a, 0, 777), GNTST_bad_handle);
    t_eq("handle never used", unmap((uint64_t)at_a, 0, 0xFFFFFFFFu), GNTST_bad_handle);
    t_eq("at_a still ours", at_a[0], 0);
    t_end();

    t_begin("copy_refusals_status_codes");
    t_eq("ref beyond the table", copy(true, 5000, G, 0, false, LOCAL, SELF, 0, 8),
         GNTST_bad_gntref);
    t_eq("ref of the wrong domain", copy(true, REF_OTHER, G, 0, false, LOCAL, SELF, 0, 8),
         GNTST_general_error);
    t_eq("ref nobody granted", copy(true, 301, G, 0, false, LOCAL, SELF, 0, 8),
         GNTST_general_error);
    t_eq("unknown domain", copy(true, REF_RW, 0x7000, 0, false, LOCAL, SELF, 0, 8),
         GNTST_bad_domain);
    t_eq("source offset + len beyond the page",
         copy(true, REF_RW, G, 4000, false, LOCAL, SELF, 0, 97), GNTST_bad_copy_arg);
    t_eq("dest offset + len beyond the page",
         copy(false, LOCAL, SELF, 0, true, REF_RW, G, 1, 4096), GNTST_bad_copy_arg);
    t_eq("frame side naming another domain",
         copy(false, LOCAL, G, 0, true, REF_RW, G, 0, 8), GNTST_permission_denied);
    t_eq("frame that is not ours", copy(false, 1, SELF, 0, true, REF_RW, G, 0, 8),
         GNTST_bad_page);
    t_eq("read-only grant as destination",
         copy(false, LOCAL, SELF, 0, true, REF_RO, G, 0, 8), GNTST_general_error);
    t_end();
    (void)h;
}

static void rw_mapping(void)
{
    uint32_t h = 0;
    uint64_t bus = 0;
    int16_t st;

    t_begin("map_rw_host_and_device");
    st = map((uint64_t)at_a, GNTMAP_host_map | GNTMAP_device_map, REF_RW, G, &h, &bus);
    if (!t_eq("map status", st, GNTST_okay))
        rt_panic("cannot map the granter's page: %d", st);
    t_check(bus != 0 && (bus & 0xFFF) == 0, "dev_bus_addr %#lx", (unsigned long)bus);
    t_eq("map at the same address again", map((uint64_t)at_a, GNTMAP_host_map, REF_RW, G,
                                                NULL, NULL), GNTST_general_error);
    for (unsigned int i = 64; i < 4096; i++)
        at_a[i] = pattern_peer(i);
    for (unsigned int i = 64; i < 4096; i++)
        if (!t_eq("read back", at_a[i], pattern_peer(i)))
            break;
    t_end();
    peer_says(G, P_MAPPED);
    peer_waits(G, G_CHECKED);

    t_begin("unmap_halves_separately");
    t_eq("unmap without a half", unmap(0, 0, h), GNTST_general_error);
    t_eq("device half, wrong address", unmap(0, bus + 4096, h), GNTST_bad_dev_addr);
    t_eq("host half, wrong address", unmap((uint64_t)at_b, 0, h), GNTST_general_error);
    t_eq("host half", unmap((uint64_t)at_a, 0, h), GNTST_okay);
    t_eq("host half twice", unmap((uint64_t)at_a, 0, h), GNTST_general_error);
    t_eq("device half", unmap(0, bus, h), GNTST_okay);
    t_eq("unmap twice (stale handle)", unmap((uint64_t)at_a, bus, h), GNTST_bad_handle);
    t_eq("at_a back to our own frame", restore(at_a), 0);
    t_end();
}

static void ro_mapping(void)
{
    uint32_t h = 0;
    unsigned long traps;

    t_begin("ro_grant_refuses_writes");
    t_eq("map read-only by PTE address",
         map(l1e_maddr(at_b), GNTMAP_host_map | GNTMAP_contains_pte | GNTMAP_readonly, REF_RO,
             G, &h, NULL), GNTST_okay);
    for (unsigned int i = 0; i < 4096; i++)
        if (!t_eq("pattern", at_b[i], pattern_ro(i)))
            break;
    traps = write_byte(&at_b[100], 0xEE);
    t_eq("traps on a write", traps, 1);
    t_eq("vector", rt_last_trap.vector, X86_EXC_PF);
    t_eq("error code present+write", rt_last_trap.ec & (PFEC_P | PFEC_W), PFEC_P | PFEC_W);
    t_eq("cr2", rt_last_trap.cr2, (uint64_t)&at_b[100]);
    t_eq("byte unchanged", at_b[100], pattern_ro(100));
    t_eq("unmap by PTE address", unmap(l1e_maddr(at_b), 0, h), GNTST_okay);
    t_eq("at_b back to our own frame", restore(at_b), 0);
    t_end();
}

static void pin_while_mapped(void)
{
    uint32_t h = 0;

    t_begin("hold_rw_mapping_while_granter_pins");
    t_eq("map REF_PIN writable", map((uint64_t)at_c, GNTMAP_host_map, REF_PIN, G, &h, NULL),
         GNTST_okay);
    at_c[5] = 0x55;
    peer_says(G, P_PINTEST);
    peer_waits(G, G_PIN_REFUSED);
    t_eq("unmap", unmap((uint64_t)at_c, 0, h), GNTST_okay);
    t_eq("at_c back", restore(at_c), 0);
    t_end();
    peer_says(G, P_PINDONE);
}

static void copies(void)
{
    gnttab_copy_t c[3];

    peer_waits(G, G_GO_COPY);
    t_begin("copy_both_directions");
    for (unsigned int i = 0; i < 4096; i++)
        local[i] = pattern_peer(i);
    t_eq("ours -> grant, odd offsets", copy(false, LOCAL, SELF, 3, true, REF_RW, G, 1001, 777),
         GNTST_okay);
    memset(c, 0, sizeof(c));
    c[0].source.u.ref = REF_RO;                 /* grant -> ours, the last byte */
    c[0].source.domid = G;
    c[0].source.offset = 4095;
    c[0].dest.u.gmfn = LOCAL;
    c[0].dest.domid = SELF;
    c[0].dest.offset = 0;
    c[0].len = 1;
    c[0].flags = GNTCOPY_source_gref;
    c[1] = c[0];                                /* grant -> ours, 1234 bytes */
    c[1].source.offset = 3;
    c[1].dest.offset = 2049;
    c[1].len = 1234;
    c[2].source.u.gmfn = LOCAL;                 /* ours -> grant, from offset 100 */
    c[2].source.domid = SELF;
    c[2].source.offset = 100;
    c[2].dest.u.ref = REF_RW;
    c[2].dest.domid = G;
    c[2].dest.offset = 3000;
    c[2].len = 500;
    c[2].flags = GNTCOPY_dest_gref;
    t_eq("batch of three", gop(GNTTABOP_copy, c, 3), 0);
    t_eq("statuses", c[0].status | c[1].status | c[2].status, GNTST_okay);
    t_eq("last byte", local[0], pattern_ro(4095));
    for (unsigned int i = 0; i < 1234; i++)
        if (!t_eq("copied byte", local[2049 + i], pattern_ro(3 + i)))
            break;
    t_eq("byte after", local[2049 + 1234], pattern_peer(2049 + 1234));
    t_eq("byte before", local[2048], pattern_peer(2048));
    t_end();
    peer_says(G, P_DONE);
}

static void after_revoke(void)
{
    peer_waits(G, G_REVOKED);
    t_begin("map_and_copy_after_revoke_fail");
    t_eq("map", map((uint64_t)at_a, GNTMAP_host_map, REF_RW, G, NULL, NULL),
         GNTST_general_error);
    t_eq("copy into it", copy(false, LOCAL, SELF, 0, true, REF_RW, G, 0, 8),
         GNTST_general_error);
    t_eq("at_a untouched", restore(at_a), 0);
    t_end();
    peer_says(G, P_BYE);
}

void test_main(void)
{
    uint64_t v = 1;

    if (!cmdline_value("peer", &granter) || granter == 0 || granter >= DOMID_FIRST_RESERVED)
        rt_panic("usage: peer=<granter's domid>");
    /* Until the granter is set up, the mailbox copy fails; then it says READY. */
    peer_waits(G, G_READY);
    t_begin("mailbox_by_copy");
    t_eq("read our own word back", box_io(G, BOX_PEER, &v, false), GNTST_okay);
    t_eq("it is still 0", v, 0);
    t_end();
    refusals();
    rw_mapping();
    ro_mapping();
    pin_while_mapped();
    copies();
    after_revoke();
}
