/* Bench-guest runtime: start of day, console output, command line, the measurement
 * loop and its statistics. See bench.h for the output format. */
#include "bench.h"

#include <xlite/event_channel.h>
#include <xlite/io/console.h>

#define DEFAULT_BATCH   1000000     /* cycles one sample should take: about 0.4 ms */
#define DEFAULT_ROUNDS  101
#define CALIBRATE_ITERS 16
#define MAX_ITERS       10000000
#define MAX_ROUNDS      255
#define MAX_OPS         16          /* the two baselines included */
#define SAMPLES_PER_LINE 10

#define PTE_P  0x001ull
#define PTE_RW 0x002ull
#define PTE_A  0x020ull
#define PTE_D  0x040ull

start_info_t *start_info;
uint64_t bench_iters, bench_rounds = DEFAULT_ROUNDS, bench_batch = DEFAULT_BATCH;

/* A page of our own that the runtime maps shared_info over. */
static uint8_t shared_page[4096] __attribute__((aligned(4096), section(".bss.page_aligned")));
shared_info_t *bench_shared;
#define shared bench_shared

/* ------------------------------------------------------------------ console */

/* console_io, and in a domU its console ring too (as Xen's test framework does): a
 * domain `xlite create -c` built shows its figures in dom0, a boot-time one on the
 * hypervisor console (once: the hypervisor drains the ring), and one refused console_io
 * (release Xen, unprivileged) still has its ring. */
static void ring_write(const char *s, size_t n)
{
    const volatile uint64_t *m2p = (const volatile uint64_t *)MACH2PHYS_VIRT_START;
    struct xencons_interface *intf =
        (void *)(uintptr_t)(m2p[start_info->console.domU.mfn] << XLITE_PAGE_SHIFT);
    uint32_t prod = intf->out_prod;

    for (size_t i = 0; i < n; i++) {
        while (prod - __atomic_load_n(&intf->out_cons, __ATOMIC_ACQUIRE) >= sizeof(intf->out))
            HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
        intf->out[MASK_XENCONS_IDX(prod, intf->out)] = s[i];
        prod++;
        __atomic_store_n(&intf->out_prod, prod, __ATOMIC_RELEASE);
    }
    if (start_info->console.domU.evtchn) {
        struct evtchn_send send = { .port = start_info->console.domU.evtchn };
        HYPERCALL2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, &send);
    }
}

static void console_write(const char *s, size_t n)
{
    if (!(start_info->flags & SIF_INITDOMAIN) && start_info->console.domU.mfn)
        ring_write(s, n);
    HYPERCALL3(__HYPERVISOR_console_io, CONSOLEIO_write, n, s);
}

void bench_printf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    int n = bench_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 1)
        n = sizeof(buf) - 1;
    if (n > 0)
        console_write(buf, (size_t)n);
}

/* ------------------------------------------------------------------ shutdown */

static NORETURN void shutdown(unsigned int reason)
{
    struct sched_shutdown s = { .reason = reason };

    HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_shutdown, &s);
    for (;;)
        HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
}

void bench_fail(const char *what, const char *fmt, ...)
{
    char why[160];
    va_list ap;

    va_start(ap, fmt);
    bench_vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    bench_printf("bench-error %s: %s\n", what, why);
    shutdown(SHUTDOWN_crash);
}

/* ------------------------------------------------------------------ command line */

bool bench_cmdline_u64(const char *key, uint64_t *val)
{
    const char *p = start_info->cmd_line;
    size_t klen = 0;

    while (key[klen])
        klen++;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        if ((size_t)(p - w) <= klen || w[klen] != '=')
            continue;
        size_t i = 0;
        while (i < klen && w[i] == key[i])
            i++;
        if (i < klen)
            continue;
        uint64_t v = 0;
        const char *d = w + klen + 1;
        if (d == p)
            return false;
        for (; d < p; d++) {
            if (*d < '0' || *d > '9' || v > (UINT64_MAX - 9) / 10)
                return false;
            v = v * 10 + (uint64_t)(*d - '0');
        }
        *val = v;
        return true;
    }
    return false;
}

/* ------------------------------------------------------------------ traps, time */

long bench_set_trap(unsigned int vector, unsigned int dpl, void (*handler)(void))
{
    struct trap_info t[2] = {
        { .vector = (uint8_t)vector, .flags = (uint8_t)(dpl & 3), .cs = FLAT_KERNEL_CS,
          .address = (uint64_t)(uintptr_t)handler },
        { 0 },
    };

    return HYPERCALL1(__HYPERVISOR_set_trap_table, t);
}

