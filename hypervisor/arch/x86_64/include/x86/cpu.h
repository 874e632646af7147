/* Boot-CPU setup: identification and the control-register features the hypervisor
 * relies on (NX, SMEP, SMAP when present; UMIP never: PV guests use sgdt/sidt). */
#ifndef XLITE_CPU_H
#define XLITE_CPU_H

#include <stdbool.h>

void cpu_init(void);

extern bool cpu_has_smap;
extern bool cpu_is_intel;     /* SYSCALL from compat mode raises #UD on Intel */

#endif
