/* The dom0 domain builder (dom0-tools/lib/guest) against the real hypervisor: this dom0
 * gets a domU kernel (domu_info.elf) as its ramdisk module, builds it as a new domain
 * through the domctl (create, increase_reservation and M2P updates, its frames mapped
 * through this guest's own L1 entries with foreigndom, pin, hypercall_init, ports,
 * grant entries, setvcpucontext), unpauses it, waits until it powers off, destroys it
 * and finds the host's free memory as before; builds it again and destroys it without
 * running it, with the same result. Then two refused builds: a truncated image
 * (refused before anything is created) and one asking for more RAM than is free
 * (refused after creation, half-way through allocating): both leave no domain
 * (getdomaininfo -ESRCH) and no frame used.
 * Without it: a builder that works on the host's fake hypervisor could still be wrong
 * about what the real one accepts, or leak a half-built domain.
 *
 * tests/boot/scenarios/domctl-build.sh gives the domU as dom0's ramdisk module, as the
 * toolstack will get kernels from files; tests/guests/run.sh boots this guest alone, so
 * a copy of domu_info.elf is linked in (guests.mk) and used when no module came.
 *
 * XLITE-OPTS: dom0_mem=64M
 * EXPECT-LOG: ^d1: created by the toolstack: 'built', up to 16 MiB, 1 vCPU$
 * EXPECT-LOG: ^\(built\) DONE 1 passed, 0 failed$
 * EXPECT-LOG: ^d1 \(built\): destroyed by the toolstack$
 * EXPECT-LOG: ^frames: [0-9]+ free, as before any domain was built$
 */
#include "guest.h"
#include "pvtime.h"
#include "ptutil.h"
#include <xlite/domctl.h>
#include <xlite/event_channel.h>
#include <xlite/grant_table.h>

#define WINDOW_PAGES   8u                 /* foreign frames mapped at once */
#define ARENA_BYTES    (2u << 20)         /* the builder's allocations (P2M up to 256K pages) */
#define DOMU_PAGES     4096u              /* 16 MiB */
#define DOMU_NAME      "built"

/* The built-in copy of the domU (DOM0_BUILDER_DOMU names the file). */
__asm__(".pushsection .rodata\n.balign 64\ndomu_blob:\n.incbin \"" DOM0_BUILDER_DOMU "\"\n"
        "domu_blob_end:\n.popsection");
extern const char domu_blob[], domu_blob_end[];

static uint8_t window[WINDOW_PAGES][PAGE_SIZE] BSS_PAGE;
static uint8_t grant_page[PAGE_SIZE] BSS_PAGE;   /* grant copies land here */
static uint8_t arena[ARENA_BYTES] __attribute__((aligned(64)));

/* The ops' state: which window pages are in use, the arena's top and live count. */
struct rt_ctrl {
    bool used[WINDOW_PAGES];
    size_t top;
    unsigned int live;
};

/* elf_loader.c needs it; the runtime's string.c lacks it. */
size_t strnlen(const char *s, size_t max);
size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

static long rt_hypercall(void *ctx, unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3,
                         uint64_t a4, uint64_t a5)
{
    (void)ctx;
    return hypercall_nr(nr, (long)a1, (long)a2, (long)a3, (long)a4, (long)a5);
}

/* Machine address of the L1 entry that maps va in the running tables. */
static uint64_t l1e_maddr(const void *va)
{
    uint64_t l2_ma;
    uint64_t *l2 = pt_l2_of((uint64_t)va, &l2_ma);
    uint64_t l1_ma = l2[((uint64_t)va >> 21) & 511] & PTE_ADDR;

    return l1_ma + (((uint64_t)va >> 12) & 511) * 8;
}

static void *rt_map(void *ctx, domid_t dom, uint64_t mfn, bool writable)
{
    struct rt_ctrl *r = ctx;

    for (unsigned int i = 0; i < WINDOW_PAGES; i++) {
        if (r->used[i])
            continue;
        mmu_update_t u = { .ptr = l1e_maddr(window[i]) | MMU_NORMAL_PT_UPDATE,
                           .val = (mfn << 12) | (writable ? PT_RW_FLAGS : PT_RO_FLAGS) };
        if (HYPERVISOR_mmu_update(&u, 1, NULL, dom))
            return NULL;
        r->used[i] = true;
        return window[i];
    }
    return NULL;
}

/* Back to the window page's own frame. */
static int rt_unmap(void *ctx, void *va)
{
    struct rt_ctrl *r = ctx;
    unsigned int i = (unsigned int)(((uint8_t *)va - window[0]) / PAGE_SIZE);

    if ((uint8_t *)va < window[0] || i >= WINDOW_PAGES || !r->used[i])
        return -XEN_EINVAL;
    r->used[i] = false;
    return (int)pt_mmu1(l1e_maddr(va) | MMU_NORMAL_PT_UPDATE, pt_ma(va) | PT_RW_FLAGS);
}

