/* dom0 keeps a domU's frame mapped while that domU dies: the frame must survive as
 * long as the mapping (not freed, zeroed or reused), and be freed once it goes.
 *
 * Booted as dom0 (module 0, privileged) by tests/boot/scenarios/mmu-foreign-hold.sh
 * next to domu_mmu_victim.elf as `domU ... cmdline="handshake"` (domain victim=N on
 * this guest's command line). Built by tests/guests/domu.mk like the domU guests,
 * because it is meaningless alone (tests/guests/run.sh boots test_*.c only).
 * It scans the M2P for frames that are not its own and maps each read-only with
 * mmu_update and foreigndom = the victim (a privileged domain may map another's
 * frames, as Xen's dom0 does) until it finds the victim's marker page; maps it
 * read-write the same way and writes ACK into its ack word; the victim answers DONE in
 * the next word and powers off. dom0 waits until the victim is gone (mmu_update with
 * foreigndom = the victim turns from 0 to -ESRCH), then checks through its mapping
 * that the frame still holds the marker, ACK and DONE, that mapping it again is
 * refused (-ESRCH with foreigndom, -EINVAL without), then drops its mapping and powers
 * off. The scenario then wants the hypervisor's "frames: N free, as before any domain
 * was built": the frame went back to the allocator when dom0's mapping, its last
 * reference, went away.
 */
#include "rt.h"
#include "pvtime.h"

#define RW_FLAGS   (PTE_P | PTE_RW | PTE_A | PTE_D)
#define RO_FLAGS   (PTE_P | PTE_A)
#define ACK_MAGIC  0x41434B2D41434B21ull
#define DONE_MAGIC 0x454E4F442D4D4954ull
#define MARKER     "XLITE-VICTIM-MARKER-PAGE"

static volatile uint8_t alias[4096] BSS_PAGE;

/* Machine address of the L1 entry that maps va. */
static uint64_t l1e_ma(const volatile void *p)
{
    uint64_t va = (uint64_t)p;
    const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
    const uint64_t *l3 = mfn_to_virt((l4[(va >> 39) & 511] & PTE_ADDR) >> 12);
    const uint64_t *l2 = mfn_to_virt((l3[(va >> 30) & 511] & PTE_ADDR) >> 12);
    return (l2[(va >> 21) & 511] & PTE_ADDR) + 8 * ((va >> 12) & 511);
}

static long map_foreign(uint64_t mfn, uint64_t flags, uint64_t dom)
{
    mmu_update_t r = { .ptr = l1e_ma(alias) | MMU_NORMAL_PT_UPDATE,
                       .val = (mfn << 12) | flags };
    long rc = HYPERCALL4(__HYPERVISOR_mmu_update, &r, 1, NULL, dom);

    mmuext_op_t op = { .cmd = MMUEXT_INVLPG_LOCAL, .arg1.linear_addr = (uint64_t)alias };
    HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
    return rc;
}

static long unmap(void)
{
    return HYPERVISOR_update_va_mapping((unsigned long)alias,
                                        (virt_to_mfn(alias) << 12) | RW_FLAGS, UVMF_INVLPG);
}

static bool m2p_read(uint64_t mfn, uint64_t *val)
{
    unsigned long n = rt_trap_count;
    uint64_t v = ~0ull;

    __asm__ volatile(SITE("movq (%%rax), %%rbx") : "+b"(v) : "a"(&M2P[mfn]) : "memory");
    *val = v;
    return rt_trap_count == n;
}

static bool alive(uint64_t dom)
{
    return HYPERCALL4(__HYPERVISOR_mmu_update, NULL, 0, NULL, dom) != -XEN_ESRCH;
}

/* One pass over the M2P: the victim's marker frame, or 0. */
static uint64_t find_marker(uint64_t victim, unsigned long *tried)
{
    uint64_t v;

    for (uint64_t m = 0; m2p_read(m, &v); m++) {
        if (v == ~0ull || (v < start_info->nr_pages && pfn_to_mfn(v) == m))
            continue;
        if (map_foreign(m, RO_FLAGS, victim))
            continue;                       /* not the victim's */
        (*tried)++;
        bool hit = !memcmp((const void *)alias, MARKER, sizeof(MARKER));
        unmap();
        if (hit)
            return m;
    }
    return 0;
}

void test_main(void)
{
    uint64_t victim = 0, mfn = 0;
    unsigned long tried = 0;

    if (!cmdline_value("victim", &victim) || victim == 0)
        rt_panic("need victim=DOMID on the command line");
    if (!(start_info->flags & SIF_PRIVILEGED))
        rt_panic("must run as dom0");

    uint64_t end = pvclock_now() + 10 * NS_PER_S;
    while (!mfn && pvclock_now() < end) {
        mfn = find_marker(victim, &tried);
        if (!mfn)
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
    printk("holder: victim's marker at mfn %#lx (%lu of its frames looked at)\n",
           (unsigned long)mfn, tried);
    t_begin("map_victim_frame");
    if (!t_check(mfn != 0, "no frame of d%lu holds the marker", (unsigned long)victim)) {
        t_end();
        return;
    }
    t_eq("map it RW with foreigndom (privileged)", map_foreign(mfn, RW_FLAGS, victim), 0);
    ((volatile uint64_t *)alias)[256] = ACK_MAGIC;
    t_end();

    end = pvclock_now() + 20 * NS_PER_S;
    while (alive(victim) && pvclock_now() < end)
        sleep_until(pvclock_now() + 5 * NS_PER_MS);

    t_begin("frame_survives_its_domain");
    t_check(!alive(victim), "d%lu still alive after 20 s", (unsigned long)victim);
    t_check(!memcmp((const void *)alias, MARKER, sizeof(MARKER)),
            "the marker is gone from the still-mapped frame");
    t_eq("ack word", ((volatile uint64_t *)alias)[256], ACK_MAGIC);
    t_eq("victim's answer", ((volatile uint64_t *)alias)[257], DONE_MAGIC);
    t_eq("its M2P entry", M2P[mfn], ~0ull);
    ((volatile uint64_t *)alias)[258] = 0x1234;     /* still writable: still ours to use */
    t_eq("write through the mapping", ((volatile uint64_t *)alias)[258], 0x1234);
    mmu_update_t r = { .ptr = l1e_ma(alias) | MMU_NORMAL_PT_UPDATE,
                       .val = (mfn << 12) | RO_FLAGS };
    t_eq("map it again, foreigndom = the dead domain",
         HYPERCALL4(__HYPERVISOR_mmu_update, &r, 1, NULL, victim), -XEN_ESRCH);
    t_eq("map it again as our own", HYPERVISOR_mmu_update(&r, 1, NULL, DOMID_SELF),
         -XEN_EINVAL);
    t_eq("drop the mapping", unmap(), 0);
    t_end();
    printk("holder: dropped the last mapping of mfn %#lx\n", (unsigned long)mfn);
}
