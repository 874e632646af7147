/* HYPERVISOR_iret to user mode (CS RPL 3) before any MMUEXT_NEW_USER_BASEPTR.
 *
 * Checks: with no user page table registered, the iret crashes the domain (ABI
 * notes §3.5) instead of running user code on the kernel's tables or faulting the
 * hypervisor; QEMU exit status 5.
 * Without it: user mode would silently share the kernel's address space (or the
 * hypervisor would load CR3 = 0).
 *
 * EXPECT-EXIT: 5
 * EXPECT-LOG: ^\(d0\) iret to user mode without a user page table$
 * EXPECT-LOG: d0 .*crashed
 */
#include "rt.h"

static long user_fn(void *arg)
{
    (void)arg;
    return 0;
}

void test_main(void)
{
    long rc = HYPERVISOR_stack_switch(FLAT_KERNEL_SS, (unsigned long)rt_kstack + RT_KSTACK_SIZE);

    if (rc)
        test_fail("stack_switch", "rc %ld", rc);
    printk("iret to user mode without a user page table\n");
    rc = rt_exec_user(user_fn, NULL);
    test_fail("crash_user_no_baseptr", "came back from user mode (rc %ld, vector %u)", rc,
              rt_last_trap.vector);
}
