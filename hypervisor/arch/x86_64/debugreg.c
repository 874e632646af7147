/* set_debugreg (hypercall 8) and get_debugreg (hypercall 9): the guest's debug
 * registers, kept per vCPU (rules in pv_emulate.c). */
#include <asm/current.h>
#include <asm/hypercall.h>
#include <x86/pv.h>
#include <xlite/errno.h>

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
