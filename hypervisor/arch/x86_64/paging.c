/* The hypervisor's page tables. Page-table pages for the hypervisor range come from a
 * static pool; each of the 16 reserved L4 slots gets its L3 up front, so anything mapped
 * later in the range appears in every address space that copies these slots.
 *
 * Entry format (4-level, 4 KiB/2 MiB pages):
 *   63 NX | 51..12 address | 8 G | 7 PS | 6 D | 5 A | 4 PCD | 3 PWT | 2 U | 1 RW | 0 P
 * No hypervisor mapping has U set: guests (ring 3) can never reach them. */
#include <x86/layout.h>
#include <hv/lib.h>
#include <asm/machine.h>
#include <asm/mm.h>
#include <x86/page.h>
#include <hv/printk.h>
#include <x86/x86.h>

#define SZ_2M    (1ul << 21)

#define POOL_PAGES 160                 /* 16 L3s, image L2/L1s, ~128 GiB of direct map */

static uint64_t pt_pool[POOL_PAGES][512] __attribute__((aligned(4096)));
static unsigned int pt_used;
static uint64_t *hv_l4;
static uint64_t pte_nx;                /* PTE_NX if the CPU has NX, else 0 */
static uint64_t ioremap_next = IOREMAP_BASE;
extern char __image_start[], __text_end[], __rodata_end[], __image_end[];

void *maddr_to_virt(uint64_t ma)
{
    return (void *)(DIRECTMAP_BASE + ma);
}

uint64_t virt_to_maddr(const void *va)
{
    uint64_t v = (uint64_t)va;

    if (v >= DIRECTMAP_BASE && v < DIRECTMAP_END)
        return v - DIRECTMAP_BASE;
    return v - HV_IMAGE_BASE;          /* image window */
}

uint64_t hv_l4_maddr(void)
{
    return virt_to_maddr(hv_l4);
}

static uint64_t *pt_alloc(void)
{
    if (pt_used == POOL_PAGES)
        return NULL;
    return pt_pool[pt_used++];         /* .bss: already zero */
}

/* The table one level below entry *e, created if absent; NULL when the pool is empty.
 * `user` adds U on the way down (only the M2P, in its own slot, is guest-readable). */
static uint64_t *next_level_user(uint64_t *e, bool user)
{
    if (!(*e & PTE_P)) {
        uint64_t *t = pt_alloc();
        if (!t)
            return NULL;
        *e = virt_to_maddr(t) | PTE_P | PTE_RW;
    }
    if (user)
        *e |= PTE_U;
    return (uint64_t *)(HV_IMAGE_BASE + (*e & PTE_ADDR));   /* pool pages are in the image */
}

static uint64_t *next_level(uint64_t *e)
{
    return next_level_user(e, false);
}

/* Map one page (4 KiB, or 2 MiB with PTE_PS in flags) at va; false if out of tables. */
static bool map_page(uint64_t va, uint64_t ma, uint64_t flags)
{
    bool user = flags & PTE_U;
    uint64_t *l3 = next_level_user(&hv_l4[L4_SLOT(va)], user);
    uint64_t *l2 = l3 ? next_level_user(&l3[L3_SLOT(va)], user) : NULL;

    if (!l2)
        return false;
    if (flags & PTE_PS) {
        l2[L2_SLOT(va)] = ma | flags;
        return true;
    }
    uint64_t *l1 = next_level_user(&l2[L2_SLOT(va)], user);
    if (!l1)
        return false;
    l1[L1_SLOT(va)] = ma | flags;
    return true;
}

static void map_image(void)
{
    for (uint64_t va = (uint64_t)__image_start; va < (uint64_t)__image_end; va += 4096) {
        uint64_t flags = PTE_P | PTE_G;
        if (va >= (uint64_t)__text_end)
            flags |= pte_nx;                            /* data is never executable */
        if (va >= (uint64_t)__rodata_end)
            flags |= PTE_RW;                            /* code and rodata read-only */
        if (!map_page(va, va - HV_IMAGE_BASE, flags))
            panic("paging: no page-table pages left to map the image");
    }
}

