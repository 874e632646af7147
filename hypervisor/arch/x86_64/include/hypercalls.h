/* Handlers of the hypercall table. Each validates its arguments first and returns 0
 * (or a count) or a negative Xen errno. Arguments are the raw guest registers. */
#ifndef XLITE_HYPERCALLS_H
#define XLITE_HYPERCALLS_H

#include <stdint.h>

#include "regs.h"

/* The guest frame of the running vCPU (at the top of the hypervisor stack). */
struct cpu_regs *guest_regs(void);

long do_set_trap_table(uint64_t table);
long do_mmu_update(uint64_t reqs, uint64_t count, uint64_t pdone, uint64_t foreigndom);
long do_set_gdt(uint64_t frames, uint64_t entries);
long do_stack_switch(uint64_t ss, uint64_t sp);
long do_fpu_taskswitch(uint64_t set);
long do_set_debugreg(uint64_t reg, uint64_t value);
long do_get_debugreg(uint64_t reg);
long do_set_callbacks(uint64_t event, uint64_t failsafe, uint64_t syscall);
long do_update_descriptor(uint64_t maddr, uint64_t desc);
long do_memory_op(uint64_t cmd, uint64_t arg);
long do_multicall(uint64_t list, uint64_t nr);
long do_update_va_mapping(uint64_t va, uint64_t pte, uint64_t flags);
long do_xen_version(uint64_t cmd, uint64_t arg);
long do_console_io(uint64_t cmd, uint64_t count, uint64_t buf);
long do_vm_assist(uint64_t cmd, uint64_t type);
long do_iret(void);
long do_set_timer_op(uint64_t timeout);
long do_vcpu_op(uint64_t cmd, uint64_t vcpuid, uint64_t arg);
long do_set_segment_base(uint64_t which, uint64_t base);
long do_mmuext_op(uint64_t ops, uint64_t count, uint64_t pdone, uint64_t foreigndom);
long do_sched_op(uint64_t cmd, uint64_t arg);
long do_callback_op(uint64_t cmd, uint64_t arg);
long do_event_channel_op(uint64_t cmd, uint64_t arg);
long do_grant_table_op(uint64_t cmd, uint64_t uop, uint64_t count);
long do_physdev_op(uint64_t cmd, uint64_t arg);
long do_sysctl(uint64_t arg);

#endif
