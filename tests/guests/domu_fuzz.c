/* Hypercall fuzzer: an unprivileged, hostile boot-time domain (domU) that throws
 * seeded random hypercalls at the hypervisor. The hypervisor must survive whatever
 * it does: no fault report, no hang, no reset, no damage to the victim domain that
 * runs beside it (domu_fuzz_victim.c) and exact frame accounting once every domain
 * is gone. Driven by tests/fuzz/run.sh (see tests/fuzz/README.md); not booted by
 * tests/guests/run.sh.
 *
 * Command line (module string cmdline="..."):
 *   seed=S        PRNG seed (default 1)
 *   iters=N       run iterations [start, N) (default 20000)
 *   start=A       first iteration (default 0): the runner restarts a crashed seed here
 *   trace=0|1|2   1: print each call before issuing it ("fuzz: [S:I] hc N (...)");
 *                 2: also print each result
 *   trace_from=I  trace only from iteration I on (same timing as untraced before it)
 *   progress=P    a "fuzz: seed S iter I calls K" line every P iterations (1000)
 *   self=D        this domain's id (never shut down, never VCPUOP_down'ed) (2)
 *   victim=D      the victim's id, a preferred target of cross-domain calls (1)
 *   park_test=1|2|3  debugging: before fuzzing, initialise vCPU 1 to park (1: online,
 *                 2: then VCPUOP_up, 3: neither)
 *   avoid=LIST    comma-separated known-bug workarounds, all off by default:
 *                 timer  (VCPUOP_set_periodic_timer periods >= 2^40 ns),
 *                 hvcs   (HYPERVISOR_iret with a hypervisor CS/SS selector 0xE008-0xE01F),
 *                 unpin  (MMUEXT_NEW_BASEPTR/UNPIN steps on an unpinned L4 copy),
 *                 descr  (update_descriptor at anything but a scratch frame),
 *                 badsel (iret frames only with the flat selectors a guest may use),
 *                 iret   (iret frames always return to the fuzzer: no self-crash from a
 *                         bad RIP, RSP or selector, so long campaigns reboot less),
 *                 pdone  (the batch check does not check the done count).
 *
 * Every iteration draws its own PRNG state from (seed, iteration), so iteration I of
 * seed S always generates the same call; with the same start, the same state leads up
 * to it ("trace=1 trace_from=I" shows it without changing the timing before I).
 *
 * Each iteration is one of: a hypercall of the implemented set with shaped arguments
 * (structures built in dscr), any number 0-63 with random arguments, a bare SYSCALL
 * with any RAX, HYPERVISOR_iret frames landing on fz_pad, or a pseudo-op: the L4-copy
 * dance (pin/switch to/unpin a copy of its L4, sometimes with a private L3), pinning a
 * scratch frame as a page table, repairing a scratch frame, scribbling through a
 * scratch VA, a real grant table (setup, map, entries), and a batch check (long
 * mmuext_op/mmu_update batches whose result and done count must be exact: a
 * "fuzz: [S:I] WRONG ..." line otherwise).
 *
 * Output: "fuzz: seed S iter I calls K" every progress iterations; "fuzz: [S:I] risky
 * calls K" before a call that may legitimately get it crashed (so the runner restarts
 * right after it); "fuzz: done seed S calls K ..." at the end.
 *
 * Self-preservation, the only things it never does: SCHEDOP_shutdown (until the
 * end), SCHEDOP_remote_shutdown or VCPUOP_down of itself, handing the hypervisor its
 * own in-use frames (code, data, stack, page tables: "live" frames) or in-use virtual
 * addresses for anything destructive. Its own frames are handed over only from a pool
 * of 64 scratch pages (fscr) and from frames it got from populate_physmap; structures
 * are built in 16 data-scratch pages (dscr). Whatever it breaks in its own trap
 * table, callbacks, kernel stack, debug registers or base pointers is restored after
 * each call. Every trap it takes during a call (a #PF on a page it made read-only, a
 * random iret landing) is caught and counted; HYPERVISOR_iret frames land on a pad
 * that comes back to the fuzzer. Being crashed by the hypervisor (e.g. by an iret
 * frame it cannot read) is legitimate: the runner notes it and restarts the seed.
 */
#include "rt.h"
#include "pvtime.h"
#include <xlite/callback.h>
#include <xlite/event_channel.h>
#include <xlite/grant_table.h>
#include <xlite/memory.h>
#include <xlite/physdev.h>
#include <xlite/vcpu.h>
#include <xlite/version.h>

#define NR_FSCR   64
#define NR_DSCR   16
#define NR_EXTRA  64
#define MAX_MFN_BITS (1u << 21)           /* 8 GiB of machine frames */

/* In this order, so that a (pointer, count) pair running past the scratch areas ends
 * in the read-only guard page and the unmapped hole after it, never in memory in use:
 *   fscr: scratch frames, the only own frames ever handed over for destructive use;
 *   dscr: data scratch, the structures, arrays and buffers the calls point at;
 *   ro_page: a page of its own, mapped read-only at start. */
static struct {
    uint8_t fscr[NR_FSCR][4096];
    uint8_t dscr[NR_DSCR][4096];
    uint8_t ro_page[4096];
    uint8_t hole[4096];       /* unmapped at start: reads past the guard fault too */
} scr BSS_PAGE;
#define fscr (scr.fscr)
#define dscr (scr.dscr)
#define ro_page (scr.ro_page)
/* Stack the calls run on: the iret frame sits at its top, the pad's stack below. */
static uint8_t fz_stack[32768] __attribute__((aligned(4096)));

static uint64_t live_bits[MAX_MFN_BITS / 64];   /* own in-use frames */
static uint64_t fscr_mfn[NR_FSCR];               /* current frame behind fscr[k] */
static uint8_t fscr_state[NR_FSCR];              /* FS_* */
/* extra_mfn[NR_EXTRA], nr_extra: frames from populate/increase (below) */
static uint64_t own_l4_mfn, own_pt_mfn[16];
static unsigned int nr_own_pt;
static uint64_t max_mfn, live_va_lo, live_va_hi, unmapped_va;
static uint64_t seed, iter, self_id = 2, victim_id = 1, trace;
static uint64_t trace_from, trace_level;
static bool avoid_timer, avoid_hvcs, avoid_unpin, avoid_descr, avoid_badsel, avoid_pdone;
static bool avoid_iret;          /* iret frames always come back: no self-inflicted crash */

enum { FS_MAPPED, FS_UNMAPPED, FS_PINNED };

/* ------------------------------------------------------------------ the call */
/* Set for the duration of a call: any trap then ends the call (fz_trap). */
volatile uint64_t fz_active, fz_saved_rsp, fz_frame_rsp, fz_pad_rsp;
static volatile uint64_t fz_trap_vec, fz_trap_rip, fz_trap_user;
extern char fz_back[], fz_pad[];
long fz_invoke(uint64_t target, const uint64_t *args, uint64_t mode, uint64_t nr);

#define MODE_CALL 0     /* call the stub; the iret frame sits above the return address */
#define MODE_JMP  1     /* jump to the stub (iret: the frame is at RSP) */
#define MODE_RAW  2     /* bare SYSCALL with RAX = nr */
#define FZ_TRAPPED 0xFA17000000000000ull

__asm__(
    "    .text\n"
    "    .globl fz_invoke, fz_back, fz_pad\n"
    "fz_invoke:\n"
    "    push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
    "    mov %rsp, fz_saved_rsp(%rip)\n"
    "    mov %rdi, %rbx\n"
    "    mov %rdx, %r12\n"
    "    mov %rcx, %rax\n"
    "    mov %rsi, %r11\n"
    "    mov 0(%r11), %rdi\n mov 8(%r11), %rsi\n mov 16(%r11), %rdx\n"
    "    mov 24(%r11), %r10\n mov 32(%r11), %r8\n mov 40(%r11), %r9\n"
    "    mov fz_frame_rsp(%rip), %rsp\n"
    "    cmp $1, %r12\n"
    "    je 1f\n"
    "    cmp $2, %r12\n"
    "    je 2f\n"
    "    call *%rbx\n"
    "    jmp fz_back\n"
    "1:  jmp *%rbx\n"
    "2:  sub $24, %rsp\n"            /* raw iret/multicall: RAX, R11, RCX below the frame */
    "    syscall\n"
    "fz_back:\n"
    "    mov fz_saved_rsp(%rip), %rsp\n"
    "    pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
    "    ret\n"
    /* Where iret frames land, in kernel or user mode: a sane stack, then back to the
     * kernel through the runtime's DPL-3 vector; fz_trap resumes at fz_back. */
    "fz_pad:\n"
    "    mov fz_pad_rsp(%rip), %rsp\n"
    "    int $0x20\n"
    "    ud2\n");

static bool fz_trap(struct rt_regs *regs, struct rt_frame *f)
{
    if (!fz_active)
        return false;
    fz_active = 0;
    fz_trap_vec = regs->vec_word & RT_VW_VEC_MASK;
    fz_trap_rip = *f->rip;
    fz_trap_user = (*f->cs & 3) == 3;
    regs->rax = FZ_TRAPPED | fz_trap_vec;
    rt_frame_resume_kernel(f, (uint64_t)fz_back, fz_saved_rsp);
    return true;
}

/* ------------------------------------------------------------------ PRNG */
static uint64_t rs;

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static uint64_t rnd(void) { return splitmix(&rs); }
static uint64_t below(uint64_t n) { return n ? rnd() % n : 0; }
static bool chance(unsigned int pct) { return below(100) < pct; }

/* ------------------------------------------------------------------ own frames */
static bool is_live_mfn(uint64_t mfn)
{
    return mfn < MAX_MFN_BITS && (live_bits[mfn / 64] >> (mfn % 64) & 1);
}
static void set_live(uint64_t mfn, bool on)
{
    if (mfn >= MAX_MFN_BITS)
        return;
    if (on)
        live_bits[mfn / 64] |= 1ull << (mfn % 64);
    else
        live_bits[mfn / 64] &= ~(1ull << (mfn % 64));
}
static uint64_t fscr_va(unsigned int k) { return (uint64_t)(uintptr_t)fscr[k]; }
static bool in_fscr(uint64_t va)
{
    return va >= fscr_va(0) && va < fscr_va(0) + sizeof(fscr);
}
static uint64_t some_fscr_mfn(void) { return fscr_mfn[below(NR_FSCR)]; }
static unsigned int nr_extra;
static uint64_t extra_mfn[NR_EXTRA];
static bool is_own_spare(uint64_t mfn)
{
    for (unsigned int k = 0; k < NR_FSCR; k++)
        if (fscr_mfn[k] == mfn)
            return true;
    for (unsigned int i = 0; i < nr_extra; i++)
        if (extra_mfn[i] == mfn)
            return true;
    return false;
}
static uint64_t some_own_spare_mfn(void)
{
    if (nr_extra && chance(40))
        return extra_mfn[below(nr_extra)];
    return some_fscr_mfn();
}

/* Make any value harmless to the fuzzer itself, read as a VA, an MFN, a machine
 * address or a PTE: own in-use things become scratch things. */
static uint64_t sanitize(uint64_t v)
{
    if (v >= live_va_lo && v < live_va_hi && !in_fscr(v))
        return fscr_va(below(NR_FSCR)) + (v & 0xFFF);
    if (is_live_mfn(v))
        return some_fscr_mfn();
    if (is_live_mfn(v >> 12) || is_live_mfn((v & PTE_ADDR) >> 12))
        return (some_fscr_mfn() << 12) | (v & 0xFFF) | (v & PTE_NX);
    return v;
}

