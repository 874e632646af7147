/* The xlite test-guest runtime: start of day, console output, test reporting, trap
 * recording and recovery, guest user mode. A test guest defines test_main() (and
 * optionally test_pre_traps(), run before the runtime installs its trap table) and
 * reports with t_begin()/t_check()/t_eq()/t_end() or test_pass()/test_fail(). */
#ifndef RT_H
#define RT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xlite/errno.h>
#include <xlite/sched.h>
#include <xlite/xen.h>

#include "hypercall.h"
#include "rt_asm.h"

#define NORETURN __attribute__((noreturn))
#define PRINTF(f, a) __attribute__((format(printf, f, a)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PAGE_SIZE 4096ul
#define PAGE_ALIGNED __attribute__((aligned(4096)))
#define BSS_PAGE __attribute__((aligned(4096), section(".bss.page_aligned")))

/* x86 page-table entry bits (architectural, not Xen ABI). */
#define PTE_P    0x001ull
#define PTE_RW   0x002ull
#define PTE_U    0x004ull
#define PTE_PWT  0x008ull
#define PTE_PCD  0x010ull
#define PTE_A    0x020ull
#define PTE_D    0x040ull
#define PTE_PSE  0x080ull
#define PTE_G    0x100ull
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000FFFFFFFFFF000ull

/* x86 page-fault error-code bits. */
#define PFEC_P 0x1
#define PFEC_W 0x2
#define PFEC_U 0x4

/* Exception vectors. */
enum {
    X86_EXC_DE = 0, X86_EXC_DB = 1, X86_EXC_NMI = 2, X86_EXC_BP = 3, X86_EXC_OF = 4,
    X86_EXC_BR = 5, X86_EXC_UD = 6, X86_EXC_NM = 7, X86_EXC_DF = 8, X86_EXC_TS = 10,
    X86_EXC_NP = 11, X86_EXC_SS = 12, X86_EXC_GP = 13, X86_EXC_PF = 14, X86_EXC_MF = 16,
    X86_EXC_AC = 17, X86_EXC_MC = 18, X86_EXC_XM = 19, X86_EXC_VE = 20, X86_EXC_CP = 21,
};

/* ------------------------------------------------------------------ start of day */
extern start_info_t *start_info;        /* RSI at entry */
extern uint64_t boot_regs[BR_COUNT];    /* registers at entry, BR_* */
extern shared_info_t *shared;           /* mapped by the runtime; NULL if that failed */
extern char _image_start[], _image_end[];
extern char hypercall_page[];

/* Provided by the test. */
void test_main(void);
void test_pre_traps(void) __attribute__((weak));

/* The guest's P2M (start_info->mfn_list) and the hypervisor's read-only M2P. */
#define M2P ((const volatile uint64_t *)MACH2PHYS_VIRT_START)
static inline uint64_t pfn_to_mfn(uint64_t pfn)
{ return ((const uint64_t *)start_info->mfn_list)[pfn]; }
static inline uint64_t virt_to_mfn(const volatile void *va)
{ return pfn_to_mfn((uint64_t)(uintptr_t)va >> 12); }
static inline uint64_t virt_to_maddr(const volatile void *va)
{ return (virt_to_mfn(va) << 12) | ((uint64_t)(uintptr_t)va & 0xFFF); }
static inline void *mfn_to_virt(uint64_t mfn)
{ return (void *)(uintptr_t)(M2P[mfn] << 12); }

/* ------------------------------------------------------------------ output */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) PRINTF(3, 4);
/* Print through console_io(CONSOLEIO_write) and, in a domU, its console ring too. */
void printk(const char *fmt, ...) PRINTF(1, 2);
void console_write(const char *s, size_t len);
/* console_io only from here on (the fuzzer may scribble on its ring page). */
void rt_console_ring_off(void);

/* ------------------------------------------------------------------ reporting */
/* One line each: "PASS name", "FAIL name: why", "SKIP name: why". */
void test_pass(const char *name);
void test_fail(const char *name, const char *fmt, ...) PRINTF(2, 3);
void test_skip(const char *name, const char *fmt, ...) PRINTF(2, 3);

/* A sub-test made of checks: PASS at t_end() if every check held, else FAIL with the
 * first failed check (each failed check is also logged on its own line). */
