/* Domain lifetime: creation, frame ownership, shutdown and teardown. A domain's frames
 * are the frame-table entries it owns; teardown finds them with one scan of the table
 * (about a millisecond per GiB), which lets frames leave a domain at any time
 * (decrease_reservation) without list maintenance. */
#include <asm/domain.h>
#include <hv/domain.h>
#include <hv/event_channel.h>
#include <hv/grant_table.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <asm/machine.h>
#include <asm/mm.h>
#include <hv/page_alloc.h>
#include <hv/options.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <xlite/errno.h>
#include <xlite/sched.h>

struct domain *domains[MAX_DOMAINS];
unsigned int domain_slots_used;

static struct domain domain_store[MAX_DOMAINS];
static struct vcpu vcpu_store[MAX_DOMAINS][MAX_VCPUS_PER_DOM];
static unsigned int nr_crashed;

static const char *const shutdown_names[] = {
    [SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
    [SHUTDOWN_suspend] = "suspend", [SHUTDOWN_crash] = "crash",
    [SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
};

struct domain *domain_by_id(domid_t id)
{
    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        if (domains[i] && domains[i]->id == id && domains[i]->state != DOM_DEAD)
            return domains[i];
    return NULL;
}

struct domain *domain_create(domid_t id, const char *name, bool privileged,
                             unsigned int max_vcpus, uint64_t max_pages)
{
    if (domain_by_id(id) || max_vcpus == 0 || max_vcpus > MAX_VCPUS_PER_DOM)
        return NULL;
    for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
        if (domains[i] && domains[i]->state != DOM_DEAD)
            continue;
        struct domain *d = &domain_store[i];
        memset(d, 0, sizeof(*d));
        d->id = id;
        xl_strlcpy(d->name, name, sizeof(d->name));
        d->privileged = privileged;
        d->state = DOM_RUNNING;
        d->max_vcpus = max_vcpus;
        d->max_pages = max_pages;
        d->weight = SCHED_DEFAULT_WEIGHT;
        for (unsigned int n = 0; n < max_vcpus; n++) {
            struct vcpu *v = &vcpu_store[i][n];
            memset(v, 0, sizeof(*v));
            v->domain = d;
            v->id = n;
            v->kernel_l4 = INVALID_MFN;        /* no page tables yet */
            v->user_l4 = INVALID_MFN;
            v->vcpu_info_mfn = INVALID_MFN;
            v->runstate.state = RUNSTATE_offline;
            timer_init(&v->singleshot, vcpu_timer_fired, v);
            timer_init(&v->periodic, vcpu_periodic_fired, v);
            d->vcpus[n] = v;
        }
        if (evtchn_domain_init(d)) {           /* no frames for its port table */
            d->state = DOM_DEAD;
            return NULL;
        }
        if (grant_domain_init(d)) {            /* no page for its grant state */
            evtchn_domain_destroy(d);
            d->state = DOM_DEAD;
            return NULL;
        }
        domains[i] = d;
        domain_slots_used = MAX(domain_slots_used, i + 1);
        return d;
    }
    return NULL;
}

mfn_t domain_alloc_frame(struct domain *d)
{
    if (d->tot_pages >= d->max_pages)
        return INVALID_MFN;
    mfn_t mfn = frames_alloc(&frame_alloc, 0, d->id);
    if (mfn == INVALID_MFN)
        return INVALID_MFN;
    memset(maddr_to_virt(mfn << PAGE_SHIFT), 0, PAGE_SIZE);  /* no data leaks across owners */
    d->tot_pages++;
    m2p_set(mfn, M2P_INVALID);
    return mfn;
}

int domain_alloc_shared_info(struct domain *d)
{
    d->max_pages++;                           /* shared_info is not guest RAM */
    d->shared_info_mfn = domain_alloc_frame(d);
    if (d->shared_info_mfn == INVALID_MFN) {
        d->max_pages--;
        return -XEN_ENOMEM;
    }
    d->shared_info = maddr_to_virt(d->shared_info_mfn << PAGE_SHIFT);
    for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++)
        d->shared_info->vcpu_info[i].evtchn_upcall_mask = 1;   /* events start masked */
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        d->vcpus[i]->vcpu_info = &d->shared_info->vcpu_info[i];
    return 0;
}

/* Drop every reference the domain's page tables hold, then return its frames. */
static void domain_release_memory(struct domain *d)
{
    uint64_t freed = 0, kept = 0;

    arch_domain_relinquish(d);
    for (mfn_t mfn = 0; mfn < frame_alloc.nr_frames; mfn++) {
        if (!frame_owned_by(&frame_alloc, mfn, d->id))
            continue;
        m2p_set(mfn, M2P_INVALID);
        if (frames_free(&frame_alloc, mfn, 0) == 0) {
            freed++;
        } else {
            /* Another domain still maps it (a foreign or grant mapping): nobody may
             * map it anew, and it is freed when that last reference goes. */
            frames_orphan(&frame_alloc, mfn);
            kept++;
        }
    }
    d->tot_pages = 0;
    if (kept)
        pr_info("d%u: %lu frames still mapped by other domains; freed when unmapped\n",
                d->id, kept);
    pr_info("d%u: released %lu frames\n", d->id, freed);
}

