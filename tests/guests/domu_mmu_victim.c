/* A boot-time domain (domU) that other domains attack through the PV MMU: it watches
 * its own memory and page tables and reports whether anything changed them.
 *
 * Not booted by tests/guests/run.sh: tests/boot/scenarios/mmu-cross-domain.sh and
 * mmu-foreign-hold.sh give it as a `domU ...` module. At start it fills 8 canary
 * pages with a pattern, writes a marker page ("XLITE-VICTIM-MARKER-PAGE", an ack word
 * at byte 2048 left 0) and snapshots its page tables (L4, the L3 and L2 of the image,
 * every L1 they reach; A/D bits aside) and the M2P entry of each of its frames. Then:
 *   watch_first=N watch_last=M   it sleeps 20 ms at a time until domains N..M are all
 *                                gone (an unprivileged domain sees -EPERM for a live
 *                                foreigndom, -ESRCH for a dead one), at most 40 s;
 *   handshake                    it sleeps 10 ms at a time until someone writes
 *                                ACK (0x41434B2D41434B21) into the ack word, at most
 *                                20 s, and answers by writing DONE into the next word.
 * After every sleep it checks the canaries, the page tables and the M2P snapshot, and
 * at the end reports "PASS victim_intact" (or the first difference), "DONE ..." and
 * SCHEDOP_shutdown(poweroff).
 */
#include "rt.h"
#include "pvtime.h"

#define NR_CANARY   8
#define MAX_PFNS    8192
#define MAX_L1      8
#define ACK_MAGIC   0x41434B2D41434B21ull   /* "!KCA-KCA" */
#define DONE_MAGIC  0x454E4F442D4D4954ull
#define AD          (PTE_A | PTE_D)

static uint8_t canary[NR_CANARY][4096] BSS_PAGE;
static volatile uint64_t marker[512] BSS_PAGE;
static uint64_t m2p_snap[MAX_PFNS];
static uint64_t pt_snap[3 + MAX_L1][512];
static const uint64_t *pt_live[3 + MAX_L1];
static unsigned int nr_tables;

static uint64_t pattern(unsigned int page, unsigned int i)
{
    return ((uint64_t)page << 56) ^ (i * 0x9E3779B97F4A7C15ull) ^ 0x5EC0DEull;
}

static const uint64_t *table(uint64_t e)
{
    return (const uint64_t *)mfn_to_virt((e & PTE_ADDR) >> 12);
}

static void snapshot(void)
{
    const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
    const uint64_t *l3 = table(l4[0]), *l2 = table(l3[0]);

    pt_live[0] = l4;
    pt_live[1] = l3;
    pt_live[2] = l2;
    nr_tables = 3;
    for (unsigned int i = 0; i < 512 && nr_tables < 3 + MAX_L1; i++)
        if (l2[i] & PTE_P)
            pt_live[nr_tables++] = table(l2[i]);
    for (unsigned int t = 0; t < nr_tables; t++)
        memcpy(pt_snap[t], pt_live[t], 4096);
    for (uint64_t pfn = 0; pfn < start_info->nr_pages && pfn < MAX_PFNS; pfn++)
        m2p_snap[pfn] = M2P[pfn_to_mfn(pfn)];
}

/* First difference from the starting state, into why; false if none. */
static bool changed(char *why, size_t len)
{
    for (unsigned int p = 0; p < NR_CANARY; p++) {
        const uint64_t *c = (const uint64_t *)canary[p];
        for (unsigned int i = 0; i < 512; i++)
            if (c[i] != pattern(p, i)) {
                snprintf(why, len, "canary page %u word %u is %#lx", p, i,
                         (unsigned long)c[i]);
                return true;
            }
    }
    for (unsigned int t = 0; t < nr_tables; t++)
        for (unsigned int i = 0; i < 512; i++) {
            if (t == 0 && i >= XLITE_HV_L4_FIRST_SLOT && i < XLITE_HV_L4_FIRST_SLOT + 16)
                continue;
            if ((pt_live[t][i] ^ pt_snap[t][i]) & ~AD) {
                snprintf(why, len, "page table %u entry %u: %#lx, was %#lx", t, i,
                         (unsigned long)pt_live[t][i], (unsigned long)pt_snap[t][i]);
                return true;
            }
        }
    for (uint64_t pfn = 0; pfn < start_info->nr_pages && pfn < MAX_PFNS; pfn++)
        if (M2P[pfn_to_mfn(pfn)] != m2p_snap[pfn]) {
            snprintf(why, len, "M2P entry of pfn %#lx (mfn %#lx) is %#lx, was %#lx",
                     (unsigned long)pfn, (unsigned long)pfn_to_mfn(pfn),
                     (unsigned long)M2P[pfn_to_mfn(pfn)], (unsigned long)m2p_snap[pfn]);
            return true;
        }
    return false;
}

/* An unprivileged domain learns whether domain id exists from mmu_update's check of
 * foreigndom: -EPERM (exists, not ours to use), -ESRCH (no such domain). */
static bool domain_alive(uint64_t id)
{
    return HYPERCALL4(__HYPERVISOR_mmu_update, NULL, 0, NULL, id) != -XEN_ESRCH;
}

void test_main(void)
{
    uint64_t first = 0, last = 0;
    bool handshake = cmdline_has("handshake");
    char why[160] = "";
    bool bad = false;
    unsigned int sleeps = 0;

    if (!shared)
        rt_panic("shared_info not mapped");
    for (unsigned int p = 0; p < NR_CANARY; p++)
        for (unsigned int i = 0; i < 512; i++)
            ((uint64_t *)canary[p])[i] = pattern(p, i);
    memcpy((void *)marker, "XLITE-VICTIM-MARKER-PAGE", 25);
    snapshot();
    if (!handshake && (!cmdline_value("watch_first", &first) ||
                       !cmdline_value("watch_last", &last)))
        rt_panic("need watch_first=N watch_last=M or handshake on the command line");
    printk("victim: %u page tables, %lu frames watched, marker at mfn %#lx\n", nr_tables,
           (unsigned long)start_info->nr_pages, (unsigned long)virt_to_mfn(marker));

    uint64_t start = pvclock_now(), end = start + (handshake ? 20 : 40) * NS_PER_S;
    for (;;) {
        bool waiting;
        if (handshake) {
            waiting = marker[256] != ACK_MAGIC;
        } else {
            waiting = false;
            for (uint64_t id = first; id <= last; id++)
                waiting |= domain_alive(id);
        }
        if (!waiting || pvclock_now() >= end)
            break;
        sleep_until(pvclock_now() + (handshake ? 10 : 20) * NS_PER_MS);
        sleeps++;
        if (!bad && changed(why, sizeof(why)))
            bad = true;
    }
    if (handshake) {
        t_begin("victim_acknowledged");
        t_eq("ack word", marker[256], ACK_MAGIC);
        t_end();
        marker[257] = DONE_MAGIC;
    } else {
        t_begin("victim_outlived_attackers");
        for (uint64_t id = first; id <= last; id++)
            t_check(!domain_alive(id), "d%lu still alive after 40 s", (unsigned long)id);
        t_end();
    }
    printk("victim: %u checks over %lu ms\n", sleeps,
           (unsigned long)((pvclock_now() - start) / NS_PER_MS));
    t_begin("victim_intact");
    if (!bad)
        bad = changed(why, sizeof(why));
    t_check(!bad, "%s", why);
    t_end();
}
