/* The GDT and TSS. Entries below GDT_FIRST_RESERVED are the guest's (empty until a
 * guest calls set_gdt); the reserved part holds the hypervisor's ring-0 segments, the
 * three flat ring-3 segments every PV guest expects (0xE023/0xE02B/0xE033) and the TSS.
 * The IST stacks keep #DF, NMI, #MC and #DB off a stack that may be bad at the time. */
#include "desc.h"
#include "layout.h"
#include "lib.h"
#include "stacks.h"

#define IDX(sel) ((sel) >> 3)

static uint64_t gdt[GDT_NR_ENTRIES] __attribute__((aligned(4096)));
static struct tss64 tss __attribute__((aligned(128)));
static uint8_t ist_stacks[4][IST_STACK_SIZE] __attribute__((aligned(16)));
extern char boot_stack_top[];

struct __attribute__((packed)) dt_ptr {
    uint16_t limit;
    uint64_t base;
};

static void set_tss_descriptor(unsigned int idx, uint64_t base, uint32_t limit)
{
    /* A 16-byte system descriptor: type 9 (available 64-bit TSS), present, DPL 0. */
    gdt[idx] = (limit & 0xFFFFull) | ((base & 0xFFFFFFull) << 16) | (0x89ull << 40) |
               ((uint64_t)(limit & 0xF0000) << 32) | ((base & 0xFF000000ull) << 32);
    gdt[idx + 1] = base >> 32;
}

void gdt_init(void)
{
    gdt[IDX(HV_CS)] = 0x00AF9B000000FFFFull;           /* 64-bit code, DPL0 */
    gdt[IDX(HV_DS)] = 0x00CF93000000FFFFull;           /* data, DPL0 */
    gdt[IDX(FLAT_RING3_CS32)] = 0x00CFFB000000FFFFull; /* 32-bit code, DPL3 */
    gdt[IDX(FLAT_RING3_DS32)] = 0x00CFF3000000FFFFull; /* data/stack, DPL3 */
    gdt[IDX(FLAT_RING3_CS64)] = 0x00AFFB000000FFFFull; /* 64-bit code, DPL3 */

    for (int i = 0; i < 4; i++)
        tss.ist[i] = (uint64_t)(ist_stacks[i] + IST_STACK_SIZE);
    tss.rsp[0] = (uint64_t)boot_stack_top;
    tss.iomap_base = sizeof(tss);                      /* no I/O bitmap */
    set_tss_descriptor(IDX(HV_TSS), (uint64_t)&tss, sizeof(tss) - 1);

    struct dt_ptr p = { sizeof(gdt) - 1, (uint64_t)gdt };
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
        "ltr %4"
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
    for (int i = 0; i < 4; i++)
        if (range_in(p, len, (uint64_t)ist_stacks[i], (uint64_t)ist_stacks[i] + IST_STACK_SIZE))
            return true;
    return false;
}
