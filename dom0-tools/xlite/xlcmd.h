/* The `xlite` command: shared state and helpers of its subcommands (one file each). */
#ifndef XLITE_TOOLS_XLCMD_H
#define XLITE_TOOLS_XLCMD_H

#include <stdbool.h>
#include <stdint.h>

#include "ctrl.h"

#define EXIT_USAGE 2

extern struct ctrl xl_ctrl;           /* opened and version-checked by main */

/* Prints "xlite: <message>" on stderr; returns 1 (EXIT_FAILURE) for `return err(...)`. */
int err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "xlite CMD: usage: ..." and returns EXIT_USAGE. */
int usage(const char *cmd);

/* The domain named or numbered by arg; 0 with *info filled, else prints why and -1. */
int find_domain(const char *arg, struct xlite_domctl_getdomaininfo *info);
/* The display name: "Domain-0" for dom0, as xl. */
const char *domain_name(const struct xlite_domctl_getdomaininfo *info);
/* xl's six state letters r b p s c d ('-' where not) into buf[7]. */
void domain_state(const struct xlite_domctl_getdomaininfo *info, char buf[7]);
/* Waits up to ms for domid to be gone (getdomaininfo says no such domain); true if it is. */
bool wait_gone(uint32_t domid, unsigned int ms);
/* Destroys domid, waits for it to go, removes its record; 0 or 1 (message printed). */
int destroy_domain(uint32_t domid, const char *name);

int cmd_create(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_uptime(int argc, char **argv);
int cmd_domid(int argc, char **argv);
int cmd_domname(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_shutdown(int argc, char **argv);
int cmd_reboot(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_unpause(int argc, char **argv);
int cmd_console(int argc, char **argv);
int cmd_dmesg(int argc, char **argv);

/* The console of a domain xlite built: console_open() the history xlconsoled keeps
 * (an fd, or -1 after a message), console_follow() it until detached or the domain is
 * gone (closes the fd). create -c opens before unpausing so nothing is missed. */
int console_open(uint32_t domid, const char *name);
int console_follow(uint32_t domid, int fd);
int cmd_store(int argc, char **argv);
int cmd_lsevtchn(int argc, char **argv);

#endif