void t_begin(const char *name);
bool t_check(bool ok, const char *fmt, ...) PRINTF(2, 3);
bool t_eq_(const char *what, uint64_t got, uint64_t want);
#define t_eq(what, got, want) t_eq_(what, (uint64_t)(got), (uint64_t)(want))
void t_end(void);
/* Print a value the way failure messages do (-22 as "-22 (EINVAL)"). */
const char *fmt_val(char *buf, size_t size, uint64_t v);

/* SCHEDOP_shutdown; if that returns, crash the domain the hard way. */
NORETURN void rt_shutdown(unsigned int reason);
/* Report "FAIL name: why" and crash (for states the test cannot continue from). */
NORETURN void rt_panic(const char *fmt, ...) PRINTF(1, 2);

/* ------------------------------------------------------------------ traps */
/* What rt_trap_common saved, lowest address first, then the bounce frame. */
struct rt_regs {
    uint64_t handler_rflags;   /* RFLAGS the handler itself ran with */
    uint64_t r15, r14, r13, r12, rbp, rbx, r10, r9, r8, rdi, rsi, rdx, rax;
    uint64_t vec_word;         /* vector | RT_VW_* */
    uint64_t frame[];          /* RCX, R11, [EC], RIP, CS, RFLAGS, RSP, SS */
};

/* Pointers into the bounce frame; a handler may edit them (and rt_regs). */
struct rt_frame {
    uint64_t *rcx, *r11, *ec, *rip, *cs, *rflags, *rsp, *ss;
};

/* The last trap the runtime saw, copied before anyone could change the frame. */
struct rt_trap {
    unsigned int vector;        /* 0-255, or RT_VEC_EVENT/SYSCALL/FAILSAFE */
    bool has_ec;
    bool user;                  /* frame CS has RPL 3 */
    uint64_t ec;
    uint64_t rcx, r11, rip, cs, rflags, rsp, ss;   /* as the bounce frame had them */
    uint64_t frame_addr;        /* RSP at handler entry (the RCX slot) */
    uint64_t handler_rflags;
    uint16_t handler_cs, handler_ss;
    uint8_t mask_in_handler;    /* vcpu_info[0].evtchn_upcall_mask at entry; 0xFF: no shared_info */
    uint64_t cr2;               /* vcpu_info[0].arch.cr2 at entry */
    uint64_t rax, rbx, rdx, rsi, rdi, rbp, r8, r9, r10, r12, r13, r14, r15;
};

extern volatile struct rt_trap rt_last_trap;
extern volatile unsigned long rt_trap_count;    /* traps seen so far (events excluded) */
extern volatile unsigned long rt_event_count;   /* event upcalls seen */

/* Returns true if it dealt with the trap (the frame is then resumed as edited). */
typedef bool (*rt_handler_t)(struct rt_regs *regs, struct rt_frame *f);
void rt_set_handler(unsigned int vec, rt_handler_t h);

/* Address of the runtime's entry stub for a vector (or RT_VEC_* pseudo vector). */
uint64_t rt_stub(unsigned int vec);
/* set_trap_table with the runtime's default table: vectors 0-31 (DPL 0, #BP/#OF
 * DPL 3) and RT_VEC_RET2KERN (DPL 3), all masking events. */
long rt_install_traps(void);
/* set_trap_table with one entry: vec -> runtime stub with these flags (DPL | 4). */
long rt_set_trap(unsigned int vec, unsigned int flags);
/* Register the event and failsafe callbacks (callback_op) to runtime stubs; the
 * runtime acknowledges events (clears pending) and counts them. */
long rt_register_event_callbacks(void);

/* Kernel-mode resume at rip/rsp: what a handler does to leave the faulting code. */
void rt_frame_resume_kernel(struct rt_frame *f, uint64_t rip, uint64_t rsp);

/* Exception-table entry: a trap at fault resumes at fixup; a trap whose RIP already
 * is fixup (INT n, INT3, single step) resumes there too. Use inside asm strings. */
#define EXTABLE(fault, fixup) \
    ".pushsection .ex_table, \"aw\"\n .quad " #fault ", " #fixup "\n .popsection\n"

/* Call fn(arg); true (and *ret) if it returned, false if a trap that neither a
 * handler nor the exception table claimed interrupted it (see rt_last_trap). */
bool rt_catch(long (*fn)(void *), void *arg, long *ret);

