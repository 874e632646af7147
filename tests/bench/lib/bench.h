/* The bench-guest runtime: a tiny freestanding PV kernel library that uses only the
 * Xen x86-64 PV ABI (ELF notes, hypercall page, start_info, shared_info, console_io),
 * so a bench guest boots on xlite and on Xen alike.
 *
 * A bench guest defines bench_main(), which calls bench_measure() with its operations.
 * bench_measure() adds the two in-guest baselines (an empty function call and a
 * back-to-back RDTSC), picks for each operation how many runs fill one sample of
 * `batch` TSC cycles, runs one warm-up round, then `rounds` rounds; in every round
 * each operation runs its count of times between two TSC reads, which gives one
 * sample (cycles per operation, in tenths). Operations are interleaved round by
 * round, so the baselines see the same machine state as the figures they are
 * compared with. Then it prints, per operation:
 *
 *   bench <op>-iters <n> count                 (operations per sample)
 *   bench <op>-median|-min|-p10|-p90|-max|-mad <cycles> cycles
 *   bench <op>-median-ns <ns> ns               (TSC scale from vcpu_time_info)
 *   bench <op>-vs-call <ratio> x               (median / the empty-call median)
 *   bench-samples <op> <cycles> ...            (every sample, for the harness)
 *
 * The command line (start_info.cmd_line) may set rounds=N (default 101, at most 255),
 * batch=CYCLES (default 1000000) or iters=N (that many operations per sample for every
 * operation, instead of batch; the smoke test uses iters=4 rounds=3). The guest ends
 * with "bench-done" and SCHEDOP_shutdown(poweroff); a failed operation prints
 * "bench-error <op>: <why>" and shuts down with SHUTDOWN_crash. */
#ifndef BENCH_H
#define BENCH_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xlite/errno.h>
#include <xlite/sched.h>
#include <xlite/version.h>
#include <xlite/xen.h>

#define NORETURN __attribute__((noreturn))
#define PRINTF(f, a) __attribute__((format(printf, f, a)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ hypercalls */
extern char hypercall_page[];

/* Through the stub at hypercall_page + 32 * nr. Every argument register (RDI, RSI,
 * RDX, R10, R8, R9) counts as clobbered: debug builds of Xen overwrite them on return. */
#define HYPERCALL3(nr, a1, a2, a3) ({                                               \
    long _rax, _rdi = (long)(a1), _rsi = (long)(a2), _rdx = (long)(a3);              \
    __asm__ volatile("call hypercall_page + %c[off]"                                 \
                     : "=a"(_rax), "+D"(_rdi), "+S"(_rsi), "+d"(_rdx)                \
                     : [off] "i"(XLITE_HYPERCALL_STUB_OFFSET(nr))                     \
                     : "rcx", "r8", "r9", "r10", "r11", "memory");                   \
    _rax;                                                                            \
})
#define HYPERCALL1(nr, a1)     HYPERCALL3(nr, a1, 0, 0)
#define HYPERCALL2(nr, a1, a2) HYPERCALL3(nr, a1, a2, 0)

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* ------------------------------------------------------------------ runtime */
extern start_info_t *start_info;
extern uint64_t bench_entry_tsc;            /* TSC at the guest's first instruction */
extern volatile uint64_t bench_int3_count;  /* #BP bounces handled so far */
extern uint64_t bench_iters, bench_rounds, bench_batch;  /* command line or defaults */

/* Provided by the guest. */
void bench_main(void);

/* printf to console_io (or the console ring if console_io is refused). */
void bench_printf(const char *fmt, ...) PRINTF(1, 2);
int bench_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int bench_snprintf(char *buf, size_t size, const char *fmt, ...) PRINTF(3, 4);

/* Print "bench-error <what>: <why>" and shut down with SHUTDOWN_crash. */
NORETURN void bench_fail(const char *what, const char *fmt, ...) PRINTF(2, 3);

