/* stack_switch (hypercall 3): the guest kernel stack that entries from guest user mode
 * land on. */
#include <asm/current.h>
#include <asm/hypercall.h>
#include <x86/pv.h>

/* Records the stack used when guest user mode enters the guest kernel. The selector's
 * RPL is forced to 3; sp is checked when it is used. */
long do_stack_switch(uint64_t ss, uint64_t sp)
{
    struct vcpu *v = current_vcpu();

    v->kernel_ss = ss | 3;
    v->kernel_sp = sp;
    return 0;
}
