/* The kernel log: every printk goes into a ring (read back by dmesg) and to the
 * console; panic prints, then shuts the domain down with reason crash. */
#include "arch.h"
#include "console.h"

#define KLOG_SIZE 16384

static char ring[KLOG_SIZE];
static uint64_t head;                 /* bytes ever written; the ring keeps the last ones */

static void klog_put(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ring[(head + i) % KLOG_SIZE] = s[i];
    head += n;
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
    size_t len = MIN((size_t)n, sizeof(buf) - 1);
    klog_put(buf, len);
    console_write(buf, len);
}

size_t klog_read(char *buf, size_t n)
{
    uint64_t start = head > KLOG_SIZE ? head - KLOG_SIZE : 0;
    size_t avail = (size_t)(head - start);
    size_t k = MIN(avail, n);

    for (size_t i = 0; i < k; i++)
        buf[i] = ring[(start + i) % KLOG_SIZE];
    return k;
}

NORETURN void panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk("kernel panic: %s\n", buf);
    arch_backtrace((uint64_t)__builtin_frame_address(0));
    arch_shutdown(ARCH_CRASH);
}
