/* System time: nanoseconds since boot from the calibrated TSC, and one-shot deadlines
 * through the local APIC timer. */
#ifndef XLITE_TIME_H
#define XLITE_TIME_H

#include <stdbool.h>
#include <stdint.h>

#include <hv/timescale.h>

extern uint64_t tsc_hz;
extern struct time_scale tsc_scale;
extern bool tsc_invariant;

/* System time at TSC value tsc (the pvclock formula guests use). */
uint64_t tsc_to_system_ns(uint64_t tsc);

void time_init(void);               /* calibrate the TSC against the PIT */
/* A free-running cycle counter for profiling (the TSC). */
uint64_t get_cycles(void);
uint64_t now_ns(void);              /* system time: ns since time_init */

/* Arm the one-shot timer for absolute system time `deadline_ns` (0 cancels). When it
 * passes, the timer interrupt calls the handler given to timer_set_handler. */
void timer_set_deadline(uint64_t deadline_ns);
void timer_set_handler(void (*fn)(void));

#endif