/* Direct-map every 2 MiB chunk that holds RAM (or ACPI data), never device memory. */
static void map_ram(const struct boot_info *bi)
{
    uint64_t limit = DIRECTMAP_END - DIRECTMAP_BASE;
    bool out_of_tables = false;

    for (uint32_t i = 0; i < bi->nr_mmap; i++) {
        const struct mb2_mmap_entry *e = &bi->mmap[i];
        if (e->type != MB2_MEM_AVAILABLE && e->type != MB2_MEM_ACPI_RECLAIM &&
            e->type != MB2_MEM_NVS)
            continue;
        uint64_t start = ALIGN_DOWN(e->addr, SZ_2M);
        uint64_t end = e->addr + e->len < e->addr ? limit : e->addr + e->len;
        end = MIN(ALIGN_UP(end, SZ_2M), limit);
        for (uint64_t ma = start; ma < end && !out_of_tables; ma += SZ_2M)
            out_of_tables = !map_page(DIRECTMAP_BASE + ma, ma,
                                      PTE_P | PTE_RW | PTE_PS | PTE_G | pte_nx);
    }
    if (out_of_tables)
        pr_warn("paging: page-table pool exhausted; RAM above the mapped part is unused\n");
}

void paging_init(const struct boot_info *bi)
{
    uint32_t a, b, c, d;

    cpuid_count(0x80000001, 0, &a, &b, &c, &d);
    pte_nx = (d & (1u << 20)) ? PTE_NX : 0;
    hv_l4 = pt_alloc();
    for (int slot = HV_FIRST_SLOT; slot <= HV_LAST_SLOT; slot++)
        next_level(&hv_l4[slot]);
    map_image();
    map_ram(bi);
    write_cr3(virt_to_maddr(hv_l4));
    pr_info("paging: %u of %u page-table pages used; NX %s\n", pt_used, POOL_PAGES,
            pte_nx ? "on" : "unavailable");
}

void *ioremap(uint64_t ma, size_t size)
{
    uint64_t off = ma & 4095;
    uint64_t pages = ALIGN_UP(off + size, 4096) / 4096;
    uint64_t va = ioremap_next;

    if (pages > (IOREMAP_BASE + IOREMAP_SIZE - va) / 4096)
        return NULL;
    for (uint64_t i = 0; i < pages; i++)
        if (!map_page(va + i * 4096, ALIGN_DOWN(ma, 4096) + i * 4096,
                      PTE_P | PTE_RW | PTE_PCD | PTE_PWT | pte_nx))
            return NULL;
    ioremap_next += pages * 4096;
    return (void *)(va + off);
}

bool paging_map_guest_ro(uint64_t va, uint64_t ma)
{
    return map_page(va, ma, PTE_P | PTE_U | PTE_G | pte_nx);
}

const uint64_t *hv_l4_reserved_slots(void)
{
    return &hv_l4[HV_FIRST_SLOT];
}

uint64_t *paging_hv_l1e(uint64_t va)
{
    uint64_t *l3 = next_level(&hv_l4[L4_SLOT(va)]);
    uint64_t *l2 = l3 ? next_level(&l3[L3_SLOT(va)]) : NULL;
    uint64_t *l1 = l2 ? next_level(&l2[L2_SLOT(va)]) : NULL;

    return l1 ? &l1[L1_SLOT(va)] : NULL;
}

void paging_set_hv_l1e(uint64_t *l1e, uint64_t va, uint64_t ma, bool writable)
{
    uint64_t want = ma | PTE_P | PTE_G | pte_nx | (writable ? PTE_RW : 0);

    if ((*l1e & ~(PTE_A | PTE_D)) == want)
        return;                                 /* already so: no write, no flush */
    *l1e = want;
    invlpg((void *)va);
}

bool paging_map_hv(uint64_t va, uint64_t ma, bool writable)
{
    bool ok = map_page(va, ma, PTE_P | PTE_G | pte_nx | (writable ? PTE_RW : 0));

    if (ok && hv_l4)
        invlpg((void *)va);
    return ok;
}
