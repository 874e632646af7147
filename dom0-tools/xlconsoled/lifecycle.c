/* What happens to a toolstack-built domain that shut down: its record's on_poweroff,
 * on_reboot or on_crash (destroy, restart, preserve), as xl's per-domain process does. */
#include <stdio.h>
#include <string.h>

#include "xlconsoled.h"
#include "xlite.h"
#include <xlite/sched.h>

static const char *action_for(const struct domrec *r, unsigned int reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff: return r->on_poweroff;
    case SHUTDOWN_reboot: return r->on_reboot;
    case SHUTDOWN_crash: return r->on_crash;
    default: return "preserve";     /* suspend, watchdog, ...: left for the user */
    }
}

static const char *reason_name(unsigned int reason)
{
    static const char *const names[] = { "poweroff", "reboot", "suspend", "crash",
                                         "watchdog", "soft_reset" };
    return reason < 6 ? names[reason] : "unknown";
}

/* Destroys the domain and waits (up to 5 s) until the hypervisor has let it go. */
static void destroy(uint32_t domid)
{
    struct xlite_domctl_getdomaininfo info;

    ctrl_domain_destroy(&cd_ctrl, (domid_t)domid);
    domrec_remove(domid);
    for (int t = 0; t < 250; t++) {
        if (ctrl_domain_getinfo(&cd_ctrl, (domid_t)domid, &info) || info.domain != domid)
            return;
        xl_sleep_ns(20000000ull);
    }
}

static void restart(const struct domrec *r)
{
    char *argv[4 + DOMREC_ARGS];
    int n = 0, status = 0;
    struct domrec copy = *r;

    argv[n++] = "xlite";
    argv[n++] = "create";
    argv[n++] = "-q";
    argv[n++] = copy.config;
    for (unsigned int i = 0; i < copy.nargs && i < DOMREC_ARGS - 1; i++)
        argv[n++] = copy.args[i];
    argv[n] = NULL;
    int pid = xl_spawn("/bin/xlite", argv, NULL);
    if (pid < 0 || xl_wait(pid, &status) < 0 || !XW_EXITED(status) || XW_STATUS(status))
        cd_log("%s: restart failed (xlite create %s)", copy.name, copy.config);
}

/* A guest that crashes this soon after it was built would crash again at once:
 * on_crash=restart then destroys it instead of looping for ever. */
#define RESTART_MIN_UPTIME_NS (10ull * 1000000000ull)

void lifecycle_apply(struct dom_console *d, uint32_t flags)
{
    unsigned int reason = XLITE_DOMINFO_SHUTDOWN_REASON(flags);
    struct domrec r = d->rec;
    const char *action = action_for(&r, reason);

    d->acted = true;
    uint64_t up = xl_clock(XCLOCK_MONOTONIC) - r.created_ns;
    if (reason == SHUTDOWN_crash && !strcmp(action, "restart") && up < RESTART_MIN_UPTIME_NS) {
        cd_log("%s (d%u): shut down (crash) %llu ms after it was built: destroy, not restart "
               "(it would crash again)", r.name, r.domid,
               (unsigned long long)(up / 1000000ull));
        action = "destroy";
    } else {
        cd_log("%s (d%u): shut down (%s): %s", r.name, r.domid, reason_name(reason), action);
    }
    if (!strcmp(action, "preserve"))
        return;
    console_detach(d);
    destroy(r.domid);
    if (!strcmp(action, "restart"))
        restart(&r);
}