/* A VA the hypervisor may remap or retype: never one in use. */
static uint64_t va_target(uint64_t v)
{
    if (v >= live_va_lo && v < live_va_hi && !in_fscr(v))
        return fscr_va(below(NR_FSCR)) + (v & 0xFFF);
    return sanitize(v);
}

/* ------------------------------------------------------------------ values */
static uint64_t dscr_ptr(void)
{
    return (uint64_t)(uintptr_t)dscr[below(NR_DSCR)] + (chance(70) ? 0 : below(4096));
}

static uint64_t random_mfn(void)
{
    return sanitize(below(max_mfn + 64));
}

static const uint64_t domids[] = { DOMID_SELF, 0, 1, 2, 3, 4, DOMID_IO, DOMID_XEN,
                                   DOMID_COW, DOMID_INVALID, DOMID_IDLE, 0x7FFE, 0xFFFF };

static uint64_t pool(void)
{
    switch (below(26)) {
    case 0: return 0;
    case 1: return ~0ull;
    case 2: return 1;
    case 3: return below(16);
    case 4: return below(4096);
    case 5: return rnd() | (1ull << 63);                         /* huge */
    case 6: return 0x8000000000000000ull + below(4) * 4096;      /* non-canonical */
    case 7: return 0x0000800000000000ull - below(2) * 8 + below(2) * 4096;
    case 8: return 0xFFFF800000000000ull + (rnd() & 0x7FFFFFFFFF8ull);   /* hypervisor */
    case 9: return 0xFFFF82D040000000ull + below(1 << 20);
    case 10: return MACH2PHYS_VIRT_START + below(1 << 16) * 8;   /* read-only M2P */
    case 11: return (uint64_t)(uintptr_t)ro_page + (chance(50) ? 0 : below(4096));
    case 12: return unmapped_va + below(64) * 4096 + (chance(50) ? 0 : below(4096));
    case 13: return dscr_ptr();
    case 14: return fscr_va(below(NR_FSCR)) + (chance(60) ? 0 : below(4096));
    case 15: return random_mfn();
    case 16: return some_own_spare_mfn();
    /* A machine address is a number that may also be one of our live VAs (seed 1301:
     * spare mfn 0x102 << 12 is fz_invoke, which xen_version then overwrote): sanitized
     * like the raw values, so that a pointer argument never names our own code. */
    case 17: return sanitize((some_own_spare_mfn() << 12) | (chance(50) ? 0 : below(512) * 8));
    case 18: return sanitize(rnd());
    case 19: return sanitize(rnd() & 0xFFFFFFFFull);
    case 20: return domids[below(ARRAY_SIZE(domids))];
    case 21: return (uint64_t)-(int64_t)(1 + below(40));
    case 22: { uint64_t b = 1ull << below(64); return sanitize(chance(50) ? b : b - 1); }
    case 23: return 0x00007FFFFFFFF000ull + below(4096);         /* top of lower half */
    case 24: return (uint64_t)-(int64_t)(4096 + below(4096));
    default: return sanitize(rnd() >> below(64));
    }
}

/* Fill n bytes at p with words from the pool, small numbers or raw bits. */
static void fill(void *p, size_t n)
{
    uint8_t *b = p;
    for (size_t i = 0; i + 8 <= n; i += 8) {
        uint64_t w;
        switch (below(5)) {
        case 0: w = pool(); break;
        case 1: w = below(8) | (below(8) << 32); break;
        case 2: w = below(64); break;
        case 3: w = sanitize(rnd()); break;
        default: w = (uint64_t)domids[below(ARRAY_SIZE(domids))] | (below(16) << 16) |
                     (below(16) << 32);
        }
        memcpy(b + i, &w, 8);
    }
    for (size_t i = n & ~7ul; i < n; i++)
        b[i] = (uint8_t)rnd();
}

/* Buffers of one iteration are carved one after the other out of dscr (so that no two
 * structures of a call, or of a multicall's entries, overlap), from a random page on,
 * wrapping to the start when the rest is too short. */
static uint64_t sbuf_pos;
#define SBUF_RESERVED 2048     /* the end of dscr: multicall lists that overrun (<= 21 entries) */

static void sbuf_reset(void)
{
    sbuf_pos = below(NR_DSCR - 1) * 4096;
}

/* A buffer in dscr for a shaped structure, of len bytes (<= sizeof(dscr) / 2), zeroed. */
static void *sbuf(size_t len)
{
    if (chance(15))
        sbuf_pos += below(256) * 8;              /* not always page-aligned */
    if (sbuf_pos + len > sizeof(dscr) - SBUF_RESERVED)
        sbuf_pos = 0;
    uint8_t *p = (uint8_t *)dscr + sbuf_pos;
    sbuf_pos = (sbuf_pos + len + 7) & ~7ul;
    memset(p, 0, len);
    return p;
}

/* A pointer argument: usually a dscr buffer of random contents, else the pool. */
static uint64_t ptr_arg(size_t len)
{
    if (chance(70)) {
        void *p = sbuf(len);
        fill(p, len);
        return (uint64_t)(uintptr_t)p;
    }
    return pool();
}

static uint64_t small_or_pool(uint64_t n)
{
    return chance(80) ? below(n) : pool();
}

static uint64_t a_domid(void)
{
    switch (below(6)) {
    case 0: case 1: return DOMID_SELF;
    case 2: return victim_id;
    case 3: return self_id;
    case 4: return domids[below(ARRAY_SIZE(domids))];
    default: return rnd() & 0xFFFF;
    }
}

/* An MFN for a destructive use (pin, clear, map, free, update_descriptor...). */
static uint64_t target_mfn(void)
{
    switch (below(6)) {
    case 0: case 1: case 2: return some_own_spare_mfn();
    case 3: return random_mfn();
    default: return sanitize(pool());
    }
}

static bool is_own_pt(uint64_t mfn)
{
    for (unsigned int i = 0; i < nr_own_pt; i++)
        if (own_pt_mfn[i] == mfn)
            return true;
    return false;
}

/* A PTE value: a frame (own spare, random, foreign, own page table, own frame
 * read-only) with random flags. */
static uint64_t a_pte(void)
{
    uint64_t mfn, flags;

    switch (below(8)) {
    case 0: case 1: case 2: mfn = some_own_spare_mfn(); break;
    case 3: mfn = random_mfn(); break;
    case 4: mfn = own_pt_mfn[below(nr_own_pt)]; break;   /* must be refused RW */
    case 5: mfn = pfn_to_mfn(below(start_info->nr_pages)); break;   /* RO only */
    case 6: return sanitize(pool());
    default: mfn = below(max_mfn + 16); mfn = is_live_mfn(mfn) ? some_fscr_mfn() : mfn;
    }
    flags = chance(50) ? (PTE_P | PTE_RW | PTE_A | PTE_D) : (rnd() & 0xFFF);
    if (chance(10))
        flags |= rnd() & 0xFFF0000000000000ull;
    /* Own in-use frames only read-only (the hypervisor writes through scratch VAs),
     * except page tables, whose writable mappings it must refuse. */
    if (is_live_mfn(mfn) && !is_own_pt(mfn))
        flags &= ~PTE_RW;
    return (mfn << 12) | flags;
}

/* ------------------------------------------------------------------ state repair */
enum { R_TRAPS = 1, R_CALLBACKS = 2, R_STACK = 4, R_USERPT = 8, R_DEBUG = 16,
       R_BASEPTR = 32, R_TIMER = 64, R_ALL = 127 };

/* A periodic timer keeps running so that no block or poll sleeps for good, whatever
 * a call did to the single-shot timer. */
#define WAKE_PERIOD_NS (100 * NS_PER_MS)

static void restore(unsigned int what)
{
    if (what & R_TRAPS)
        rt_install_traps();
    if (what & R_CALLBACKS) {
        rt_register_event_callbacks();
        struct callback_register cb = { .type = CALLBACKTYPE_syscall,
                                        .flags = CALLBACKF_mask_events,
                                        .address = rt_stub(RT_VEC_SYSCALL) };
        HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
    }
    if (what & R_STACK)
        HYPERVISOR_stack_switch(FLAT_KERNEL_SS, (unsigned long)rt_kstack + RT_KSTACK_SIZE);
    if (what & R_DEBUG)
        HYPERVISOR_set_debugreg(7, 0);
    if (what & R_TIMER) {
        struct vcpu_set_periodic_timer pt = { .period_ns = WAKE_PERIOD_NS };
        HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &pt);
    }
    if (what & R_BASEPTR) {
        mmuext_op_t op = { .cmd = MMUEXT_NEW_BASEPTR, .arg1.mfn = own_l4_mfn };
        HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
    }
    if (what & (R_USERPT | R_BASEPTR)) {
        mmuext_op_t op = { .cmd = MMUEXT_NEW_USER_BASEPTR, .arg1.mfn = own_l4_mfn };
        HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
    }
}

static unsigned int restore_for(uint64_t nr)
{
    switch (nr) {
    case __HYPERVISOR_set_trap_table: return R_TRAPS;
    case __HYPERVISOR_stack_switch: return R_STACK;
    case __HYPERVISOR_set_callbacks: case __HYPERVISOR_callback_op: return R_CALLBACKS;
    case __HYPERVISOR_set_debugreg: return R_DEBUG;
    case __HYPERVISOR_mmuext_op: return R_BASEPTR | R_USERPT;
    /* The wake-up timer only comes back after a stop: re-arming it after every
     * vcpu_op would replace a fuzzed period before it ever fired. */
    case __HYPERVISOR_multicall: return R_ALL & ~R_TIMER;
    default: return 0;
    }
}

/* ------------------------------------------------------------------ generators */
static uint64_t calls, traps, landed, dances, dance_pins, dance_switches, wrong;

/* A timer 1 ms from now: its expiry wakes a blocked vCPU even with VIRQ_TIMER unbound
 * (one already past would fire before the block and wake nothing). */
/* The fuzzer binds ports (VIRQ_TIMER among them) at random: an event on a port left
 * pending or masked would never wake a block again. Clear every port's pending and
 * mask bits on each upcall and before each block. */
static void clear_ports(void)
{
    if (!shared)
        return;
    for (unsigned int i = 0; i < 64; i++) {
        shared->evtchn_mask[i] = 0;
        __atomic_exchange_n(&shared->evtchn_pending[i], 0, __ATOMIC_SEQ_CST);
    }
}

/* The call in flight, for the stuck report. */
static uint64_t cur_nr, cur_a[6], cur_mode;
static uint64_t seen_iter = ~0ull, seen_ns;
static bool stuck_reported;

