/* XL_PRIVCMD_HYPERCALL: the hypercalls a dom0 process may make, each with every pointer
 * it carries (nested ones too) bounced through kernel memory, because the hypervisor
 * sees the kernel's page tables, never the process's. Only what the toolstack needs is
 * let through, and only aimed at other domains where dom0's own state could suffer. */
#include <xlite/domctl.h>
#include <xlite/event_channel.h>
#include <xlite/grant_table.h>
#include <xlite/memory.h>
#include <xlite/sched.h>

#include "devices.h"
#include "privcmd.h"
#include "proc.h"
#include "uapi/xlite_dev.h"

#define HC_MMU_UPDATE 1
#define HC_MEMORY_OP 12
#define HC_CONSOLE_IO 18
#define HC_GRANT_TABLE_OP 20
#define HC_MMUEXT_OP 26
#define HC_SCHED_OP 29
#define HC_EVTCHN_OP 32
#define HC_DOMCTL 36

#define CHUNK_ITEMS(type) (PAGE_SIZE / sizeof(type))
#define READCONSOLE_MAX (128u << 10)    /* bytes of hypervisor log copied at once */
#define MMUEXT_MAX 16u
#define SETUP_FRAMES_MAX 32u

/* Whole zeroed kernel pages holding at least bytes; NULL when memory is out. */
static void *kbuf_alloc(size_t bytes)
{
    unsigned int n = (unsigned int)((bytes + PAGE_SIZE - 1) / PAGE_SIZE);
    uint64_t pfn = page_alloc_n(n ? n : 1);
    return pfn ? pfn_to_va(pfn) : NULL;
}

static void kbuf_free(void *p, size_t bytes)
{
    unsigned int n = (unsigned int)((bytes + PAGE_SIZE - 1) / PAGE_SIZE);
    for (unsigned int i = 0; i < (n ? n : 1); i++)
        page_free(va_to_pfn(p) + i);
}

static bool other_domain(uint64_t dom)
{
    return dom != 0 && dom < DOMID_FIRST_RESERVED;
}

/* increase_reservation for another domain, extent order 0, in page-sized chunks of the
 * extent array. Refuses other memory ops, dom0 or DOMID_SELF as target, order != 0. */
static long memory_op(const uint64_t a[5], long *ret)
{
    struct xen_memory_reservation r;
    uint64_t *ext;

    if (a[0] != XENMEM_increase_reservation)
        return -XE_PERM;
    if (copy_from_user(&r, a[1], sizeof(r)))
        return -XE_FAULT;
    if (!other_domain(r.domid) || r.extent_order != 0 || !r.extent_start)
        return -XE_PERM;
    if (!(ext = kbuf_alloc(PAGE_SIZE)))
        return -XE_NOMEM;
    uint64_t user = (uint64_t)(uintptr_t)r.extent_start, done = 0, nr = r.nr_extents;
    long rc = 0;
    *ret = 0;
    while (done < nr) {
        uint64_t k = MIN(nr - done, (uint64_t)CHUNK_ITEMS(uint64_t));
        struct xen_memory_reservation kr = r;
        uint64_t ka[5] = { XENMEM_increase_reservation, (uint64_t)(uintptr_t)&kr };

        /* Check the destination before frames are handed out into it. */
        if (copy_to_user(user + done * 8, ext, k * 8)) {
            rc = -XE_FAULT;
            break;
        }
        set_xen_guest_handle(kr.extent_start, ext);
        kr.nr_extents = k;
        long got = arch_hypercall(HC_MEMORY_OP, ka);
        if (got > 0 && copy_to_user(user + done * 8, ext, (size_t)got * 8))
            rc = -XE_FAULT;
        if (got < 0 && done == 0)
            *ret = got;
        if (got > 0)
            done += (uint64_t)got;
        if (got != (long)k || rc)
            break;
    }
    if (done)
        *ret = (long)done;
    kbuf_free(ext, PAGE_SIZE);
    return rc;
}

/* MMU_MACHPHYS_UPDATE requests for another domain, a page of requests at a time.
 * Refuses any other request type (dom0's own page tables are the kernel's) and a
 * foreigndom that is dom0 or reserved. */
