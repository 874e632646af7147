/* The GDT and TSS. The GDT lives in a window of 15 pages at GDT_VIRT_START: pages
 * 0-13 (entries 0-7167) map the running vCPU's guest GDT frames (set_gdt) or an empty
 * page; page 14 is the reserved page with the hypervisor's ring-0 segments, the three
 * flat ring-3 segments every PV guest expects (0xE023/0xE02B/0xE033) and the TSS.
 * The IST stacks keep #DF, NMI, #MC and #DB off a stack that may be bad at the time. */
#include <x86/desc.h>
#include <x86/layout.h>
#include <hv/lib.h>
#include <asm/machine.h>
#include <asm/mm.h>
#include <x86/percpu.h>
#include <x86/stacks.h>

#define IDX(sel) (((sel) >> 3) - GDT_FIRST_RESERVED)   /* index in gdt_reserved */

static uint64_t gdt_reserved[512] __attribute__((aligned(4096)));  /* entries 7168.. */
static const uint64_t gdt_empty[512] __attribute__((aligned(4096)));
static struct tss64 tss __attribute__((aligned(128)));
static uint8_t ist_stacks[4][IST_STACK_SIZE] __attribute__((aligned(16)));
/* The CPU's stack once guests run (TSS.RSP0): a guest's frame sits at its top. The
 * boot stack is separate so building that frame never overwrites live boot frames. */
static uint8_t cpu0_stack[STACK_SIZE] __attribute__((aligned(64)));
extern char boot_stack_top[];

struct __attribute__((packed)) dt_ptr {
    uint16_t limit;
    uint64_t base;
};

static void set_tss_descriptor(unsigned int idx, uint64_t base, uint32_t limit)
{
    uint64_t *gdt = gdt_reserved;

    /* A 16-byte system descriptor: type 9 (available 64-bit TSS), present, DPL 0. */
    gdt[idx] = (limit & 0xFFFFull) | ((base & 0xFFFFFFull) << 16) | (0x89ull << 40) |
               ((uint64_t)(limit & 0xF0000) << 32) | ((base & 0xFF000000ull) << 32);
    gdt[idx + 1] = base >> 32;
}

/* The entries mapping the window's guest pages: every context switch sets them, so
 * they are found once rather than walked to 14 times per switch. Pages from
 * window_used on map gdt_empty. */
static uint64_t *window_l1e[GDT_GUEST_PAGES];
static unsigned int window_used;

static void map_window_page(unsigned int page, uint64_t maddr)
{
    paging_set_hv_l1e(window_l1e[page], GDT_VIRT_START + page * 4096ul,
                      maddr ? maddr : virt_to_maddr(gdt_empty), maddr != 0);
}

void gdt_load_guest_frames(const uint64_t *maddrs, unsigned int nr)
{
    nr = MIN(nr, (unsigned int)GDT_GUEST_PAGES);
    for (unsigned int i = 0; i < MAX(nr, window_used); i++)
        map_window_page(i, i < nr ? maddrs[i] : 0);
    window_used = nr;
}

void gdt_init(void)
{
    uint64_t *gdt = gdt_reserved;

    for (unsigned int i = 0; i < GDT_GUEST_PAGES; i++) {
        window_l1e[i] = paging_hv_l1e(GDT_VIRT_START + i * 4096ul);
        if (!window_l1e[i])
            panic("gdt: cannot map the GDT window");
        map_window_page(i, 0);
    }
    if (!paging_map_hv(GDT_VIRT_START + GDT_GUEST_PAGES * 4096ul,
                       virt_to_maddr(gdt_reserved), true))
        panic("gdt: cannot map the reserved GDT page");
    gdt[IDX(HV_CS)] = 0x00AF9B000000FFFFull;           /* 64-bit code, DPL0 */
    gdt[IDX(HV_DS)] = 0x00CF93000000FFFFull;           /* data, DPL0 */
    gdt[IDX(FLAT_RING3_CS32)] = 0x00CFFB000000FFFFull; /* 32-bit code, DPL3 */
    gdt[IDX(FLAT_RING3_DS32)] = 0x00CFF3000000FFFFull; /* data/stack, DPL3 */
    gdt[IDX(FLAT_RING3_CS64)] = 0x00AFFB000000FFFFull; /* 64-bit code, DPL3 */

    for (int i = 0; i < 4; i++)
        tss.ist[i] = (uint64_t)(ist_stacks[i] + IST_STACK_SIZE);
    tss.rsp[0] = (uint64_t)(cpu0_stack + STACK_SIZE);
    cpu0.stack_top = tss.rsp[0];
    tss.iomap_base = sizeof(tss);                      /* no I/O bitmap */
    set_tss_descriptor(IDX(HV_TSS), (uint64_t)&tss, sizeof(tss) - 1);

    struct dt_ptr p = { GDT_NR_ENTRIES * 8 - 1, GDT_VIRT_START };
    __asm__ volatile(
        "lgdt %0\n\t"
        "pushq %1\n\t"                  /* reload CS with a far return */
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "mov %2, %%ds\n\t"
        "mov %2, %%es\n\t"
        "mov %2, %%ss\n\t"
        "mov %3, %%fs\n\t"
        "mov %3, %%gs\n\t"
        "ltr %4\n\t"
        "lldt %w3"                      /* no LDT: LDT selectors fault with #GP */
        :: "m"(p), "i"(HV_CS), "r"(HV_DS), "r"(0), "r"((uint16_t)HV_TSS) : "rax", "memory");
}

void tss_set_rsp0(uint64_t rsp0)
{
    tss.rsp[0] = rsp0;
}

static bool range_in(uint64_t p, uint64_t len, uint64_t lo, uint64_t hi)
{
    return p >= lo && len <= hi - lo && p - lo <= hi - lo - len;
}

bool hv_stack_contains(uint64_t p, uint64_t len)
{
    extern char boot_stack[];

    if (range_in(p, len, (uint64_t)boot_stack, (uint64_t)boot_stack_top))
        return true;
    if (range_in(p, len, (uint64_t)cpu0_stack, (uint64_t)cpu0_stack + STACK_SIZE))
        return true;
    for (int i = 0; i < 4; i++)
        if (range_in(p, len, (uint64_t)ist_stacks[i], (uint64_t)ist_stacks[i] + IST_STACK_SIZE))
            return true;
    return false;
}