static bool fz_event(struct rt_regs *regs, struct rt_frame *f)
{
    clear_ports();
    /* Upcalls (the 100 ms wake-up timer among them) also watch for progress: an
     * iteration that takes 5 s says where it is stuck, once. */
    uint64_t now = pvclock_now();
    if (iter != seen_iter) {
        seen_iter = iter;
        seen_ns = now;
    } else if (now - seen_ns > 2 * NS_PER_S && fz_active) {
        /* A call that landed somewhere that loops (user mode through a fuzzed user
         * L4 can run any of our scratch frames): leave it as a trap would. */
        printk("\nfuzz: [%lu:%lu] stuck for 2 s in hc %lu mode %lu (%#lx, %#lx, %#lx, %#lx, "
               "%#lx) at rip %#lx cs %#lx: broken out\n", (unsigned long)seed,
               (unsigned long)iter, (unsigned long)cur_nr, (unsigned long)cur_mode,
               (unsigned long)cur_a[0], (unsigned long)cur_a[1], (unsigned long)cur_a[2],
               (unsigned long)cur_a[3], (unsigned long)cur_a[4], (unsigned long)*f->rip,
               (unsigned long)*f->cs);
        seen_ns = now;
        shared->vcpu_info[0].evtchn_upcall_pending = 0;
        __atomic_exchange_n(&shared->vcpu_info[0].evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        fz_active = 0;
        fz_trap_vec = RT_VEC_EVENT;
        regs->rax = FZ_TRAPPED | 0xFFF;
        rt_frame_resume_kernel(f, (uint64_t)fz_back, fz_saved_rsp);
        return true;
    } else if (!stuck_reported && now - seen_ns > 5 * NS_PER_S) {
        stuck_reported = true;
        printk("\nfuzz: [%lu:%lu] STUCK for 5 s: hc %lu mode %lu (%#lx, %#lx, %#lx, %#lx, "
               "%#lx) in call %lu, at rip %#lx\n", (unsigned long)seed, (unsigned long)iter,
               (unsigned long)cur_nr, (unsigned long)cur_mode, (unsigned long)cur_a[0],
               (unsigned long)cur_a[1], (unsigned long)cur_a[2], (unsigned long)cur_a[3],
               (unsigned long)cur_a[4], (unsigned long)fz_active, (unsigned long)*f->rip);
    }
    return false;                    /* the runtime acknowledges the upcall */
}

static bool need_wakeup;          /* arm it right before the call (issue) */
static void arm_wakeup(void)
{
    need_wakeup = true;
}

/* SCHEDOP command the fuzzer may issue (never its own shutdown). */
static uint64_t sched_cmd(void)
{
    uint64_t c = chance(85) ? below(9) : pool();
    if ((uint32_t)c == SCHEDOP_shutdown)
        c = SCHEDOP_yield;
    return c;
}

static uint64_t gen_sched(uint64_t a[6])
{
    a[0] = sched_cmd();
    switch ((uint32_t)a[0]) {
    case SCHEDOP_block:
        arm_wakeup();                        /* block cannot sleep long */
        a[1] = pool();
        break;
    case SCHEDOP_poll: {
        struct sched_poll *p = sbuf(sizeof(*p));
        evtchn_port_t *ports = sbuf(64 * sizeof(*ports));
        for (unsigned int i = 0; i < 64; i++)
            ports[i] = (evtchn_port_t)(chance(80) ? below(16) : rnd());
        p->ports = chance(80) ? ports : (evtchn_port_t *)(uintptr_t)pool();
        p->nr_ports = (uint32_t)(chance(85) ? below(8) : (chance(50) ? 129 : rnd()));
        /* Never a long sleep: a timeout already past or at most 2 ms away. */
        p->timeout = chance(40) ? 1 : pvclock_now() + below(2 * NS_PER_MS) + 1;
        a[1] = chance(90) ? (uint64_t)(uintptr_t)p : pool();
        if (a[1] != (uint64_t)(uintptr_t)p)
            arm_wakeup();
        break;
    }
    case SCHEDOP_remote_shutdown: {
        struct sched_remote_shutdown *r = sbuf(sizeof(*r));
        do
            r->domain_id = (domid_t)a_domid();
        while (r->domain_id == self_id || r->domain_id == DOMID_SELF);
        r->reason = (uint32_t)small_or_pool(8);
        a[1] = (uint64_t)(uintptr_t)r;
        break;
    }
    case SCHEDOP_watchdog: {
        struct sched_watchdog *w = sbuf(sizeof(*w));
        w->id = (uint32_t)small_or_pool(4);
        w->timeout = 0;                      /* a watchdog that fires would end us */
        a[1] = (uint64_t)(uintptr_t)w;
        break;
    }
    default:
        a[1] = ptr_arg(64);
    }
    return 0;
}

static void gen_mmu_update(uint64_t a[6])
{
    unsigned int n = (unsigned int)(chance(85) ? below(9) : below(64));
    mmu_update_t *r = sbuf(n * sizeof(*r) + 16);

    for (unsigned int i = 0; i < n; i++) {
        uint64_t cmd = chance(90) ? below(4) : below(8);
        uint64_t mfn = target_mfn();
        uint64_t off = chance(80) ? below(512) * 8 : below(4096);
        if (cmd == MMU_MACHPHYS_UPDATE && chance(30))
            mfn = pfn_to_mfn(below(start_info->nr_pages));   /* own M2P entries */
        /* The low 3 bits are the command: an offset that is not a multiple of 8 would
         * carry into them and turn a MACHPHYS request on one of our own live frames
         * into a plain write to that frame (it overwrote our code: seed 504). */
        r[i].ptr = (mfn << 12) + (off & ~7ull) + cmd;
        if (chance(5))
            r[i].ptr = sanitize(pool()) & ~7ull;
        r[i].val = cmd == MMU_MACHPHYS_UPDATE ? small_or_pool(1u << 20) : a_pte();
    }
    a[0] = chance(90) ? (uint64_t)(uintptr_t)r : pool();
    a[1] = chance(85) ? n : pool();
    a[2] = chance(60) ? 0 : (chance(70) ? (uint64_t)(uintptr_t)sbuf(8) : pool());
    a[3] = chance(80) ? DOMID_SELF : a_domid();
}

static void gen_mmuext(uint64_t a[6])
{
    unsigned int n = (unsigned int)(chance(85) ? 1 + below(6) : below(40));
    mmuext_op_t *o = sbuf(n * sizeof(*o) + 24);

    for (unsigned int i = 0; i < n; i++) {
        o[i].cmd = (uint32_t)(chance(90) ? below(21) : rnd());
        switch (o[i].cmd) {
        case MMUEXT_INVLPG_LOCAL: case MMUEXT_INVLPG_MULTI: case MMUEXT_INVLPG_ALL:
        case MMUEXT_SET_LDT:
            o[i].arg1.linear_addr = va_target(pool());
            break;
        case MMUEXT_NEW_BASEPTR:
            /* Not a spare own frame: one pinned as an L4 maps nothing of ours. The
             * L4-copy dance (l4_dance) switches to a valid copy instead. */
            o[i].arg1.mfn = chance(40) ? own_l4_mfn : random_mfn();
            break;
        case MMUEXT_NEW_USER_BASEPTR:
            o[i].arg1.mfn = chance(30) ? own_l4_mfn : target_mfn();
            break;
        default:
            o[i].arg1.mfn = target_mfn();
        }
        switch (o[i].cmd) {
        case MMUEXT_SET_LDT: o[i].arg2.nr_ents = (uint32_t)small_or_pool(8200); break;
        case MMUEXT_TLB_FLUSH_MULTI: case MMUEXT_INVLPG_MULTI:
            o[i].arg2.vcpumask = (void *)(uintptr_t)ptr_arg(8); break;
        case MMUEXT_COPY_PAGE:     /* the source may be any frame: it is only read */
            o[i].arg2.src_mfn = chance(30) ? pfn_to_mfn(below(start_info->nr_pages))
                                           : target_mfn();
            break;
        default: o[i].arg2.src_mfn = chance(70) ? 0 : pool();
        }
    }
    a[0] = chance(92) ? (uint64_t)(uintptr_t)o : pool();
    a[1] = chance(85) ? n : pool();
    a[2] = chance(60) ? 0 : (chance(70) ? (uint64_t)(uintptr_t)sbuf(8) : pool());
    a[3] = chance(85) ? DOMID_SELF : a_domid();
}

static void gen_memory_op(uint64_t a[6])
{
    uint64_t cmd = chance(85) ? below(30) : pool();
    if (chance(10))
        cmd |= below(64) << 6;                         /* a continuation's start extent */
    a[0] = cmd;
    switch (cmd & 63) {
    case XENMEM_increase_reservation: case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap: {
        struct xen_memory_reservation *r = sbuf(sizeof(*r));
        uint64_t *ext = sbuf(64 * 8);
        unsigned int n = (unsigned int)below(8);
        for (unsigned int i = 0; i < 64; i++)
            ext[i] = (cmd & 63) == XENMEM_decrease_reservation ? target_mfn()
                                                              : small_or_pool(4096);
        r->extent_start = chance(85) ? ext : (xen_pfn_t *)(uintptr_t)pool();
        r->nr_extents = chance(85) ? n : pool();
        r->extent_order = (uint32_t)(chance(80) ? 0 : small_or_pool(24));
        r->mem_flags = (uint32_t)(chance(70) ? 0 : rnd());
        r->domid = (domid_t)(chance(80) ? DOMID_SELF : a_domid());
        a[1] = chance(92) ? (uint64_t)(uintptr_t)r : pool();
        break;
    }
    case XENMEM_current_reservation: case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn: {
        domid_t *d = sbuf(8);
        *d = (domid_t)a_domid();
        a[1] = chance(85) ? (uint64_t)(uintptr_t)d : pool();
        break;
    }
    case XENMEM_memory_map: case XENMEM_machine_memory_map: {
        struct xen_memory_map *m = sbuf(sizeof(*m));
        m->nr_entries = (uint32_t)small_or_pool(64);
        m->buffer = (void *)(uintptr_t)(chance(70) ? (uint64_t)(uintptr_t)sbuf(1024) : pool());
        a[1] = chance(90) ? (uint64_t)(uintptr_t)m : pool();
        break;
    }
    default:
        a[1] = ptr_arg(128);
    }
}

/* After a successful increase/populate, keep the frames it got as spare own frames. */
static void harvest(const uint64_t a[6], long rc)
{
    uint64_t cmd = a[0] & 63;
    if (rc <= 0 || (cmd != XENMEM_increase_reservation && cmd != XENMEM_populate_physmap))
        return;
    const struct xen_memory_reservation *r = (const void *)(uintptr_t)a[1];
    uint64_t p = (uint64_t)(uintptr_t)r;
    if (p < (uint64_t)(uintptr_t)dscr || p > (uint64_t)(uintptr_t)dscr + sizeof(dscr) - sizeof(*r))
        return;
    uint64_t e = (uint64_t)(uintptr_t)r->extent_start, n = rc < 64 ? (uint64_t)rc : 64;
    if (e < (uint64_t)(uintptr_t)dscr || e > (uint64_t)(uintptr_t)dscr + sizeof(dscr) - 8 * n ||
        (e & 7) || r->extent_order != 0)
        return;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t mfn = ((const uint64_t *)(uintptr_t)e)[i];
        if (is_live_mfn(mfn) || mfn > max_mfn + 64)
            continue;
        if (nr_extra < NR_EXTRA)
            extra_mfn[nr_extra++] = mfn;
        else
            extra_mfn[below(NR_EXTRA)] = mfn;
    }
}