static long mmu_update(const uint64_t a[5], long *ret)
{
    uint64_t count = a[1], done = 0;
    struct mmu_update *req;
    long rc = 0;

    if (!other_domain(a[3]) || count > (1u << 20))
        return -XE_PERM;
    if (!(req = kbuf_alloc(PAGE_SIZE)))
        return -XE_NOMEM;
    *ret = 0;
    while (done < count && !rc) {
        uint64_t k = MIN(count - done, (uint64_t)CHUNK_ITEMS(struct mmu_update));
        if (copy_from_user(req, a[0] + done * sizeof(*req), k * sizeof(*req))) {
            rc = -XE_FAULT;
            break;
        }
        for (uint64_t i = 0; i < k; i++)
            if ((req[i].ptr & 7) != MMU_MACHPHYS_UPDATE)
                rc = -XE_PERM;
        if (rc)
            break;
        uint64_t ka[5] = { (uint64_t)(uintptr_t)req, k, 0, a[3] };
        *ret = arch_hypercall(HC_MMU_UPDATE, ka);
        if (*ret)
            break;
        done += k;
    }
    if (!rc && a[2] && copy_to_user(a[2], &(uint32_t){ (uint32_t)done }, 4))
        rc = -XE_FAULT;
    kbuf_free(req, PAGE_SIZE);
    return rc;
}

/* Pin/unpin an L4 for another domain. Refuses other commands, more than 16 ops, and a
 * foreigndom that is dom0 or reserved. */
static long mmuext_op(const uint64_t a[5], long *ret)
{
    struct mmuext_op ops[MMUEXT_MAX];
    uint64_t count = a[1];

    if (!other_domain(a[3]) || count == 0 || count > MMUEXT_MAX)
        return -XE_PERM;
    if (copy_from_user(ops, a[0], count * sizeof(ops[0])))
        return -XE_FAULT;
    for (uint64_t i = 0; i < count; i++)
        if (ops[i].cmd != MMUEXT_PIN_L4_TABLE && ops[i].cmd != MMUEXT_UNPIN_TABLE)
            return -XE_PERM;
    uint32_t done = 0;
    uint64_t ka[5] = { (uint64_t)(uintptr_t)ops, count, (uint64_t)(uintptr_t)&done, a[3] };
    *ret = arch_hypercall(HC_MMUEXT_OP, ka);
    if (a[2] && copy_to_user(a[2], &done, 4))
        return -XE_FAULT;
    return 0;
}

/* GNTTABOP_setup_table (one op) for another domain, with its frame list bounced.
 * Refuses other grant ops, count != 1, dom0 or reserved ids, more than 32 frames. */
static long grant_table_op(const uint64_t a[5], long *ret)
{
    struct gnttab_setup_table op;
    uint64_t frames[SETUP_FRAMES_MAX] = { 0 };

    if (a[0] != GNTTABOP_setup_table || a[2] != 1)
        return -XE_PERM;
    if (copy_from_user(&op, a[1], sizeof(op)))
        return -XE_FAULT;
    if (!other_domain(op.dom) || op.nr_frames > SETUP_FRAMES_MAX)
        return -XE_PERM;
    uint64_t user = (uint64_t)(uintptr_t)op.frame_list;
    if (copy_to_user(user, frames, op.nr_frames * 8ul))
        return -XE_FAULT;
    struct gnttab_setup_table kop = op;
    set_xen_guest_handle(kop.frame_list, frames);
    uint64_t ka[5] = { GNTTABOP_setup_table, (uint64_t)(uintptr_t)&kop, 1 };
    *ret = arch_hypercall(HC_GRANT_TABLE_OP, ka);
    op.status = kop.status;
    if (copy_to_user(user, frames, op.nr_frames * 8ul) ||
        copy_to_user(a[1], &op, sizeof(op)))
        return -XE_FAULT;
    return 0;
}

/* domctl, with setvcpucontext's context and readconsole's buffer bounced too. Refuses
 * unreadable structs, a readconsole buffer that is not writable, and commands this
 * kernel does not know (their pointers would reach the hypervisor unbounced). */