/* ------------------------------------------------------------------ user mode */
#define RT_USER_FAULTED ((long)0xFA17FA17FA17FA17ull)
extern volatile uint64_t rt_user_rsp;       /* initial user RSP (default: top of rt_ustack) */
extern volatile uint64_t rt_user_rflags;    /* RFLAGS of the iret frame (default 0x2) */
extern char rt_kstack[], rt_ustack[], rt_user_entry[], rt_user_int_ret[];
extern char rt_event_entry[], rt_syscall_entry[], rt_failsafe_entry[];
/* stack_switch to rt_kstack, NEW_USER_BASEPTR = kernel L4, syscall callback. Reports
 * which step failed in *what; 0 on success. */
long rt_user_init(const char **what);
/* Run fn(arg) in guest user mode; its result, or RT_USER_FAULTED if a trap from user
 * mode (see rt_last_trap) ended it. */
long rt_exec_user(long (*fn)(void *), void *arg);

/* ------------------------------------------------------------------ small helpers */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
bool cmdline_has(const char *word);                   /* word in start_info->cmd_line */
bool cmdline_value(const char *key, uint64_t *val);   /* key=NUMBER in cmd_line */

static inline uint64_t read_rflags(void)
{
    uint64_t f;
    __asm__ volatile("pushfq; popq %0" : "=r"(f));
    return f;
}

static inline void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(sub));
}

/* Forced-emulation prefix: ud2; .ascii "xen". */
#define FEP ".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e\n"

/* ------------------------------------------------------------------ trap sites */
/* Where a test's trapping instruction was: filled in by SITE() right before it. */
struct rt_site {
    uint64_t rip;      /* the instruction (label 1) */
    uint64_t next;     /* the one after it (label 2, also the exception-table fixup) */
    uint64_t rsp;      /* RSP when it ran */
    uint64_t rflags;   /* RFLAGS when it ran */
};
extern volatile struct rt_site rt_site;

/* Values SITE_REGS puts in RCX and R11, which the bounce frame must carry back. */
#define RT_RCX_MAGIC 0xC0C0C0C0C0C0C0C1ull
#define RT_R11_MAGIC 0x1111222233334444ull
#define SITE_REGS "movabs $0xC0C0C0C0C0C0C0C1, %%rcx\n movabs $0x1111222233334444, %%r11\n"

/* Record rt_site, then run insn at label 1 with an exception-table entry to label 2.
 * Flags, RSP and every register but memory at rt_site are untouched. Use in an
 * extended asm (operands or clobbers present, so %% is a literal %). */
#define SITE(insn)                                                                   \
    "pushfq\n popq rt_site+24\n pushq $1f\n popq rt_site\n pushq $2f\n popq rt_site+8\n" \
    "mov %%rsp, rt_site+16\n"                                                        \
    "1: " insn "\n2:\n" EXTABLE(1b, 2b)

/* What a test expects the last trap to look like. */
struct rt_expect {
    unsigned int vector;
    bool has_ec;
    uint64_t ec;
    bool rip_after;       /* RIP = rt_site.next (traps, INT n) instead of rt_site.rip */
    bool magic_regs;      /* RCX/R11 were SITE_REGS's values */
    bool user;            /* the trap came from guest user mode */
    uint8_t mask;         /* evtchn_upcall_mask when it happened */
    uint8_t mask_in_handler; /* expected mask inside the handler */
    uint64_t rflags_clear; /* RFLAGS bits the frame has cleared (beyond IF) */
    bool rf_any;          /* RFLAGS.RF unspecified: an INT n the hypervisor reflects
                           * from the #GP it raised (Xen copies that fault's RF) */
};
/* Check rt_last_trap against e and rt_site with t_check(), exactly: one trap since
 * count_before, vector, error code, RCX/R11, RIP, CS (RPL 0 for kernel, saved mask
 * in bits 32-39), RFLAGS (IF = !mask), RSP, SS, the frame's address (RSP rounded
 * down to 16 minus the frame) and the handler's CS/SS/RFLAGS/mask. */
void check_trap(unsigned long count_before, const struct rt_expect *e);
/* Running under QEMU's TCG (its CPU brand string says so): a few exceptions it does
 * not model (#XM, INTO's #UD in 64-bit mode, #SS for non-canonical stack operands). */
bool on_qemu_tcg(void);

#endif
