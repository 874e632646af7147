/* Local interrupt masking through RFLAGS.IF. */
#include <asm/irq.h>
#include <x86/x86.h>

#define RFLAGS_IF (1ul << 9)

unsigned long irq_save(void)
{
    unsigned long flags;

    __asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) :: "memory");
    return flags;
}

void irq_restore(unsigned long flags)
{
    if (flags & RFLAGS_IF)
        __asm__ volatile("sti" ::: "memory");
}

bool irqs_enabled(void)
{
    unsigned long flags;

    __asm__ volatile("pushfq; popq %0" : "=r"(flags));
    return flags & RFLAGS_IF;
}

void cpu_wait_for_interrupt(void)
{
    safe_halt();
    local_irq_disable();
}