static void gen_grant(uint64_t a[6])
{
    uint64_t cmd = chance(90) ? below(14) : pool();
    unsigned int n = (unsigned int)(chance(85) ? 1 + below(4) : below(32));
    uint8_t *buf = sbuf(n * 48 + 64);

    a[0] = cmd;
    for (unsigned int i = 0; i < n; i++) {
        switch ((uint32_t)cmd) {
        case GNTTABOP_map_grant_ref: {
            struct gnttab_map_grant_ref *m = (void *)(buf + i * sizeof(*m));
            m->flags = (uint32_t)(chance(70) ? (GNTMAP_host_map | (rnd() & 0x1D)) : rnd());
            m->host_addr = (m->flags & GNTMAP_contains_pte)
                               ? (target_mfn() << 12) + below(512) * 8
                               : va_target(chance(60) ? fscr_va(below(NR_FSCR)) : pool());
            m->ref = (uint32_t)small_or_pool(64);
            m->dom = (domid_t)(chance(40) ? self_id : a_domid());
            break;
        }
        case GNTTABOP_unmap_grant_ref: {
            struct gnttab_unmap_grant_ref *u = (void *)(buf + i * sizeof(*u));
            u->host_addr = va_target(chance(60) ? fscr_va(below(NR_FSCR)) : pool());
            u->dev_bus_addr = chance(70) ? 0 : pool();
            u->handle = (uint32_t)small_or_pool(16);
            break;
        }
        case GNTTABOP_setup_table: {
            struct gnttab_setup_table *s = (void *)(buf + i * sizeof(*s));
            s->dom = (domid_t)a_domid();
            s->nr_frames = (uint32_t)small_or_pool(8);
            s->frame_list = (xen_pfn_t *)(uintptr_t)(chance(70) ? (uint64_t)(uintptr_t)sbuf(256) : pool());
            break;
        }
        case GNTTABOP_copy: {
            struct gnttab_copy *c = (void *)(buf + i * sizeof(*c));
            c->flags = (uint16_t)(chance(70) ? below(4) : rnd());
            c->source.u.gmfn = (c->flags & 1) ? small_or_pool(64)
                                              : (chance(50) ? pfn_to_mfn(below(start_info->nr_pages))
                                                            : target_mfn());
            c->dest.u.gmfn = (c->flags & 2) ? small_or_pool(64) : target_mfn();
            c->source.domid = (domid_t)a_domid();
            c->dest.domid = (domid_t)a_domid();
            c->source.offset = (uint16_t)small_or_pool(4096);
            c->dest.offset = (uint16_t)small_or_pool(4096);
            c->len = (uint16_t)small_or_pool(4200);
            break;
        }
        case GNTTABOP_transfer: {
            struct gnttab_transfer *t = (void *)(buf + i * sizeof(*t));
            t->mfn = target_mfn();
            t->domid = (domid_t)a_domid();
            t->ref = (uint32_t)small_or_pool(64);
            break;
        }
        default:
            fill(buf + i * 48, 48);
        }
    }
    a[1] = chance(92) ? (uint64_t)(uintptr_t)buf : pool();
    a[2] = chance(85) ? n : pool();
}

/* Where runstate and time areas may be registered: a page nothing else uses. */
static uint8_t area_sink[4096] __attribute__((aligned(4096)));

/* Any pool value but one in the scratch areas. */
static uint64_t area_addr(void)
{
    uint64_t v;
    do
        v = pool();
    while (v >= fscr_va(0) && v < (uint64_t)(uintptr_t)ro_page);
    return v;
}

/* Where vCPU 1 runs if it is ever brought up: it takes itself down again at once. */
static uint8_t park_stack[4096] __attribute__((aligned(16)));
static bool init_parks;           /* the VCPUOP_initialise being generated parks vCPU 1 */
static bool vcpu1_parks;          /* vCPU 1 was initialised to park */
extern char fz_park[];
__asm__(
    "    .text\n"
    "    .globl fz_park\n"
    "fz_park:\n"
    "1:  mov $2, %edi\n"                /* VCPUOP_down */
    "    mov $1, %esi\n"                /* vCPU 1: itself */
    "    xor %edx, %edx\n"
    "    call hypercall_page + 24 * 32\n"
    "    jmp 1b\n");

static void gen_vcpu_op(uint64_t a[6])
{
    a[0] = chance(90) ? below(17) : pool();
    a[1] = chance(70) ? 0 : (chance(50) ? 1 : pool());
    if ((a[0] == VCPUOP_initialise || a[0] == VCPUOP_up) && chance(70))
        a[1] = 1;                                /* the vCPU that may still change */
    switch (a[0]) {
    case VCPUOP_down:
        if ((uint32_t)a[1] == 0)
            a[1] = 1;                        /* never our only vCPU */
        a[2] = pool();
        break;
    case VCPUOP_set_periodic_timer: {
        struct vcpu_set_periodic_timer *p = sbuf(sizeof(*p));
        switch (below(5)) {
        case 0: p->period_ns = NS_PER_MS + below(10 * NS_PER_MS); break;
        case 1: p->period_ns = below(NS_PER_MS); break;
        case 2: p->period_ns = ~0ull - below(1ull << 32); break;        /* near 2^64 */
        case 3: p->period_ns = 1ull << (40 + below(24)); break;
        default: p->period_ns = pool();
        }
        if (avoid_timer && p->period_ns >= (1ull << 40))
            p->period_ns = 50 * NS_PER_MS;
        a[2] = chance(92) ? (uint64_t)(uintptr_t)p : pool();
        break;
    }
    case VCPUOP_set_singleshot_timer: {
        struct vcpu_set_singleshot_timer *s = sbuf(sizeof(*s));
        s->timeout_abs_ns = chance(50) ? pvclock_now() + below(5 * NS_PER_MS) : pool();
        s->flags = (uint32_t)(chance(70) ? below(2) : rnd());
        a[2] = chance(92) ? (uint64_t)(uintptr_t)s : pool();
        break;
    }
    case VCPUOP_initialise: {
        /* vCPU 1 (the domain has two): half the contexts park it (fz_park), with a few
         * fields fuzzed; the others are random words. Only a parking vCPU 1 is ever
         * brought up (VCPUOP_up): any other would run garbage. */
        struct vcpu_guest_context *c = sbuf(sizeof(*c));
        init_parks = chance(50);
        if (init_parks) {
            c->flags = VGCF_in_kernel | (chance(20) ? VGCF_online : 0);
            c->user_regs.rip = (uint64_t)(uintptr_t)fz_park;
            c->user_regs.rsp = (uint64_t)(uintptr_t)park_stack + sizeof(park_stack) - 64;
            c->user_regs.rflags = 0x2;           /* events masked */
            c->kernel_ss = FLAT_KERNEL_SS;
            c->kernel_sp = c->user_regs.rsp;
            c->ctrlreg[3] = own_l4_mfn << 12;
            if (chance(30)) {
                init_parks = false;              /* a few fields from the pool */
                for (unsigned int i = 0, n = 1 + (unsigned int)below(4); i < n; i++) {
                    uint64_t w = sanitize(pool());
                    memcpy((uint8_t *)c + (below(sizeof(*c) / 8) * 8), &w, 8);
                }
            }
        } else {
            fill(c, sizeof(*c));
        }
        if (!init_parks)
            c->flags &= ~(uint64_t)VGCF_online;  /* it would start running at once */
        a[2] = (uint64_t)(uintptr_t)c;
        if (chance(8)) {                         /* no context in dscr: random words */
            init_parks = false;
            do
                a[2] = pool();
            while (a[2] >= (uint64_t)(uintptr_t)dscr && a[2] < (uint64_t)(uintptr_t)dscr + sizeof(dscr));
        }
        break;
    }
    case VCPUOP_register_runstate_memory_area: case VCPUOP_register_vcpu_time_memory_area:
    case VCPUOP_register_runstate_phys_area: case VCPUOP_register_vcpu_time_phys_area: {
        /* The hypervisor keeps writing into such an area: never one of our scratch
         * buffers (it would rewrite structures between building and issuing them). */
        uint64_t *r = sbuf(16);
        r[0] = chance(60) ? (uint64_t)(uintptr_t)area_sink + below(4096 - 64) : area_addr();
        a[2] = chance(90) ? (uint64_t)(uintptr_t)r : area_addr();
        break;
    }
    case VCPUOP_up:
        if ((uint32_t)a[1] == 1 && !vcpu1_parks)
            a[0] = VCPUOP_is_up;                 /* it would run garbage */
        break;
    case VCPUOP_register_vcpu_info: {
        /* vCPUs 0 and 1 were registered where they are at start (test_main): this
         * exercises the refusals only. A random frame may still be ours. */
        struct vcpu_register_vcpu_info *r = sbuf(sizeof(*r));
        r->mfn = random_mfn();
        if (is_own_spare(r->mfn))
            r->mfn = own_l4_mfn;                 /* in use as a page table: refused */
        r->offset = (uint32_t)small_or_pool(4200);
        r->rsvd = (uint32_t)(chance(80) ? 0 : rnd());
        a[2] = chance(90) ? (uint64_t)(uintptr_t)r : 0;
        break;
    }
    default:
        a[2] = ptr_arg(64);
    }
}

static void gen_evtchn(uint64_t a[6])
{
    a[0] = chance(90) ? below(15) : pool();
    uint32_t *w = sbuf(64);
    for (unsigned int i = 0; i < 16; i++) {
        switch (below(6)) {
        case 0: case 1: w[i] = (uint32_t)below(12); break;
        case 2: w[i] = (uint32_t)(a_domid() | (a_domid() << 16)); break;
        case 3: w[i] = (uint32_t)rnd(); break;
        case 4: w[i] = (uint32_t)below(4200); break;
        default: w[i] = (uint32_t)pool();
        }
    }
    if ((uint32_t)a[0] == EVTCHNOP_init_control) {
        uint64_t g = target_mfn();
        memcpy(w, &g, 8);
    }
    a[1] = chance(92) ? (uint64_t)(uintptr_t)w : pool();
}

static void gen_callbacks(uint64_t nr, uint64_t a[6])
{
    uint64_t stubs[] = { rt_stub(RT_VEC_EVENT), rt_stub(RT_VEC_FAILSAFE),
                         rt_stub(RT_VEC_SYSCALL) };
    if (nr == __HYPERVISOR_set_callbacks) {
        for (unsigned int i = 0; i < 3; i++)
            a[i] = chance(50) ? stubs[i] : pool();
        return;
    }
    a[0] = chance(90) ? below(3) : pool();
    struct callback_register *c = sbuf(sizeof(*c));
    c->type = (uint16_t)(chance(85) ? below(9) : rnd());
    c->flags = (uint16_t)(chance(70) ? below(2) : rnd());
    c->address = chance(50) ? stubs[below(3)] : pool();
    a[1] = chance(92) ? (uint64_t)(uintptr_t)c : pool();
}

static void gen_trap_table(uint64_t a[6])
{
    unsigned int n = (unsigned int)below(12);
    struct trap_info *t = sbuf((n + 1) * sizeof(*t));
    for (unsigned int i = 0; i < n; i++) {
        t[i].vector = (uint8_t)(chance(60) ? below(32) : rnd());
        t[i].flags = (uint8_t)rnd();
        t[i].cs = (uint16_t)(chance(50) ? FLAT_KERNEL_CS : rnd());
        t[i].address = chance(30) ? rt_stub(t[i].vector) : pool();
        if (!t[i].address)
            t[i].address = 1;
    }
    if (chance(10))
        fill(&t[n], sizeof(t[n]));           /* no terminator: runs into random data */
    a[0] = chance(90) ? (uint64_t)(uintptr_t)t : pool();
}

/* A value for an iret frame's CS or SS. */
static uint64_t a_selector(bool cs)
{
    static const uint64_t sels[] = { FLAT_KERNEL_CS, FLAT_KERNEL_CS & ~3u, FLAT_USER_CS,
                                     FLAT_RING3_CS32, FLAT_RING3_DS32, 0xE008, 0xE00B,
                                     0xE010, 0xE013, 0xE040, 0xE043, 0, 3, 0x10, 0x1B,
                                     0xFFFF, 0x7, 0xE018 };
    uint64_t s;
    do {
        s = chance(50) ? (cs ? FLAT_KERNEL_CS : FLAT_KERNEL_SS)
                       : chance(85) ? sels[below(ARRAY_SIZE(sels))] : pool();
    } while (avoid_hvcs && (s & 0xFFF8) >= 0xE008 && (s & 0xFFF8) <= 0xE01F);
    return s;
}

