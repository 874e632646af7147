/* Arch interface: the hypercalls an architecture implements itself (the PV MMU, traps,
 * descriptors, callbacks, iret, debug registers, segment bases, physdev). The common
 * table in common/hypercall.c calls them next to the common ones (hv/hypercall.h);
 * the comment names the file under arch/x86_64/ that defines each.
 * Each validates its arguments first and returns 0 (or a count) or a negative Xen
 * errno; arguments are the raw guest registers. */
#ifndef XLITE_ASM_HYPERCALL_H
#define XLITE_ASM_HYPERCALL_H

#include <stdint.h>

long do_set_trap_table(uint64_t table);                           /* trap_table.c */
long do_mmu_update(uint64_t reqs, uint64_t count, uint64_t pdone,
                   uint64_t foreigndom);                            /* mmu_op.c */
long do_update_va_mapping(uint64_t va, uint64_t pte, uint64_t flags); /* mmu_op.c */
long do_mmuext_op(uint64_t ops, uint64_t count, uint64_t pdone,
                  uint64_t foreigndom);                             /* mmu_op.c */
long do_set_gdt(uint64_t frames, uint64_t entries);               /* descriptor_op.c */
long do_update_descriptor(uint64_t maddr, uint64_t desc);         /* descriptor_op.c */
long do_stack_switch(uint64_t ss, uint64_t sp);                   /* stack_switch.c */
long do_fpu_taskswitch(uint64_t set);                             /* fpu_taskswitch.c */
long do_set_debugreg(uint64_t reg, uint64_t value);               /* debugreg.c */
long do_get_debugreg(uint64_t reg);                               /* debugreg.c */
long do_set_callbacks(uint64_t event, uint64_t failsafe,
                      uint64_t syscall);                            /* callback_op.c */
long do_callback_op(uint64_t cmd, uint64_t arg);                  /* callback_op.c */
long do_iret(void);                                               /* iret.c */
long do_set_segment_base(uint64_t which, uint64_t base);          /* segment_base.c */
long do_physdev_op(uint64_t cmd, uint64_t arg);                   /* physdev_op.c */

#endif
