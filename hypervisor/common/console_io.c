/* console_io (hypercall 18). CONSOLEIO_write prints guest text on the hypervisor
 * console as "(d<id>) ..." lines; CONSOLEIO_read hands serial input to the privileged
 * domain. Release Xen refuses writes from unprivileged domains with -EPERM; xlite
 * accepts them from every domain (the ABI notes recommend it: it is XTF's and
 * Mini-OS's earliest output path, and output is line-buffered and sanitised). */
#include <stdint.h>

#include <asm/console.h>
#include <hv/console_input.h>
#include <hv/domain.h>
#include <asm/guest_access.h>
#include <asm/current.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <xlite/errno.h>
#include <xlite/xen.h>

/* Bytes copied from the guest per step: bounded stack use for any count. */
#define CONSOLE_IO_CHUNK 128

/* Per console_input.h. */
bool console_input_pull(void)
{
    bool any = false;
    int c;

    while (console_input_pending() < CONSOLE_INPUT_SIZE && (c = console_getc()) >= 0) {
        console_input_put((char)c);
        any = true;
    }
    return any;
}

/* Refuses a buffer outside guest space or not mapped readable (-EFAULT); what was
 * read before the fault has been printed (as in Xen). A domain that writes its console
 * ring (Xen's test framework writes every line to both) has its console_io text read
 * and checked but not shown again: the ring is its console. */
static long console_write(struct domain *d, uint32_t count, uint64_t buf)
{
    char kbuf[CONSOLE_IO_CHUNK];

    if (count && !guest_range_ok(buf, count))
        return -XEN_EFAULT;
    console_drain(d);                         /* ring text first, and notices the ring */
    for (uint32_t done = 0; done < count;) {
        uint32_t n = MIN(count - done, (uint32_t)sizeof(kbuf));
        if (copy_from_guest(kbuf, buf + done, n))
            return -XEN_EFAULT;
        if (!d->console_ring_used)
            console_guest_write(d, kbuf, n);
        done += n;
    }
    return 0;
}

/* Refuses unprivileged callers (-EPERM), counts that would not fit the positive
 * return value (-E2BIG) and unwritable buffers (-EFAULT; the bytes stay queued).
 * Returns the number of bytes copied, 0 if no input is waiting. */
static long console_read(struct domain *d, uint32_t count, uint64_t buf)
{
    char kbuf[CONSOLE_IO_CHUNK];
    uint32_t done = 0;

    if (!d->privileged)
        return -XEN_EPERM;
    if (count > INT32_MAX)
        return -XEN_E2BIG;
    console_input_pull();                     /* what arrived since the last poll */
    while (done < count) {
        size_t n = console_input_peek(kbuf, MIN(count - done, (uint32_t)sizeof(kbuf)));
        if (n == 0)
            break;
        if (copy_to_guest(buf + done, kbuf, n))
            return -XEN_EFAULT;
        console_input_consume(n);
        done += (uint32_t)n;
    }
    return done;
}

/* Xen's handler takes (unsigned int cmd, unsigned int count, char *buf): the upper
 * halves of the first two registers are ignored. Unknown commands: -ENOSYS. */
long do_console_io(uint64_t cmd, uint64_t count, uint64_t buf)
{
    struct domain *d = current_vcpu()->domain;

    switch ((uint32_t)cmd) {
    case CONSOLEIO_write:
        return console_write(d, (uint32_t)count, buf);
    case CONSOLEIO_read:
        return console_read(d, (uint32_t)count, buf);
    default:
        return -XEN_ENOSYS;
    }
}