static bool console_junk;        /* a fuzzed console_io may have left a line open */
static bool console_call;        /* this iteration generated a console_io call */
static uint64_t iret_frame[6];   /* flags rip cs rflags rsp ss, copied to fz_stack */
static bool frame_risky;         /* the frame may get us crashed (legitimately) */
static bool risky;               /* this iteration's call may get us crashed */

static void gen_iret_frame(void)
{
    bool user = chance(30);
    iret_frame[0] = chance(70) ? 0 : (chance(50) ? VGCF_in_syscall : pool());
    static const uint64_t bad_rips[] = { 0x8000000000000000ull, 0x0000800000000000ull,
                                         0xFFFF82D040000000ull, 0xFFFFFFFFFFFFF000ull,
                                         0xFFFF800000000000ull };
    /* A random RIP only where execution faults at once (never into our own memory). */
    iret_frame[1] = avoid_iret || chance(85) ? (uint64_t)(uintptr_t)fz_pad
                  : chance(50) ? bad_rips[below(ARRAY_SIZE(bad_rips))]
                               : unmapped_va + below(64) * 4096 + below(4096);
    /* Mostly selectors a guest may use (bad ones get the domain crashed). */
    bool good_sel = avoid_badsel || avoid_iret || below(1000) >= 15;
    /* CS RPL 3 returns to user mode, RPL 0 stays in kernel mode. */
    iret_frame[2] = good_sel ? (user ? FLAT_USER_CS : (FLAT_KERNEL_CS & ~3u)) : a_selector(true);
    iret_frame[3] = chance(50) ? 0x202 : chance(50) ? 0x2 : rnd();
    iret_frame[4] = avoid_iret || chance(85) ? fz_pad_rsp : va_target(pool());
    iret_frame[5] = good_sel ? (user ? FLAT_USER_SS : FLAT_KERNEL_SS) : a_selector(false);
    if (good_sel && user)
        iret_frame[3] |= 0x200;                  /* IF: upcalls can end a user-mode loop */
    frame_risky = !good_sel || iret_frame[1] != (uint64_t)(uintptr_t)fz_pad ||
                  iret_frame[4] != fz_pad_rsp;
}

static void gen_args(uint64_t nr, uint64_t a[6], int depth);

/* What a multicall entry of random contents must not do to us. */
static void mc_entry_filter(multicall_entry_t *e)
{
    if ((e->op == __HYPERVISOR_sched_op || e->op == __HYPERVISOR_sched_op_compat) &&
        ((uint32_t)e->args[0] == SCHEDOP_shutdown || (uint32_t)e->args[0] == SCHEDOP_block ||
         (uint32_t)e->args[0] == SCHEDOP_poll))
        e->args[0] = SCHEDOP_yield;
    if (e->op == __HYPERVISOR_vcpu_op && e->args[0] == VCPUOP_down && e->args[1] == 0)
        e->args[1] = 1;
    if (e->op == __HYPERVISOR_vcpu_op && e->args[0] == VCPUOP_register_vcpu_info)
        e->args[2] = 0;                          /* see gen_vcpu_op */
    if (e->op == __HYPERVISOR_vcpu_op && e->args[0] == VCPUOP_up && e->args[1] == 1 &&
        !vcpu1_parks)
        e->args[0] = VCPUOP_is_up;
    if (e->op == __HYPERVISOR_vcpu_op && e->args[0] == VCPUOP_initialise)
        e->args[2] = 0;                          /* a random context could start running */
    if (e->op == __HYPERVISOR_vcpu_op &&
        (e->args[0] == VCPUOP_register_runstate_memory_area ||
         e->args[0] == VCPUOP_register_vcpu_time_memory_area ||
         e->args[0] == VCPUOP_register_runstate_phys_area ||
         e->args[0] == VCPUOP_register_vcpu_time_phys_area))
        e->args[2] = 0;                          /* see gen_vcpu_op */
}

static void gen_multicall(uint64_t a[6], int depth)
{
    unsigned int n = (unsigned int)(chance(85) ? 1 + below(6) : below(20));
    bool overrun = chance(15);        /* a count past the list: read up to the guard page */
    multicall_entry_t *m = sbuf(n * sizeof(*m) + 64);
    if (overrun) {
        m = (multicall_entry_t *)(void *)((uint8_t *)dscr + sizeof(dscr) - (n + 1) * sizeof(*m));
        memset(m, 0, (n + 1) * sizeof(*m));
    }

    for (unsigned int i = 0; i < n; i++) {
        uint64_t op = chance(80) ? below(40) : chance(50) ? below(64) : pool();
        uint64_t args[6] = { 0 };
        gen_args(op, args, depth + 1);
        m[i].op = op;
        m[i].result = pool();
        memcpy(m[i].args, args, sizeof(args));
    }
    /* Entries past n (a count from the pool) are random, not zeroes: zeroes would be
     * set_trap_table(NULL), and the next trap of ours unhandled. */
    fill(&m[n], 64);
    mc_entry_filter(&m[n]);
    /* A timer entry could push the wake-up of a later block/poll far away; and each
     * block sleeps on its own (the rest of the batch runs after the wake-up), while
     * one wake-up is armed per call: one block or poll per batch. */
    bool timer = false, slept = false;
    for (unsigned int i = 0; i < n; i++) {
        if (m[i].op == __HYPERVISOR_iret || m[i].op == __HYPERVISOR_set_trap_table)
            risky = true;
        if (m[i].op == __HYPERVISOR_set_timer_op || m[i].op == __HYPERVISOR_vcpu_op)
            timer = true;
        if ((m[i].op == __HYPERVISOR_sched_op || m[i].op == __HYPERVISOR_sched_op_compat) &&
            ((uint32_t)m[i].args[0] == SCHEDOP_block || (uint32_t)m[i].args[0] == SCHEDOP_poll)) {
            if (timer || slept)
                m[i].args[0] = SCHEDOP_yield;
            slept = true;
        }
    }
    a[0] = (uint64_t)(uintptr_t)m;
    a[1] = overrun ? pool() : n;
    if (chance(8)) {
        /* Any list but one in dscr: random words there are small numbers, entries
         * that could take our only vCPU down or shut us down. */
        do
            a[0] = pool();
        while (a[0] >= (uint64_t)(uintptr_t)dscr && a[0] < (uint64_t)(uintptr_t)dscr + sizeof(dscr));
        a[1] = chance(50) ? n : pool();
    }
}

static void gen_args(uint64_t nr, uint64_t a[6], int depth)
{
    for (unsigned int i = 0; i < 6; i++)
        a[i] = chance(30) ? ptr_arg(256) : pool();
    switch (nr) {
    case __HYPERVISOR_set_trap_table: gen_trap_table(a); break;
    case __HYPERVISOR_mmu_update: gen_mmu_update(a); break;
    case __HYPERVISOR_set_gdt: {
        uint64_t *f = sbuf(16 * 8);
        for (unsigned int i = 0; i < 16; i++)
            f[i] = target_mfn();
        a[0] = chance(90) ? (uint64_t)(uintptr_t)f : pool();
        a[1] = small_or_pool(8200);
        break;
    }
    case __HYPERVISOR_stack_switch:
        a[0] = chance(50) ? FLAT_KERNEL_SS : a_selector(false);
        a[1] = chance(30) ? fz_pad_rsp : pool();
        break;
    case __HYPERVISOR_set_callbacks: case __HYPERVISOR_callback_op:
        gen_callbacks(nr, a);
        break;
    case __HYPERVISOR_fpu_taskswitch: a[0] = small_or_pool(3); break;
    case __HYPERVISOR_sched_op_compat: case __HYPERVISOR_sched_op: gen_sched(a); break;
    case __HYPERVISOR_set_debugreg:
        a[0] = small_or_pool(10);
        a[1] = chance(30) ? (rnd() & 0xFFFF0FFFull) : pool();
        break;
    case __HYPERVISOR_get_debugreg: a[0] = small_or_pool(10); break;
    case __HYPERVISOR_update_descriptor:
        a[0] = (chance(80) ? (some_own_spare_mfn() << 12) + below(512) * 8
                           : (avoid_descr ? (some_own_spare_mfn() << 12) : sanitize(pool())));
        {
            static const uint64_t descs[] = { 0, 0x00CFF2000000FFFFull, 0x00AFFA000000FFFFull,
                                              0x00CFFA000000FFFFull, 0x00CF92000000FFFFull,
                                              0x00AF9A000000FFFFull, 0x0000E90000000067ull };
            a[1] = chance(40) ? descs[below(ARRAY_SIZE(descs))] | (chance(50) ? 0 : rnd() & 0xFF0000FFFF0000ull)
                 : chance(50) ? (rnd() & 0x00CFFA000000FFFFull) | (rnd() & 0xFF00FF00000000ull)
                              : pool();
        }
        break;
    case __HYPERVISOR_memory_op: gen_memory_op(a); break;
    case __HYPERVISOR_multicall:
        if (depth < 1)
            gen_multicall(a, depth);
        else
            a[1] = small_or_pool(4);         /* nested: refused, whatever it says */
        break;
    case __HYPERVISOR_update_va_mapping: case __HYPERVISOR_update_va_mapping_otherdomain:
        a[0] = va_target(chance(70) ? fscr_va(below(NR_FSCR)) : pool());
        a[1] = chance(20) ? 0 : a_pte();
        a[2] = chance(70) ? below(8) : (chance(50) ? ptr_arg(8) | below(4) : pool());
        a[3] = a_domid();
        break;
    case __HYPERVISOR_set_timer_op:
        a[0] = chance(50) ? pvclock_now() + below(10 * NS_PER_MS) : pool();
        break;
    case __HYPERVISOR_xen_version:
        a[0] = small_or_pool(12);
        a[1] = chance(70) ? ptr_arg(256) : pool();
        break;
    case __HYPERVISOR_console_io: {
        console_call = true;
        a[0] = chance(80) ? CONSOLEIO_write : small_or_pool(4);
        char *s = sbuf(256);
        unsigned int len = (unsigned int)below(80);
        for (unsigned int i = 0; i < len; i++)
            s[i] = chance(95) ? (char)(' ' + below(95)) : (char)rnd();
        a[1] = chance(90) ? len : pool();
        a[2] = chance(85) ? (uint64_t)(uintptr_t)s : pool();
        break;
    }
    case __HYPERVISOR_grant_table_op: gen_grant(a); break;
    case __HYPERVISOR_vm_assist:
        a[0] = small_or_pool(3);
        a[1] = chance(80) ? (chance(80) ? below(6) : 32 + below(2)) : pool();
        break;
    case __HYPERVISOR_iret: break;           /* the frame is gen_iret_frame's */
    case __HYPERVISOR_vcpu_op: gen_vcpu_op(a); break;
    case __HYPERVISOR_set_segment_base:
        a[0] = small_or_pool(5);
        a[1] = pool();
        break;
    case __HYPERVISOR_mmuext_op: gen_mmuext(a); break;
    case __HYPERVISOR_event_channel_op: gen_evtchn(a); break;
    case __HYPERVISOR_physdev_op:
        a[0] = small_or_pool(34);
        a[1] = ptr_arg(64);
        break;
    default:
        break;
    }
    /* Whatever the generator chose, a shutdown of ourselves is never issued. */
    if ((nr == __HYPERVISOR_sched_op || nr == __HYPERVISOR_sched_op_compat) &&
        (uint32_t)a[0] == SCHEDOP_shutdown)
        a[0] = SCHEDOP_yield;
}

