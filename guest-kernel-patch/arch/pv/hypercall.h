/* replaces privileged instructions: each hypervisor service is a call into the hypercall page.
 * Hypercall wrappers of the xlite guest kernel (arch/pv only). Each call goes through the
 * builder-written stub at hypercall_page + 32 * nr (arguments RDI, RSI, RDX, R10, R8; result RAX).
 * RCX, R11 and every argument register are declared clobbered: the ABI lets the
 * hypervisor destroy them. */
#ifndef PV_HYPERCALL_H
#define PV_HYPERCALL_H

#include <stdint.h>
#include <xlite/xen.h>

extern char hypercall_page[];

/* Through the stub of a compile-time constant hypercall number. */
#define HYPERCALL5(nr, a1, a2, a3, a4, a5) ({                                        \
    register long _r10 __asm__("r10") = (long)(a4);                                  \
    register long _r8 __asm__("r8") = (long)(a5);                                    \
    long _rax, _rdi = (long)(a1), _rsi = (long)(a2), _rdx = (long)(a3);              \
    __asm__ volatile("call hypercall_page + %c[off]"                                 \
                     : "=a"(_rax), "+D"(_rdi), "+S"(_rsi), "+d"(_rdx), "+r"(_r10),   \
                       "+r"(_r8)                                                     \
                     : [off] "i"(XLITE_HYPERCALL_STUB_OFFSET(nr))                     \
                     : "rcx", "r11", "memory");                                      \
    _rax;                                                                            \
})
#define HYPERCALL0(nr)                 HYPERCALL5(nr, 0, 0, 0, 0, 0)
#define HYPERCALL1(nr, a1)             HYPERCALL5(nr, a1, 0, 0, 0, 0)
#define HYPERCALL2(nr, a1, a2)         HYPERCALL5(nr, a1, a2, 0, 0, 0)
#define HYPERCALL3(nr, a1, a2, a3)     HYPERCALL5(nr, a1, a2, a3, 0, 0)
#define HYPERCALL4(nr, a1, a2, a3, a4) HYPERCALL5(nr, a1, a2, a3, a4, 0)

/* Any number below XLITE_HYPERCALL_NR_STUBS, through its stub. */
static inline long hypercall_nr(unsigned long nr, long a1, long a2, long a3, long a4,
                                long a5)
{
    register long r10 __asm__("r10") = a4;
    register long r8 __asm__("r8") = a5;
    long rax, rdi = a1, rsi = a2, rdx = a3;
    unsigned long target = (unsigned long)hypercall_page + nr * XLITE_HYPERCALL_STUB_SIZE;

    __asm__ volatile("call *%[t]"
                     : "=a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10), "+r"(r8)
                     : [t] "b"(target)
                     : "rcx", "r11", "memory");
    return rax;
}

/* A bare SYSCALL with RAX = nr (any 64-bit value): how a kernel-mode guest reaches
 * the hypervisor without the page. */
static inline long hypercall_raw(unsigned long nr, long a1, long a2, long a3, long a4,
                                 long a5)
{
    register long r10 __asm__("r10") = a4;
    register long r8 __asm__("r8") = a5;
    long rax = (long)nr, rdi = a1, rsi = a2, rdx = a3;

    __asm__ volatile("syscall"
                     : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10), "+r"(r8)
                     :
                     : "rcx", "r11", "memory");
    return rax;
}

