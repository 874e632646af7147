/* Grant tables: a granting domain that dies while its grant is mapped (peer:
 * domu_grant_survivor.c).
 *
 * Booted as a `domU ... cmdline="peer=<survivor's domid>"` module by
 * tests/boot/scenarios/grant-death.sh, never by tests/guests/run.sh. It grants the
 * survivor a writable page holding a marker and the mailbox, waits until the survivor
 * has the page mapped (the entry shows GTF_reading|GTF_writing), writes its last words
 * into the page and powers off with the mapping in place. The survivor then still
 * reads and writes the page (it must not have been freed or reused), unmaps it, and
 * the hypervisor frees it then; the scenario checks no frame leaked.
 */
#include "domu_grant.h"

enum { G_READY = 1, G_DYING };
enum { P_MAPPED = 1 };

static uint8_t table_page[4096] BSS_PAGE;
static volatile char page[4096] BSS_PAGE;
static volatile uint64_t box[512] BSS_PAGE;

void test_main(void)
{
    static const char marker[] = "GRANTED-BY-THE-DYING-DOMAIN";
    static const char last[] = "LAST-WORDS";
    volatile grant_entry_v1_t *gt;
    uint64_t peer;

    if (!cmdline_value("peer", &peer) || peer == 0 || peer >= DOMID_FIRST_RESERVED)
        rt_panic("usage: peer=<domid>");
    t_begin("grant_to_survivor");
    gt = granter_setup(table_page);
    if (gt == NULL)
        rt_panic("no grant table");
    memcpy((void *)page, marker, sizeof(marker));
    grant_access(gt, REF_RW, (uint16_t)peer, virt_to_mfn(page), false);
    grant_access(gt, REF_BOX, (uint16_t)peer, virt_to_mfn(box), false);
    t_end();
    box[BOX_GRANTER] = G_READY;
    granter_waits(box, P_MAPPED);
    t_begin("dies_with_its_grant_mapped");
    t_eq("flags while mapped", gt[REF_RW].flags, GTF_permit_access | GTF_reading | GTF_writing);
    t_check(!end_access(gt, REF_RW), "end_access succeeded on a mapped grant");
    memcpy((void *)&page[64], last, sizeof(last));
    t_end();
    printk("grant-dies: powering off with REF_RW mapped by d%lu\n", (unsigned long)peer);
    box[BOX_GRANTER] = G_DYING;
}
