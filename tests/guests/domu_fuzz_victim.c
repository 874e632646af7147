/* The victim beside the hypercall fuzzer (domu_fuzz.c, tests/fuzz/): a boot-time
 * domain that fills 8 canary pages with a pattern, snapshots its page tables (L4, the
 * L3 and L2 of its image, every L1 they reach; A/D bits aside) and the M2P entry of
 * each of its frames, then sleeps 20 ms at a time, checking all of it after each
 * sleep, until domain watch=D (the fuzzer) is gone, or for at most max=S seconds
 * (default 3600; unlike domu_mmu_victim.c's 40 s cap, a fuzz campaign runs long).
 * It prints "victim: alive after N s, intact" every 10 s, reports the first difference
 * at once ("FAIL victim_intact: ..."), and at the end "PASS victim_outlived_fuzzer",
 * "PASS victim_intact" (or FAIL), DONE, then shuts down (poweroff).
 */
#include "rt.h"
#include "pvtime.h"

#define NR_CANARY   8
#define MAX_PFNS    8192
#define MAX_L1      8
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

/* Unprivileged: mmu_update's foreigndom check answers -EPERM for a live domain,
 * -ESRCH for one that is gone. */
static bool domain_alive(uint64_t id)
{
    return HYPERCALL4(__HYPERVISOR_mmu_update, NULL, 0, NULL, id) != -XEN_ESRCH;
}

void test_main(void)
{
    uint64_t watch = 2, max_s = 3600;
    char why[160] = "";
    bool bad = false;
    unsigned long checks = 0;

    if (!shared)
        rt_panic("shared_info not mapped");
    for (unsigned int p = 0; p < NR_CANARY; p++)
        for (unsigned int i = 0; i < 512; i++)
            ((uint64_t *)canary[p])[i] = pattern(p, i);
    memcpy((void *)marker, "XLITE-FUZZ-VICTIM-MARKER", 25);
    snapshot();
    cmdline_value("watch", &watch);
    cmdline_value("max", &max_s);
    printk("victim: %u page tables, %lu frames watched, watching d%lu for up to %lu s\n",
           nr_tables, (unsigned long)start_info->nr_pages, (unsigned long)watch,
           (unsigned long)max_s);

    uint64_t start = pvclock_now(), end = start + max_s * NS_PER_S, next = start + 10 * NS_PER_S;
    while (domain_alive(watch) && pvclock_now() < end) {
        sleep_until(pvclock_now() + 20 * NS_PER_MS);
        checks++;
        if (!bad && changed(why, sizeof(why))) {
            bad = true;
            printk("FAIL victim_intact: %s (after %lu s)\n", why,
                   (unsigned long)((pvclock_now() - start) / NS_PER_S));
        }
        if (pvclock_now() >= next) {
            printk("victim: alive after %lu s, %s\n",
                   (unsigned long)((pvclock_now() - start) / NS_PER_S), bad ? "DAMAGED" : "intact");
            next += 10 * NS_PER_S;
        }
    }
    t_begin("victim_outlived_fuzzer");
    t_check(!domain_alive(watch), "d%lu still alive after %lu s", (unsigned long)watch,
            (unsigned long)max_s);
    t_end();
    printk("victim: %lu checks over %lu ms\n", checks,
           (unsigned long)((pvclock_now() - start) / NS_PER_MS));
    if (bad) {
        printk("DONE 1 passed, 1 failed\n");
        rt_shutdown(SHUTDOWN_poweroff);
    }
    t_begin("victim_intact");
    t_check(!changed(why, sizeof(why)), "%s", why);
    t_end();
}
