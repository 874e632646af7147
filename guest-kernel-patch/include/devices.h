/* Character devices and who registers them at boot. */
#ifndef DEVICES_H
#define DEVICES_H

#include "vfs.h"

extern int kernel_domid;               /* this domain's id (store, else arch_domid) */
void devices_init(void);               /* /dev/console, /dev/null (kernel/devices.c) */
void privdev_init(void);               /* /dev/xlite/{privcmd,evtchn,gntdev}: dom0 only */
extern const struct devops evtchn_dev_ops, gntdev_ops;

#endif
