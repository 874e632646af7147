/* set_trap_table (hypercall 0).
 *
 * Checks: a list of several entries is applied entry by entry (the runtime's table
 * works at all, a later call changes only the vectors it lists), the cs field is
 * ignored (handlers always run on FLAT_KERNEL_CS), a non-canonical handler address
 * is -EINVAL, an unreadable table is -EFAULT (unmapped, non-canonical, hypervisor
 * range), and set_trap_table(NULL) clears the whole virtual IDT: afterwards an INT
 * that used to be delivered is a #GP (checked with only #GP re-registered).
 * Without it: guests cannot install or reset exception handlers safely, and a bad
 * address from a guest could be used as a hypervisor jump target.
 */
#include "rt.h"

#define ALL_REGS "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", \
    "r12", "r13", "r14", "r15", "memory", "cc"

static void t_list(void)
{
    struct trap_info t[] = {
        { .vector = 0x30, .flags = 1 | XLITE_TI_MASK_EVENTS, .cs = 0, .address = rt_stub(0x30) },
        { .vector = 0x31, .flags = 3 | XLITE_TI_MASK_EVENTS, .cs = 0x1234,
          .address = rt_stub(0x31) },
        { 0 },
        { .vector = 0x32, .flags = 3, .address = rt_stub(0x32) },   /* after the end */
    };
    unsigned long n;

    t_begin("list_applied_cs_ignored");
    t_eq("set_trap_table rc", HYPERVISOR_set_trap_table(t), 0);
    n = rt_trap_count;
    __asm__ volatile(SITE("int $0x30") ::: ALL_REGS);
    t_eq("int $0x30 traps", rt_trap_count - n, 1);
    t_eq("int $0x30 vector", rt_last_trap.vector, 0x30);
    t_eq("handler CS with cs=0 in the entry", rt_last_trap.handler_cs, FLAT_KERNEL_CS);
    n = rt_trap_count;
    __asm__ volatile(SITE("int $0x31") ::: ALL_REGS);
    t_eq("int $0x31 vector", rt_last_trap.vector, 0x31);
    t_eq("handler CS with cs=0x1234 in the entry", rt_last_trap.handler_cs, FLAT_KERNEL_CS);
    n = rt_trap_count;
    __asm__ volatile(SITE("int $0x32") ::: ALL_REGS);
    t_eq("int $0x32 (listed after the terminator) vector", rt_last_trap.vector, X86_EXC_GP);
    t_eq("int $0x32 error code", rt_last_trap.ec, (0x32 << 3) | 2);
    /* The runtime's #BP is still there. */
    n = rt_trap_count;
    __asm__ volatile(SITE("int3") ::: ALL_REGS);
    t_eq("int3 vector (unchanged entry)", rt_last_trap.vector, X86_EXC_BP);
    t_end();
}

static void t_errors(void)
{
    struct trap_info bad[] = {
        { .vector = 0x33, .flags = 3, .address = 0x8000000000000000ul },
        { 0 },
    };
    struct trap_info bad2[] = {
        { .vector = 0x33, .flags = 3, .address = 0x0000800000000000ul },
        { 0 },
    };

    t_begin("non_canonical_einval");
    t_eq("address 0x8000000000000000", HYPERVISOR_set_trap_table(bad), -XEN_EINVAL);
    t_eq("address 0x0000800000000000", HYPERVISOR_set_trap_table(bad2), -XEN_EINVAL);
    t_end();

    t_begin("bad_pointer_efault");
    t_eq("unmapped table", HYPERVISOR_set_trap_table((void *)0x40000000ul), -XEN_EFAULT);
    t_eq("non-canonical table",
         HYPERVISOR_set_trap_table((void *)0x8000000000000000ul), -XEN_EFAULT);
    t_eq("table in the hypervisor's range",
         HYPERVISOR_set_trap_table((void *)0xFFFF830000000000ul), -XEN_EFAULT);
    t_end();
}

static void t_clear(void)
{
    unsigned long n;

    t_begin("null_clears_all");
    t_eq("set_trap_table(0x34, DPL 3) rc", rt_set_trap(0x34, 3 | XLITE_TI_MASK_EVENTS), 0);
    t_eq("set_trap_table(NULL) rc", HYPERVISOR_set_trap_table(NULL), 0);
    t_eq("re-register #GP only rc", rt_set_trap(X86_EXC_GP, XLITE_TI_MASK_EVENTS), 0);
    n = rt_trap_count;
    __asm__ volatile(SITE("int $0x34") ::: ALL_REGS);
    t_eq("traps", rt_trap_count - n, 1);
    t_eq("int $0x34 after clearing: vector", rt_last_trap.vector, X86_EXC_GP);
    t_eq("int $0x34 after clearing: error code", rt_last_trap.ec, (0x34 << 3) | 2);
    t_eq("reinstall the runtime's table rc", rt_install_traps(), 0);
    t_end();
}

void test_main(void)
{
    t_list();
    t_errors();
    t_clear();
}