/* The value of key=N on the command line, if present and a decimal number. */
bool bench_cmdline_u64(const char *key, uint64_t *val);

/* Install trap-table entry `vector` (DPL dpl, events not masked) -> handler. */
long bench_set_trap(unsigned int vector, unsigned int dpl, void (*handler)(void));

/* One measured operation: run(n) performs it n times and returns 0, or a negative
 * value (a Xen errno) when it failed; the runtime then reports it and stops. With
 * `per` set, run(n) performs n * per operations (a round trip is two one-way trips,
 * a batched hypercall `per` pages), and the figures are per operation. */
struct bench_op {
    const char *name;
    long (*run)(uint64_t n);
    uint32_t per;       /* operations one run of the loop body performs (0: 1) */
    uint32_t bytes;     /* bytes one operation moves (0: none): prints <op>-bytes */
};

/* Measure the baselines and ops[0..nr) (see the comment at the top) and print. */
void bench_measure(const struct bench_op *ops, unsigned int nr);

/* Print one figure: "bench <name> <value> <unit>". */
void bench_figure(const char *name, uint64_t value, const char *unit);

/* shared_info, mapped by the runtime at start of day (NULL if that failed). */
extern shared_info_t *bench_shared;

/* ------------------------------------------------------------------ peer (peer.c) */
/* Benchmarks between two domains: the same guest image runs as the measuring domain
 * and, with `serve=D` on its command line, as the peer that serves domain D (it
 * prints no bench lines). The convention, which needs no xenstore and holds on Xen
 * as on xlite (grant references are chosen by the granter, ports are not):
 *
 *   peer      command line `serve=D [gref=G]` (G defaults to 8, the first reference
 *             Xen leaves to the guest). alloc_unbound(DOMID_SELF, remote D) -> port P,
 *             writes BENCH_PEER_MAGIC and P into a control page, grants it to D
 *             read-write at reference G, and grants 64 data pages (filled with a
 *             pattern) at G+1 .. G+64. Then serves events on P (see peer.c).
 *   measurer  command line `peer=D' [gref=G]` (D' defaults to 1, the first domU).
 *             Maps (D', G) writable, retrying until the peer has granted it, checks
 *             the magic, bind_interdomain(D', P).
 *
 * The control page afterwards: the measurer sets `echo` (answer every event) or
 * raises `ack_req` (answer once when seen), and `quit`. */
#define BENCH_PEER_MAGIC 0x70656572u       /* "peer" */
#define BENCH_PEER_DATA_PAGES 64

struct bench_peer_ctrl {
    uint32_t magic, port;                  /* written by the peer before granting */
    uint32_t echo, quit;                   /* written by the measurer */
    uint64_t ack_req;                      /* written by the measurer */
    uint64_t acked, wakes;                 /* written by the peer */
};

struct bench_peer {
    uint16_t domid;                        /* the peer's domid */
    uint32_t gref;                         /* control page; data at gref + 1 + i */
    uint32_t port;                         /* our end of the channel */
    volatile struct bench_peer_ctrl *ctrl; /* mapped writable */
    uint32_t ctrl_handle;
};

/* Measurer: connect as described above; bench_fail()s on error. */
void bench_peer_connect(struct bench_peer *p);
/* Measurer: tell the peer to quit, unmap the control page, close the port. */
void bench_peer_disconnect(struct bench_peer *p);
/* Clear our port's pending bit; wait (SCHEDOP_poll) until it is pending again. */
void bench_port_clear(uint32_t port);
long bench_port_wait(uint32_t port);
long bench_port_send(uint32_t port);
/* The MFN behind one of our own pages (start_info's P2M; VA == PFN * 4 KiB). */
uint64_t bench_mfn_of(const void *va);
/* Called by the runtime for `serve=D`: never returns. */
NORETURN void bench_peer_serve(uint64_t domid);

#endif