void domain_reap_orphans(void)
{
    frames_reap_orphans(&frame_alloc);
}

int domain_free_frame(struct domain *d, mfn_t mfn)
{
    struct frame *f = frame_owned_by(&frame_alloc, mfn, d->id);

    if (!f || mfn == d->shared_info_mfn)
        return -XEN_EINVAL;
    if (f->count || f->type_count)
        return -XEN_EBUSY;                    /* mapped, pinned or held somewhere */
    m2p_set(mfn, M2P_INVALID);
    if (frames_free(&frame_alloc, mfn, 0))
        return -XEN_EINVAL;
    d->tot_pages--;
    /* Its console ring given back: the hypervisor reads and writes that page through
     * the direct map, and it may be another domain's by now. */
    if (mfn == d->console_mfn)
        d->console_mfn = 0;
    return 0;
}

/* bench: the hypervisor memory d holds apart from its RAM: its struct domain, its
 * vCPUs, and the frames allocated for it that are not guest RAM: shared_info, the
 * event-channel table, the grant state (its page, table frames with their active
 * entries, maptrack pages). PV page tables are guest RAM: there is no page-table pool.
 * Printed at teardown, so state allocated on demand is included. dom-slot-reserved:
 * what a domain slot costs statically (domain_store and a full row of vcpu_store). */
static void bench_report_memory(const struct domain *d)
{
    uint64_t vcpus = d->max_vcpus * sizeof(struct vcpu);
    uint64_t shared = d->shared_info ? PAGE_SIZE : 0;
    uint64_t evtchn = d->evtchn ? EVTCHN_DOMAIN_FRAMES * PAGE_SIZE : 0;
    uint64_t grant = !d->grant ? 0 : PAGE_SIZE * (1 + d->grant->maptrack_pages +
        d->grant->nr_frames * (1 + GNT_ENTRIES_PER_FRAME / GNT_ACTIVE_PER_PAGE));
    uint64_t total = sizeof(struct domain) + vcpus + shared + evtchn + grant;

    printk("d%u: hypervisor memory besides guest RAM:\n", d->id);
    printk("bench dom-overhead %lu B\n", total);
    printk("bench dom-overhead-domain %lu B\n", sizeof(struct domain));
    printk("bench dom-overhead-vcpus %lu B\n", vcpus);
    printk("bench dom-overhead-shared-info %lu B\n", shared);
    printk("bench dom-overhead-evtchn %lu B\n", evtchn);
    printk("bench dom-overhead-grant %lu B\n", grant);
    printk("bench dom-slot-reserved %lu B\n",
           sizeof(struct domain) + MAX_VCPUS_PER_DOM * sizeof(struct vcpu));
}

void domain_destroy(struct domain *d)
{
    if (d->state == DOM_DEAD)
        return;
    bool stopped = d->state == DOM_SHUTDOWN;
    if (hv_opts.bench)
        bench_report_memory(d);
    d->state = DOM_SHUTDOWN;
    if (!stopped)
        sched_domain_stopped(d);              /* leaves this domain's page tables */
    evtchn_domain_destroy(d);                 /* peers see its ports closed */
    grant_domain_destroy(d);                  /* before its page tables go */
    domain_release_memory(d);
    d->state = DOM_DEAD;
    if (hv_opts.bench && !domains_alive())
        hypercall_profile_show();             /* the last domain is gone */
}

/* The toolstack (dom0) is alive to reap a domain it created. */
static bool toolstack_alive(void)
{
    struct domain *dom0 = domain_by_id(0);

    return dom0 && dom0->state == DOM_RUNNING;
}

/* dom0 is gone: nobody will destroy the domains it kept after their shutdown. */
static void reap_kept_domains(void)
{
    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        if (domains[i] && domains[i]->state == DOM_SHUTDOWN && domains[i]->kept_for_toolstack)
            domain_destroy(domains[i]);
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    if (d->state != DOM_RUNNING)
        return;
    d->shutdown_reason = reason;
    printk("d%u (%s): shut down: %s\n", d->id, d->name,
           reason < ARRAY_SIZE(shutdown_names) && shutdown_names[reason] ?
           shutdown_names[reason] : "unknown reason");
    console_drain(d);
    if (d->kept_for_toolstack && d->id != 0 && toolstack_alive()) {
        d->state = DOM_SHUTDOWN;              /* the toolstack reads the reason, destroys */
        sched_domain_stopped(d);
    } else {
        domain_destroy(d);
    }
    if (d->id == 0)
        reap_kept_domains();
    evtchn_send_global_virq(VIRQ_DOM_EXC);    /* tell dom0 a domain went away */
}

void domain_crash(struct domain *d, const char *why)
{
    if (d->state != DOM_RUNNING)
        return;
    nr_crashed++;
    printk("d%u (%s): crashed: %s\n", d->id, d->name, why);
    domain_shutdown(d, SHUTDOWN_crash);
}

unsigned int domains_alive(void)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        if (domains[i] && domains[i]->state != DOM_DEAD)
            n++;
    return n;
}

int domains_exit_status(void)
{
    return nr_crashed ? EXIT_DOMAIN_CRASH : EXIT_CLEAN;
}
