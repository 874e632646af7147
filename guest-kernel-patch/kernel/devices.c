/* The character devices every domain has: /dev/console and /dev/null. */
#include "console.h"
#include "devices.h"
#include "proc.h"

static long con_read(struct file *f, char *kbuf, size_t n)
{
    (void)f;
    return console_read(kbuf, n);
}

static long con_write(struct file *f, const char *kbuf, size_t n)
{
    (void)f;
    console_write(kbuf, n);
    return (long)n;
}

static int con_poll(struct file *f)
{
    (void)f;
    return (console_readable() ? XPOLLIN : 0) | XPOLLOUT;
}

static long con_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
    (void)f;
    if (cmd != XL_CONSOLE_SET_FOREGROUND)
        return -XE_INVAL;
    console_set_foreground((int)arg);
    return 0;
}

static const struct devops console_ops = {
    .read = con_read, .write = con_write, .poll = con_poll, .ioctl = con_ioctl,
};

static long null_read(struct file *f, char *kbuf, size_t n)
{
    (void)f, (void)kbuf, (void)n;
    return 0;
}

static long null_write(struct file *f, const char *kbuf, size_t n)
{
    (void)f, (void)kbuf;
    return (long)n;
}

static const struct devops null_ops = { .read = null_read, .write = null_write };

void devices_init(void)
{
    vfs_mkdir_p("/dev", false);
    vfs_add_device("/dev/console", &console_ops);
    vfs_add_device("/dev/null", &null_ops);
}
