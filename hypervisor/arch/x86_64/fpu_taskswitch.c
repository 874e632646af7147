/* fpu_taskswitch (hypercall 5): the guest's virtual CR0.TS. */
#include <asm/current.h>
#include <asm/hypercall.h>
#include <x86/pv.h>

/* Sets (1) or clears (0) the virtual CR0.TS. FPU state is switched eagerly, so TS only
 * changes what an emulated `mov %cr0` reads. */
long do_fpu_taskswitch(uint64_t set)
{
    pv_vcpu_set_virtual_ts(current_vcpu(), set != 0);
    return 0;
}
