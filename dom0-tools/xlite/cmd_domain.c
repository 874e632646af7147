/* destroy, shutdown, reboot, pause, unpause: one domain each. */
#include <stdio.h>
#include <string.h>

#include "domrec.h"
#include "store_client.h"
#include "xlcmd.h"
#include "xlite.h"
#include <xlite/errno.h>
#include <xlite/io/store.h>
#include <xlite/sched.h>

static long remote_shutdown(domid_t domid, uint32_t reason);

#define HC_SCHED_OP 29

/* The one domain argument, not dom0; -1 after printing why. */
static int one_domain(int argc, char **argv, int first, const char *cmd,
                      struct xlite_domctl_getdomaininfo *info)
{
    if (argc != first + 1) {
        usage(cmd);
        return -1;
    }
    if (find_domain(argv[first], info))
        return -1;
    if (info->domain == 0) {
        err("%s: not for Domain-0 (use poweroff or reboot in dom0)", cmd);
        return -1;
    }
    return 0;
}

int cmd_destroy(int argc, char **argv)
{
    struct xlite_domctl_getdomaininfo info;

    if (one_domain(argc, argv, 1, "destroy", &info))
        return argc != 2 ? EXIT_USAGE : 1;
    return destroy_domain(info.domain, info.name);
}

/* As xl: ask the guest through its control/shutdown node when it has a store (it
 * shuts itself down); otherwise the hypervisor shuts it down at once. */
static long request_shutdown(domid_t domid, const char *what, uint32_t reason)
{
    struct domrec r;
    char path[48], reply[64];

    if (store_running() && !domrec_read(domid, &r) && r.store_port) {
        snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", domid);
        const char *args[] = { path };
        if (store_client_request(XS_WRITE, args, 1, what, reply, sizeof(reply)) >= 0)
            return 0;
    }
    return remote_shutdown(domid, reason);
}

static long remote_shutdown(domid_t domid, uint32_t reason)
{
    struct sched_remote_shutdown r = { .domain_id = domid, .reason = reason };

    return xl_ctrl.ops->hypercall(xl_ctrl.ctx, HC_SCHED_OP, SCHEDOP_remote_shutdown,
                                  (uint64_t)(uintptr_t)&r, 0, 0, 0);
}

int cmd_shutdown(int argc, char **argv)
{
    struct xlite_domctl_getdomaininfo info;
    bool wait = false;
    int i = 1;

    if (argc > 1 && !strcmp(argv[1], "-w")) {
        wait = true;
        i = 2;
    }
    if (one_domain(argc, argv, i, "shutdown", &info))
        return argc != i + 1 ? EXIT_USAGE : 1;
    long rc = request_shutdown(info.domain, "poweroff", SHUTDOWN_poweroff);
    if (rc)
        return err("shutdown %s: refused by the hypervisor (error %ld)", info.name, rc);
    if (!wait)
        return 0;
    /* Done when it is shut down (on_poweroff=preserve) or gone (destroy, restart). */
    for (int t = 0; t < 3000; t++) {
        struct xlite_domctl_getdomaininfo now;
        if (ctrl_domain_getinfo(&xl_ctrl, info.domain, &now) || now.domain != info.domain ||
            (now.flags & XLITE_DOMINFO_shutdown))
            return 0;
        xl_sleep_ns(10000000ull);
    }
    return err("shutdown %s: still running after 30 s", info.name);
}

int cmd_reboot(int argc, char **argv)
{
    struct xlite_domctl_getdomaininfo info;

    if (one_domain(argc, argv, 1, "reboot", &info))
        return argc != 2 ? EXIT_USAGE : 1;
    long rc = request_shutdown(info.domain, "reboot", SHUTDOWN_reboot);
    return rc ? err("reboot %s: refused by the hypervisor (error %ld)", info.name, rc) : 0;
}

int cmd_pause(int argc, char **argv)
{
    struct xlite_domctl_getdomaininfo info;

    if (one_domain(argc, argv, 1, "pause", &info))
        return argc != 2 ? EXIT_USAGE : 1;
    long rc = ctrl_domain_pause(&xl_ctrl, info.domain);
    return rc ? err("pause %s: refused by the hypervisor (error %ld)", info.name, rc) : 0;
}

int cmd_unpause(int argc, char **argv)
{
    struct xlite_domctl_getdomaininfo info;

    if (one_domain(argc, argv, 1, "unpause", &info))
        return argc != 2 ? EXIT_USAGE : 1;
    long rc = ctrl_domain_unpause(&xl_ctrl, info.domain);
    return rc ? err("unpause %s: refused by the hypervisor (error %ld)", info.name, rc) : 0;
}
