/* Domains and vCPUs: the hypervisor's view of a guest and of each of its virtual CPUs.
 * Guest-visible layouts (trap_info, shared_info, ...) come from pv-abi/. */
#ifndef XLITE_DOMAIN_H
#define XLITE_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/frame.h>
#include <asm/regs.h>
#include <hv/timer.h>
#include <xlite/vcpu.h>
#include <xlite/xen.h>

#define MAX_DOMAINS         64
#define MAX_VCPUS_PER_DOM   8
#define DOMAIN_NAME_MAX     32

/* Virtual CR4 bits a PV guest controls; other reads show the host bits below. */
#define VCR4_GUEST_BITS     (X86_CR4_TSD | X86_CR4_DE | X86_CR4_FSGSBASE | X86_CR4_OSXSAVE)
#define X86_CR4_TSD         (1ul << 2)
#define X86_CR4_DE          (1ul << 3)
#define X86_CR4_FSGSBASE    (1ul << 16)
#define X86_CR4_OSXSAVE     (1ul << 18)

struct domain;
struct evtchn_domain;                /* common/event_channel.c */
struct grant_domain;                 /* common/grant_table.c */

struct vcpu {
    struct domain *domain;
    unsigned int id;
    bool online;                    /* VCPUOP_up / initial vCPU */
    bool initialised;               /* has a context (built, or VCPUOP_initialise) */
    bool kernel_mode;               /* guest kernel (true) or guest user (false) */
    struct cpu_regs regs;           /* guest frame while not on the CPU */

    mfn_t kernel_l4;                /* L4 for guest kernel mode (holds an L4 type ref) */
    mfn_t user_l4;                  /* L4 for guest user mode, INVALID_MFN = none */
    uint64_t kernel_ss, kernel_sp;  /* stack_switch: stack for user -> kernel */

    struct trap_info trap_ctxt[256];
    uint64_t event_callback;
    uint64_t failsafe_callback;
    uint64_t syscall_callback;
    uint64_t syscall32_callback;
    bool syscall32_masks_events;
    uint64_t sysenter_callback;
    uint64_t nmi_callback;
    bool syscall_masks_events;      /* CALLBACKF_mask_events on the syscall callback */
    bool failsafe_masks_events;

    uint64_t fs_base, gs_base_kernel, gs_base_user;
    uint64_t cr2;                   /* last #PF address, for emulated mov %cr2 */
    uint64_t cr4;                   /* guest-controlled virtual CR4 bits */
    bool cr0_ts;                    /* virtual CR0.TS (fpu_taskswitch, clts, mov cr0) */
    unsigned int iopl;              /* virtual IOPL 0..3 */
    uint64_t dr[8];

    mfn_t gdt_frames[14];           /* set_gdt frames (each holds a SEG_DESC type ref) */
    unsigned int gdt_nr_frames;
    unsigned int gdt_ents;

    /* Scheduling (common/sched.c). */
    bool blocked;                   /* SCHEDOP_block: waits for an event */
    uint64_t vruntime;              /* weighted ns run so far: lowest runs next */
    uint64_t run_start;             /* system time of its last CPU-time accounting */
    uint64_t scheduled_at;          /* system time it was last put on the CPU */
    struct vcpu_runstate_info runstate;
    struct timer singleshot;        /* set_timer_op / VCPUOP_set_singleshot_timer */
    struct timer periodic;          /* VCPUOP_set_periodic_timer */
    uint64_t periodic_ns;

    uint8_t fpu[512] __attribute__((aligned(16)));  /* FXSAVE image, eager switching */
    struct vcpu_info *vcpu_info;    /* in shared_info, or where the guest moved it */
    mfn_t vcpu_info_mfn;            /* VCPUOP_register_vcpu_info frame (a WRITABLE type
                                     * ref until teardown), or INVALID_MFN */
    uint64_t runstate_guest;        /* VCPUOP_register_runstate_memory_area VA, 0 = none */
    uint64_t runstate_written;      /* state_entry_time of the copy last written there */
};

enum domain_state {
    DOM_RUNNING,                    /* has vCPUs that may run */
    DOM_SHUTDOWN,                   /* stopped: reason recorded; torn down at once, or
                                     * kept for the toolstack (domctl) until it destroys */
    DOM_DEAD,                       /* frames released; slot reusable */
};

