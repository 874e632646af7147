/* Hypervisor log: printk with levels, a ring buffer of everything logged (for dmesg and
 * the 'd' debug key) and the console sinks that show what passes the level filter. */
#ifndef XLITE_PRINTK_H
#define XLITE_PRINTK_H

#include <stddef.h>

enum log_level {
    LOG_ERR = 0,
    LOG_WARN = 1,
    LOG_INFO = 2,
    LOG_DEBUG = 3,
};

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void printk_level(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define pr_err(...)   printk_level(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  printk_level(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  printk_level(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk_level(LOG_DEBUG, __VA_ARGS__)

/* Messages above this level go only to the ring buffer. */
void printk_set_console_level(int level);
/* "none" "error" "warning" "info" "debug" "all" (Xen's loglvl words) or a digit 0-3. */
int printk_parse_level(const char *s, int *level);

/* A console sink (serial port, later the dom0 console ring). At most 4. */
typedef void (*console_write_fn)(const char *s, size_t n);
void console_register(console_write_fn fn);
void console_enable(int on);

/* Copy up to n bytes of the log starting at *pos (0 = oldest kept); advances *pos. */
size_t logbuf_read(unsigned long *pos, char *out, size_t n);
/* Forget what the log holds so far (domctl readconsole with clear). */
void logbuf_clear(void);
/* Write the whole ring buffer to the consoles. */
void logbuf_dump(void);

#endif
