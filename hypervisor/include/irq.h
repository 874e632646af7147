/* Local interrupt masking, for code that must not be interrupted on this CPU. */
#ifndef XLITE_IRQ_H
#define XLITE_IRQ_H

#include <stdbool.h>

unsigned long irq_save(void);            /* disables; returns the previous state */
void irq_restore(unsigned long flags);
bool irqs_enabled(void);

#endif
