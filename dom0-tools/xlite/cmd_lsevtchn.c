/* lsevtchn: a domain's event channel ports in use, one line each, from EVTCHNOP_status
 * (as Xen's lsevtchn tool). Also how the scenarios see that the daemons give their
 * ports back when domains go (tests/boot/scenarios/xlite-cycles.sh). */
#include <stdio.h>

#include "xlcmd.h"
#include "xlite.h"
#include <xlite/errno.h>

static const char *state_name(uint32_t status)
{
    switch (status) {
    case EVTCHNSTAT_unbound: return "unbound";
    case EVTCHNSTAT_interdomain: return "interdomain";
    case EVTCHNSTAT_pirq: return "pirq";
    case EVTCHNSTAT_virq: return "virq";
    case EVTCHNSTAT_ipi: return "ipi";
    default: return "?";
    }
}

int cmd_lsevtchn(int argc, char **argv)
{
    struct xlite_domctl_getdomaininfo info;

    if (argc > 2)
        return usage("lsevtchn");
    if (find_domain(argc == 2 ? argv[1] : "0", &info))
        return 1;
    for (uint32_t port = 1; port < NR_EVENT_CHANNELS; port++) {
        struct evtchn_status st;
        long rc = ctrl_evtchn_status(&xl_ctrl, info.domain, port, &st);
        if (rc == -XEN_EINVAL)
            break;                      /* past the domain's last port */
        if (rc)
            return err("lsevtchn: status of port %u refused (error %ld)", port, rc);
        if (st.status == EVTCHNSTAT_closed)
            continue;
        printf("%4u: vCPU %u: %s", port, st.vcpu, state_name(st.status));
        if (st.status == EVTCHNSTAT_unbound)
            printf(", for domain %u\n", st.u.unbound.dom);
        else if (st.status == EVTCHNSTAT_interdomain)
            printf(", to domain %u port %u\n", st.u.interdomain.dom, st.u.interdomain.port);
        else if (st.status == EVTCHNSTAT_virq)
            printf(" %u\n", st.u.virq);
        else if (st.status == EVTCHNSTAT_pirq)
            printf(" %u\n", st.u.pirq);
        else
            putchar('\n');
    }
    return 0;
}
