/* Guest console output on the hypervisor console: console_io writes and the console
 * ring's out[] both end up here, printed line by line as "(d<id>) text" for dom0 and
 * "(<name>) text" for other domains. */
#include <hv/domain.h>
#include <hv/lib.h>
#include <asm/mm.h>
#include <hv/printk.h>
#include <xlite/io/console.h>

/* dom0 (and a domain without a name) is "(d<id>)"; a domU is "(<name>)". */
static void flush_line(struct domain *d)
{
    if (d->id == 0 || !d->name[0])
        printk("(d%u) %.*s\n", d->id, (int)d->conlen, d->conbuf);
    else
        printk("(%s) %.*s\n", d->name, (int)d->conlen, d->conbuf);
    d->conlen = 0;
}

void console_guest_write(struct domain *d, const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (c == '\n') {
            flush_line(d);
            continue;
        }
        if (c == '\r' || c == '\0')
            continue;
        /* Non-printing bytes are shown as '?': a guest cannot drive the terminal. */
        d->conbuf[d->conlen++] = (c >= 0x20 && c < 0x7F) || c == '\t' ? c : '?';
        if (d->conlen == sizeof(d->conbuf))
            flush_line(d);
    }
}

void console_drain(struct domain *d)
{
    if (!d->console_mfn)
        return;
    struct xencons_interface *intf = maddr_to_virt(d->console_mfn << PAGE_SHIFT);
    uint32_t prod = __atomic_load_n(&intf->out_prod, __ATOMIC_ACQUIRE);
    uint32_t cons = intf->out_cons;

    if (prod - cons > sizeof(intf->out))     /* the guest owns these indices: clamp */
        cons = prod - sizeof(intf->out);
    if (cons != prod && d->console_port)      /* a domU's ring is its console */
        d->console_ring_used = true;
    while (cons != prod) {
        char c = intf->out[MASK_XENCONS_IDX(cons, intf->out)];
        console_guest_write(d, &c, 1);
        cons++;
    }
    __atomic_store_n(&intf->out_cons, cons, __ATOMIC_RELEASE);
}