static long domctl(const uint64_t a[5], long *ret)
{
    struct xlite_domctl op;
    void *nested = NULL;
    size_t nbytes = 0;
    uint64_t user_nested = 0;
    long rc = 0;

    if (copy_from_user(&op, a[0], sizeof(op)))
        return -XE_FAULT;
    /* A command not known here might carry a pointer this file would not bounce. */
    if (op.cmd < XLITE_DOMCTL_getdomaininfo || op.cmd > XLITE_DOMCTL_physinfo)
        return -XE_PERM;
    if (op.cmd == XLITE_DOMCTL_setvcpucontext) {
        nbytes = sizeof(struct vcpu_guest_context);
        user_nested = op.u.setvcpucontext.ctxt;
    } else if (op.cmd == XLITE_DOMCTL_readconsole) {
        op.u.readconsole.size = MIN(op.u.readconsole.size, READCONSOLE_MAX);
        nbytes = op.u.readconsole.size;
        user_nested = op.u.readconsole.buffer;
    }
    if (nbytes) {
        if (!(nested = kbuf_alloc(nbytes)))
            return -XE_NOMEM;
        /* Read the context; probe the console buffer for writing before it is used. */
        if (op.cmd == XLITE_DOMCTL_setvcpucontext ? copy_from_user(nested, user_nested, nbytes)
                                                   : copy_to_user(user_nested, nested, nbytes)) {
            kbuf_free(nested, nbytes);
            return -XE_FAULT;
        }
        if (op.cmd == XLITE_DOMCTL_setvcpucontext)
            op.u.setvcpucontext.ctxt = (uint64_t)(uintptr_t)nested;
        else
            op.u.readconsole.buffer = (uint64_t)(uintptr_t)nested;
    }
    uint64_t ka[5] = { (uint64_t)(uintptr_t)&op };
    *ret = arch_hypercall(HC_DOMCTL, ka);
    if (op.cmd == XLITE_DOMCTL_setvcpucontext)
        op.u.setvcpucontext.ctxt = user_nested;
    if (op.cmd == XLITE_DOMCTL_readconsole && nested) {
        op.u.readconsole.buffer = user_nested;
        if (*ret == 0 && copy_to_user(user_nested, nested,
                                      MIN((size_t)op.u.readconsole.count, nbytes)))
            rc = -XE_FAULT;
    }
    if (copy_to_user(a[0], &op, sizeof(op)))
        rc = -XE_FAULT;
    if (nested)
        kbuf_free(nested, nbytes);
    return rc;
}

/* Calls whose one pointer argument is a flat struct or buffer: its size, -1 if refused. */
static long flat_size(const uint64_t a[5], uint64_t op, int *idx)
{
    switch (op) {
    case HC_SCHED_OP:
        *idx = 1;
        return a[0] == SCHEDOP_remote_shutdown ? (long)sizeof(struct sched_remote_shutdown)
                                               : -1;
    case HC_CONSOLE_IO:
        *idx = 2;
        return (a[0] == CONSOLEIO_write || a[0] == CONSOLEIO_read) && a[1] <= PAGE_SIZE ?
               (long)a[1] : -1;
    case HC_EVTCHN_OP:
        *idx = 1;
        switch (a[0]) {
        case EVTCHNOP_alloc_unbound: return sizeof(struct evtchn_alloc_unbound);
        case EVTCHNOP_bind_interdomain: return sizeof(struct evtchn_bind_interdomain);
        case EVTCHNOP_close: return sizeof(struct evtchn_close);
        case EVTCHNOP_send: return sizeof(struct evtchn_send);
        case EVTCHNOP_status: return sizeof(struct evtchn_status);
        case EVTCHNOP_unmask: return sizeof(struct evtchn_unmask);
        default: return -1;
        }
    default:
        return -1;
    }
}

/* Refuses calls outside the list (-XE_PERM) and unreadable/unwritable buffers. */
static long flat_call(uint64_t op, const uint64_t in[5], long *ret)
{
    int idx = 0;
    long size = flat_size(in, op, &idx);

    if (size < 0)
        return -XE_PERM;
    char *k = kmalloc(size ? (size_t)size : 1);
    if (!k)
        return -XE_NOMEM;
    uint64_t a[5];
    memcpy(a, in, sizeof(a));
    uint64_t ubuf = a[idx];
    long rc = 0;
    if (size && copy_from_user(k, ubuf, (size_t)size))
        rc = -XE_FAULT;
    if (!rc) {
        a[idx] = (uint64_t)(uintptr_t)k;
        *ret = arch_hypercall(op, a);
        if (size && copy_to_user(ubuf, k, (size_t)size))
            rc = -XE_FAULT;
    }
    kfree(k);
    return rc;
}

long privcmd_hypercall(uint64_t uarg)
{
    struct xl_privcmd_hypercall h;
    long rc, ret = 0;

    if (copy_from_user(&h, uarg, sizeof(h)))
        return -XE_FAULT;
    switch (h.op) {
    case HC_MEMORY_OP: rc = memory_op(h.arg, &ret); break;
    case HC_MMU_UPDATE: rc = mmu_update(h.arg, &ret); break;
    case HC_MMUEXT_OP: rc = mmuext_op(h.arg, &ret); break;
    case HC_GRANT_TABLE_OP: rc = grant_table_op(h.arg, &ret); break;
    case HC_DOMCTL: rc = domctl(h.arg, &ret); break;
    default: rc = flat_call(h.op, h.arg, &ret); break;
    }
    if (rc)
        return rc;
    h.ret = ret;
    return copy_to_user(uarg + offsetof(struct xl_privcmd_hypercall, ret), &h.ret, 8) ?
           -XE_FAULT : 0;
}
