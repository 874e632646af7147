/* Grant tables: the domain that outlives both a granter and a mapper (peers:
 * domu_grant_dies.c, domu_grant_mapper_dies.c).
 *
 * Booted as a `domU ... cmdline="granter=<domid> mapper=<domid>"` module by
 * tests/boot/scenarios/grant-death.sh, never by tests/guests/run.sh.
 *  - It maps the granter's page writable; the granter powers off with the page
 *    mapped. Once the granter is gone (its mailbox copy says GNTST_bad_domain) the page
 *    still holds the granter's marker and last words, takes writes, unmaps cleanly
 *    (then the handle is stale), and mapping the dead domain's grant is bad_domain.
 *  - It grants the mapper a writable page; while mapped, the entry shows
 *    GTF_reading|GTF_writing and access cannot end; the mapper powers off without
 *    unmapping; its teardown must clear the flags, after which access ends normally.
 * Without it, a dead domain's frames could be freed under a live mapping
 * (use-after-free) or kept forever (leak), and a dead mapper could pin a grant.
 */
#include "domu_grant.h"

enum { G_READY = 1, G_DYING, G_SEEN = 2 };
enum { P_MAPPED = 1 };

static uint8_t table_page[4096] BSS_PAGE;
static volatile char my_page[4096] BSS_PAGE;       /* granted to the mapper */
static volatile uint64_t box[512] BSS_PAGE;         /* the mapper's mailbox */
static volatile char at_a[4096] BSS_PAGE;           /* the granter's page */

static volatile grant_entry_v1_t *gt;
static uint64_t granter, mapper;

static bool str_at(volatile const char *p, const char *s)
{
    for (; *s; p++, s++)
        if (*p != *s)
            return false;
    return true;
}

static void grant_to_mapper(void)
{
    t_begin("grant_to_mapper");
    gt = granter_setup(table_page);
    if (gt == NULL)
        rt_panic("no grant table");
    grant_access(gt, REF_RW, (uint16_t)mapper, virt_to_mfn(my_page), false);
    grant_access(gt, REF_BOX, (uint16_t)mapper, virt_to_mfn(box), false);
    t_end();
    box[BOX_GRANTER] = G_READY;
}

static void outlive_granter(void)
{
    domid_t g = (domid_t)granter;
    gnttab_map_grant_ref_t m = { .host_addr = (uint64_t)at_a, .flags = GNTMAP_host_map,
                                 .ref = REF_RW, .dom = g };
    gnttab_unmap_grant_ref_t u = { .host_addr = (uint64_t)at_a };
    uint64_t end, v = 0;

    peer_waits(g, G_READY);
    t_begin("map_the_granters_page");
    t_eq("map", gop(GNTTABOP_map_grant_ref, &m, 1), 0);
    if (!t_eq("map status", m.status, GNTST_okay))
        rt_panic("cannot map the granter's page: %d", m.status);
    t_check(str_at(at_a, "GRANTED-BY-THE-DYING-DOMAIN"), "no marker in the granted page");
    t_end();
    peer_says(g, P_MAPPED);
    /* The granter writes its last words and powers off; its mailbox then goes away. */
    end = pvclock_now() + WAIT_NS;
    while (box_io(g, BOX_GRANTER, &v, false) != GNTST_bad_domain) {
        if (pvclock_now() > end)
            rt_panic("the granter is still there");
        yield();
    }
    t_begin("page_outlives_its_granter");
    t_check(str_at(at_a, "GRANTED-BY-THE-DYING-DOMAIN"), "marker gone");
    t_check(str_at(&at_a[64], "LAST-WORDS"), "last words gone");
    for (unsigned int i = 1024; i < 4096; i++)
        at_a[i] = (char)pattern_peer(i);
    for (unsigned int i = 1024; i < 4096; i++)
        if (!t_eq("read back", (uint8_t)at_a[i], pattern_peer(i)))
            break;
    u.handle = m.handle;
    t_eq("unmap", gop(GNTTABOP_unmap_grant_ref, &u, 1), 0);
    t_eq("unmap status", u.status, GNTST_okay);
    t_eq("unmap again", gop(GNTTABOP_unmap_grant_ref, &u, 1), 0);
    t_eq("unmap again status", u.status, GNTST_bad_handle);
    m.status = 99;
    t_eq("map the dead domain's grant", gop(GNTTABOP_map_grant_ref, &m, 1), 0);
    t_eq("map status", m.status, GNTST_bad_domain);
    t_eq("at_a back to our own frame", restore(at_a), 0);
    t_end();
}

static void outlive_mapper(void)
{
    uint64_t end = pvclock_now() + WAIT_NS;

    granter_waits(box, P_MAPPED);
    t_begin("mapper_dies_with_our_grant_mapped");
    t_eq("flags while mapped", gt[REF_RW].flags, GTF_permit_access | GTF_reading | GTF_writing);
    t_check(!end_access(gt, REF_RW), "end_access succeeded on a mapped grant");
    t_check(str_at(my_page, "MAPPER-WAS-HERE"), "no marker from the mapper");
    box[BOX_GRANTER] = G_SEEN;
    while (gt[REF_RW].flags & (GTF_reading | GTF_writing)) {
        if (pvclock_now() > end) {
            t_check(false, "flags %#x still set: the dead mapper's mapping stayed",
                    gt[REF_RW].flags);
            break;
        }
        yield();
    }
    t_check(end_access(gt, REF_RW), "end_access refused after the mapper died");
    t_check(end_access(gt, REF_BOX), "mailbox end_access refused");
    t_end();
}

void test_main(void)
{
    if (!cmdline_value("granter", &granter) || granter == 0 ||
        granter >= DOMID_FIRST_RESERVED || !cmdline_value("mapper", &mapper) || mapper == 0 ||
        mapper >= DOMID_FIRST_RESERVED)
        rt_panic("usage: granter=<domid> mapper=<domid>");
    grant_to_mapper();
    outlive_granter();
    outlive_mapper();
}
