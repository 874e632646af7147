/* What the console and store backends need from a new domain (ABI notes §1.10): an
 * unbound port each, bound later by the backend, and grant entries 0 (console) and 1
 * (store) letting the backend map the two ring pages, as guests expect them reserved. */
#include <string.h>

#include "builder.h"
#include <xlite/errno.h>
#include <xlite/grant_table.h>

#define GREF_CONSOLE 0
#define GREF_STORE   1

static int alloc_port(struct builder *b, const char *what, uint32_t *port)
{
    long rc = ctrl_evtchn_alloc_unbound(b->c, b->domid, b->a->backend, port);

    return rc ? builder_fail(b, (int)rc, "no %s event channel (error %ld)", what, rc) : 0;
}

/* Grant frame 0 of the domain, with entries 0 and 1 written. The hypervisor zeroes a
 * new grant frame, so only these two entries are written (flags last, as a granter
 * must, though the domain cannot run yet). */
static int seed_grants(struct builder *b)
{
    const struct ctrl *c = b->c;
    uint64_t frame = 0;
    int16_t st = 0;
    long rc = ctrl_gnttab_setup_table(c, b->domid, 1, &frame, &st);

    if (rc)
        return builder_fail(b, (int)rc, "no grant table frame (error %ld, status %d)", rc,
                            st);
    struct grant_entry_v1 *g = c->ops->map(c->ctx, b->domid, frame, true);
    if (!g)
        return builder_fail(b, -XEN_EFAULT, "cannot map grant frame MFN %#lx",
                            (unsigned long)frame);
    g[GREF_CONSOLE].domid = b->a->backend;
    g[GREF_CONSOLE].frame = (uint32_t)b->out.console_mfn;
    g[GREF_STORE].domid = b->a->backend;
    g[GREF_STORE].frame = (uint32_t)b->out.store_mfn;
    __atomic_thread_fence(__ATOMIC_RELEASE);   /* newlib's stdatomic.h does not build */
    g[GREF_CONSOLE].flags = GTF_permit_access;
    g[GREF_STORE].flags = GTF_permit_access;
    int urc = c->ops->unmap(c->ctx, g);
    if (urc)
        return builder_fail(b, urc, "cannot unmap grant frame (error %d)", urc);
    b->out.grant_frame = frame;
    return 0;
}

int backends_setup(struct builder *b)
{
    int rc;

    b->out.console_mfn = b->p2m[b->l.console_pfn];
    b->out.store_mfn = b->p2m[b->l.store_pfn];
    if (b->out.console_mfn > UINT32_MAX || b->out.store_mfn > UINT32_MAX)
        return builder_fail(b, -XEN_ERANGE, "ring frames above 2^32 cannot be granted (v1)");
    if ((rc = alloc_port(b, "console", &b->out.console_port)))
        return rc;
    if ((rc = alloc_port(b, "store", &b->out.store_port)))
        return rc;
    return seed_grants(b);
}