struct domain {
    domid_t id;
    char name[DOMAIN_NAME_MAX];
    bool privileged;                /* SIF_PRIVILEGED: may use privileged hypercalls */
    bool paused;                    /* by the toolstack: no vCPU of it runs */
    bool kept_for_toolstack;        /* created by domctl: after shutdown it stays (state,
                                     * reason, memory) until the toolstack destroys it */
    enum domain_state state;
    unsigned int shutdown_reason;   /* SHUTDOWN_* when state != RUNNING */

    unsigned int max_vcpus;
    struct vcpu *vcpus[MAX_VCPUS_PER_DOM];
    unsigned int weight;            /* CPU share relative to others (default 256) */

    uint64_t max_pages;             /* memory limit, in frames */
    uint64_t tot_pages;             /* frames currently owned */

    mfn_t shared_info_mfn;
    struct shared_info *shared_info;
    mfn_t console_mfn;              /* console ring the hypervisor drains, 0 = none */
    uint32_t console_port;          /* its event channel (0 = none): a send drains */
    bool console_ring_used;         /* output came through the ring: console_io output
                                     * is then the same text again and is not shown */
    unsigned long vm_assist;        /* VMASST_* bits */
    struct evtchn_domain *evtchn;   /* event channel ports (NULL until set up) */
    struct grant_domain *grant;     /* grant table and maptrack (NULL until set up) */
    char conbuf[160];               /* partial console line, printed once complete */
    unsigned int conlen;
};

extern struct domain *domains[MAX_DOMAINS];
/* Slots [0, domain_slots_used) are the only ones that ever held a domain: the
 * scheduler's walks over domains[] (on every switch) stop there. */
extern unsigned int domain_slots_used;

/* Create an empty domain (no memory, vCPUs offline); NULL if no slot or memory. */
struct domain *domain_create(domid_t id, const char *name, bool privileged,
                             unsigned int max_vcpus, uint64_t max_pages);
struct domain *domain_by_id(domid_t id);

/* The domain's shared_info page (not guest RAM): events masked on every vCPU, each
 * vCPU's vcpu_info pointing into it. 0 or -XEN_ENOMEM. */
int domain_alloc_shared_info(struct domain *d);

/* Give the domain one zeroed frame and record it in its page list; INVALID_MFN when
 * out of memory or over max_pages. */
mfn_t domain_alloc_frame(struct domain *d);

/* Take a frame back from d (decrease_reservation). Refuses a frame d does not own or
 * its shared_info page (-EINVAL), and one still referenced (-EBUSY). */
int domain_free_frame(struct domain *d, mfn_t mfn);

/* Free the frames of dead domains whose last outside reference has gone. Cheap when
 * there are none; called after anything that may drop such a reference. */
void domain_reap_orphans(void);

/* Stop the domain for `reason` (SHUTDOWN_*): print it, take it off the CPU, tell dom0
 * (VIRQ_DOM_EXC) and, unless a live toolstack keeps it to read the reason (domctl),
 * release every frame and reference. Safe from any hypercall or trap path. */
void domain_shutdown(struct domain *d, unsigned int reason);
/* Release a domain that never ran (a refused image) or is shutting down. */
void domain_destroy(struct domain *d);
/* A fatal guest error: log `why` and shut the domain down with SHUTDOWN_crash. */
void domain_crash(struct domain *d, const char *why);

/* Timer callbacks of a vCPU's guest timers (common/set_timer_op.c). */
void vcpu_timer_fired(void *vcpu);
void vcpu_periodic_fired(void *vcpu);
/* v's singleshot timer at absolute system time timeout (0 cancels; absurd values fire
 * in 100 ms, as in Xen). */
void vcpu_set_singleshot(struct vcpu *v, uint64_t timeout);

/* Number of domains not yet dead. */
unsigned int domains_alive(void);
/* For exit_on_shutdown: EXIT_CLEAN, or EXIT_DOMAIN_CRASH if any domain crashed. */
int domains_exit_status(void);

/* Guest console output: complete lines are printed as "(d<id>) text". */
void console_guest_write(struct domain *d, const char *buf, size_t len);
/* Copy what the guest left in its console ring's out[] to the console. */
void console_drain(struct domain *d);

#endif
