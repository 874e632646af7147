/* The PV domain builder (ABI notes §1.2-§1.7). Memory is allocated PFN by PFN; the
 * guest's P2M pages are allocated first so every later MFN can be recorded in them
 * directly; page tables are written as plain memory and then pinned, which validates
 * the whole tree through the page-type state machine exactly like a guest's own pin. */
#include <asm/domain.h>
#include <hv/elf_loader.h>
#include <hv/event_channel.h>
#include <x86/fpu.h>
#include <x86/layout.h>
#include <hv/lib.h>
#include <asm/mm.h>
#include <x86/page.h>
#include <hv/printk.h>
#include <x86/pv.h>
#include <x86/pv_build.h>
#include <x86/pv_layout.h>
#include <hv/sched.h>
#include <x86/x86.h>
#include <xlite/errno.h>
#include <xlite/io/console.h>
#include <xlite/xen.h>

#define MAX_P2M_PAGES   8192                  /* 8192 * 512 pages: 16 GiB guests */
#define L1_FLAGS        (PTE_P | PTE_RW | PTE_A)
#define L1_FLAGS_RO     (PTE_P | PTE_A)
#define UPPER_FLAGS     (PTE_P | PTE_RW | PTE_A | PTE_D | PTE_U)

struct builder {
    struct domain *d;
    struct pv_layout l;
    mfn_t p2m_mfns[MAX_P2M_PAGES];
};

static struct builder bld;                     /* one build at a time, at boot */

static uint64_t *p2m_slot(struct builder *b, uint64_t pfn)
{
    uint64_t *page = maddr_to_virt(b->p2m_mfns[pfn / 512] << PAGE_SHIFT);
    return &page[pfn % 512];
}

static mfn_t pfn_to_mfn(struct builder *b, uint64_t pfn)
{
    return *p2m_slot(b, pfn);
}

static void *pfn_ptr(struct builder *b, uint64_t pfn)
{
    return maddr_to_virt(pfn_to_mfn(b, pfn) << PAGE_SHIFT);
}

static uint64_t pfn_va(struct builder *b, uint64_t pfn)
{
    return b->l.virt_base + pfn * PAGE_SIZE;
}

static int alloc_memory(struct builder *b)
{
    const struct pv_layout *l = &b->l;

    if (l->p2m_pages > MAX_P2M_PAGES)
        return -XEN_E2BIG;
    for (uint64_t i = 0; i < l->p2m_pages; i++)
        if ((b->p2m_mfns[i] = domain_alloc_frame(b->d)) == INVALID_MFN)
            return -XEN_ENOMEM;
    for (uint64_t pfn = 0; pfn < l->nr_pages; pfn++) {
        mfn_t mfn;
        if (pfn >= l->p2m_pfn && pfn < l->p2m_pfn + l->p2m_pages)
            mfn = b->p2m_mfns[pfn - l->p2m_pfn];
        else if ((mfn = domain_alloc_frame(b->d)) == INVALID_MFN)
            return -XEN_ENOMEM;
        *p2m_slot(b, pfn) = mfn;
        m2p_set(mfn, pfn);
    }
    return 0;
}

/* pv_elf_load callbacks: VAs are checked against the kernel's PFN range. */
static int guest_copy(void *ctx, uint64_t va, const void *src, size_t len)
{
    struct builder *b = ctx;
    const uint8_t *s = src;

    while (len) {
        uint64_t pfn = (va - b->l.virt_base) / PAGE_SIZE;
        if (va < b->l.virt_base || pfn < b->l.kernel_pfn || pfn >= b->l.kernel_end_pfn)
            return -XEN_EFAULT;
        size_t off = va & (PAGE_SIZE - 1), n = MIN(len, PAGE_SIZE - off);
        uint8_t *dst = (uint8_t *)pfn_ptr(b, pfn) + off;
        if (s)
            memcpy(dst, s, n);
        else
            memset(dst, 0, n);
        va += n;
        len -= n;
        if (s)
            s += n;
    }
    return 0;
}

static int guest_zero(void *ctx, uint64_t va, size_t len)
{
    return guest_copy(ctx, va, NULL, len);
}

/* Initial page tables mapping [virt_base, virt_base + mapped) with 4 KiB pages;
 * the frames holding the tables themselves are mapped read-only. */
static void build_page_tables(struct builder *b)
{
    const struct pv_layout *l = &b->l;
    uint64_t base = l->virt_base;
    uint64_t l3_pfn = l->pt_pfn + 1, l2_pfn = l3_pfn + l->nr_l3, l1_pfn = l2_pfn + l->nr_l2;

    for (uint64_t pfn = 0; pfn < l->mapped_pfns; pfn++) {
        uint64_t va = pfn_va(b, pfn);
        uint64_t i3 = (va >> 39) - (base >> 39), i2 = (va >> 30) - (base >> 30);
        uint64_t i1 = (va >> 21) - (base >> 21);
        uint64_t *l4t = pfn_ptr(b, l->pt_pfn), *l3t = pfn_ptr(b, l3_pfn + i3);
        uint64_t *l2t = pfn_ptr(b, l2_pfn + i2), *l1t = pfn_ptr(b, l1_pfn + i1);

        l4t[L4_SLOT(va)] = (pfn_to_mfn(b, l3_pfn + i3) << PAGE_SHIFT) | UPPER_FLAGS;
        l3t[L3_SLOT(va)] = (pfn_to_mfn(b, l2_pfn + i2) << PAGE_SHIFT) | UPPER_FLAGS;
        l2t[L2_SLOT(va)] = (pfn_to_mfn(b, l1_pfn + i1) << PAGE_SHIFT) | UPPER_FLAGS;
        bool is_pt = pfn >= l->pt_pfn && pfn < l->pt_pfn + l->nr_pt;
        l1t[L1_SLOT(va)] = (pfn_to_mfn(b, pfn) << PAGE_SHIFT) |
                           (is_pt ? L1_FLAGS_RO : L1_FLAGS);
    }
}

