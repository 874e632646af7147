/* The hypervisor's two cheapest round trips, next to the runtime's in-guest baselines
 * (empty-call, rdtsc) measured in the same rounds:
 *
 *   null-hypercall  xen_version(XENVER_version, NULL) through the hypercall page:
 *                   SYSCALL into the hypervisor, dispatch, a handler that only
 *                   returns a constant, and back. Xen's classic "null hypercall".
 *   trap-bounce     int3 in guest kernel mode: #BP into the hypervisor, bounced to
 *                   the guest's trap-table handler, which returns with
 *                   HYPERVISOR_iret (a second hypervisor entry). The usual cost of a
 *                   PV guest exception.
 *
 * Every result is checked (the version is at least 3.0; every int3 reached the
 * handler), so the smoke run in `make test` proves the paths still work. */
#include "bench.h"

extern void bench_int3_entry(void);

static long run_null_hypercall(uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        long v = HYPERCALL2(__HYPERVISOR_xen_version, XENVER_version, 0);
        if (v < 0x30000)
            return v < 0 ? v : -XEN_EINVAL;
    }
    return 0;
}

static long run_trap_bounce(uint64_t n)
{
    uint64_t before = bench_int3_count;

    for (uint64_t i = 0; i < n; i++)
        __asm__ volatile("int3" ::: "memory");
    return bench_int3_count - before == n ? 0 : -XEN_EIO;
}

static const struct bench_op ops[] = {
    { "null-hypercall", run_null_hypercall, 0, 0 },
    { "trap-bounce", run_trap_bounce, 0, 0 },
};

void bench_main(void)
{
    long rc = bench_set_trap(3, 3, bench_int3_entry);

    if (rc)
        bench_fail("trap-bounce", "set_trap_table(#BP) returned %ld", rc);
    bench_measure(ops, ARRAY_SIZE(ops));
}