/* A bump allocator that starts over once everything is freed. */
static void *rt_alloc(void *ctx, size_t bytes)
{
    struct rt_ctrl *r = ctx;
    size_t n = (bytes + 63) & ~(size_t)63;

    if (n > ARENA_BYTES - r->top)
        return NULL;
    void *p = arena + r->top;
    r->top += n;
    r->live++;
    memset(p, 0, bytes);
    return p;
}

static void rt_free(void *ctx, void *p)
{
    struct rt_ctrl *r = ctx;

    if (p && --r->live == 0)
        r->top = 0;
}

static const struct ctrl_ops rt_ops = {
    .hypercall = rt_hypercall, .map = rt_map, .unmap = rt_unmap,
    .alloc = rt_alloc, .free = rt_free,
};
static struct rt_ctrl rt_state;
static const struct ctrl ctl = { &rt_ops, &rt_state };
static char err[GUEST_ERR_MAX];

static uint64_t free_pages(void)
{
    struct xlite_domctl_physinfo pi;

    return ctrl_physinfo(&ctl, &pi) ? 0 : pi.free_pages;
}

static const void *domu_image;
static size_t domu_size;

static struct guest_build_args domu_args(void)
{
    struct guest_build_args a = {
        .image_name = "domu_info.elf", .image = domu_image, .image_size = domu_size,
        .name = DOMU_NAME, .cmdline = "built by dom0", .nr_pages = DOMU_PAGES,
        .max_vcpus = 1,
    };
    return a;
}

/* Polls getdomaininfo until the domain has shut down (up to 30 s); its flags or 0. */
static uint32_t wait_shutdown(domid_t id)
{
    uint64_t deadline = pvclock_now() + 30 * NS_PER_S;
    struct xlite_domctl_getdomaininfo info;

    while (pvclock_now() < deadline) {
        if (ctrl_domain_getinfo(&ctl, id, &info) || info.domain != id)
            return 0;
        if (info.flags & XLITE_DOMINFO_shutdown)
            return info.flags;
        sleep_until(pvclock_now() + 10 * NS_PER_MS);
    }
    return 0;
}

/* Nothing left: no domain besides dom0, and every frame back. */
static void check_nothing_left(uint64_t before)
{
    struct xlite_domctl_getdomaininfo info;

    t_eq("getdomaininfo(1)", ctrl_domain_getinfo(&ctl, 1, &info), -XEN_ESRCH);
    t_eq("free pages", free_pages(), before);
    unsigned int mapped = 0;
    for (unsigned int i = 0; i < WINDOW_PAGES; i++)
        mapped += rt_state.used[i];
    t_eq("window pages mapped", mapped, 0);
    t_eq("allocations live", rt_state.live, 0);
}

/* The port is unbound, waiting for dom0 to bind it. */
static void check_port(domid_t dom, uint32_t port, const char *what)
{
    struct evtchn_status st = { .dom = dom, .port = port };

    t_eq(what, HYPERVISOR_event_channel_op(EVTCHNOP_status, &st), 0);
    t_eq("status", st.status, EVTCHNSTAT_unbound);
    t_eq("for dom0", st.u.unbound.dom, 0);
}

/* Writes 8 bytes at the start of dom's frame mfn through a foreign mapping. */
static void poke_frame(domid_t dom, uint64_t mfn, uint64_t v)
{
    volatile uint64_t *p = rt_map(&rt_state, dom, mfn, true);

    if (!t_check(p != NULL, "cannot map MFN %#lx of d%u", (unsigned long)mfn, dom))
        return;
    *p = v;
    t_eq("unmap", rt_unmap(&rt_state, (void *)p), 0);
}

/* The grant reference gives dom0 the ring frame: a grant copy from it (what a backend
 * may do instead of mapping; a map would cost dom0 a maptrack page for good) reads a
 * marker written into that frame. */
static void check_grant(domid_t dom, grant_ref_t ref, uint64_t mfn)
{
    uint64_t marker = 0x52494e4700000000ull | ref;
    gnttab_copy_t c = {
        .source = { .u.ref = ref, .domid = dom },
        .dest = { .u.gmfn = virt_to_mfn(grant_page), .domid = DOMID_SELF },
        .len = sizeof(marker), .flags = GNTCOPY_source_gref,
    };

    poke_frame(dom, mfn, marker);
    t_eq("grant copy", HYPERVISOR_grant_table_op(GNTTABOP_copy, &c, 1), 0);
    t_eq("grant copy status", c.status, GNTST_okay);
    t_eq("bytes of the ring frame", *(volatile uint64_t *)grant_page, marker);
    poke_frame(dom, mfn, 0);
}

/* What the backends will rely on: start_info names the rings and ports, the ports wait
 * for dom0, grant entries 0 and 1 give dom0 the rings. */
