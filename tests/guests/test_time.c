/* Guest time: vcpu_time_info (pvclock), the shared_info wallclock and
 * VCPUOP_get_runstate_info (ABI notes §1.7, §6.7, §2.1 row 24).
 *
 * Checks: vcpu_time_info's version is even whenever the guest reads it (the
 * hypervisor never leaves an update half done while the guest runs), its scale is
 * usable (mul != 0, a small shift, an implied TSC frequency between 100 MHz and
 * 20 GHz), flags hold only XEN_PVCLOCK_* bits, GUEST_STOPPED is clear and
 * TSC_STABLE is claimed only on a CPU with an invariant TSC; system time by the
 * formula now = system_time + scale(rdtsc - tsc_timestamp) never goes backwards over
 * 200000 reads and advances; the wallclock (wc_version even, wc_sec:wc_nsec = UTC at
 * system time 0) is stable between reads, wc_nsec < 10^9, wc_sec_hi 0 and wc_sec +
 * now is after 2020-01-01 and before 2100 (QEMU's RTC starts at the host's UTC time;
 * a machine with an unset RTC would fail here, which is what it should do);
 * VCPUOP_get_runstate_info on the running vCPU says RUNSTATE_running, its running
 * time grows by the time spent spinning (90%..100%+1 ms: dom0 is alone, so it
 * gets the CPU) while blocked and offline time stay put, state_entry_time is the
 * time the state was entered (before the query, and the same in two queries in a row:
 * the ABI header's meaning, and Xen's), a vCPU the domain lacks is
 * -ENOENT and an unwritable buffer -EFAULT.
 * Without it: Mini-OS and Linux compute time from these fields; a torn read or a
 * backwards step breaks their timers and sleeps.
 */
#include "rt.h"
#include "pvtime.h"

#define UTC_2020 1577836800ull      /* 2020-01-01T00:00:00Z */
#define UTC_2100 4102444800ull      /* 2100-01-01T00:00:00Z */

static void t_fields(void)
{
    const volatile struct vcpu_time_info *t = &shared->vcpu_info[0].time;
    struct pvclock_snap s;
    unsigned int odd = 0;
    uint32_t regs[4];

    t_begin("pvclock_fields");
    for (unsigned int i = 0; i < 100000; i++)
        odd += t->version & 1;
    t_eq("odd versions seen in 100000 reads", odd, 0);
    pvclock_read(0, &s);
    t_eq("retries of a read", s.retries, 0);
    t_check(s.version != 0, "version is 0: vcpu_time_info was never written");
    t_check(s.mul != 0, "tsc_to_system_mul is 0");
    t_check(s.shift >= -8 && s.shift <= 8, "tsc_shift %d out of -8..8", s.shift);
    t_eq("flags outside XEN_PVCLOCK_*",
         s.flags & ~(XEN_PVCLOCK_TSC_STABLE_BIT | XEN_PVCLOCK_GUEST_STOPPED), 0);
    t_eq("GUEST_STOPPED", s.flags & XEN_PVCLOCK_GUEST_STOPPED, 0);
    cpuid_count(0x80000000, 0, regs);
    bool invariant = false;
    if (regs[0] >= 0x80000007) {
        cpuid_count(0x80000007, 0, regs);
        invariant = regs[3] & (1u << 8);
    }
    t_check(!(s.flags & XEN_PVCLOCK_TSC_STABLE_BIT) || invariant,
            "TSC_STABLE claimed on a CPU without an invariant TSC");
    if (s.mul) {
        /* CPU frequency = ((10^9 << 32) / mul) >> shift (ABI notes §6.7). */
        uint64_t hz = (NS_PER_S << 32) / s.mul;       /* 10^9 << 32 fits in 64 bits */
        hz = s.shift >= 0 ? hz >> s.shift : hz << -s.shift;
        uint64_t khz = hz / 1000;
        printk("pvclock: mul %#x shift %d flags %#x: TSC %lu kHz\n", (unsigned int)s.mul,
               s.shift, (unsigned int)s.flags, (unsigned long)khz);
        t_check(khz >= 100000 && khz <= 20000000, "implied TSC frequency %lu kHz",
                (unsigned long)khz);
    }
    t_check(s.tsc >= s.tsc_timestamp, "RDTSC %#lx before tsc_timestamp %#lx",
            (unsigned long)s.tsc, (unsigned long)s.tsc_timestamp);
    t_check(s.now >= s.system_time, "now before system_time");
    t_end();
}

static void t_monotonic(void)
{
    uint64_t first = pvclock_now(), prev = first, worst = 0;
    unsigned int back = 0;

    t_begin("pvclock_monotonic");
    for (unsigned int i = 0; i < 200000; i++) {
        uint64_t now = pvclock_now();
        if (now < prev) {
            back++;
            if (prev - now > worst)
                worst = prev - now;
        }
        prev = now;
    }
    t_eq("backward steps in 200000 reads", back, 0);
    t_eq("largest backward step (ns)", worst, 0);
    t_check(prev > first, "system time did not advance over 200000 reads");
    /* A 10 ms spin must read as 10 ms (the formula's delta part really scales). */
    uint64_t t0 = pvclock_now(), tsc0 = rdtsc_ordered();
    uint64_t t1 = spin_until(t0 + 10 * NS_PER_MS), tsc1 = rdtsc_ordered();
    t_check(tsc1 > tsc0, "the TSC did not advance while system time moved 10 ms");
    t_check(t1 - t0 < 1000 * NS_PER_MS, "a 10 ms spin took %lu ns",
            (unsigned long)(t1 - t0));
    t_end();
}

