/* Boot-CPU setup: identification and the control-register features the hypervisor
 * relies on (NX, SMEP, SMAP when present; UMIP never: PV guests use sgdt/sidt). */
#ifndef XLITE_CPU_H
#define XLITE_CPU_H

void cpu_init(void);

#endif