static void fill_start_info(struct builder *b, const struct domain_build_args *a)
{
    const struct pv_layout *l = &b->l;
    struct start_info *si = pfn_ptr(b, l->start_info_pfn);

    xl_strlcpy(si->magic, "xen-3.0-x86_64", sizeof(si->magic));
    si->nr_pages = l->nr_pages;
    si->shared_info = b->d->shared_info_mfn << PAGE_SHIFT;
    si->flags = a->si_flags;
    si->store_mfn = pfn_to_mfn(b, l->store_pfn);
    si->store_evtchn = 0;
    si->console.domU.mfn = pfn_to_mfn(b, l->console_pfn);
    si->console.domU.evtchn = 0;
    si->pt_base = pfn_va(b, l->pt_pfn);
    si->nr_pt_frames = l->nr_pt;
    si->mfn_list = pfn_va(b, l->p2m_pfn);
    si->mod_start = l->ramdisk_pages ? pfn_va(b, l->ramdisk_pfn) : 0;
    si->mod_len = a->ramdisk_size;
    xl_strlcpy((char *)si->cmd_line, a->cmdline ? a->cmdline : "", sizeof(si->cmd_line));
}

static void setup_vcpu0(struct builder *b, const struct pv_elf_info *info)
{
    struct vcpu *v = b->d->vcpus[0];
    struct cpu_regs *r = &v->regs;

    memset(r, 0, sizeof(*r));
    r->rip = info->entry;
    r->rsp = pfn_va(b, b->l.stack_pfn + 1);
    r->rsi = pfn_va(b, b->l.start_info_pfn);
    r->rflags = X86_EFLAGS_IF | 2;
    r->cs = FLAT_KERNEL_CS;
    r->ss = FLAT_KERNEL_SS;
    v->kernel_ss = FLAT_KERNEL_SS;
    v->kernel_sp = r->rsp;
    v->kernel_mode = true;
    v->initialised = true;
    vcpu_set_online(v, true);
    v->dr[6] = 0xFFFF0FF0;
    v->dr[7] = 0x400;
    /* FXSAVE image of a freshly initialised FPU: FCW 0x37F, MXCSR 0x1F80. */
    fpu_default_image(v->fpu);
}

static int fail(struct domain *d, int rc, const char *what)
{
    printk("d%u: cannot build domain: %s (error %d)\n", d->id, what, rc);
    return rc;
}

int arch_domain_build(struct domain *d, const struct domain_build_args *a)
{
    struct builder *b = &bld;
    struct pv_elf_info info;
    char err[128];
    int rc;

    memset(b, 0, sizeof(*b));
    b->d = d;
    if ((rc = pv_elf_parse(a->kernel, a->kernel_size, &info, err, sizeof(err))))
        return fail(d, rc, err);
    if ((rc = pv_layout_compute(&b->l, info.virt_base, info.virt_kstart, info.virt_kend,
                                a->ramdisk_size, a->nr_pages, err, sizeof(err))))
        return fail(d, rc, err);
    if ((rc = alloc_memory(b)))
        return fail(d, rc, "out of memory");
    if ((rc = pv_elf_load(a->kernel, a->kernel_size, &info, guest_copy, guest_zero, b)))
        return fail(d, rc, "loading the kernel image");
    if (info.has_hypercall_page) {
        uint64_t pfn = (info.hypercall_page - b->l.virt_base) / PAGE_SIZE;
        hypercall_page_fill(pfn_ptr(b, pfn));
    }
    for (uint64_t i = 0; i < b->l.ramdisk_pages; i++)
        memcpy(pfn_ptr(b, b->l.ramdisk_pfn + i), (const uint8_t *)a->ramdisk + i * PAGE_SIZE,
               MIN(PAGE_SIZE, a->ramdisk_size - i * PAGE_SIZE));
    if ((rc = domain_alloc_shared_info(d)))
        return fail(d, rc, "out of memory for shared_info");
    fill_start_info(b, a);
    pv_set_wallclock(d);
    d->console_mfn = pfn_to_mfn(b, b->l.console_pfn);
    if (!(a->si_flags & SIF_INITDOMAIN)) {     /* dom0's console is console_io */
        struct start_info *si = pfn_ptr(b, b->l.start_info_pfn);
        int port = evtchn_alloc_console_port(d);
        if (port < 0)
            return fail(d, port, "no event channel for the console");
        si->console.domU.evtchn = (uint32_t)port;
    }
    build_page_tables(b);
    if ((rc = pv_pin_initial_l4(d, pfn_to_mfn(b, b->l.pt_pfn))))
        return fail(d, rc, "initial page tables refused by validation");
    setup_vcpu0(b, &info);
    printk("d%u: %s kernel '%s' entry %#lx, %lu MiB, %lu page-table frames, %s\n", d->id,
           d->privileged ? "privileged" : "unprivileged",
           info.guest_os[0] ? info.guest_os : "?", info.entry, (a->nr_pages << 12) >> 20,
           b->l.nr_pt, info.has_hypercall_page ? "hypercall page" : "no hypercall page");
    return 0;
}

/* Per asm/domain.h: the same layout arch_domain_build computes. */
int arch_kernel_fits(const struct pv_elf_info *elf, uint64_t ramdisk_bytes, uint64_t nr_pages,
                     char *err, size_t errlen)
{
    struct pv_layout l;

    return pv_layout_compute(&l, elf->virt_base, elf->virt_kstart, elf->virt_kend,
                             ramdisk_bytes, nr_pages, err, errlen);
}
