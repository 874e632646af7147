/* TSC calibration against PIT channel 2: count TSC ticks while the PIT counts down a
 * known interval, take the best of several runs, and derive the pvclock-style scale. */
#include <hv/lib.h>
#include <asm/machine.h>
#include <hv/printk.h>
#include <asm/time.h>
#include <x86/x86.h>

#define PIT_HZ          1193182u
#define PIT_CH2         0x42
#define PIT_CMD         0x43
#define PIT_GATE        0x61        /* bit 0: ch2 gate, bit 1: speaker, bit 5: ch2 out */
#define CALIBRATE_MS    10
#define RUNS            5

uint64_t tsc_hz;
struct time_scale tsc_scale;
bool tsc_invariant;
static uint64_t tsc_at_boot;

/* TSC ticks during one PIT countdown of CALIBRATE_MS, or 0 if the PIT never fired. */
static uint64_t measure_once(void)
{
    uint16_t count = (uint16_t)(PIT_HZ * CALIBRATE_MS / 1000);
    uint8_t gate = inb(PIT_GATE);

    outb(PIT_GATE, (gate & ~0x02) | 0x01);      /* gate on, speaker off */
    outb(PIT_CMD, 0xB0);                        /* ch2, lo/hi byte, mode 0, binary */
    outb(PIT_CH2, count & 0xFF);
    outb(PIT_CH2, count >> 8);
    uint64_t start = rdtsc();
    for (uint64_t spins = 0; !(inb(PIT_GATE) & 0x20); spins++)
        if (spins > 100000000ull)
            return 0;
    uint64_t end = rdtsc();
    outb(PIT_GATE, gate);
    return end - start;
}

void time_init(void)
{
    uint64_t best = 0;

    /* The shortest run is the one least disturbed (emulators, SMIs). */
    for (int i = 0; i < RUNS; i++) {
        uint64_t t = measure_once();
        if (t && (!best || t < best))
            best = t;
    }
    if (!best)
        panic("time: the PIT does not count; cannot calibrate the TSC");
    tsc_hz = best * 1000 / CALIBRATE_MS;
    time_scale_init(&tsc_scale, tsc_hz);
    tsc_at_boot = rdtsc();

    uint32_t a, b, c, d;
    cpuid_count(0x80000000, 0, &a, &b, &c, &d);
    bool invariant = false;
    if (a >= 0x80000007) {
        cpuid_count(0x80000007, 0, &a, &b, &c, &d);
        invariant = d & (1u << 8);
    }
    tsc_invariant = invariant;
    pr_info("time: TSC %lu.%03lu MHz (PIT-calibrated, %s), scale mul %#x shift %d\n",
            tsc_hz / 1000000, tsc_hz / 1000 % 1000, invariant ? "invariant" : "not invariant",
            tsc_scale.mul, tsc_scale.shift);
}

uint64_t tsc_to_system_ns(uint64_t tsc)
{
    return tsc > tsc_at_boot ? time_scale_apply(&tsc_scale, tsc - tsc_at_boot) : 0;
}

uint64_t now_ns(void)
{
    return tsc_to_system_ns(rdtsc());
}

uint64_t get_cycles(void)
{
    return rdtsc();
}
