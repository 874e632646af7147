/* xlite PV ABI: vcpu_op (hypercall 24): bring vCPUs up and down, timers, runstate, vcpu_info. */
#ifndef XLITE_PV_ABI_VCPU_H
#define XLITE_PV_ABI_VCPU_H

#include "xen.h"

/*
 * HYPERVISOR_vcpu_op(cmd, vcpuid, arg). -ENOENT for a vcpuid the domain does
 * not have.
 */
#define VCPUOP_initialise                      0  /* vcpu_guest_context; -EEXIST if done */
#define VCPUOP_up                              1  /* arg NULL: start an initialised vCPU */
#define VCPUOP_down                            2  /* arg NULL: stop it */
#define VCPUOP_is_up                           3  /* arg NULL: returns 1 or 0 */
#define VCPUOP_get_runstate_info               4  /* vcpu_runstate_info (OUT) */
#define VCPUOP_register_runstate_memory_area   5  /* vcpu_register_runstate_memory_area */
#define VCPUOP_set_periodic_timer              6  /* vcpu_set_periodic_timer */
#define VCPUOP_stop_periodic_timer             7  /* arg NULL */
#define VCPUOP_set_singleshot_timer            8  /* vcpu_set_singleshot_timer */
#define VCPUOP_stop_singleshot_timer           9  /* arg NULL */
#define VCPUOP_register_vcpu_info             10  /* vcpu_register_vcpu_info */
#define VCPUOP_send_nmi                       11  /* arg NULL */
#define VCPUOP_get_physid                     12  /* vcpu_get_physid (dom0) */
#define VCPUOP_register_vcpu_time_memory_area 13  /* vcpu_register_time_memory_area */
#define VCPUOP_register_runstate_phys_area    14  /* as 5, by guest physical address */
#define VCPUOP_register_vcpu_time_phys_area   15  /* as 13, by guest physical address */

/* vcpu_runstate_info.state */
#define RUNSTATE_running   0  /* on a physical CPU */
#define RUNSTATE_runnable  1  /* wants to run, waiting for a CPU */
#define RUNSTATE_blocked   2  /* waiting for an event (SCHEDOP_block/poll) */
#define RUNSTATE_offline   3  /* down, or paused by the toolstack */

/* Set in state_entry_time while the hypervisor updates a registered area
 * (with VMASST_TYPE_runstate_update_flag, which xlite does not offer: it
 * writes the area whole, without this bit). */
#define XEN_RUNSTATE_UPDATE (1ULL << 63)

/* vcpu_set_singleshot_timer.flags */
#define _VCPU_SSHOTTMR_future 0
#define VCPU_SSHOTTMR_future  (1U << _VCPU_SSHOTTMR_future) /* -ETIME if already past */

#ifdef __cplusplus
extern "C" {
#endif

struct vcpu_runstate_info {
    int32_t  state;            /* RUNSTATE_* */
    uint64_t state_entry_time; /* system time (ns) when state was entered */
    uint64_t time[4];          /* ns spent in each RUNSTATE_* so far */
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;

/* Ask the hypervisor to keep a vcpu_runstate_info at this guest address. */
struct vcpu_register_runstate_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_runstate_info_t) h;
        struct vcpu_runstate_info *v;
        uint64_t p;            /* raw address (phys area variant: a GPA) */
    } addr;
};
typedef struct vcpu_register_runstate_memory_area vcpu_register_runstate_memory_area_t;

struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;

/* One-shot VIRQ_TIMER at an absolute system time. */
struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;
    uint32_t flags;            /* VCPU_SSHOTTMR_* */
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;

/* Move this vCPU's vcpu_info out of shared_info, into frame mfn at offset. */
struct vcpu_register_vcpu_info {
    uint64_t mfn;
    uint32_t offset;           /* the struct must not cross the page end */
    uint32_t rsvd;             /* must be 0 */
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;

struct vcpu_get_physid {
    uint64_t phys_id;          /* OUT: APIC id in bits 0-31, ACPI id in 32-63 */
};
typedef struct vcpu_get_physid vcpu_get_physid_t;
#define xen_vcpu_physid_to_x86_apicid(physid) ((uint32_t)(physid))
#define xen_vcpu_physid_to_x86_acpiid(physid) ((uint32_t)((physid) >> 32))

/* Ask the hypervisor to keep a second copy of vcpu_time_info here. */
struct vcpu_register_time_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_time_info_t) h;
        struct vcpu_time_info *v;
        uint64_t p;
    } addr;
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;

XLITE_ABI_SIZE(struct vcpu_runstate_info, 48, vcpu_runstate_info_size);
XLITE_ABI_OFFSET(struct vcpu_runstate_info, state_entry_time, 8, vcpu_runstate_info_entry_time);
XLITE_ABI_OFFSET(struct vcpu_runstate_info, time, 16, vcpu_runstate_info_time);
XLITE_ABI_SIZE(struct vcpu_register_runstate_memory_area, 8, vcpu_register_runstate_area_size);
XLITE_ABI_SIZE(struct vcpu_set_periodic_timer, 8, vcpu_set_periodic_timer_size);
XLITE_ABI_SIZE(struct vcpu_set_singleshot_timer, 16, vcpu_set_singleshot_timer_size);
XLITE_ABI_OFFSET(struct vcpu_set_singleshot_timer, timeout_abs_ns, 0, vcpu_sshot_timeout);
XLITE_ABI_OFFSET(struct vcpu_set_singleshot_timer, flags, 8, vcpu_sshot_flags);
XLITE_ABI_SIZE(struct vcpu_register_vcpu_info, 16, vcpu_register_vcpu_info_size);
XLITE_ABI_OFFSET(struct vcpu_register_vcpu_info, offset, 8, vcpu_register_vcpu_info_offset);
XLITE_ABI_SIZE(struct vcpu_get_physid, 8, vcpu_get_physid_size);
XLITE_ABI_SIZE(struct vcpu_register_time_memory_area, 8, vcpu_register_time_area_size);

#ifdef __cplusplus
}
#endif

#endif /* XLITE_PV_ABI_VCPU_H */
