/* Arch interface: bringing up the boot CPU and the machine, in start_xlite's order. */
#ifndef XLITE_ASM_SETUP_H
#define XLITE_ASM_SETUP_H

#include <hv/multiboot2.h>

/* CPU features, the final page tables (direct map of bi's RAM), GDT/TSS and IDT. */
void arch_cpu_init(const struct boot_info *bi);
/* The one-shot timer hardware, once time_init has calibrated the clock. */
void arch_timer_init(void);

#endif
