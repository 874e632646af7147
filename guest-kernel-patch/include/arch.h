/* What arch/pv/ gives the rest of the kernel: the only door to the hypervisor. Portable
 * code (kernel/, drivers/) sees traps, time, events, address spaces and the console
 * through these functions and never issues a hypercall itself. */
#ifndef ARCH_H
#define ARCH_H

#include "kernel.h"

/* Saved registers of an entry, lowest address first (head.S builds it). */
struct trapframe {
    uint64_t r15, r14, r13, r12, rbp, rbx, r10, r9, r8, rdi, rsi, rdx, rax;
    uint64_t vec;              /* 0-31, or VEC_EVENT/VEC_SYSCALL/VEC_FAILSAFE */
    uint64_t rcx, r11, ec, rip, cs, rflags, rsp, ss;
};
static inline bool tf_user(const struct trapframe *tf) { return (tf->cs & 3) == 3; }

/* ------------------------------------------------------------------ boot */
struct boot_info {
    const char *cmdline;
    const void *ramdisk;       /* the cpio module, or NULL */
    size_t ramdisk_len;
    bool privileged;           /* SIF_PRIVILEGED: dom0's devices exist */
    uint64_t nr_pages;         /* the domain's memory */
    uint64_t store_mfn;
    uint32_t store_evtchn;     /* 0: no store */
    uint64_t console_mfn;
    uint32_t console_evtchn;   /* 0: no console ring, use console_io */
};
extern struct boot_info boot;
void kernel_main(void);                 /* called once arch is up, on the boot stack */

/* ------------------------------------------------------------------ traps */
/* Called by arch for a processor exception (0-31) or a failsafe callback. */
void kernel_trap(struct trapframe *tf);
/* Called for a SYSCALL from user mode; the result goes in tf->rax. */
void kernel_syscall(struct trapframe *tf);
/* Called after events were handled, before returning to where tf came from. */
void kernel_preempt_point(struct trapframe *tf);
/* Start user mode at the frame (built at the top of a kernel stack). */
NORETURN void arch_enter_user(struct trapframe *tf);
void arch_user_frame(struct trapframe *tf, uint64_t rip, uint64_t rsp);
/* Kernel-mode fault report: vector, RIP, CR2 and a symbolised backtrace. */
void arch_backtrace(uint64_t rbp);
void arch_backtrace_fault(uint64_t rsp, uint64_t rbp);
void arch_backtrace_frames(uint64_t rbp);
uint64_t arch_fault_cr2(void);
const char *arch_symbol(uint64_t addr, uint64_t *off);

/* ------------------------------------------------------------------ threads */
void switch_stack(uint64_t *save_rsp, uint64_t new_rsp);
void thread_trampoline(void);
/* Make the next user entries use this address space and kernel stack. */
void arch_switch_user(uint64_t user_l4_pfn, uint64_t kstack_top);
void arch_fpu_save(void *area512);
void arch_fpu_restore(const void *area512);

/* ------------------------------------------------------------------ time */
uint64_t arch_now_ns(void);             /* pvclock: ns since the hypervisor booted */
uint64_t arch_wallclock_ns(void);       /* ns since 1970 */
void arch_set_timer(uint64_t deadline); /* one-shot VIRQ_TIMER at this system time */
void arch_idle(void);                   /* block until an event arrives */
NORETURN void arch_shutdown(unsigned int reason);   /* SHUTDOWN_* of sched.h */
#define ARCH_POWEROFF 0
#define ARCH_REBOOT   1
#define ARCH_CRASH    3

/* ------------------------------------------------------------------ events */
typedef void (*evtchn_handler_t)(unsigned int port, void *arg);
int evtchn_bind_virq(unsigned int virq, evtchn_handler_t h, void *arg);  /* port or -errno */
void evtchn_set_handler(unsigned int port, evtchn_handler_t h, void *arg);
void evtchn_notify(unsigned int port);
void evtchn_mask(unsigned int port);
void evtchn_unmask(unsigned int port);
void evtchn_poll(void);                 /* handle what is pending (events masked) */
int arch_domid(void);                   /* this domain's id, -1 if unknown */
#define VIRQ_TIMER_NR   0
#define VIRQ_CONSOLE_NR 2
#define VIRQ_DOM_EXC_NR 3

int evtchn_bind_interdomain(unsigned int dom, unsigned int rport);    /* port or -errno */
int evtchn_alloc_unbound(unsigned int remote_dom);                  /* port or -errno */
void evtchn_close(unsigned int port);
/* A privcmd hypercall with its pointer arguments already pointing at kernel copies. */
long arch_hypercall(uint64_t op, const uint64_t a[5]);

/* ------------------------------------------------------------------ console */
void arch_console_write(const char *s, size_t n);   /* console_io write */
long arch_console_read(char *buf, size_t n);        /* dom0 only; bytes or -errno */
void *arch_mfn_to_va(uint64_t mfn);                 /* a frame of ours, by MFN */

/* ------------------------------------------------------------------ memory */
/* A user address space: its own L4 (pinned while active), one L3 and one L2 covering
 * [XU_BASE, XU_TOP), L1s made on demand. Frames are reached through the direct map. */
struct aspace {
    uint64_t l4, l3, l2;       /* PFNs */
    uint32_t l1[512];          /* PFN of the L1 for each 2 MiB, 0 = none */
    bool pinned;
    uint64_t pages;            /* user pages mapped */
    uint64_t map_next;         /* next free page of the device window (0: XU_MAP_BASE) */
};
int as_init(struct aspace *as);
/* Map a frame at va (before or after as_activate), never executable; as_map_prot
 * chooses. Mapping an address again replaces the entry. -XE_NOMEM if a table cannot
 * be had. */
int as_map(struct aspace *as, uint64_t va, uint64_t pfn, bool writable);
int as_map_prot(struct aspace *as, uint64_t va, uint64_t pfn, bool writable, bool exec);
/* PFN mapped at va with user access (and write access if asked), 0 if none. */
uint64_t as_lookup(const struct aspace *as, uint64_t va, bool write);
/* Permissions of the mapping at va: AS_W | AS_X bits, or -1 if none. */
int as_prot(const struct aspace *as, uint64_t va);
#define AS_W 1
#define AS_X 2
int as_activate(struct aspace *as);     /* tables read-only, L4 pinned */
void as_destroy(struct aspace *as);     /* unpin, free every frame */
/* Map a frame of another domain (privileged) at va in the device window, read-write
 * or read-only. 0 or the hypervisor's refusal as -XE_INVAL/-XE_PERM. */
int as_map_foreign(struct aspace *as, uint64_t va, uint64_t mfn, uint16_t dom,
                   bool writable);
/* Map/unmap a grant of domain dom at va (device window): handle OUT; -XE_INVAL etc. */
int as_map_grant(struct aspace *as, uint64_t va, uint16_t dom, uint32_t ref, bool ro,
                 uint32_t *handle);
int as_unmap_grant(struct aspace *as, uint64_t va, uint32_t handle);
/* Take a page out of the space again (device window only). */
int as_unmap(struct aspace *as, uint64_t va);
/* Grant-table client: let dom map/copy our frame pfn; the ref or -errno. */
int gnttab_grant(uint16_t dom, uint64_t pfn, bool readonly);
int gnttab_end(uint32_t ref);          /* -XE_BUSY while still in use */
/* Guest-kernel frames a page table may use: read-only while it is one. */
int arch_pt_protect(uint64_t pfn, bool readonly);

#endif
