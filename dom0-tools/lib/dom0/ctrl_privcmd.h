/* The dom0 process's struct ctrl_ops: hypercalls through /dev/xlite/privcmd (the kernel
 * bounces every pointer), foreign frames mapped into the device window, heap memory. */
#ifndef XLITE_TOOLS_CTRL_PRIVCMD_H
#define XLITE_TOOLS_CTRL_PRIVCMD_H

#include "ctrl.h"

/* Opens the device and fills *c; 0, or -1 with errno (ENOENT: not dom0). */
int ctrl_privcmd_open(struct ctrl *c);
void ctrl_privcmd_close(struct ctrl *c);
/* Checks the hypervisor speaks this domctl version: 0, or -1 with a one-line message. */
int ctrl_check_version(const struct ctrl *c, char *err, size_t errlen);

#endif