/* The TSC scale of vcpu_time_info (mul, shift), read under its seqlock. */
static bool tsc_scale(uint32_t *mul, int8_t *shift)
{
    const volatile struct vcpu_time_info *t;
    uint32_t ver;

    if (!shared)
        return false;
    t = &shared->vcpu_info[0].time;
    do {
        ver = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        *mul = t->tsc_to_system_mul;
        *shift = t->tsc_shift;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((ver & 1) || ver != t->version);
    return *mul != 0;
}

/* Cycles (any fixed-point scale) to ns in the same scale: the pvclock formula. */
static uint64_t cycles_to_ns(uint64_t c, uint32_t mul, int8_t shift)
{
    c = shift >= 0 ? c << shift : c >> -shift;
    return (uint64_t)(((unsigned __int128)c * mul) >> 32);
}

/* TSC frequency in kHz: 1e6 ns per ms divided by ns per tick, mul * 2^shift / 2^32.
 * 1e6 << 32 is below 2^52, so shifts down to -11 fit in 64 bits. */
static uint64_t tsc_khz(uint32_t mul, int8_t shift)
{
    uint64_t num = 1000000ull << 32;

    if (shift < -11)
        return 0;
    num = shift >= 0 ? num >> shift : num << -shift;
    return num / mul;
}

/* ------------------------------------------------------------------ statistics */

static void sort(uint64_t *a, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++) {
        uint64_t x = a[i];
        unsigned int j = i;
        for (; j > 0 && a[j - 1] > x; j--)
            a[j] = a[j - 1];
        a[j] = x;
    }
}

static uint64_t median_sorted(const uint64_t *a, unsigned int n)
{
    return n % 2 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
}

/* Nearest rank: the smallest sample with at least pct% of the samples at or below. */
static uint64_t percentile_sorted(const uint64_t *a, unsigned int n, unsigned int pct)
{
    unsigned int rank = (pct * n + 99) / 100;

    return a[rank ? rank - 1 : 0];
}

struct stats {
    uint64_t median, min, p10, p90, max, mad;
};

static void compute_stats(const uint64_t *samples, unsigned int n, struct stats *s)
{
    static uint64_t a[MAX_ROUNDS];

    for (unsigned int i = 0; i < n; i++)
        a[i] = samples[i];
    sort(a, n);
    s->median = median_sorted(a, n);
    s->min = a[0];
    s->max = a[n - 1];
    s->p10 = percentile_sorted(a, n, 10);
    s->p90 = percentile_sorted(a, n, 90);
    for (unsigned int i = 0; i < n; i++)
        a[i] = a[i] > s->median ? a[i] - s->median : s->median - a[i];
    sort(a, n);
    s->mad = median_sorted(a, n);
}

/* ------------------------------------------------------------------ output */

void bench_figure(const char *name, uint64_t value, const char *unit)
{
    bench_printf("bench %s %lu %s\n", name, (unsigned long)value, unit);
}

static void bench_figure_op(const char *op, const char *stat, uint64_t v, const char *unit)
{
    bench_printf("bench %s%s %lu %s\n", op, stat, (unsigned long)v, unit);
}

/* A value in tenths as "N.N". */
static void figure_tenths(const char *op, const char *stat, uint64_t tenths, const char *unit)
{
    bench_printf("bench %s%s %lu.%lu %s\n", op, stat, (unsigned long)(tenths / 10),
                 (unsigned long)(tenths % 10), unit);
}

static void print_samples(const char *op, const uint64_t *s, unsigned int n)
{
    for (unsigned int i = 0; i < n; i += SAMPLES_PER_LINE) {
        char line[200];
        int len = bench_snprintf(line, sizeof(line), "bench-samples %s", op);
        for (unsigned int j = i; j < n && j < i + SAMPLES_PER_LINE; j++)
            if (len < (int)sizeof(line))
                len += bench_snprintf(line + len, sizeof(line) - (size_t)len, " %lu.%lu",
                                      (unsigned long)(s[j] / 10), (unsigned long)(s[j] % 10));
        bench_printf("%s\n", line);
    }
}

/* ------------------------------------------------------------------ measuring */

/* The in-guest baselines. noipa: the call must stay a real call and return. */
__attribute__((noipa)) static void empty_function(void)
{
    __asm__ volatile("");
}

static long run_empty_call(uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        empty_function();
    return 0;
}

static long run_rdtsc(uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        uint32_t lo, hi;
        __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    }
    return 0;
}

static const struct bench_op baselines[] = {
    { "empty-call", run_empty_call, 0, 0 },
    { "rdtsc", run_rdtsc, 0, 0 },
};

static uint64_t samples[MAX_OPS][MAX_ROUNDS];

static inline uint64_t rdtsc_ordered(void)
{
    __asm__ volatile("lfence" ::: "memory");
    return rdtsc();
}