/* Typed wrappers, Xen's names. */
static inline long HYPERVISOR_set_trap_table(const struct trap_info *t)
{ return HYPERCALL1(__HYPERVISOR_set_trap_table, t); }
static inline long HYPERVISOR_mmu_update(const mmu_update_t *req, unsigned int count,
                                         unsigned int *done, unsigned int dom)
{ return HYPERCALL4(__HYPERVISOR_mmu_update, req, count, done, dom); }
static inline long HYPERVISOR_set_gdt(const unsigned long *frames, unsigned int entries)
{ return HYPERCALL2(__HYPERVISOR_set_gdt, frames, entries); }
static inline long HYPERVISOR_stack_switch(unsigned long ss, unsigned long sp)
{ return HYPERCALL2(__HYPERVISOR_stack_switch, ss, sp); }
static inline long HYPERVISOR_set_callbacks(unsigned long event, unsigned long failsafe,
                                            unsigned long syscall)
{ return HYPERCALL3(__HYPERVISOR_set_callbacks, event, failsafe, syscall); }
static inline long HYPERVISOR_set_debugreg(int reg, unsigned long value)
{ return HYPERCALL2(__HYPERVISOR_set_debugreg, reg, value); }
static inline long HYPERVISOR_get_debugreg(int reg)
{ return HYPERCALL1(__HYPERVISOR_get_debugreg, reg); }
static inline long HYPERVISOR_update_descriptor(uint64_t maddr, uint64_t desc)
{ return HYPERCALL2(__HYPERVISOR_update_descriptor, maddr, desc); }
static inline long HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{ return HYPERCALL2(__HYPERVISOR_memory_op, cmd, arg); }
static inline long HYPERVISOR_multicall(multicall_entry_t *list, unsigned int nr)
{ return HYPERCALL2(__HYPERVISOR_multicall, list, nr); }
static inline long HYPERVISOR_update_va_mapping(unsigned long va, uint64_t pte,
                                                unsigned long flags)
{ return HYPERCALL3(__HYPERVISOR_update_va_mapping, va, pte, flags); }
static inline long HYPERVISOR_set_timer_op(uint64_t timeout)
{ return HYPERCALL1(__HYPERVISOR_set_timer_op, timeout); }
static inline long HYPERVISOR_xen_version(int cmd, void *arg)
{ return HYPERCALL2(__HYPERVISOR_xen_version, cmd, arg); }
static inline long HYPERVISOR_console_io(int cmd, unsigned int count, const char *buf)
{ return HYPERCALL3(__HYPERVISOR_console_io, cmd, count, buf); }
static inline long HYPERVISOR_grant_table_op(unsigned int cmd, void *uop,
                                             unsigned int count)
{ return HYPERCALL3(__HYPERVISOR_grant_table_op, cmd, uop, count); }
static inline long HYPERVISOR_vm_assist(unsigned int cmd, unsigned int type)
{ return HYPERCALL2(__HYPERVISOR_vm_assist, cmd, type); }
static inline long HYPERVISOR_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{ return HYPERCALL3(__HYPERVISOR_vcpu_op, cmd, vcpu, arg); }
static inline long HYPERVISOR_set_segment_base(unsigned int which, unsigned long base)
{ return HYPERCALL2(__HYPERVISOR_set_segment_base, which, base); }
static inline long HYPERVISOR_mmuext_op(const mmuext_op_t *op, unsigned int count,
                                        unsigned int *done, unsigned int dom)
{ return HYPERCALL4(__HYPERVISOR_mmuext_op, op, count, done, dom); }
static inline long HYPERVISOR_sched_op(int cmd, void *arg)
{ return HYPERCALL2(__HYPERVISOR_sched_op, cmd, arg); }
static inline long HYPERVISOR_callback_op(int cmd, const void *arg)
{ return HYPERCALL2(__HYPERVISOR_callback_op, cmd, arg); }
static inline long HYPERVISOR_event_channel_op(int cmd, void *arg)
{ return HYPERCALL2(__HYPERVISOR_event_channel_op, cmd, arg); }
static inline long HYPERVISOR_physdev_op(int cmd, void *arg)
{ return HYPERCALL2(__HYPERVISOR_physdev_op, cmd, arg); }
static inline long HYPERVISOR_sysctl(void *arg)
{ return HYPERCALL1(__HYPERVISOR_sysctl, arg); }

#endif
