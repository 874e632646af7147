/* Grant tables across domains, the granting side (peer: domu_grant_peer.c).
 *
 * Booted as a `domU ... cmdline="self=<its domid> peer=<peer's domid>"` module by
 * tests/boot/scenarios/grant-peers.sh (dom0=none), never by tests/guests/run.sh.
 * It sets up a one-frame v1 table, grants the peer a writable page (REF_RW), a
 * read-only page with a known pattern (REF_RO), the mailbox (REF_BOX) and a page it
 * will try to pin (REF_PIN), and grants REF_OTHER to a domain that does not exist.
 * Then, in step with the peer:
 *  - while the peer maps REF_RW: the entry shows GTF_reading|GTF_writing, ending
 *    access (Mini-OS's compare-exchange) is refused, the peer's writes are visible;
 *  - while the peer maps REF_PIN writable: MMUEXT_PIN_L1_TABLE of that frame is
 *    -EINVAL (the grant holds its writable type), and works once it is unmapped;
 *  - after the peer's copies: the bytes it copied into REF_RW are where it put them;
 *  - every entry is back to GTF_permit_access alone, access ends, the peer's mapping
 *    after that revocation fails (peer side);
 *  - XSA-224 and XSA-234 as XTF runs them, on self-grants.
 * Without these, a mapped grant could be revoked or pinned as a page table, copies
 * could land anywhere, and unmaps could drop references they never took.
 */
#include "domu_grant.h"

enum { G_READY = 1, G_CHECKED, G_PIN_REFUSED, G_GO_COPY, G_REVOKED };
enum { P_MAPPED = 1, P_PINTEST, P_PINDONE, P_DONE, P_BYE };

static uint8_t table_page[4096] BSS_PAGE;
static volatile uint8_t rw_page[4096] BSS_PAGE;
static volatile uint8_t ro_page[4096] BSS_PAGE;
static volatile uint64_t box[512] BSS_PAGE;
static volatile uint8_t other_page[4096] BSS_PAGE;
static volatile uint8_t pin_page[4096] BSS_PAGE;
static volatile uint8_t frame1[4096] BSS_PAGE;      /* XSA-224/234 */
static volatile uint8_t frame2[4096] BSS_PAGE;
static volatile uint8_t at_a[4096] BSS_PAGE;        /* where self-grants get mapped */
static volatile uint8_t at_b[4096] BSS_PAGE;

static volatile grant_entry_v1_t *gt;
static uint64_t peer, self;