/* Reads the wallclock under wc_version; returns the version seen. */
static uint32_t read_wallclock(uint64_t *sec, uint32_t *nsec, uint32_t *hi)
{
    const volatile shared_info_t *s = shared;
    uint32_t v, v2;

    do {
        v = s->wc_version;
        __asm__ volatile("lfence" ::: "memory");
        *sec = s->wc_sec;
        *nsec = s->wc_nsec;
        *hi = s->wc_sec_hi;
        __asm__ volatile("lfence" ::: "memory");
        v2 = s->wc_version;
    } while ((v & 1) || v != v2);
    *sec |= (uint64_t)*hi << 32;
    return v;
}

/* y-m-d of a count of days since 1970-01-01 (civil calendar). */
static void civil(int64_t z, unsigned int *y, unsigned int *m, unsigned int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned int doe = (unsigned int)(z - era * 146097);
    unsigned int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (unsigned int)(yoe + era * 400) + (*m <= 2);
}

static void t_wallclock(void)
{
    const volatile shared_info_t *s = shared;
    uint64_t sec, sec2;
    uint32_t nsec, nsec2, hi, hi2;
    unsigned int odd = 0;

    t_begin("wallclock");
    for (unsigned int i = 0; i < 100000; i++)
        odd += s->wc_version & 1;
    t_eq("odd wc_version seen in 100000 reads", odd, 0);
    uint32_t v = read_wallclock(&sec, &nsec, &hi);
    t_check(v != 0, "wc_version is 0: the wallclock was never written");
    t_check(nsec < NS_PER_S, "wc_nsec %u >= 10^9", nsec);
    t_eq("wc_sec_hi", hi, 0);
    spin_until(pvclock_now() + 5 * NS_PER_MS);
    uint32_t v2 = read_wallclock(&sec2, &nsec2, &hi2);
    t_eq("wc_version between two reads", v2, v);
    t_check(sec2 == sec && nsec2 == nsec, "wallclock at system time 0 moved: %lu.%09u -> %lu.%09u",
            (unsigned long)sec, nsec, (unsigned long)sec2, nsec2);

    uint64_t now = pvclock_now();
    uint64_t utc = sec + (nsec + now) / NS_PER_S;
    unsigned int y, mo, d;
    civil((int64_t)(utc / 86400), &y, &mo, &d);
    printk("wallclock: boot at %lu.%09u, now %04u-%02u-%02u %02lu:%02lu:%02lu UTC\n",
           (unsigned long)sec, nsec, y, mo, d, (unsigned long)(utc / 3600 % 24),
           (unsigned long)(utc / 60 % 60), (unsigned long)(utc % 60));
    t_check(utc >= UTC_2020, "wc_sec + now = %lu, before 2020-01-01", (unsigned long)utc);
    t_check(utc < UTC_2100, "wc_sec + now = %lu, after 2100-01-01", (unsigned long)utc);
    t_end();
}

static void t_runstate(void)
{
    struct vcpu_runstate_info r0, r1;

    t_begin("runstate_running_grows");
    uint64_t t0 = pvclock_now();
    long rc0 = runstate_get(0, &r0);
    uint64_t t1 = spin_until(t0 + 200 * NS_PER_MS);
    long rc1 = runstate_get(0, &r1);
    uint64_t t2 = pvclock_now();
    t_eq("get_runstate_info rc", rc0, 0);
    t_eq("get_runstate_info rc (second)", rc1, 0);
    t_eq("state", r0.state, RUNSTATE_running);
    t_eq("state after spinning", r1.state, RUNSTATE_running);
    uint64_t ran = r1.time[RUNSTATE_running] - r0.time[RUNSTATE_running];
    uint64_t spun = t1 - t0, elapsed = t2 - t0;
    printk("runstate: spun %lu us, running grew %lu us, runnable %lu us\n",
           (unsigned long)(spun / NS_PER_US), (unsigned long)(ran / NS_PER_US),
           (unsigned long)((r1.time[RUNSTATE_runnable] - r0.time[RUNSTATE_runnable]) /
                           NS_PER_US));
    t_check(ran >= spun / 10 * 9, "running time grew %lu ns over a %lu ns spin",
            (unsigned long)ran, (unsigned long)spun);
    t_check(ran <= elapsed + NS_PER_MS, "running time grew %lu ns in %lu ns",
            (unsigned long)ran, (unsigned long)elapsed);
    t_eq("blocked time while spinning", r1.time[RUNSTATE_blocked],
         r0.time[RUNSTATE_blocked]);
    t_eq("offline time while spinning", r1.time[RUNSTATE_offline],
         r0.time[RUNSTATE_offline]);
    t_end();

    /* Two queries back to back, long after the vCPU last went on the CPU. */
    t_begin("runstate_entry_time_is_entry");
    uint64_t t3 = pvclock_now();
    runstate_get(0, &r0);
    runstate_get(0, &r1);
    t_check(r0.state_entry_time < t3, "state_entry_time %lu is not before the query (%lu)",
            (unsigned long)r0.state_entry_time, (unsigned long)t3);
    t_eq("state_entry_time in two queries in a row", r1.state_entry_time,
         r0.state_entry_time);
    t_end();

    t_begin("runstate_errors");
    t_eq("vCPU 1 (dom0 has one)", runstate_get(1, &r0), -XEN_ENOENT);
    t_eq("vCPU 4096", runstate_get(4096, &r0), -XEN_ENOENT);
    t_eq("unmapped buffer", runstate_get(0, (void *)0x40000000ul), -XEN_EFAULT);
    t_eq("non-canonical buffer", runstate_get(0, (void *)0x8000000000000000ul),
         -XEN_EFAULT);
    t_end();
}

void test_main(void)
{
    if (!shared)
        rt_panic("shared_info not mapped");
    t_fields();
    t_monotonic();
    t_wallclock();
    t_runstate();
}