/* ------------------------------------------------------------------ issuing */
/* Start our own lines on a fresh line after fuzzed console output. */
static void fresh_line(void)
{
    if (console_junk)
        console_write("\n", 1);
    console_junk = false;
}

static void trace_call(const char *what, uint64_t nr, const uint64_t a[6])
{
    printk("fuzz: [%lu:%lu] %s %lu (%#lx, %#lx, %#lx, %#lx, %#lx)\n", (unsigned long)seed,
           (unsigned long)iter, what, (unsigned long)nr, (unsigned long)a[0],
           (unsigned long)a[1], (unsigned long)a[2], (unsigned long)a[3],
           (unsigned long)a[4]);
}

/* Words of a dscr structure an argument points at, for the trace. */
static void trace_mem(const char *what, uint64_t p, unsigned int words)
{
    if (p < (uint64_t)(uintptr_t)dscr || p > (uint64_t)(uintptr_t)dscr + sizeof(dscr) - words * 8)
        return;
    const uint64_t *w = (const uint64_t *)(uintptr_t)p;
    char line[400];
    int n = snprintf(line, sizeof(line), "fuzz: [%lu:%lu]   %s @%#lx:", (unsigned long)seed,
                     (unsigned long)iter, what, (unsigned long)p);
    for (unsigned int i = 0; i < words && n < (int)sizeof(line) - 24; i++)
        n += snprintf(line + n, sizeof(line) - (size_t)n, " %lx", (unsigned long)w[i]);
    printk("%s\n", line);
}

static long issue(uint64_t nr, uint64_t a[6], int mode)
{
    uint64_t *frame = (uint64_t *)(uintptr_t)fz_frame_rsp;

    memcpy(frame, iret_frame, sizeof(iret_frame));
    frame[-3] = rnd();                /* RAX, R11, RCX of a raw iret */
    frame[-2] = rnd();
    frame[-1] = rnd();
    if (trace) {
        trace_call(mode == MODE_RAW ? "raw" : "hc", nr, a);
        if (nr == __HYPERVISOR_iret || nr == __HYPERVISOR_multicall || mode == MODE_RAW)
            printk("fuzz: [%lu:%lu]   iret frame: flags %#lx rip %#lx cs %#lx rflags %#lx "
                   "rsp %#lx ss %#lx\n", (unsigned long)seed, (unsigned long)iter,
                   (unsigned long)frame[0], (unsigned long)frame[1], (unsigned long)frame[2],
                   (unsigned long)frame[3], (unsigned long)frame[4], (unsigned long)frame[5]);
        if (nr == __HYPERVISOR_multicall) {
            const multicall_entry_t *m = (const void *)(uintptr_t)a[0];
            uint64_t end = (uint64_t)(uintptr_t)dscr + sizeof(dscr);
            if (a[0] >= (uint64_t)(uintptr_t)dscr && a[0] < end)
                for (unsigned int i = 0; i < a[1] && i < 20 && a[0] + (i + 1) * sizeof(*m) <= end; i++)
                    printk("fuzz: [%lu:%lu]   entry %u: hc %lu (%#lx, %#lx, %#lx, %#lx, "
                           "%#lx)\n", (unsigned long)seed, (unsigned long)iter, i,
                           (unsigned long)m[i].op, (unsigned long)m[i].args[0],
                           (unsigned long)m[i].args[1], (unsigned long)m[i].args[2],
                           (unsigned long)m[i].args[3], (unsigned long)m[i].args[4]);
        } else {
            static const char *const names[] = { "arg0", "arg1", "arg2", "arg3", "arg4" };
            for (unsigned int i = 0; i < 5; i++)
                trace_mem(names[i], a[i], 6);    /* the structures args point at */
        }
    }
    if (nr == __HYPERVISOR_iret && frame_risky)
        risky = true;
    if (mode == MODE_RAW && (nr == __HYPERVISOR_iret || nr == __HYPERVISOR_multicall))
        risky = true;
    fresh_line();
    if (risky && !trace)
        printk("fuzz: [%lu:%lu] risky calls %lu\n", (unsigned long)seed, (unsigned long)iter,
               (unsigned long)calls);
    risky = false;
    cur_nr = nr;
    cur_mode = (uint64_t)mode;
    memcpy(cur_a, a, sizeof(cur_a));
    uint64_t target = (uint64_t)(uintptr_t)hypercall_page + (nr & 127) * 32;
    if (need_wakeup) {
        /* Events masked first: should the timer fire before the block (the victim may
         * run in between), its upcall must stay pending for the block to see, not be
         * delivered and acknowledged here (the block would then sleep for good once a
         * fuzzed call has replaced the periodic wake-up timer). */
        if (shared)
            shared->vcpu_info[0].evtchn_upcall_mask = 1;
        clear_ports();
        HYPERVISOR_set_timer_op(pvclock_now() + NS_PER_MS);
    }
    need_wakeup = false;
    fz_active = 1;
    long rc = fz_invoke(target, a, (uint64_t)mode, nr);
    fz_active = 0;
    calls++;
    if (console_call || nr == __HYPERVISOR_console_io)
        console_junk = true;
    console_call = false;
    fresh_line();
    if (((uint64_t)rc & ~0xFFFull) == FZ_TRAPPED) {
        if (fz_trap_vec == RT_VEC_RET2KERN &&
            fz_trap_rip == (uint64_t)(uintptr_t)fz_pad + 9)
            landed++;
        else
            traps++;
    }
    if (trace >= 2 || (trace && ((uint64_t)rc & ~0xFFFull) == FZ_TRAPPED))
        printk("fuzz: [%lu:%lu]   = %#lx%s\n", (unsigned long)seed, (unsigned long)iter,
               (unsigned long)rc,
               ((uint64_t)rc & ~0xFFFull) == FZ_TRAPPED
                   ? (fz_trap_vec == RT_VEC_RET2KERN ? " (landed)" : " (trapped)") : "");
    return rc;
}

static void repair(unsigned int k);

/* ------------------------------------------------------------------ L4 copy dance */
/* Copy our L4 into a scratch frame, pin it, switch to it and away, unpin it in
 * random orders (the copy maps the same memory, so we survive on it), then put
 * everything back. */
static void l4_dance(void)
{
    unsigned int k = (unsigned int)below(NR_FSCR), k3 = (unsigned int)below(NR_FSCR);
    uint64_t a[6] = { 0 };
    const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
    mmuext_op_t *op = sbuf(sizeof(*op));
    bool pinned = false;

    if (fscr_state[k] != FS_MAPPED)
        repair(k);
    if (fscr_state[k] != FS_MAPPED)
        return;
    uint64_t mfn = fscr_mfn[k];
    dances++;
    /* Half the time slot 0 gets a private copy of the image's L3 (a read-only scratch
     * frame), so that the copy's teardown has a table of its own to release. */
    uint64_t l3_copy = 0;
    if (k3 != k && chance(50)) {
        if (fscr_state[k3] != FS_MAPPED)
            repair(k3);
        const uint64_t *l3 = NULL;
        for (uint64_t i = 0; i < start_info->nr_pt_frames; i++)
            if (virt_to_mfn((void *)(start_info->pt_base + i * 4096)) == (l4[0] & PTE_ADDR) >> 12)
                l3 = (const uint64_t *)(start_info->pt_base + i * 4096);
        uint64_t c[6] = { fscr_va(k3), (fscr_mfn[k3] << 12) | PTE_P | PTE_RW | PTE_A | PTE_D,
                          UVMF_INVLPG, 0, 0, 0 };
        if (l3 && fscr_state[k3] == FS_MAPPED && !issue(__HYPERVISOR_update_va_mapping, c, MODE_CALL)) {
            memcpy(fscr[k3], l3, 4096);
            c[1] = (fscr_mfn[k3] << 12) | PTE_P | PTE_A;       /* read-only */
            if (!issue(__HYPERVISOR_update_va_mapping, c, MODE_CALL))
                l3_copy = fscr_mfn[k3];
        }
    }
    /* Map the frame writable again (it may have been remapped by an earlier call). */
    a[0] = fscr_va(k);
    a[1] = (mfn << 12) | PTE_P | PTE_RW | PTE_A | PTE_D;
    a[2] = UVMF_INVLPG;
    if (issue(__HYPERVISOR_update_va_mapping, a, MODE_CALL))
        return;
    uint64_t *copy = (uint64_t *)fscr[k];
    for (unsigned int i = 0; i < 512; i++)
        copy[i] = (i >= XLITE_HV_L4_FIRST_SLOT && i <= XLITE_HV_L4_LAST_SLOT) ? 0 : l4[i];
    if (l3_copy)
        copy[0] = (l3_copy << 12) | (l4[0] & 0xFFF);
    a[1] = 0;
    if (issue(__HYPERVISOR_update_va_mapping, a, MODE_CALL))
        return;
    fscr_state[k] = FS_UNMAPPED;

    unsigned int steps = 2 + (unsigned int)below(6);
    for (unsigned int s = 0; s < steps; s++) {
        static const uint32_t cmds[] = { MMUEXT_PIN_L4_TABLE, MMUEXT_NEW_BASEPTR,
                                         MMUEXT_NEW_USER_BASEPTR, MMUEXT_UNPIN_TABLE,
                                         MMUEXT_NEW_BASEPTR, MMUEXT_NEW_USER_BASEPTR,
                                         MMUEXT_TLB_FLUSH_LOCAL };
        uint32_t c = s == 0 ? MMUEXT_PIN_L4_TABLE : cmds[below(ARRAY_SIZE(cmds))];
        bool to_own = s && chance(40) &&
                      (c == MMUEXT_NEW_BASEPTR || c == MMUEXT_NEW_USER_BASEPTR);
        if (avoid_unpin && !pinned && c != MMUEXT_PIN_L4_TABLE)
            continue;
        if (avoid_unpin && c == MMUEXT_UNPIN_TABLE)
            continue;
        *op = (mmuext_op_t){ .cmd = c, .arg1.mfn = to_own ? own_l4_mfn : mfn };
        uint64_t b[6] = { (uint64_t)(uintptr_t)op, 1, 0, DOMID_SELF, 0, 0 };
        long rc = issue(__HYPERVISOR_mmuext_op, b, MODE_CALL);
        if (c == MMUEXT_PIN_L4_TABLE && rc == 0) {
            pinned = true;
            dance_pins++;
        }
        if (c == MMUEXT_NEW_BASEPTR && !to_own && rc == 0)
            dance_switches++;
        if (c == MMUEXT_UNPIN_TABLE && rc == 0)
            pinned = false;
    }
    /* Back to our own L4, the copy unpinned and mapped again. */
    restore(R_BASEPTR);
    if (pinned) {
        *op = (mmuext_op_t){ .cmd = MMUEXT_UNPIN_TABLE, .arg1.mfn = mfn };
        uint64_t b[6] = { (uint64_t)(uintptr_t)op, 1, 0, DOMID_SELF, 0, 0 };
        issue(__HYPERVISOR_mmuext_op, b, MODE_CALL);
    }
}

/* Put scratch frame k back: unpinned, mapped writable at its VA (a frame from
 * populate_physmap replaces one that is gone). */
