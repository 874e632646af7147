/* Local APIC. x2APIC (MSR access) when the CPU has it, else xAPIC through an uncached
 * MMIO mapping. The timer runs one-shot: TSC-deadline mode when available (no
 * calibration needed), else the APIC counter calibrated against the TSC. The legacy
 * 8259 PICs are remapped away from the exception vectors and masked. */
#include <x86/apic.h>
#include <x86/layout.h>
#include <hv/lib.h>
#include <asm/machine.h>
#include <asm/mm.h>
#include <hv/printk.h>
#include <asm/time.h>
#include <x86/x86.h>

#define APIC_ID         0x020
#define APIC_VERSION    0x030
#define APIC_EOI        0x0B0
#define APIC_SVR        0x0F0
#define APIC_LVT_TIMER  0x320
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR  0x390
#define APIC_TIMER_DIV  0x3E0
#define LVT_MASKED      (1u << 16)
#define LVT_TSC_DEADLINE (2u << 17)
#define APIC_BASE_ENABLE (1u << 11)
#define APIC_BASE_X2APIC (1u << 10)
/* Longer deadlines are cut to this and simply fire early; keeps the math in 64 bits. */
#define MAX_DELTA_NS    (1ull << 40)

static bool x2apic;
static bool tsc_deadline;
static volatile uint32_t *mmio;
static uint64_t apic_ticks_per_ms;     /* counter mode only, divide-by-16 */
static void (*timer_handler)(void);

static uint32_t apic_read(uint32_t reg)
{
    return x2apic ? (uint32_t)rdmsr(0x800 + (reg >> 4)) : mmio[reg / 4];
}

static void apic_write(uint32_t reg, uint32_t v)
{
    if (x2apic)
        wrmsr(0x800 + (reg >> 4), v);
    else
        mmio[reg / 4] = v;
}

static void pic_disable(void)
{
    /* Remap to vectors 0x20-0x2F first so a stray PIC interrupt is not taken for an
     * exception, then mask every line. */
    outb(0x20, 0x11); outb(0xA0, 0x11);
    outb(0x21, 0x20); outb(0xA1, 0x28);
    outb(0x21, 0x04); outb(0xA1, 0x02);
    outb(0x21, 0x01); outb(0xA1, 0x01);
    outb(0x21, 0xFF); outb(0xA1, 0xFF);
}

static void calibrate_counter(void)
{
    apic_write(APIC_TIMER_DIV, 0x3);                 /* divide by 16 */
    apic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_APIC_TIMER);
    apic_write(APIC_TIMER_INIT, 0xFFFFFFFFu);
    uint64_t end = rdtsc() + tsc_hz / 100;           /* 10 ms */
    while (rdtsc() < end)
        cpu_relax();
    apic_ticks_per_ms = (0xFFFFFFFFu - apic_read(APIC_TIMER_CUR)) / 10;
    apic_write(APIC_TIMER_INIT, 0);
    if (!apic_ticks_per_ms)
        panic("apic: timer does not count");
}

void apic_init(void)
{
    uint32_t a, b, c, d;

    cpuid_count(1, 0, &a, &b, &c, &d);
    if (!(d & (1u << 9)))
        panic("apic: no local APIC");
    x2apic = c & (1u << 21);
    tsc_deadline = c & (1u << 24);
    pic_disable();

    uint64_t base = rdmsr(MSR_APIC_BASE);
    base |= APIC_BASE_ENABLE | (x2apic ? APIC_BASE_X2APIC : 0);
    wrmsr(MSR_APIC_BASE, base);
    if (!x2apic) {
        mmio = ioremap(base & 0xFFFFFF000ull, 4096);
        if (!mmio)
            panic("apic: cannot map the xAPIC registers");
    }
    apic_write(APIC_SVR, 0x100 | VEC_SPURIOUS);      /* software-enable */
    if (tsc_deadline)
        apic_write(APIC_LVT_TIMER, LVT_TSC_DEADLINE | VEC_APIC_TIMER);
    else
        calibrate_counter();
    pr_info("apic: %s, id %u, timer %s\n", x2apic ? "x2APIC" : "xAPIC",
            x2apic ? apic_read(APIC_ID) : apic_read(APIC_ID) >> 24,
            tsc_deadline ? "TSC-deadline" : "one-shot counter");
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

void timer_set_handler(void (*fn)(void))
{
    timer_handler = fn;
}

void timer_set_deadline(uint64_t deadline_ns)
{
    if (tsc_deadline) {
        uint64_t tsc = 0;
        if (deadline_ns) {
            uint64_t now = now_ns();
            uint64_t delta = deadline_ns > now ? deadline_ns - now : 0;
            delta = MIN(delta, MAX_DELTA_NS);
            tsc = rdtsc() + muldiv64(delta, tsc_hz, 1000000000u);
            tsc = tsc ? tsc : 1;                    /* 0 would disarm */
        }
        wrmsr(MSR_TSC_DEADLINE, tsc);
        return;
    }
    if (!deadline_ns) {
        apic_write(APIC_TIMER_INIT, 0);
        return;
    }
    uint64_t now = now_ns();
    uint64_t delta = MIN(deadline_ns > now ? deadline_ns - now : 0, MAX_DELTA_NS);
    uint64_t ticks = muldiv64(delta, apic_ticks_per_ms, 1000000u);
    apic_write(APIC_LVT_TIMER, VEC_APIC_TIMER);      /* one-shot, unmasked */
    apic_write(APIC_TIMER_INIT, (uint32_t)MAX(1, MIN(ticks, 0xFFFFFFFFull)));
}

void apic_timer_interrupt(void)
{
    apic_eoi();
    if (timer_handler)
        timer_handler();
}