static long pin_l1(volatile void *va)
{
    mmuext_op_t op = { .cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = virt_to_mfn(va) };
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static long unpin(volatile void *va)
{
    mmuext_op_t op = { .cmd = MMUEXT_UNPIN_TABLE, .arg1.mfn = virt_to_mfn(va) };
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static bool busy(uint32_t ref)
{
    return gt[ref].flags & (GTF_reading | GTF_writing);
}

static void setup(void)
{
    t_begin("setup_and_grant");
    gt = granter_setup(table_page);
    if (gt == NULL)
        rt_panic("no grant table");
    for (unsigned int i = 0; i < 4096; i++)
        ro_page[i] = pattern_ro(i);
    /* Only the grant may hold a writable ref on pin_page: our own view is read-only. */
    t_eq("pin_page read-only here", remap(pin_page, virt_to_mfn(pin_page), PTE_RO_FLAGS), 0);
    grant_access(gt, REF_RW, (uint16_t)peer, virt_to_mfn(rw_page), false);
    grant_access(gt, REF_RO, (uint16_t)peer, virt_to_mfn(ro_page), true);
    grant_access(gt, REF_BOX, (uint16_t)peer, virt_to_mfn(box), false);
    grant_access(gt, REF_OTHER, 0x3F, virt_to_mfn(other_page), false);
    grant_access(gt, REF_PIN, (uint16_t)peer, virt_to_mfn(pin_page), false);
    t_end();
    printk("granter: table ready, peer d%lu\n", (unsigned long)peer);
    box[BOX_GRANTER] = G_READY;
}

static void while_mapped(void)
{
    granter_waits(box, P_MAPPED);
    t_begin("mapped_grant_is_marked_and_cannot_be_revoked");
    t_eq("REF_RW flags", gt[REF_RW].flags, GTF_permit_access | GTF_reading | GTF_writing);
    t_check(!end_access(gt, REF_RW), "end_access succeeded on a mapped grant");
    t_eq("REF_RW flags after the refused end_access", gt[REF_RW].flags,
         GTF_permit_access | GTF_reading | GTF_writing);
    for (unsigned int i = 64; i < 4096; i++)
        if (!t_eq("byte the peer wrote", rw_page[i], pattern_peer(i)))
            break;
    t_end();
    box[BOX_GRANTER] = G_CHECKED;

    granter_waits(box, P_PINTEST);
    t_begin("pin_of_grant_mapped_writable_frame_einval");
    t_eq("REF_PIN flags", gt[REF_PIN].flags, GTF_permit_access | GTF_reading | GTF_writing);
    t_eq("PIN_L1_TABLE", pin_l1(pin_page), -XEN_EINVAL);
    t_end();
    box[BOX_GRANTER] = G_PIN_REFUSED;

    granter_waits(box, P_PINDONE);
    t_begin("pin_after_the_peer_unmapped");
    t_eq("REF_PIN flags", gt[REF_PIN].flags, GTF_permit_access);
    t_eq("PIN_L1_TABLE", pin_l1(pin_page), 0);
    t_eq("UNPIN", unpin(pin_page), 0);
    t_end();
    box[BOX_GRANTER] = G_GO_COPY;
}

static void after_copies(void)
{
    static const uint32_t refs[] = { REF_RW, REF_RO, REF_BOX, REF_PIN };

    granter_waits(box, P_DONE);
    t_begin("peer_copies_landed");
    for (unsigned int i = 0; i < 777; i++)
        if (!t_eq("copied byte (source offset 3, dest offset 1001)", rw_page[1001 + i],
                  pattern_peer(3 + i)))
            break;
    for (unsigned int i = 0; i < 500; i++)
        if (!t_eq("batched copy byte (dest offset 3000)", rw_page[3000 + i],
                  pattern_peer(100 + i)))
            break;
    t_eq("byte before the copy", rw_page[1000], pattern_peer(1000));
    t_eq("byte after the copy", rw_page[1778], pattern_peer(1778));
    t_end();

    t_begin("revoke_after_unmap");
    for (unsigned int i = 0; i < ARRAY_SIZE(refs); i++)
        t_check(!busy(refs[i]), "ref %u still marked %#x", refs[i], gt[refs[i]].flags);
    t_check(end_access(gt, REF_RW), "end_access refused with nothing mapped");
    t_eq("REF_RW flags", gt[REF_RW].flags, 0);
    t_end();
    box[BOX_GRANTER] = G_REVOKED;
    granter_waits(box, P_BYE);
}

/* XTF's xsa-224 on a self-grant: host and device halves of one writable mapping
 * unmapped in two calls drop exactly their own refs, so the frame's own writable
 * mapping still keeps it from becoming an L1 (PIN_L1_TABLE -EINVAL). */
static void xsa224(void)
{
    gnttab_map_grant_ref_t m = { .host_addr = (uint64_t)at_a,
                                 .flags = GNTMAP_host_map | GNTMAP_device_map,
                                 .ref = 14, .dom = (domid_t)self };
    gnttab_unmap_grant_ref_t u;

    t_begin("xsa224_host_and_device_unmapped_separately");
    grant_access(gt, 14, (uint16_t)self, virt_to_mfn(frame1), false);
    t_eq("map host+device", gop(GNTTABOP_map_grant_ref, &m, 1), 0);
    t_eq("map status", m.status, GNTST_okay);
    t_eq("dev_bus_addr", m.dev_bus_addr, virt_to_mfn(frame1) << 12);
    u = (gnttab_unmap_grant_ref_t){ .host_addr = (uint64_t)at_a, .handle = m.handle };
    t_eq("host unmap", gop(GNTTABOP_unmap_grant_ref, &u, 1), 0);
    t_eq("host unmap status", u.status, GNTST_okay);
    u = (gnttab_unmap_grant_ref_t){ .dev_bus_addr = virt_to_maddr(frame1), .handle = m.handle };
    t_eq("device unmap", gop(GNTTABOP_unmap_grant_ref, &u, 1), 0);
    t_eq("device unmap status", u.status, GNTST_okay);
    t_eq("PIN_L1_TABLE of the frame", pin_l1(frame1), -XEN_EINVAL);
    t_eq("unmap once more", gop(GNTTABOP_unmap_grant_ref, &u, 1), 0);
    t_eq("unmap once more status", u.status, GNTST_bad_handle);
    t_check(end_access(gt, 14), "end_access refused after both unmaps");
    t_eq("restore at_a", restore(at_a), 0);
    t_end();
}

/* XTF's xsa-234 on self-grants: unmap_and_replace of a read-only grant, stealing the
 * writable grant entry of frame1 from at_a, must not drop frame1's writable ref. */
static void xsa234(void)
{
    gnttab_map_grant_ref_t m1 = { .host_addr = (uint64_t)at_a, .flags = GNTMAP_host_map,
                                  .ref = 15, .dom = (domid_t)self };
    gnttab_map_grant_ref_t m2 = { .host_addr = (uint64_t)at_b,
                                  .flags = GNTMAP_host_map | GNTMAP_readonly,
                                  .ref = 16, .dom = (domid_t)self };
    gnttab_unmap_and_replace_t ur;
    gnttab_unmap_grant_ref_t u;

    t_begin("xsa234_unmap_and_replace_keeps_writable_ref");
    t_eq("frame1 read-only here", remap(frame1, virt_to_mfn(frame1), PTE_RO_FLAGS), 0);
    grant_access(gt, 15, (uint16_t)self, virt_to_mfn(frame1), false);
    grant_access(gt, 16, (uint16_t)self, virt_to_mfn(frame2), false);
    t_eq("map frame1 RW at a", gop(GNTTABOP_map_grant_ref, &m1, 1), 0);
    t_eq("map frame2 RO at b", gop(GNTTABOP_map_grant_ref, &m2, 1), 0);
    t_eq("statuses", m1.status | m2.status, GNTST_okay);
    ur = (gnttab_unmap_and_replace_t){ .host_addr = (uint64_t)at_b, .new_addr = (uint64_t)at_a,
                                       .handle = m2.handle };
    t_eq("unmap_and_replace", gop(GNTTABOP_unmap_and_replace, &ur, 1), 0);
    t_eq("unmap_and_replace status", ur.status, GNTST_okay);
    t_eq("frame1 RO at a again", remap(at_a, virt_to_mfn(frame1), PTE_RO_FLAGS), 0);
    u = (gnttab_unmap_grant_ref_t){ .host_addr = (uint64_t)at_a, .handle = m1.handle };
    t_eq("unmap frame1 at a", gop(GNTTABOP_unmap_grant_ref, &u, 1), 0);
    t_eq("unmap at a status", u.status, GNTST_general_error);
    t_eq("PIN_L1_TABLE of frame1", pin_l1(frame1), -XEN_EINVAL);
    /* Clean up: the writable entry is at b now. */
    u.host_addr = (uint64_t)at_b;
    t_eq("unmap frame1 at b", gop(GNTTABOP_unmap_grant_ref, &u, 1), 0);
    t_eq("unmap at b status", u.status, GNTST_okay);
    t_eq("PIN_L1_TABLE once unmapped", pin_l1(frame1), 0);
    t_eq("UNPIN", unpin(frame1), 0);
    t_eq("restore a", restore(at_a), 0);
    t_eq("restore b", restore(at_b), 0);
    t_eq("restore frame1", restore(frame1), 0);
    t_check(end_access(gt, 15) && end_access(gt, 16), "end_access refused");
    t_end();
}

void test_main(void)
{
    if (!cmdline_value("peer", &peer) || peer == 0 || peer >= DOMID_FIRST_RESERVED ||
        !cmdline_value("self", &self) || self >= DOMID_FIRST_RESERVED)
        rt_panic("usage: self=<own domid> peer=<domid>");
    setup();
    while_mapped();
    after_copies();
    xsa224();
    xsa234();
}
