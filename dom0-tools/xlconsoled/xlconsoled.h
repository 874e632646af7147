/* xlconsoled: the console back end of toolstack-built domains, and the daemon that
 * applies their on_poweroff / on_reboot / on_crash actions on VIRQ_DOM_EXC. */
#ifndef XLITE_TOOLS_XLCONSOLED_H
#define XLITE_TOOLS_XLCONSOLED_H

#include <stdbool.h>
#include <stdint.h>

#include "ctrl.h"
#include "domrec.h"
#include <xlite/io/console.h>

#define LOG_DIR "/var/log/xlite"

struct dom_console {
    bool used;
    uint32_t domid;
    struct domrec rec;
    volatile struct xencons_interface *ring;   /* the domain's console page, mapped */
    uint32_t port;                  /* our end of its console channel (0: none) */
    int hist_fd, log_fd;            /* /run/xlite/d<ID>.console, /var/log/xlite/NAME.log */
    long in_off;                    /* bytes of /run/xlite/d<ID>.input already sent */
    bool acted;                     /* its shutdown has been handled */
};

extern struct ctrl cd_ctrl;
extern int cd_evtchn_fd;

/* console.c: attach (map the ring, bind its port, open the files); 0 or -1 (logged). */
int console_attach(struct dom_console *d, const struct domrec *r);
void console_detach(struct dom_console *d);
/* Moves the guest's output to the history and log, and pending input to the guest. */
void console_pump(struct dom_console *d);

/* lifecycle.c: applies the configured action to a domain that has shut down. */
void lifecycle_apply(struct dom_console *d, uint32_t flags);

/* "xlconsoled: ..." on the dom0 console. */
void cd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
