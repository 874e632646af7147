/* check_trap(): the exact shape of a bounce frame (ABI notes §3.2). */
#include "rt.h"

volatile struct rt_site rt_site;

void check_trap(unsigned long count_before, const struct rt_expect *e)
{
    const volatile struct rt_trap *t = &rt_last_trap;
    const uint64_t handler_clear = XLITE_RFLAGS_TF | XLITE_RFLAGS_NT | XLITE_RFLAGS_RF |
                                   XLITE_RFLAGS_VM | XLITE_RFLAGS_AC;

    if (!t_eq("traps taken", rt_trap_count - count_before, 1))
        return;
    t_eq("vector", t->vector, e->vector);
    t_eq("error code pushed", t->has_ec, e->has_ec);
    if (e->has_ec)
        t_eq("error code", t->ec, e->ec);
    if (e->magic_regs) {
        t_eq("frame RCX", t->rcx, RT_RCX_MAGIC);
        t_eq("frame R11", t->r11, RT_R11_MAGIC);
    }
    t_eq("frame RIP", t->rip, e->rip_after ? rt_site.next : rt_site.rip);
    uint64_t cs = e->user ? FLAT_USER_CS : (FLAT_KERNEL_CS & ~3u);
    t_eq("frame CS (saved mask in bits 32-39)", t->cs,
         cs | ((uint64_t)e->mask << XLITE_FRAME_CS_SAVED_MASK_SHIFT));
    /* A fault's saved RFLAGS has RF set by the CPU (so that the retried instruction
     * does not hit its breakpoint again); traps and INT n leave RF as it was. */
    uint64_t rf_ignored = e->rf_any ? XLITE_RFLAGS_RF : 0;
    t_eq("frame RFLAGS (IF = !mask, RF for faults)", t->rflags & ~rf_ignored,
         ((rt_site.rflags & ~(uint64_t)XLITE_RFLAGS_IF) | (e->mask ? 0 : XLITE_RFLAGS_IF) |
          (e->rip_after ? 0 : XLITE_RFLAGS_RF)) & ~rf_ignored & ~e->rflags_clear);
    t_eq("frame RSP", t->rsp, rt_site.rsp);
    t_eq("frame SS", t->ss, e->user ? FLAT_USER_SS : FLAT_KERNEL_SS);
    if (!e->user)
        t_eq("frame address (RSP & ~15 minus the frame)", t->frame_addr,
             (rt_site.rsp & ~15ull) - (e->has_ec ? 64 : 56));
    else
        t_eq("frame address (kernel stack top minus the frame)", t->frame_addr,
             (((uint64_t)rt_kstack + RT_KSTACK_SIZE) & ~15ull) - (e->has_ec ? 64 : 56));
    t_eq("handler CS", t->handler_cs, FLAT_KERNEL_CS);
    t_eq("handler SS", t->handler_ss, FLAT_KERNEL_SS);
    t_eq("handler RFLAGS TF/NT/RF/VM/AC", t->handler_rflags & handler_clear, 0);
    t_eq("handler RFLAGS.IF (hardware IF stays 1)", t->handler_rflags & XLITE_RFLAGS_IF,
         XLITE_RFLAGS_IF);
    if (shared)
        t_eq("upcall mask in the handler", t->mask_in_handler, e->mask_in_handler);
}

bool on_qemu_tcg(void)
{
    uint32_t r[4], brand[12];

    cpuid_count(0x80000000, 0, r);
    if (r[0] < 0x80000004)
        return false;
    for (uint32_t i = 0; i < 3; i++)
        cpuid_count(0x80000002 + i, 0, &brand[4 * i]);
    const char *b = (const char *)brand;
    for (size_t i = 0; i + 8 <= sizeof(brand); i++)
        if (!strncmp(b + i, "QEMU TCG", 8))
            return true;
    return false;
}