/* One sample: tenths of a cycle per operation. */
static uint64_t sample(const struct bench_op *op, uint64_t n)
{
    uint64_t t0 = rdtsc_ordered();
    long rc = op->run(n);
    uint64_t t1 = rdtsc_ordered();

    if (rc < 0)
        bench_fail(op->name, "failed with %ld", rc);
    return (t1 - t0) * 10 / (n * (op->per ? op->per : 1));
}

/* Operations per sample: iters=N if given, else as many as fill bench_batch cycles,
 * from a short trial run (after one more that brings the code in). Equal-length
 * samples are equally likely to be hit by an interruption of the machine, which the
 * median then leaves out. */
static uint64_t iterations_for(const struct bench_op *op)
{
    if (bench_iters)
        return bench_iters;
    sample(op, CALIBRATE_ITERS);
    uint64_t tenths = sample(op, CALIBRATE_ITERS);
    uint64_t n = bench_batch * 10 / (tenths ? tenths : 1) / (op->per ? op->per : 1);
    return n < CALIBRATE_ITERS ? CALIBRATE_ITERS : n > MAX_ITERS ? MAX_ITERS : n;
}

void bench_measure(const struct bench_op *ops, unsigned int nr)
{
    const struct bench_op *all[MAX_OPS];
    uint64_t iters[MAX_OPS];
    unsigned int n = 0;
    uint32_t mul = 0;
    int8_t shift = 0;
    bool have_scale = tsc_scale(&mul, &shift);

    for (unsigned int i = 0; i < ARRAY_SIZE(baselines); i++)
        all[n++] = &baselines[i];
    if (nr > MAX_OPS - n)
        bench_fail("runtime", "%u operations, at most %u", nr, MAX_OPS - n);
    for (unsigned int i = 0; i < nr; i++)
        all[n++] = &ops[i];

    bench_figure("rounds", bench_rounds, "count");
    bench_figure("tsc-khz", have_scale ? tsc_khz(mul, shift) : 0, "kHz");
    for (unsigned int i = 0; i < n; i++)
        iters[i] = iterations_for(all[i]);

    /* Round 0 warms up (code translated, caches and TLBs filled) and is dropped. */
    for (uint64_t r = 0; r <= bench_rounds; r++)
        for (unsigned int i = 0; i < n; i++) {
            uint64_t s = sample(all[i], iters[i]);
            if (r)
                samples[i][r - 1] = s;
        }

    struct stats call;
    compute_stats(samples[0], (unsigned int)bench_rounds, &call);
    for (unsigned int i = 0; i < n; i++) {
        const char *name = all[i]->name;
        struct stats s;
        compute_stats(samples[i], (unsigned int)bench_rounds, &s);
        bench_printf("bench %s-iters %lu count\n", name, (unsigned long)iters[i]);
        if (all[i]->bytes)
            bench_figure_op(name, "-bytes", all[i]->bytes, "B");
        figure_tenths(name, "-median", s.median, "cycles");
        figure_tenths(name, "-min", s.min, "cycles");
        figure_tenths(name, "-p10", s.p10, "cycles");
        figure_tenths(name, "-p90", s.p90, "cycles");
        figure_tenths(name, "-max", s.max, "cycles");
        figure_tenths(name, "-mad", s.mad, "cycles");
        if (have_scale)
            figure_tenths(name, "-median-ns", cycles_to_ns(s.median, mul, shift), "ns");
        if (call.median)
            figure_tenths(name, "-vs-call", s.median * 10 / call.median, "x");
        print_samples(name, samples[i], (unsigned int)bench_rounds);
    }
}

/* ------------------------------------------------------------------ start of day */

void bench_start(start_info_t *si);
void bench_start(start_info_t *si)
{
    start_info = si;
    long rc = HYPERCALL3(__HYPERVISOR_update_va_mapping, (uint64_t)(uintptr_t)shared_page,
                         (si->shared_info & ~0xFFFull) | PTE_P | PTE_RW | PTE_A | PTE_D,
                         UVMF_INVLPG);
    if (rc == 0)
        shared = (shared_info_t *)shared_page;

    uint64_t serve;
    if (bench_cmdline_u64("serve", &serve))
        bench_peer_serve(serve);               /* a peer prints no bench lines */

    bench_figure("guest-entry-tsc", bench_entry_tsc, "cycles");
    if (rc)
        bench_printf("bench-note: cannot map shared_info (%ld): no ns figures\n", rc);

    bench_cmdline_u64("iters", &bench_iters);
    bench_cmdline_u64("rounds", &bench_rounds);
    bench_cmdline_u64("batch", &bench_batch);
    if (bench_iters > MAX_ITERS)
        bench_iters = MAX_ITERS;
    if (bench_rounds == 0)
        bench_rounds = 1;
    if (bench_rounds > MAX_ROUNDS)
        bench_rounds = MAX_ROUNDS;

    bench_main();

    bench_printf("bench-done\n");
    shutdown(SHUTDOWN_poweroff);
}