static void repair(unsigned int k)
{
    mmuext_op_t op = { .cmd = MMUEXT_UNPIN_TABLE, .arg1.mfn = fscr_mfn[k] };
    HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
    long rc = HYPERVISOR_update_va_mapping(fscr_va(k), (fscr_mfn[k] << 12) | PTE_P | PTE_RW |
                                           PTE_A | PTE_D, UVMF_INVLPG);
    if (rc && nr_extra) {
        uint64_t m = extra_mfn[--nr_extra];
        if (!HYPERVISOR_update_va_mapping(fscr_va(k), (m << 12) | PTE_P | PTE_RW | PTE_A |
                                          PTE_D, UVMF_INVLPG)) {
            fscr_mfn[k] = m;
            rc = 0;
        }
    }
    fscr_state[k] = rc ? FS_UNMAPPED : FS_MAPPED;
}

/* Pin scratch frame k as a page table of a random level: unmap it first, fill it
 * with entries that may or may not validate. */
static void pin_scratch(void)
{
    unsigned int k = (unsigned int)below(NR_FSCR);
    if (fscr_state[k] != FS_MAPPED)
        return;
    uint64_t *t = (uint64_t *)fscr[k];
    /* The frame may be mapped elsewhere or gone: write through a checked mapping. */
    if (HYPERVISOR_update_va_mapping(fscr_va(k), (fscr_mfn[k] << 12) | PTE_P | PTE_RW |
                                     PTE_A | PTE_D, UVMF_INVLPG))
        return;
    memset(t, 0, 4096);
    unsigned int n = (unsigned int)below(6);
    for (unsigned int i = 0; i < n; i++) {
        uint64_t e = a_pte();
        if (chance(50))
            e = (some_own_spare_mfn() << 12) | PTE_P | PTE_A;     /* read-only: may validate */
        t[below(256)] = e;
    }
    uint64_t a[6] = { fscr_va(k), 0, UVMF_INVLPG, 0, 0, 0 };
    if (issue(__HYPERVISOR_update_va_mapping, a, MODE_CALL))
        return;
    fscr_state[k] = FS_UNMAPPED;
    mmuext_op_t *op = sbuf(sizeof(*op));
    *op = (mmuext_op_t){ .cmd = (uint32_t)below(4), .arg1.mfn = fscr_mfn[k] };
    uint64_t b[6] = { (uint64_t)(uintptr_t)op, 1, 0, DOMID_SELF, 0, 0 };
    if (issue(__HYPERVISOR_mmuext_op, b, MODE_CALL) == 0)
        fscr_state[k] = FS_PINNED;
}

/* Store v at va; false if that faulted (the exception table resumes at 2:). */
long fz_store(uint64_t va, uint64_t v);
__asm__(
    "    .text\n"
    "    .globl fz_store\n"
    "fz_store:\n"
    "    xor %eax, %eax\n"
    "1:  mov %rsi, (%rdi)\n"
    "    ret\n"
    "2:  mov $1, %eax\n"
    "    ret\n"
    EXTABLE(1b, 2b));

/* Write random words through a scratch VA, whatever it maps now (a frame made
 * read-only, unmapped, freed, pinned as a page table: the hypervisor must have kept
 * every such VA from reaching memory that is no longer ours). */
static void scribble(void)
{
    unsigned int k = (unsigned int)below(NR_FSCR), n = 1 + (unsigned int)below(64);
    uint64_t va = fscr_va(k) + below(512) * 8;

    if (trace)
        printk("fuzz: [%lu:%lu] scribble %u words at %#lx\n", (unsigned long)seed,
               (unsigned long)iter, n, (unsigned long)va);
    for (unsigned int i = 0; i < n && va < fscr_va(k) + 4096; i++, va += 8)
        if (fz_store(va, rnd()))
            break;
}

/* A long batch of harmless mmuext ops with a done counter (long enough to be
 * preempted and continued): the result must be 0 and the count exact. */
static void batch_check(void)
{
    if (avoid_pdone)
        return;
    unsigned int n = 64 + (unsigned int)below(400);
    mmuext_op_t *o = sbuf(n * sizeof(*o));
    uint32_t *done = sbuf(8);
    static const uint32_t cmds[] = { MMUEXT_TLB_FLUSH_LOCAL, MMUEXT_INVLPG_LOCAL,
                                     MMUEXT_TLB_FLUSH_ALL, MMUEXT_INVLPG_ALL };
    for (unsigned int i = 0; i < n; i++) {
        o[i].cmd = cmds[below(ARRAY_SIZE(cmds))];
        o[i].arg1.linear_addr = fscr_va(below(NR_FSCR));
    }
    *done = 0xDEAD;
    uint64_t a[6] = { (uint64_t)(uintptr_t)o, n, (uint64_t)(uintptr_t)done, DOMID_SELF, 0, 0 };
    long rc = issue(__HYPERVISOR_mmuext_op, a, MODE_CALL);
    if (rc != 0 || *done != n) {
        wrong++;
        printk("fuzz: [%lu:%lu] WRONG mmuext_op batch of %u: rc %ld, done %u\n",
               (unsigned long)seed, (unsigned long)iter, n, rc, *done);
    }
    n = 32 + (unsigned int)below(200);
    mmu_update_t *u = sbuf(n * sizeof(*u));
    unsigned int tries = 0;
    for (unsigned int i = 0; i < n; i++) {       /* own in-use frames' M2P, unchanged */
        uint64_t pfn, mfn;
        /* Not scratch frames (those may be gone), and only frames whose M2P entry still
         * names their pfn: a fuzzed decrease_reservation whose extent list happened to
         * be our own P2M gives live frames back (allowed, as in Xen; seed 1101), and
         * the hypervisor marks a frame it takes back invalid in the M2P. */
        do
            pfn = below(start_info->nr_pages), mfn = pfn_to_mfn(pfn);
        while ((!is_live_mfn(mfn) || M2P[mfn] != pfn) && ++tries < 100000);
        if (tries >= 100000) {
            n = i;                               /* too few left to check: check these */
            break;
        }
        u[i].ptr = (mfn << 12) | MMU_MACHPHYS_UPDATE;
        u[i].val = pfn;
    }
    *done = 0xDEAD;
    uint64_t b[6] = { (uint64_t)(uintptr_t)u, n, (uint64_t)(uintptr_t)done, DOMID_SELF, 0, 0 };
    rc = issue(__HYPERVISOR_mmu_update, b, MODE_CALL);
    if (rc != 0 || *done != n) {
        wrong++;
        unsigned int i = *done < n ? *done : 0;
        printk("fuzz: [%lu:%lu] WRONG mmu_update batch of %u: rc %ld, done %u (MACHPHYS_UPDATE"
               " of our own mfn %#lx, pfn %#lx)\n", (unsigned long)seed, (unsigned long)iter,
               n, rc, *done, (unsigned long)(u[i].ptr >> 12), (unsigned long)u[i].val);
    }
}

/* Our own grant table made real: set it up, map its first frame at a scratch VA,
 * write grant entries (spare frames read-write, in-use frames read-only, to us, the
 * victim or anyone), so that the grant ops that follow (refs 0-63, DOMID_SELF and
 * our id among the domains they name) reach real entries. */
static uint64_t gnt_va;           /* where our grant frame 0 is mapped, 0 if not */
static unsigned int gnt_k;

static void grant_setup(void)
{
    struct gnttab_setup_table *st = sbuf(sizeof(*st));
    uint64_t *frames = sbuf(8 * 8);
    st->dom = DOMID_SELF;
    st->nr_frames = 1 + (uint32_t)below(4);
    st->frame_list = frames;
    uint64_t a[6] = { GNTTABOP_setup_table, (uint64_t)(uintptr_t)st, 1, 0, 0, 0 };
    if (issue(__HYPERVISOR_grant_table_op, a, MODE_CALL) || st->status)
        return;
    unsigned int k = (unsigned int)below(NR_FSCR);
    uint64_t b[6] = { fscr_va(k), (frames[0] << 12) | PTE_P | PTE_RW | PTE_A | PTE_D,
                      UVMF_INVLPG, 0, 0, 0 };
    fscr_state[k] = FS_UNMAPPED;                 /* not its own frame any more */
    if (issue(__HYPERVISOR_update_va_mapping, b, MODE_CALL))
        return;
    gnt_va = fscr_va(k);
    gnt_k = k;
    unsigned int n = 1 + (unsigned int)below(16);
    for (unsigned int i = 0; i < n; i++) {
        unsigned int ref = (unsigned int)below(64);
        uint64_t mfn = some_own_spare_mfn();
        uint16_t flags = (uint16_t)(chance(70) ? GTF_permit_access : below(4));
        if (chance(20)) {
            mfn = pfn_to_mfn(below(start_info->nr_pages));
            if (is_live_mfn(mfn))
                flags |= GTF_readonly;           /* our in-use frames: read-only grants */
        } else if (chance(20)) {
            flags |= GTF_readonly;
        }
        if (chance(10))
            flags = (uint16_t)rnd();
        if (is_live_mfn(mfn))
            flags |= GTF_readonly;
        if (chance(10))
            mfn = random_mfn();
        uint64_t dom = chance(50) ? self_id : a_domid();
        uint64_t e = flags | (dom << 16) | (mfn << 32);
        if (trace)
            printk("fuzz: [%lu:%lu] grant ref %u = %#lx\n", (unsigned long)seed,
                   (unsigned long)iter, ref, (unsigned long)e);
        if (fz_store(gnt_va + ref * 8, e))
            break;
    }
}

