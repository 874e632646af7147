/* Doorbells of the dom0 daemons (doorbell.h). */
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>

#include "doorbell.h"
#include "uapi/xlite_dev.h"
#include "xlite.h"

static long ioc(int fd, unsigned long cmd, void *arg)
{
    return xl_syscall(XS_ioctl, fd, (long)cmd, (long)arg, 0);
}

int doorbell_install(int evtchn_fd, const char *file)
{
    struct xl_evtchn_bind b = { .remote_dom = 0 };

    if (evtchn_fd < 0 || ioc(evtchn_fd, XL_EVTCHN_BIND_UNBOUND, &b) < 0)
        return -1;
    FILE *f = fopen(file, "w");
    if (!f)
        return -1;
    fprintf(f, "%u\n", b.port);
    fclose(f);
    return (int)b.port;
}

void doorbell_ring(const char *file)
{
    unsigned int port = 0;
    FILE *f = fopen(file, "r");

    if (!f)
        return;
    int ok = fscanf(f, "%u", &port) == 1 && port;
    fclose(f);
    int fd = ok ? open("/dev/xlite/evtchn", O_RDWR | O_NONBLOCK) : -1;
    if (fd < 0)
        return;
    struct xl_evtchn_bind b = { .remote_dom = 0, .remote_port = port };
    if (ioc(fd, XL_EVTCHN_BIND_INTERDOMAIN, &b) == 0) {
        ioc(fd, XL_EVTCHN_NOTIFY, (void *)(uintptr_t)b.port);
        ioc(fd, XL_EVTCHN_UNBIND, (void *)(uintptr_t)b.port);
    }
    close(fd);
}
