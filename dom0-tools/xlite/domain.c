/* Finding domains by name or id, their xl-style state, and destroying one cleanly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domrec.h"
#include "doorbell.h"
#include "xlcmd.h"
#include "xlite.h"
#include <xlite/errno.h>
#include <xlite/sched.h>

const char *domain_name(const struct xlite_domctl_getdomaininfo *info)
{
    return info->domain == 0 ? "Domain-0" : info->name;
}

void domain_state(const struct xlite_domctl_getdomaininfo *info, char buf[7])
{
    uint32_t f = info->flags;
    bool shut = f & XLITE_DOMINFO_shutdown;
    bool crashed = shut && XLITE_DOMINFO_SHUTDOWN_REASON(f) == SHUTDOWN_crash;

    buf[0] = f & XLITE_DOMINFO_running ? 'r' : '-';
    buf[1] = f & XLITE_DOMINFO_blocked ? 'b' : '-';
    buf[2] = f & XLITE_DOMINFO_paused ? 'p' : '-';
    buf[3] = shut && !crashed ? 's' : '-';
    buf[4] = crashed ? 'c' : '-';
    buf[5] = f & XLITE_DOMINFO_dying ? 'd' : '-';
    buf[6] = '\0';
}

/* Refuses ids that are not all digits (then it is a name), and names that match none. */
int find_domain(const char *arg, struct xlite_domctl_getdomaininfo *info)
{
    char *end;
    unsigned long id = strtoul(arg, &end, 10);
    bool numeric = arg[0] >= '0' && arg[0] <= '9' && *end == '\0';

    if (numeric) {
        if (id < DOMID_FIRST_RESERVED && !ctrl_domain_getinfo(&xl_ctrl, (domid_t)id, info) &&
            info->domain == id)
            return 0;
        err("no domain with id %s", arg);
        return -1;
    }
    for (uint32_t d = 0; !ctrl_domain_getinfo(&xl_ctrl, (domid_t)d, info); d = info->domain + 1u)
        if (!strcmp(arg, domain_name(info)) || !strcmp(arg, info->name))
            return 0;
    err("no domain named '%s'", arg);
    return -1;
}

bool wait_gone(uint32_t domid, unsigned int ms)
{
    struct xlite_domctl_getdomaininfo info;

    for (unsigned int t = 0;; t += 2) {        /* the daemons were rung: soon */
        if (ctrl_domain_getinfo(&xl_ctrl, (domid_t)domid, &info) || info.domain != domid)
            return true;
        if (t >= ms)
            return false;
        xl_sleep_ns(2000000ull);
    }
}

int destroy_domain(uint32_t domid, const char *name)
{
    if (domid == 0)
        return err("destroy: Domain-0 cannot be destroyed");
    long rc = ctrl_domain_destroy(&xl_ctrl, (domid_t)domid);
    if (rc && rc != -XEN_ESRCH)
        return err("destroy %s: refused by the hypervisor (error %ld)", name, rc);
    domrec_remove(domid);
    /* The daemons let go of the domain's rings when they see it dying: tell them now. */
    doorbell_ring(XLCONSOLED_DOORBELL);
    doorbell_ring(XLSTORED_DOORBELL);
    if (!wait_gone(domid, 5000))
        return err("destroy %s: d%u is still dying after 5 s (some mapping holds it)",
                   name, (unsigned int)domid);
    return 0;
}
