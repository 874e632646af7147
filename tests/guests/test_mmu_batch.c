/* A long mmu_update batch stopped by a due timer is continued, not lost or repeated.
 *
 * Checks: a batch of 60000 requests rewriting the same L1 entry (alternately read-only
 * and writable, each a full validation) completes with rc 0 and *pdone == 60000 even
 * though a guest timer set to expire 1 ms in makes the hypervisor stop the batch and
 * have the guest re-issue the rest (Xen's continuation semantics: the SYSCALL is
 * repeated with the remaining requests); the entry ends in the state of the last
 * request; a batch whose request 40000 is bad stops there with *pdone == 40000; and
 * with events unmasked the timer's upcall interrupts the batch itself: it arrives
 * with the interrupted RIP on the stub's SYSCALL (the continuation), where a batch
 * that ran to the end would show the instruction after it.
 * Without it: a guest could keep the CPU, interrupts off, for as long as it can make a
 * batch, starving every other domain; or a continuation could drop or repeat work.
 */
#include "rt.h"

#define N_REQS 60000u

static mmu_update_t reqs[N_REQS];
static uint8_t target[4096] BSS_PAGE;

/* Machine address of the L1 entry that maps va (walks the live tables via the M2P). */
static uint64_t l1e_maddr(const void *p)
{
    uint64_t va = (uint64_t)p;
    const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
    const uint64_t *l3 = (const uint64_t *)(M2P[(l4[(va >> 39) & 511] & PTE_ADDR) >> 12] << 12);
    const uint64_t *l2 = (const uint64_t *)(M2P[(l3[(va >> 30) & 511] & PTE_ADDR) >> 12] << 12);
    return (l2[(va >> 21) & 511] & PTE_ADDR) + 8 * ((va >> 12) & 511);
}

static uint64_t rdtsc_now(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t system_time_ns(void)
{
    const struct vcpu_time_info *t = &shared->vcpu_info[0].time;
    uint32_t v;
    uint64_t ns;

    do {
        v = t->version;
        __asm__ volatile("" ::: "memory");
        uint64_t delta = rdtsc_now() - t->tsc_timestamp;
        delta = t->tsc_shift < 0 ? delta >> -t->tsc_shift : delta << t->tsc_shift;
        ns = t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
        __asm__ volatile("" ::: "memory");
    } while ((v & 1) || v != t->version);
    return ns;
}

static void fill(unsigned int n, uint64_t pte_ma, uint64_t mfn)
{
    for (unsigned int i = 0; i < n; i++) {
        uint64_t flags = (i & 1) ? (PTE_P | PTE_RW | PTE_A | PTE_D) : (PTE_P | PTE_A);
        reqs[i].ptr = pte_ma | MMU_NORMAL_PT_UPDATE;
        reqs[i].val = (mfn << 12) | flags;
    }
}

void test_main(void)
{
    uint64_t pte_ma = l1e_maddr(target);
    uint64_t mfn = virt_to_mfn(target);
    unsigned int done = 0;

    t_begin("long_batch_continued");
    fill(N_REQS, pte_ma, mfn);
    t_eq("set_timer_op", HYPERVISOR_set_timer_op(system_time_ns() + 1000000), 0);
    t_eq("rc", HYPERVISOR_mmu_update(reqs, N_REQS, &done, DOMID_SELF), 0);
    t_eq("*pdone", done, N_REQS);
    /* The last request (odd index) made the page writable again: writing works. */
    target[0] = 0x5a;
    t_eq("page writable after the batch", target[0], 0x5a);
    t_end();

    t_begin("batch_stops_at_bad_request_after_continuation");
    fill(N_REQS, pte_ma, mfn);
    reqs[40000].val = (mfn << 12) | PTE_P | PTE_PSE;            /* PSE in an L1e: -EINVAL */
    reqs[N_REQS - 1].val = (mfn << 12) | PTE_P | PTE_RW | PTE_A | PTE_D;
    t_eq("set_timer_op", HYPERVISOR_set_timer_op(system_time_ns() + 1000000), 0);
    done = 0;
    t_eq("rc", HYPERVISOR_mmu_update(reqs, N_REQS, &done, DOMID_SELF), -XEN_EINVAL);
    t_eq("*pdone", done, 40000);
    /* Request 39999 (odd) left the page writable; restore nothing else is needed. */
    target[1] = 0xa5;
    t_eq("page writable (request 39999 applied)", target[1], 0xa5);
    t_end();

    t_begin("timer_upcall_lands_inside_the_batch");
    t_eq("register event callbacks", rt_register_event_callbacks(), 0);
    /* If the host delays the guest past the 1 ms deadline before the SYSCALL, the upcall
     * lands before the batch starts: try again (a few times at most). Without
     * continuations no attempt can land on the SYSCALL itself. */
    uint64_t syscall_rip = (uint64_t)hypercall_page + 32 * __HYPERVISOR_mmu_update + 8;
    bool landed = false;
    long rc = 0;
    for (int attempt = 0; attempt < 5 && !landed; attempt++) {
        fill(N_REQS, pte_ma, mfn);
        unsigned long events = rt_event_count;
        HYPERVISOR_set_timer_op(system_time_ns() + 1000000);
        shared->vcpu_info[0].evtchn_upcall_mask = 0;
        done = 0;
        rc = HYPERVISOR_mmu_update(reqs, N_REQS, &done, DOMID_SELF);
        shared->vcpu_info[0].evtchn_upcall_mask = 1;
        if (rc || done != N_REQS)
            break;
        landed = rt_event_count > events && rt_last_trap.rip == syscall_rip;
    }
    t_eq("rc", rc, 0);
    t_eq("*pdone", done, N_REQS);
    t_eq("an upcall interrupted the SYSCALL of the mmu_update stub", landed, 1);
    t_end();
}
