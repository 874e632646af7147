/* Local APIC: the one-shot timer and end-of-interrupt. */
#ifndef XLITE_APIC_H
#define XLITE_APIC_H

void apic_init(void);
void apic_eoi(void);
void apic_timer_interrupt(void);    /* from do_trap on VEC_APIC_TIMER */

#endif
