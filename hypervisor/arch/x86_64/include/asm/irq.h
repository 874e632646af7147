/* Local interrupt masking, for code that must not be interrupted on this CPU. */
#ifndef XLITE_IRQ_H
#define XLITE_IRQ_H

#include <stdbool.h>

unsigned long irq_save(void);            /* disables; returns the previous state */
void irq_restore(unsigned long flags);
bool irqs_enabled(void);
/* Idle until an interrupt has been taken; returns with interrupts disabled again. */
void cpu_wait_for_interrupt(void);

#endif
