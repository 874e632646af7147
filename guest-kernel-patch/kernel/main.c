/* Kernel start: log, memory, VFS from the ramdisk, devices, then /bin/init as pid 1 on
 * /dev/console; the boot thread becomes the idle loop. */
#include "console.h"
#include "devices.h"
#include "proc.h"
#include "store.h"

int kernel_domid;

/* "kcrash" on the command line: fault in the kernel on purpose, to show the report
 * (vector, RIP, CR2, backtrace) and the crash shutdown. */
static __attribute__((noinline)) void kernel_crash_test(volatile uint64_t *p)
{
    *p = 0xdead;
}

static bool cmdline_has(const char *word)
{
    size_t n = strlen(word);

    for (const char *p = boot.cmdline; *p; p++)
        if ((p == boot.cmdline || p[-1] == ' ') && !strncmp(p, word, n) &&
            (p[n] == '\0' || p[n] == ' '))
            return true;
    return false;
}

void kernel_main(void)
{
    sched_init();
    console_init();
    printk("xlite-kernel 0.1: %s domain, %lu MiB, %lu MiB usable by the kernel\n",
           boot.privileged ? "privileged" : "unprivileged",
           (unsigned long)(boot.nr_pages >> 8), (unsigned long)(page_total_count() >> 8));
    if (boot.cmdline[0])
        printk("command line: %s\n", boot.cmdline);
    timers_init();
    if (cmdline_has("kcrash"))
        kernel_crash_test((volatile uint64_t *)0x7ff0000000ull);
    vfs_init();
    if (boot.ramdisk) {
        int n = vfs_load_cpio(boot.ramdisk, boot.ramdisk_len);
        if (n < 0)
            printk("ramdisk: malformed cpio archive (%d), ignored\n", n);
        else
            printk("ramdisk: %d files, %lu KiB\n", n, (unsigned long)(boot.ramdisk_len >> 10));
    } else {
        printk("ramdisk: none\n");
    }
    vfs_mkdir_p("/tmp", true);
    vfs_mkdir_p("/run", true);
    vfs_mkdir_p("/var/log", true);
    devices_init();
    store_init();
    control_init();
    if (boot.privileged)
        privdev_init();

    long err = 0;
    struct file *con = file_open("/dev/console", XO_RDWR, &err);
    struct file *fds[3] = { con, con, con };
    char *argv[] = { "init", NULL };
    int pid = con ? proc_spawn("/bin/init", argv, 1, fds, 0) : (int)err;
    file_put(con);
    if (pid < 0)
        printk("cannot start /bin/init: error %d\n", pid);
    idle_loop();
}
