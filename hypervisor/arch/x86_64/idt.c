/* The IDT: every vector goes to its stub in entry.S through an interrupt gate (IF=0).
 * #DF, NMI, #MC and #DB run on IST stacks. Gates are DPL0 except #BP and #OF (DPL3),
 * so a guest's `INT n` arrives as #GP((n << 3) | 2), as the PV ABI expects. */
#include <x86/desc.h>
#include <x86/layout.h>
#include <hv/lib.h>

struct __attribute__((packed)) idt_entry {
    uint16_t off_lo;
    uint16_t sel;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t off_mid;
    uint32_t off_hi;
    uint32_t zero;
};

static struct idt_entry idt[256] __attribute__((aligned(4096)));
extern char entry_stubs[];

static void set_gate(int vec, uint64_t addr, int ist, int dpl)
{
    idt[vec] = (struct idt_entry){
        .off_lo = addr & 0xFFFF,
        .sel = HV_CS,
        .ist = ist,
        .type_attr = 0x8E | (dpl << 5),  /* present, 64-bit interrupt gate */
        .off_mid = (addr >> 16) & 0xFFFF,
        .off_hi = addr >> 32,
    };
}

void idt_init(void)
{
    static bool built;

    if (!built) {
        for (int v = 0; v < 256; v++)
            set_gate(v, (uint64_t)(entry_stubs + 16 * v), 0, 0);
        set_gate(1, (uint64_t)(entry_stubs + 16 * 1), IST_DB, 0);
        set_gate(2, (uint64_t)(entry_stubs + 16 * 2), IST_NMI, 0);
        set_gate(3, (uint64_t)(entry_stubs + 16 * 3), 0, 3);
        set_gate(4, (uint64_t)(entry_stubs + 16 * 4), 0, 3);
        set_gate(8, (uint64_t)(entry_stubs + 16 * 8), IST_DF, 0);
        set_gate(18, (uint64_t)(entry_stubs + 16 * 18), IST_MC, 0);
        built = true;
    }
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } p = {
        sizeof(idt) - 1, (uint64_t)idt
    };
    __asm__ volatile("lidt %0" :: "m"(p));
}
