/* Hypercalls on per-vCPU CPU state the guest cannot touch directly: debug registers
 * (set_debugreg/get_debugreg, rules in pv_emulate.c) and the virtual CR0.TS
 * (fpu_taskswitch). */
#include "hypercalls.h"
#include "percpu.h"
#include "pv.h"
#include "xlite/errno.h"

/* Refuses what pv_set_debugreg refuses (-EPERM, -EINVAL, -ENODEV). */
long do_set_debugreg(uint64_t reg, uint64_t value)
{
    return pv_set_debugreg(current_vcpu(), (unsigned int)reg, value);
}

/* Refuses a register number above 7 or DR4/5 with CR4.DE (-EINVAL). */
long do_get_debugreg(uint64_t reg)
{
    return (long)pv_get_debugreg(current_vcpu(), (unsigned int)reg);
}

/* Sets (1) or clears (0) the virtual CR0.TS. FPU state is switched eagerly, so TS only
 * changes what an emulated `mov %cr0` reads. */
long do_fpu_taskswitch(uint64_t set)
{
    pv_vcpu_set_virtual_ts(current_vcpu(), set != 0);
    return 0;
}
