/* A daemon's doorbell: an event channel port of dom0 that dom0's tools ring to wake the
 * daemon at once, instead of leaving it to its idle poll (xlite create rings
 * xlconsoled and xlstored so a new domain's console and store are served within a
 * scheduling round; the store client rings xlstored after each request file).
 *
 * The daemon offers an unbound port for dom0 itself and writes its number to FILE; a
 * tool binds an interdomain channel to it (dom0 to dom0), notifies, and closes its end,
 * which leaves the daemon's port unbound for the next ring (as Xen's close does). Two
 * tools ringing at once: the second bind fails and that ring is lost, never an error:
 * the daemon's poll still comes. */
#ifndef XLITE_TOOLS_DOORBELL_H
#define XLITE_TOOLS_DOORBELL_H

#define XLCONSOLED_DOORBELL "/run/xlite/xlconsoled.port"
#define XLSTORED_DOORBELL   "/run/xlite/xlstored.port"

/* Daemon side: offers the port on evtchn_fd (an open /dev/xlite/evtchn, whose reads
 * then return it when rung) and writes it to file. The port, or -1. */
int doorbell_install(int evtchn_fd, const char *file);
/* Tool side: rings the daemon whose file this is; quietly nothing if it has none. */
void doorbell_ring(const char *file);

#endif
