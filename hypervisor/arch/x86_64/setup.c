/* The x86-64 side of start of day (asm/setup.h). */
#include <asm/mm.h>
#include <asm/setup.h>
#include <x86/apic.h>
#include <x86/cpu.h>
#include <x86/desc.h>

void arch_cpu_init(const struct boot_info *bi)
{
    cpu_init();
    paging_init(bi);
    gdt_init();                     /* the GDT window needs the final page tables */
    idt_init();
}

void arch_timer_init(void)
{
    apic_init();
}
