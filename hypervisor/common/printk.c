/* printk: format into a line, append it to the log ring, and show it on the consoles
 * if its level passes the console filter. Interrupts are masked while a message is
 * written so messages never interleave mid-line. */
#include <stdarg.h>

#include <asm/irq.h>
#include <hv/lib.h>
#include <hv/printk.h>

#define LOGBUF_SIZE (64 * 1024)     /* power of two */
#define MAX_SINKS   4

static char logbuf[LOGBUF_SIZE];
static unsigned long log_head;      /* total bytes ever logged */
static int console_level = LOG_INFO;
static int console_on = 1;
static console_write_fn sinks[MAX_SINKS];
static int nr_sinks;

void console_register(console_write_fn fn)
{
    if (nr_sinks < MAX_SINKS)
        sinks[nr_sinks++] = fn;
}

void console_enable(int on)
{
    console_on = on;
}

void printk_set_console_level(int level)
{
    console_level = level;
}

int printk_parse_level(const char *s, int *level)
{
    static const char *const names[] = { "error", "warning", "info", "debug" };

    if (!strcmp(s, "none")) {
        *level = LOG_ERR - 1;
        return 0;
    }
    if (!strcmp(s, "all")) {
        *level = LOG_DEBUG;
        return 0;
    }
    for (int i = 0; i < (int)ARRAY_SIZE(names); i++) {
        if (!strcmp(s, names[i])) {
            *level = i;
            return 0;
        }
    }
    if (s[0] >= '0' && s[0] <= '3' && s[1] == '\0') {
        *level = s[0] - '0';
        return 0;
    }
    return -1;
}

static void emit(int level, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        logbuf[(log_head + i) & (LOGBUF_SIZE - 1)] = s[i];
    log_head += n;
    if (console_on && level <= console_level)
        for (int i = 0; i < nr_sinks; i++)
            sinks[i](s, n);
}

static void vprintk_level(int level, const char *fmt, va_list ap)
{
    char line[512];
    int n = xl_vsnprintf(line, sizeof(line), fmt, ap);

    if (n >= (int)sizeof(line)) {   /* truncated: keep the line ending */
        n = sizeof(line) - 1;
        line[n - 1] = '\n';
    }
    unsigned long flags = irq_save();
    emit(level, line, (size_t)n);
    irq_restore(flags);
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk_level(LOG_INFO, fmt, ap);
    va_end(ap);
}

void printk_level(int level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk_level(level, fmt, ap);
    va_end(ap);
}

static unsigned long log_floor;     /* logbuf_clear: nothing before it is read again */

void logbuf_clear(void)
{
    log_floor = log_head;
}

size_t logbuf_read(unsigned long *pos, char *out, size_t n)
{
    unsigned long oldest = log_head > LOGBUF_SIZE ? log_head - LOGBUF_SIZE : 0;

    oldest = MAX(oldest, log_floor);
    size_t done = 0;

    if (*pos < oldest)
        *pos = oldest;
    while (done < n && *pos < log_head)
        out[done++] = logbuf[(*pos)++ & (LOGBUF_SIZE - 1)];
    return done;
}

void logbuf_dump(void)
{
    unsigned long pos = 0;
    unsigned long end = log_head;     /* stop at what was there when the dump began */
    char chunk[256];
    size_t n;

    while (pos < end && (n = logbuf_read(&pos, chunk, MIN(sizeof(chunk), end - pos))))
        for (int i = 0; i < nr_sinks; i++)
            sinks[i](chunk, n);
}
