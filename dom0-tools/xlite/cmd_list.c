/* list, uptime, domid, domname, info: reading domains and the host. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "domrec.h"
#include "xlcmd.h"
#include "xlite.h"

#define MIB_PAGES 256u

static void fmt_uptime(uint64_t ns, char *buf, size_t size)
{
    uint64_t s = ns / 1000000000ull;

    if (s >= 86400)
        snprintf(buf, size, "%" PRIu64 " days, %2" PRIu64 ":%02" PRIu64 ":%02" PRIu64,
                 s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
    else
        snprintf(buf, size, "%2" PRIu64 ":%02" PRIu64 ":%02" PRIu64, s / 3600, s / 60 % 60,
                 s % 60);
}

/* Uptime of a domain: since `xlite create` for toolstack domains, since boot for others. */
static uint64_t domain_uptime_ns(uint32_t domid)
{
    struct domrec r;
    uint64_t now = xl_clock(XCLOCK_MONOTONIC);

    if (domid != 0 && !domrec_read(domid, &r) && r.created_ns <= now)
        return now - r.created_ns;
    return now;
}

static void list_one(const struct xlite_domctl_getdomaininfo *info, bool lng)
{
    char state[7];
    struct domrec r;

    domain_state(info, state);
    printf("%-40s %5u %5" PRIu64 " %5u %10s %9.1f\n", domain_name(info), info->domain,
           info->tot_pages / MIB_PAGES, info->nr_online_vcpus, state,
           (double)info->cpu_time / 1e9);
    if (!lng)
        return;
    char up[32];
    fmt_uptime(domain_uptime_ns(info->domain), up, sizeof(up));
    if (info->domain != 0 && !domrec_read(info->domain, &r))
        printf("    kernel: %s\n    kernel_xxh3: %016" PRIx64 "\n    cmdline: %s\n"
               "    config: %s\n    uptime: %s\n", r.kernel, r.kernel_xxh3, r.cmdline,
               r.config, up);
    else
        printf("    kernel: (not built by xlite)\n    uptime: %s\n", up);
}

int cmd_list(int argc, char **argv)
{
    struct xlite_domctl_getdomaininfo info;
    bool lng = false;
    int i = 1, rc = 0;

    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "--long"))
            lng = true;
        else
            return usage("list");
    }
    printf("%-40s %5s %5s %5s %10s %9s\n", "Name", "ID", "Mem", "VCPUs", "State", "Time(s)");
    if (i < argc) {
        for (; i < argc; i++) {
            if (find_domain(argv[i], &info))
                rc = 1;
            else
                list_one(&info, lng);
        }
        return rc;
    }
    for (uint32_t d = 0; !ctrl_domain_getinfo(&xl_ctrl, (domid_t)d, &info); d = info.domain + 1u)
        list_one(&info, lng);
    return 0;
}

int cmd_uptime(int argc, char **argv)
{
    struct xlite_domctl_getdomaininfo info;
    char up[32];
    int rc = 0;

    printf("%-33s %4s %s\n", "Name", "ID", "Uptime");
    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            if (find_domain(argv[i], &info)) {
                rc = 1;
                continue;
            }
            fmt_uptime(domain_uptime_ns(info.domain), up, sizeof(up));
            printf("%-33s %4u %s\n", domain_name(&info), info.domain, up);
        }
        return rc;
    }
    for (uint32_t d = 0; !ctrl_domain_getinfo(&xl_ctrl, (domid_t)d, &info); d = info.domain + 1u) {
        fmt_uptime(domain_uptime_ns(info.domain), up, sizeof(up));
        printf("%-33s %4u %s\n", domain_name(&info), info.domain, up);
    }
    return 0;
}

int cmd_domid(int argc, char **argv)
{
    struct xlite_domctl_getdomaininfo info;

    if (argc != 2)
        return usage("domid");
    if (find_domain(argv[1], &info))
        return 1;
    printf("%u\n", info.domain);
    return 0;
}

int cmd_domname(int argc, char **argv)
{
    struct xlite_domctl_getdomaininfo info;

    if (argc != 2)
        return usage("domname");
    if (argv[1][0] < '0' || argv[1][0] > '9')
        return err("domname: '%s' is not a domain id", argv[1]);
    if (find_domain(argv[1], &info))
        return 1;
    printf("%s\n", domain_name(&info));
    return 0;
}

int cmd_info(int argc, char **argv)
{
    struct xlite_domctl_physinfo pi;
    char up[32];

    (void)argv;
    if (argc != 1)
        return usage("info");
    long rc = ctrl_physinfo(&xl_ctrl, &pi);
    if (rc)
        return err("info: physinfo refused (error %ld)", rc);
    fmt_uptime(xl_clock(XCLOCK_MONOTONIC), up, sizeof(up));
    printf("host                   : xlite\n");
    printf("release                : 0.1.0\n");
    printf("machine                : x86_64\n");
    printf("nr_cpus                : %u\n", pi.nr_cpus);
    printf("cpu_mhz                : %u.%03u\n", pi.cpu_khz / 1000, pi.cpu_khz % 1000);
    printf("total_memory           : %" PRIu64 "\n", pi.total_pages / MIB_PAGES);
    printf("free_memory            : %" PRIu64 "\n", pi.free_pages / MIB_PAGES);
    printf("free_pages             : %" PRIu64 "\n", pi.free_pages);
    printf("nr_domains             : %u\n", pi.nr_domains);
    printf("max_domains            : %u\n", pi.max_domains);
    printf("xen_version            : xlite 0.1.0 (Xen PV ABI)\n");
    printf("domctl_interface       : %u\n", XLITE_DOMCTL_INTERFACE_VERSION);
    printf("dom0_uptime            : %s\n", up);
    return 0;
}
