/* Grant tables: a mapping domain that dies with a grant still mapped (granter:
 * domu_grant_survivor.c).
 *
 * Booted as a `domU ... cmdline="peer=<survivor's domid>"` module by
 * tests/boot/scenarios/grant-death.sh, never by tests/guests/run.sh. It maps the
 * survivor's REF_RW writable, leaves a marker in it, waits until the survivor has seen
 * the mapping (GTF_writing on its entry) and powers off without unmapping: its teardown
 * must remove the mapping, clear the survivor's flags and drop every reference.
 */
#include "domu_grant.h"

enum { G_READY = 1, G_SEEN };
enum { P_MAPPED = 1 };

static volatile char at_a[4096] BSS_PAGE;

void test_main(void)
{
    static const char marker[] = "MAPPER-WAS-HERE";
    gnttab_map_grant_ref_t m;
    uint64_t peer;

    if (!cmdline_value("peer", &peer) || peer == 0 || peer >= DOMID_FIRST_RESERVED)
        rt_panic("usage: peer=<domid>");
    peer_waits((domid_t)peer, G_READY);
    t_begin("map_and_die_mapped");
    m = (gnttab_map_grant_ref_t){ .host_addr = (uint64_t)at_a, .flags = GNTMAP_host_map,
                                  .ref = REF_RW, .dom = (domid_t)peer };
    t_eq("map", gop(GNTTABOP_map_grant_ref, &m, 1), 0);
    if (!t_eq("map status", m.status, GNTST_okay))
        rt_panic("cannot map the survivor's page: %d", m.status);
    memcpy((void *)at_a, marker, sizeof(marker));
    peer_says((domid_t)peer, P_MAPPED);
    peer_waits((domid_t)peer, G_SEEN);
    t_end();
    printk("grant-mapper: powering off with d%lu's REF_RW mapped (handle %u)\n",
           (unsigned long)peer, m.handle);
}
