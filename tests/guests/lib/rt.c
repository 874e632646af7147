/* Test-guest runtime: start of day, console output, test reporting, shutdown. */
#include "rt.h"
#include <xlite/event_channel.h>
#include <xlite/io/console.h>

start_info_t *start_info;
shared_info_t *shared;

/* The page the runtime maps shared_info over (its own RAM frame stays owned). */
static uint8_t shared_page[4096] BSS_PAGE;

static unsigned int nr_passed, nr_failed;

/* ------------------------------------------------------------------ output */

/* A domU also writes its console ring, as Xen's test framework does: a domain built by
 * `xlite create` then shows its results in `xlite console` and the toolstack's log, a
 * boot-time one on the hypervisor console (which prints each line once either way). */
static struct xencons_interface *cons_ring;
static evtchn_port_t cons_port;

static void console_ring_init(void)
{
    if ((start_info->flags & SIF_INITDOMAIN) || !start_info->console.domU.mfn ||
        !start_info->console.domU.evtchn)
        return;
    cons_ring = mfn_to_virt(start_info->console.domU.mfn);
    cons_port = start_info->console.domU.evtchn;
}

void rt_console_ring_off(void)
{
    cons_ring = NULL;
}

/* Waits for the backend while the ring is full, but not for ever: a domain whose
 * backend never drains still runs to its end (on console_io alone). */
static void console_ring_write(const char *s, size_t len)
{
    struct xencons_interface *r = cons_ring;
    struct evtchn_send snd = { .port = cons_port };
    uint32_t prod = r->out_prod;

    for (size_t i = 0; i < len; i++) {
        for (unsigned int tries = 0; prod - __atomic_load_n(&r->out_cons, __ATOMIC_ACQUIRE) >=
                                     sizeof(r->out); tries++) {
            if (tries == 1000) {
                cons_ring = NULL;
                return;
            }
            __atomic_store_n(&r->out_prod, prod, __ATOMIC_RELEASE);
            HYPERVISOR_event_channel_op(EVTCHNOP_send, &snd);
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
        }
        r->out[MASK_XENCONS_IDX(prod++, r->out)] = s[i];
    }
    __atomic_store_n(&r->out_prod, prod, __ATOMIC_RELEASE);
    HYPERVISOR_event_channel_op(EVTCHNOP_send, &snd);
}

void console_write(const char *s, size_t len)
{
    if (cons_ring)
        console_ring_write(s, len);
    HYPERVISOR_console_io(CONSOLEIO_write, (unsigned int)len, s);
}

void printk(const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(buf))
        n = sizeof(buf) - 1;
    console_write(buf, (size_t)n);
}

/* ------------------------------------------------------------------ reporting */

void test_pass(const char *name)
{
    nr_passed++;
    printk("PASS %s\n", name);
}

static void report(const char *kind, const char *name, const char *fmt, va_list ap)
{
    char why[400];

    vsnprintf(why, sizeof(why), fmt, ap);
    printk("%s %s: %s\n", kind, name, why);
}

void test_fail(const char *name, const char *fmt, ...)
{
    va_list ap;

    nr_failed++;
    va_start(ap, fmt);
    report("FAIL", name, fmt, ap);
    va_end(ap);
}

void test_skip(const char *name, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report("SKIP", name, fmt, ap);
    va_end(ap);
}

static const char *cur_name;
static unsigned int cur_nfail;
static char cur_msg[400];

void t_begin(const char *name)
{
    cur_name = name;
    cur_nfail = 0;
    cur_msg[0] = '\0';
}

bool t_check(bool ok, const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    if (ok)
        return true;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (cur_nfail++ == 0)
        memcpy(cur_msg, msg, sizeof(msg));
    printk("  %s: check failed: %s\n", cur_name ? cur_name : "?", msg);
    return false;
}

static const char *const errno_names[] = {
    [XEN_EPERM] = "EPERM", [XEN_ENOENT] = "ENOENT", [XEN_ESRCH] = "ESRCH",
    [XEN_EINTR] = "EINTR", [XEN_EIO] = "EIO", [XEN_E2BIG] = "E2BIG",
    [XEN_EAGAIN] = "EAGAIN", [XEN_ENOMEM] = "ENOMEM", [XEN_EACCES] = "EACCES",
    [XEN_EFAULT] = "EFAULT", [XEN_EBUSY] = "EBUSY", [XEN_EEXIST] = "EEXIST",
    [XEN_ENODEV] = "ENODEV", [XEN_EINVAL] = "EINVAL", [XEN_ENOSPC] = "ENOSPC",
    [XEN_ERANGE] = "ERANGE", [XEN_ENOSYS] = "ENOSYS", [XEN_ERESTART] = "ERESTART",
    [XEN_EOPNOTSUPP] = "EOPNOTSUPP",
};