static void check_backend_view(const struct guest_built *out)
{
    const struct start_info *si = rt_map(&rt_state, out->domid, out->start_info_mfn, false);

    if (!t_check(si != NULL, "cannot map start_info (MFN %#lx)",
                 (unsigned long)out->start_info_mfn))
        return;
    t_eq("start_info nr_pages", si->nr_pages, DOMU_PAGES);
    t_eq("start_info console mfn", si->console.domU.mfn, out->console_mfn);
    t_eq("start_info console port", si->console.domU.evtchn, out->console_port);
    t_eq("start_info store mfn", si->store_mfn, out->store_mfn);
    t_eq("start_info store port", si->store_evtchn, out->store_port);
    t_eq("start_info flags", si->flags, 0);
    t_eq("unmap start_info", rt_unmap(&rt_state, (void *)si), 0);
    check_port(out->domid, out->console_port, "console port status");
    check_port(out->domid, out->store_port, "store port status");
    check_grant(out->domid, 0, out->console_mfn);
    check_grant(out->domid, 1, out->store_mfn);
}

static void t_build_and_run(uint64_t before)
{
    struct guest_build_args a = domu_args();
    struct guest_built out;
    struct xlite_domctl_getdomaininfo info;

    t_begin("build_run_destroy");
    int rc = guest_build(&ctl, &a, &out, err, sizeof(err));
    if (!t_check(rc == 0, "guest_build: %d: %s", rc, err)) {
        t_end();
        return;
    }
    printk("built d%u: entry %#lx, %lu page-table frames, console port %u, store port %u\n",
           out.domid, (unsigned long)out.entry, (unsigned long)out.layout.nr_pt,
           out.console_port, out.store_port);
    t_eq("domid", out.domid, 1);
    t_eq("getdomaininfo", ctrl_domain_getinfo(&ctl, out.domid, &info), 0);
    t_check(!strcmp(info.name, DOMU_NAME), "name '%s'", info.name);
    t_eq("paused", info.flags & (XLITE_DOMINFO_paused | XLITE_DOMINFO_shutdown),
         XLITE_DOMINFO_paused);
    t_eq("tot_pages (RAM + shared_info)", info.tot_pages, DOMU_PAGES + 1);
    t_eq("nr_online_vcpus", info.nr_online_vcpus, 1);
    check_backend_view(&out);
    t_eq("unpause", ctrl_domain_unpause(&ctl, out.domid), 0);
    uint32_t flags = wait_shutdown(out.domid);
    t_check(flags & XLITE_DOMINFO_shutdown, "no shutdown within 30 s (flags %#x)", flags);
    t_eq("shutdown reason", XLITE_DOMINFO_SHUTDOWN_REASON(flags), SHUTDOWN_poweroff);
    t_eq("destroy", ctrl_domain_destroy(&ctl, out.domid), 0);
    check_nothing_left(before);
    t_end();
}

/* Built but never run (a toolstack giving up after the build): destroying it frees its
 * pinned tables, grant frame, ports and RAM all the same. */
static void t_build_destroy_unrun(uint64_t before)
{
    struct guest_build_args a = domu_args();
    struct guest_built out;

    t_begin("build_destroy_unrun");
    int rc = guest_build(&ctl, &a, &out, err, sizeof(err));
    if (t_check(rc == 0, "guest_build: %d: %s", rc, err))
        t_eq("destroy", ctrl_domain_destroy(&ctl, out.domid), 0);
    check_nothing_left(before);
    t_end();
}

static void t_truncated_refused(uint64_t before)
{
    struct guest_build_args a = domu_args();

    t_begin("truncated_image_refused");
    a.image_size = 200;
    t_eq("guest_build", guest_build(&ctl, &a, NULL, err, sizeof(err)), -XEN_EINVAL);
    printk("refused: %s\n", err);
    t_check(!strncmp(err, "domu_info.elf: elf: ", 20), "message '%s'", err);
    check_nothing_left(before);
    t_end();
}

/* More RAM than the host has free: created, then refused part-way through allocation. */
static void t_out_of_memory_refused(uint64_t before)
{
    struct guest_build_args a = domu_args();

    t_begin("out_of_memory_refused");
    a.nr_pages = before + 64;
    t_eq("guest_build", guest_build(&ctl, &a, NULL, err, sizeof(err)), -XEN_ENOMEM);
    printk("refused: %s\n", err);
    t_check(!strncmp(err, "domu_info.elf: out of memory: ", 30), "message '%s'", err);
    check_nothing_left(before);
    t_end();
}

void test_main(void)
{
    bool module = start_info->mod_start && start_info->mod_len;

    domu_image = module ? (const void *)start_info->mod_start : domu_blob;
    domu_size = module ? start_info->mod_len : (size_t)(domu_blob_end - domu_blob);
    printk("domU image: %s, %lu bytes\n", module ? "the ramdisk module" : "built in",
           (unsigned long)domu_size);
    uint64_t before = free_pages();
    t_build_and_run(before);
    t_build_destroy_unrun(before);
    t_truncated_refused(before);
    t_out_of_memory_refused(before);
}
