/* xlite: the toolstack command, with xl's subcommand names, flags and output. Opens
 * privcmd and checks the domctl interface version before any subcommand runs. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ctrl_privcmd.h"
#include "xlcmd.h"

struct ctrl xl_ctrl;

struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    bool needs_hv;
    const char *args;
    const char *help;
};

static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
    { "create", cmd_create, true, "[-c] [-p] [-n] [-q] <ConfigFile> [key=value ...]",
      "Create a domain from a config file; -c attach its console, -p leave it paused,\n"
      "  -n dry run: print the parsed config and the memory layout, build nothing,\n"
      "  -q quiet" },
    { "list", cmd_list, true, "[-l] [Domain ...]",
      "List domains (Name ID Mem VCPUs State Time(s)); -l adds kernel, its XXH3-64,\n"
      "  command line and uptime" },
    { "destroy", cmd_destroy, true, "<Domain>", "Terminate a domain immediately" },
    { "shutdown", cmd_shutdown, true, "[-w] <Domain>",
      "Shut a domain down (power off); -w waits until it has shut down" },
    { "reboot", cmd_reboot, true, "<Domain>", "Reboot a domain (its on_reboot action)" },
    { "pause", cmd_pause, true, "<Domain>", "Pause a domain" },
    { "unpause", cmd_unpause, true, "<Domain>", "Unpause a paused domain" },
    { "console", cmd_console, true, "<Domain>",
      "Attach to a domain's console: its history, then live; Ctrl-] detaches" },
    { "info", cmd_info, true, "", "Hypervisor and host information" },
    { "dmesg", cmd_dmesg, true, "[-c]", "The hypervisor's log; -c clears it after" },
    { "uptime", cmd_uptime, true, "[Domain ...]", "Uptime of domains" },
    { "domid", cmd_domid, true, "<DomainName>", "The id of a domain" },
    { "domname", cmd_domname, true, "<DomainId>", "The name of a domain" },
    { "lsevtchn", cmd_lsevtchn, true, "[Domain]",
      "A domain's event channel ports in use (Domain-0's by default), as Xen's lsevtchn" },
    { "store", cmd_store, false,
      "read|rm|ls <Path> | write <Path> <Value> | watch [-n N] <Path>",
      "Read, write, remove or list (recursively) store nodes, or watch a path, as dom0" },
    { "help", cmd_help, false, "[Command]", "This list, or one command's usage" },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

int err(const char *fmt, ...)
{
    va_list ap;

    fputs("xlite: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

static const struct command *lookup(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

int usage(const char *cmd)
{
    const struct command *c = lookup(cmd);

    fprintf(stderr, "Usage: xlite %s %s\n", cmd, c ? c->args : "");
    return EXIT_USAGE;
}

static int cmd_help(int argc, char **argv)
{
    if (argc > 1) {
        const struct command *c = lookup(argv[1]);
        if (!c)
            return err("help: no command '%s' (xlite help lists them)", argv[1]);
        printf("Usage: xlite %s %s\n\n%s\n", c->name, c->args, c->help);
        return 0;
    }
    printf("Usage: xlite <subcommand> [args]\n\nThe xlite toolstack. Subcommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++) {
        const char *nl = strchr(commands[i].help, '\n');
        int len = nl ? (int)(nl - commands[i].help) : (int)strlen(commands[i].help);
        printf(" %-10s %.*s\n", commands[i].name, len, commands[i].help);
    }
    printf("\n'xlite help <subcommand>' shows its usage.\n");
    return 0;
}

int main(int argc, char **argv)
{
    char why[256];

    if (argc < 2)
        return cmd_help(1, argv) ? 1 : EXIT_USAGE;
    const struct command *c = lookup(argv[1]);
    if (!c) {
        err("unknown subcommand '%s' (xlite help lists them)", argv[1]);
        return EXIT_USAGE;
    }
    if (c->needs_hv) {
        if (ctrl_privcmd_open(&xl_ctrl))
            return err("cannot open /dev/xlite/privcmd: %s (xlite runs in dom0)",
                       strerror(errno));
        if (ctrl_check_version(&xl_ctrl, why, sizeof(why)))
            return err("%s", why);
    }
    int rc = c->fn(argc - 1, argv + 1);
    fflush(stdout);
    return rc;
}