const char *fmt_val(char *buf, size_t size, uint64_t v)
{
    int64_t s = (int64_t)v;

    if (s < 0 && s > -(int64_t)ARRAY_SIZE(errno_names) && errno_names[-s])
        snprintf(buf, size, "%ld (%s)", (long)s, errno_names[-s]);
    else if (s < 0 && s >= -4096)
        snprintf(buf, size, "%ld", (long)s);
    else if (v < 10)
        snprintf(buf, size, "%lu", (unsigned long)v);
    else
        snprintf(buf, size, "%#lx", (unsigned long)v);
    return buf;
}

bool t_eq_(const char *what, uint64_t got, uint64_t want)
{
    char g[48], w[48];

    if (got == want)
        return true;
    return t_check(false, "%s = %s, expected %s", what, fmt_val(g, sizeof(g), got),
                   fmt_val(w, sizeof(w), want));
}

void t_end(void)
{
    if (!cur_name)
        return;
    if (cur_nfail == 0)
        test_pass(cur_name);
    else if (cur_nfail == 1)
        test_fail(cur_name, "%s", cur_msg);
    else
        test_fail(cur_name, "%s (and %u more)", cur_msg, cur_nfail - 1);
    cur_name = NULL;
}

/* ------------------------------------------------------------------ shutdown */

NORETURN void rt_shutdown(unsigned int reason)
{
    struct sched_shutdown s = { .reason = reason };
    long rc = HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);

    printk("\nFAIL runtime_shutdown: SCHEDOP_shutdown(%u) returned %ld\n", reason, rc);
    /* A bounce frame that cannot be written crashes the domain. */
    __asm__ volatile("mov $0x800000000badc0de, %rsp; pushq $0");
    for (;;)
        ;
}

NORETURN void rt_panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report("FAIL", "runtime", fmt, ap);
    va_end(ap);
    rt_shutdown(SHUTDOWN_crash);
}

/* ------------------------------------------------------------------ command line */

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Find word (or word=...) in the command line; returns what follows it or NULL. */
static const char *cmdline_find(const char *word)
{
    const char *p = start_info->cmd_line;
    size_t n = strlen(word);

    while (*p) {
        while (is_space(*p))
            p++;
        if (!strncmp(p, word, n) && (p[n] == '\0' || p[n] == '=' || is_space(p[n])))
            return p + n;
        while (*p && !is_space(*p))
            p++;
    }
    return NULL;
}

bool cmdline_has(const char *word)
{
    return cmdline_find(word) != NULL;
}

bool cmdline_value(const char *key, uint64_t *val)
{
    const char *p = cmdline_find(key);
    uint64_t v = 0, base = 10;

    if (!p || *p++ != '=')
        return false;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    if (!*p || is_space(*p))
        return false;
    for (; *p && !is_space(*p); p++) {
        unsigned int d;
        if (*p >= '0' && *p <= '9')
            d = (unsigned int)(*p - '0');
        else if (base == 16 && *p >= 'a' && *p <= 'f')
            d = (unsigned int)(*p - 'a' + 10);
        else if (base == 16 && *p >= 'A' && *p <= 'F')
            d = (unsigned int)(*p - 'A' + 10);
        else
            return false;
        v = v * base + d;
    }
    *val = v;
    return true;
}

/* ------------------------------------------------------------------ start of day */

void rt_start(start_info_t *si);
void rt_start(start_info_t *si)
{
    long rc;

    start_info = si;
    console_ring_init();
    if (test_pre_traps)
        test_pre_traps();

    rc = rt_install_traps();
    if (rc)
        test_fail("runtime_trap_table", "set_trap_table returned %ld", rc);

    rc = HYPERVISOR_update_va_mapping((unsigned long)shared_page,
                                      (si->shared_info & PTE_ADDR) | PTE_P | PTE_RW |
                                          PTE_A | PTE_D,
                                      UVMF_INVLPG);
    if (rc)
        test_fail("runtime_shared_info", "update_va_mapping(shared_info %#lx) returned %ld",
                  (unsigned long)si->shared_info, rc);
    else
        shared = (shared_info_t *)shared_page;

    test_main();

    printk("DONE %u passed, %u failed\n", nr_passed, nr_failed);
    rt_shutdown(SHUTDOWN_poweroff);
}