/* ------------------------------------------------------------------ one iteration */
static void one_iteration(void)
{
    uint64_t a[6] = { 0 }, nr;
    int mode = MODE_CALL;

    rs = seed * 0xD1B54A32D192ED03ull ^ iter * 0x9E3779B97F4A7C15ull ^ 0x5EEDF00Dull;
    splitmix(&rs);
    sbuf_reset();
    if (shared)
        shared->vcpu_info[0].evtchn_upcall_mask = 0;   /* let the wake-up timer in */
    risky = false;
    gen_iret_frame();

    unsigned int r = (unsigned int)below(1000);
    if (r < 15) {
        l4_dance();
        return;
    }
    if (r < 35) {
        pin_scratch();
        return;
    }
    if (r < 60) {
        repair((unsigned int)below(NR_FSCR));
        return;
    }
    if (r < 75) {
        scribble();
        return;
    }
    if (r < 85) {
        batch_check();
        return;
    }
    if (r < 100) {
        grant_setup();
        return;
    }
    if (r < 150) {
        nr = chance(50) ? below(128) : pool();      /* any number, even past the page */
        gen_args(nr < 64 ? nr : below(64), a, 0);
        mode = MODE_RAW;
        /* Raw numbers are dispatched as they are: keep the self-preservation rules. */
        if ((nr == __HYPERVISOR_sched_op || nr == __HYPERVISOR_sched_op_compat) &&
            (uint32_t)a[0] == SCHEDOP_shutdown)
            a[0] = SCHEDOP_yield;
        if (nr == __HYPERVISOR_vcpu_op && a[0] == VCPUOP_down && (uint32_t)a[1] == 0)
            a[1] = 1;
        if (nr == __HYPERVISOR_vcpu_op && a[0] == VCPUOP_register_vcpu_info)
            a[2] = 0;                            /* see gen_vcpu_op */
        if (nr == __HYPERVISOR_vcpu_op && a[0] >= VCPUOP_register_runstate_memory_area &&
            a[0] != VCPUOP_set_periodic_timer && a[0] != VCPUOP_stop_periodic_timer &&
            a[0] != VCPUOP_set_singleshot_timer && a[0] != VCPUOP_stop_singleshot_timer &&
            a[0] != VCPUOP_send_nmi && a[0] != VCPUOP_get_physid && a[0] <= 15)
            a[2] = 0;                            /* areas: see gen_vcpu_op */
        if (nr == __HYPERVISOR_vcpu_op && a[0] == VCPUOP_up && a[1] == 1 && !vcpu1_parks)
            a[0] = VCPUOP_is_up;
        init_parks = false;
        if (nr == __HYPERVISOR_sched_op && (uint32_t)a[0] == SCHEDOP_block)
            arm_wakeup();
    } else if (r < 200) {
        nr = below(64);                             /* any number in range, random args */
        gen_args(nr, a, 0);
        if (nr == __HYPERVISOR_iret)
            mode = MODE_JMP;
    } else {
        /* The implemented hypercalls, weighted. */
        static const uint8_t hot[] = {
            0, 1, 1, 1, 1, 2, 3, 4, 5, 8, 9, 10, 10, 12, 12, 12, 13, 13, 13, 14, 14, 14,
            15, 17, 18, 20, 20, 20, 21, 22, 23, 23, 24, 24, 24, 25, 26, 26, 26, 26, 29,
            29, 30, 32, 32, 32, 33, 35, 36,
        };
        nr = hot[below(sizeof(hot))];
        gen_args(nr, a, 0);
        if (nr == __HYPERVISOR_iret)
            mode = MODE_JMP;
    }
    if (mode == MODE_RAW || nr != __HYPERVISOR_vcpu_op)
        init_parks = false;
    long rc = issue(nr, a, mode);
    if (nr == __HYPERVISOR_memory_op)
        harvest(a, rc);
    if (nr == __HYPERVISOR_vcpu_op && a[0] == VCPUOP_initialise && a[1] == 1 && rc == 0) {
        vcpu1_parks = init_parks;
        printk("fuzz: [%lu:%lu] vCPU 1 initialised%s\n", (unsigned long)seed,
                   (unsigned long)iter, init_parks ? " to park" : " with a fuzzed context");
    }
    unsigned int what = nr < 64 ? restore_for(nr) : 0;
    if (nr == __HYPERVISOR_vcpu_op && a[0] == VCPUOP_stop_periodic_timer)
        what |= R_TIMER;
    if (mode == MODE_RAW && nr < 64)
        what |= R_ALL & ~(R_BASEPTR | R_TIMER);
    if (what)
        restore(what);
}

/* ------------------------------------------------------------------ setup */
static const char *strstr_simple(const char *h, const char *n)
{
    size_t l = strlen(n);
    for (; *h; h++)
        if (!strncmp(h, n, l))
            return h;
    return NULL;
}

static void parse_avoid(void)
{
    const char *p = start_info->cmd_line;
    while ((p = strstr_simple(p, "avoid=")) != NULL) {
        p += 6;
        while (*p && *p != ' ') {
            if (!strncmp(p, "timer", 5)) avoid_timer = true;
            if (!strncmp(p, "hvcs", 4)) avoid_hvcs = true;
            if (!strncmp(p, "unpin", 5)) avoid_unpin = true;
            if (!strncmp(p, "descr", 5)) avoid_descr = true;
            if (!strncmp(p, "badsel", 6)) avoid_badsel = true;
            if (!strncmp(p, "pdone", 5)) avoid_pdone = true;
            if (!strncmp(p, "iret", 4)) avoid_iret = true;
            while (*p && *p != ',' && *p != ' ')
                p++;
            if (*p == ',')
                p++;
        }
    }
}

void test_main(void)
{
    uint64_t iters = 20000, start = 0, progress = 1000;

    rt_console_ring_off();      /* fuzzed calls may remap or scribble on the ring page */
    if (!cmdline_value("seed", &seed))
        seed = 1;
    cmdline_value("iters", &iters);
    cmdline_value("start", &start);
    cmdline_value("trace", &trace);
    cmdline_value("trace_from", &trace_from);
    if (trace_from) {
        trace_level = trace ? trace : 1;
        trace = 0;
    }
    cmdline_value("progress", &progress);
    cmdline_value("self", &self_id);
    cmdline_value("victim", &victim_id);
    if (!progress)
        progress = 1000;
    parse_avoid();

    /* Own frames: every frame of the P2M is in use except the scratch pool. */
    uint64_t nr_pages = start_info->nr_pages;
    for (uint64_t pfn = 0; pfn < nr_pages; pfn++)
        set_live(pfn_to_mfn(pfn), true);
    for (unsigned int k = 0; k < NR_FSCR; k++) {
        fscr_mfn[k] = virt_to_mfn(fscr[k]);
        set_live(fscr_mfn[k], false);
        fscr_state[k] = FS_MAPPED;
    }
    own_l4_mfn = virt_to_mfn((void *)start_info->pt_base);
    for (uint64_t i = 0; i < start_info->nr_pt_frames && nr_own_pt < 16; i++)
        own_pt_mfn[nr_own_pt++] = virt_to_mfn((void *)(start_info->pt_base + i * 4096));
    long m = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
    max_mfn = m > 0 ? (uint64_t)m : 0x20000;
    if (max_mfn >= MAX_MFN_BITS)
        max_mfn = MAX_MFN_BITS - 1;
    live_va_lo = 0x100000;
    live_va_hi = nr_pages * 4096;
    unmapped_va = live_va_hi + 16 * 4096;
    fz_frame_rsp = (uint64_t)(uintptr_t)fz_stack + sizeof(fz_stack) - 4096;
    fz_pad_rsp = (uint64_t)(uintptr_t)fz_stack + sizeof(fz_stack) - 12288;

    /* Unmap the low 1 MiB (pages below the image, unused): a (pointer, count) pair
     * starting there must fault, not run on into the image. */
    unsigned int unmapped_low = 0;
    for (uint64_t va = 0; va < live_va_lo; va += 4096) {
        uint64_t si = (uint64_t)(uintptr_t)start_info;
        if ((va >> 12) == (si >> 12) || (va >= start_info->pt_base &&
            va < start_info->pt_base + start_info->nr_pt_frames * 4096) ||
            (va >= start_info->mfn_list && va < start_info->mfn_list + nr_pages * 8 + 4096))
            continue;
        if (!HYPERVISOR_update_va_mapping(va, 0, UVMF_INVLPG))
            unmapped_low++;
    }

    long hrc = HYPERVISOR_update_va_mapping((unsigned long)scr.hole, 0, UVMF_INVLPG);
    if (hrc)
        rt_panic("cannot unmap the hole after the guard page: %ld", hrc);

    /* ro_page: one of our own pages, mapped read-only. */
    long rc = HYPERVISOR_update_va_mapping((unsigned long)ro_page,
                                           (virt_to_mfn(ro_page) << 12) | PTE_P | PTE_A,
                                           UVMF_INVLPG);
    /* Each vCPU's vcpu_info is registered where it already is, in shared_info, so a
     * fuzzed VCPUOP_register_vcpu_info meets "already registered". A random frame that
     * is ours after all (populate_physmap frames not harvested) would otherwise move
     * it where the runtime never looks: events it cannot clear, an upcall storm. */
    for (unsigned int v = 0; v < 2; v++) {
        struct vcpu_register_vcpu_info vr = {
            .mfn = start_info->shared_info >> 12,
            .offset = (uint32_t)(v * sizeof(struct vcpu_info)) };
        long vrc = HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, v, &vr);
        if (vrc && !(v && vrc == -XEN_ENOENT))
            rt_panic("cannot register vCPU %u's vcpu_info in place: %ld", v, vrc);
    }

    const char *what = "";
    long urc = rt_user_init(&what);
    restore(R_CALLBACKS | R_TIMER);
    for (unsigned int v = 0; v < 256; v++)
        rt_set_handler(v, fz_trap);
    rt_set_handler(RT_VEC_SYSCALL, fz_trap);
    rt_set_handler(RT_VEC_EVENT, fz_event);

    printk("fuzz: seed %lu iters %lu..%lu trace %lu avoid%s%s%s%s%s%s%s; %lu pages, max mfn "
           "%#lx, L4 mfn %#lx, ro_page %ld, user init %ld%s%s, %u low pages unmapped\n", (unsigned long)seed,
           (unsigned long)start, (unsigned long)iters, (unsigned long)trace,
           avoid_timer ? " timer" : "", avoid_hvcs ? " hvcs" : "",
           avoid_unpin ? " unpin" : "", avoid_descr ? " descr" : "",
           avoid_badsel ? " badsel" : "", avoid_pdone ? " pdone" : "",
           (avoid_timer || avoid_hvcs || avoid_unpin || avoid_descr || avoid_badsel ||
            avoid_pdone) ? "" : " none",
           (unsigned long)nr_pages, (unsigned long)max_mfn, (unsigned long)own_l4_mfn, rc,
           urc, urc ? " at " : "", urc ? what : "", unmapped_low);

    /* park_test=1 (debugging): vCPU 1 initialised online to park before fuzzing. */
    uint64_t park_test = 0;
    cmdline_value("park_test", &park_test);
    if (park_test) {
        static struct vcpu_guest_context c;
        c.flags = VGCF_in_kernel | (park_test == 1 ? VGCF_online : 0);
        c.user_regs.rip = (uint64_t)(uintptr_t)fz_park;
        c.user_regs.rsp = (uint64_t)(uintptr_t)park_stack + sizeof(park_stack) - 64;
        c.user_regs.rflags = 0x2;
        c.kernel_ss = FLAT_KERNEL_SS;
        c.kernel_sp = c.user_regs.rsp;
        c.ctrlreg[3] = own_l4_mfn << 12;
        long prc = HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &c);
        vcpu1_parks = prc == 0;
        printk("fuzz: park test: initialise %ld\n", prc);
        if (park_test == 2)
            printk("fuzz: park test: up %ld\n", HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL));
        printk("fuzz: park test: is_up %ld\n", HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL));
    }

    uint64_t t0 = pvclock_now();
    /* skip=I, skip2=J (bisecting): leave those iterations out; the others are the same
     * calls, since each iteration draws its own PRNG state. */
    uint64_t skip = ~0ull, skip2 = ~0ull;
    cmdline_value("skip", &skip);
    cmdline_value("skip2", &skip2);
    for (iter = start; iter < iters; iter++) {
        if (iter == skip || iter == skip2)
            continue;
        if (iter == trace_from && trace_level)
            trace = trace_level;
        if (iter != start && iter % progress == 0)
            printk("fuzz: seed %lu iter %lu calls %lu\n", (unsigned long)seed,
                   (unsigned long)iter, (unsigned long)calls);
        one_iteration();
    }
    uint64_t ms = (pvclock_now() - t0) / NS_PER_MS;
    /* Leave the hypervisor nothing of ours in use: timers off, scratch frames back. */
    restore(R_ALL);
    HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    HYPERVISOR_set_timer_op(0);
    printk("fuzz: done seed %lu calls %lu iters %lu traps %lu landed %lu in %lu ms "
           "(%lu calls/s); L4 copies %lu pinned %lu switched to %lu; wrong %lu\n",
           (unsigned long)seed, (unsigned long)calls,
           (unsigned long)(iters > start ? iters - start : 0), (unsigned long)traps,
           (unsigned long)landed, (unsigned long)ms,
           (unsigned long)(ms ? calls * 1000 / ms : 0), (unsigned long)dances,
           (unsigned long)dance_pins, (unsigned long)dance_switches, (unsigned long)wrong);
}
