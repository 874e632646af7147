/* The option table: every hypervisor command-line option, its type and where it goes. */
#include <hv/cmdline.h>
#include <hv/lib.h>
#include <hv/options.h>
#include <hv/printk.h>
#include <xlite/errno.h>

struct hv_options hv_opts = {
    .console_com1 = true,
    .loglvl = LOG_INFO,
};

/* console=com1[,...]: only com1 and none exist. */
static int parse_console(const char *v, void *dest)
{
    bool *com1 = dest;

    if (!v)
        return -XEN_EINVAL;
    if (!strcmp(v, "com1"))
        *com1 = true;
    else if (!strcmp(v, "none"))
        *com1 = false;
    else
        return -XEN_EINVAL;
    return 0;
}

/* loglvl=<level>[/<guest level>]: Xen's syntax; the part after '/' is accepted and
 * ignored until guests have their own log level. */
static int parse_loglvl(const char *v, void *dest)
{
    char word[16];
    size_t n;

    if (!v)
        return -XEN_EINVAL;
    n = strchr(v, '/') ? (size_t)(strchr(v, '/') - v) : strlen(v);
    if (n >= sizeof(word))
        return -XEN_EINVAL;
    memcpy(word, v, n);
    word[n] = '\0';
    return printk_parse_level(word, dest) ? -XEN_EINVAL : 0;
}

/* dom0=none: boot without dom0; refuses any other value. */
static int parse_dom0(const char *v, void *dest)
{
    if (!v || strcmp(v, "none"))
        return -XEN_EINVAL;
    *(bool *)dest = true;
    return 0;
}

static int parse_crash_test(const char *v, void *dest)
{
    static const char *const kinds[] = { "pf", "ud", "gp", "de" };

    for (size_t i = 0; v && i < ARRAY_SIZE(kinds); i++) {
        if (!strcmp(v, kinds[i])) {
            xl_strlcpy(dest, v, sizeof(hv_opts.crash_test));
            return 0;
        }
    }
    return -XEN_EINVAL;
}

static const struct cmdline_option options[] = {
    { "console", CMDLINE_CUSTOM, &hv_opts.console_com1, 0, parse_console },
    { "loglvl", CMDLINE_CUSTOM, &hv_opts.loglvl, 0, parse_loglvl },
    { "dom0_mem", CMDLINE_SIZE, &hv_opts.dom0_mem, 0, NULL },
    { "dom0", CMDLINE_CUSTOM, &hv_opts.dom0_none, 0, parse_dom0 },
    { "exit_on_shutdown", CMDLINE_BOOL, &hv_opts.exit_on_shutdown, 0, NULL },
    { "crash_test", CMDLINE_CUSTOM, hv_opts.crash_test, 0, parse_crash_test },
    { "bench", CMDLINE_BOOL, &hv_opts.bench, 0, NULL },
};

static void report(const char *msg, void *ctx)
{
    (void)ctx;
    pr_warn("cmdline: %s (ignored)\n", msg);
}

static char boot_cmdline[1024];

const char *hv_cmdline(void)
{
    return boot_cmdline;
}

void options_parse(const char *cmdline)
{
    xl_strlcpy(boot_cmdline, cmdline, sizeof(boot_cmdline));
    cmdline_parse(cmdline, options, ARRAY_SIZE(options), report, NULL);
}
