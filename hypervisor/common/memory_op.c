/* memory_op (hypercall 12): reservation queries, order-0 increase_reservation and
 * populate_physmap, the domain's memory map, and a fully validated but refused
 * XENMEM_exchange. Return codes follow Xen's, including its quirk that the
 * reservation ops report most refusals as "0 extents done" rather than an errno. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/domain.h>
#include <asm/guest_access.h>
#include <asm/current.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <asm/mm.h>
#include <hv/page_alloc.h>
#include <xlite/errno.h>
#include <xlite/memory.h>
#include <xlite/xen.h>

/* cmd = op in bits 0-5 | the extent to start from (a continuation) above. */
#define MEMOP_EXTENT_SHIFT  6
#define MEMOP_CMD_MASK      ((1ul << MEMOP_EXTENT_SHIFT) - 1)

/* Largest extent order Xen accepts from a domU / a control domain (its defaults). */
#define MEMOP_MAX_ORDER_DOMU  9
#define MEMOP_MAX_ORDER_PRIV  20
/* Node numbers Xen accepts from a privileged caller (MAX_NUMNODES); "no node" value. */
#define MEMOP_MAX_NUMNODES    64
#define MEMOP_NO_NODE         0xFFu

/* XENMEM_memory_map entries: Xen's packed 20-byte E820 layout. */
struct memop_e820 {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct memop_e820) == 20, "E820 entry is 20 bytes");
#define E820_RAM 1

static struct domain *current_domain(void)
{
    return current_vcpu()->domain;
}

/* DOMID_SELF or a live domain by id; NULL if none. */
static struct domain *memop_domain(domid_t id)
{
    return id == DOMID_SELF ? current_domain() : domain_by_id(id);
}

/* Xen's XSM_TARGET rule: a domain may act on itself, the privileged domain on any. */
static bool may_target(const struct domain *self, const struct domain *d)
{
    return d == self || self->privileged;
}

/* The builder counts the shared_info frame in tot_pages and max_pages (the domain owns
 * it for teardown); Xen does not, as it is not guest RAM. Report guest RAM only. */
static uint64_t guest_pages(const struct domain *d, uint64_t pages)
{
    uint64_t hidden = d->shared_info ? 1 : 0;

    return pages > hidden ? pages - hidden : 0;
}

/* Entries [first, last] of a guest array of 8-byte frame numbers at base are all guest
 * memory. The start address wraps as in Xen; last = first - 1 is the empty range.
 * XSA-212: callers check the part still to be processed, not just the array base. */
static bool extents_ok(uint64_t base, uint64_t first, uint64_t last)
{
    uint64_t n = last - first + 1;

    if (n > (UINT64_MAX >> 3))
        return false;
    return guest_range_ok(base + first * sizeof(xen_pfn_t), n * sizeof(xen_pfn_t));
}

/* Xen's node rule (XSA-231: any value 0x00-0xFF arrives): no node is always fine; a
 * privileged caller may name nodes < MAX_NUMNODES, an unprivileged one may only hint.
 * xlite has one node, so an exact request for another node cannot be satisfied. */
static bool node_ok(const struct domain *self, uint32_t mem_flags)
{
    unsigned int node = XENMEMF_get_node(mem_flags);
    bool exact = mem_flags & XENMEMF_exact_node_request;

    if ((mem_flags & XENMEMF_vnode) || node == MEMOP_NO_NODE)
        return true;                    /* vnode: no virtual NUMA, so no constraint */
    if (!self->privileged)
        return !exact;
    return node < MEMOP_MAX_NUMNODES && !(exact && node != 0);
}

/* Address bits needed to reach every machine frame (Xen: order of max_page + 12). */
static unsigned int machine_address_bits(void)
{
    uint64_t max_page = frame_alloc.base_mfn + frame_alloc.nr_frames;
    unsigned int order = 0;

    while (order < 52 && (1ull << order) < max_page)
        order++;
    return order + PAGE_SHIFT;
}

/* Xen refuses address_bits <= 12 when they restrict anything; larger limits ask for
 * frames below 2^bits, which domain_alloc_frame cannot promise, so xlite refuses any
 * limit that would actually restrict. */
static bool address_bits_ok(uint32_t mem_flags)
{
    unsigned int bits = XENMEMF_get_address_bits(mem_flags);

    return bits == 0 || bits >= machine_address_bits();
}

/* increase_reservation / populate_physmap, order 0 only. Returns the number of extents
 * done, counting from `start` (so a continuation's own start counts as done). Refusals
 * in Xen's style, all "nothing more done" (= start): unreadable reservation, too many
 * extents for a continuation, start beyond the end, unknown domain, a node or address
 * limit that cannot be met, another domain without privilege, an extent list outside
 * guest memory, populate-on-demand, extent_order > 0 (xlite only allocates single
 * frames; Xen would do 1..9 for a domU). Allocation stops at max_pages or when the
 * list cannot be read/written; a frame whose MFN could not be written back stays with
 * the domain but is not in the count, as in Xen. */
static long memop_reservation(unsigned int op, uint64_t start, uint64_t arg)
{
    struct domain *self = current_domain();
    struct xen_memory_reservation r;

    if (copy_from_guest(&r, arg, sizeof(r)))
        return start;
    if (r.nr_extents > (UINT32_MAX >> MEMOP_EXTENT_SHIFT) || start >= r.nr_extents)
        return start;
    struct domain *d = memop_domain(r.domid);
    if (!d || !address_bits_ok(r.mem_flags) || !node_ok(self, r.mem_flags) ||
        !may_target(self, d))
        return start;

    bool populate = op == XENMEM_populate_physmap;
    uint64_t list = xlite_guest_handle_addr(r.extent_start);
    if ((populate || list) && !extents_ok(list, start, r.nr_extents - 1))
        return start;
    if (r.extent_order != 0 || (populate && (r.mem_flags & XENMEMF_populate_on_demand)))
        return start;

    uint64_t i;
    for (i = start; i < r.nr_extents; i++) {
        uint64_t slot = list + i * sizeof(xen_pfn_t);
        xen_pfn_t gpfn = 0;
        if (populate && copy_from_guest(&gpfn, slot, sizeof(gpfn)))
            break;
        mfn_t mfn = domain_alloc_frame(d);
        if (mfn == INVALID_MFN)
            break;
        if (populate)
            m2p_set(mfn, gpfn);
        if ((populate || list) && copy_to_guest(slot, &mfn, sizeof(mfn)))
            break;
    }
    return (long)i;
}

/* decrease_reservation (PV: the extents are MFNs the caller gives back): order-0
 * extents only; stops at the first frame that is not the target's, is still mapped,
 * pinned or held (Xen: refused), or unreadable. Returns the number of extents done. */
static long memop_decrease(uint64_t start, uint64_t arg)
{
    struct domain *self = current_domain();
    struct xen_memory_reservation r;

    if (copy_from_guest(&r, arg, sizeof(r)))
        return start;
    if (r.nr_extents > (UINT32_MAX >> MEMOP_EXTENT_SHIFT) || start >= r.nr_extents ||
        r.extent_order != 0)
        return start;
    struct domain *d = memop_domain(r.domid);
    if (!d || !may_target(self, d))
        return start;
    uint64_t list = xlite_guest_handle_addr(r.extent_start);
    uint64_t i;
    for (i = start; i < r.nr_extents; i++) {
        xen_pfn_t mfn;
        if (copy_from_guest(&mfn, list + i * sizeof(mfn), sizeof(mfn)) ||
            domain_free_frame(d, mfn))
            break;
    }
    return (long)i;
}

/* current/maximum_reservation: refuses a continuation (-EINVAL), an unreadable domid
 * (-EFAULT), an unknown domain (-ESRCH) and another domain without privilege (-EPERM).
 * Returns the page count. */
static long memop_reservation_query(unsigned int op, uint64_t start, uint64_t arg)
{
    struct domain *self = current_domain();
    domid_t id;

    if (start)
        return -XEN_EINVAL;
    if (copy_from_guest(&id, arg, sizeof(id)))
        return -XEN_EFAULT;
    struct domain *d = memop_domain(id);
    if (!d)
        return -XEN_ESRCH;
    if (!may_target(self, d))
        return -XEN_EPERM;
    return (long)guest_pages(d, op == XENMEM_current_reservation ? d->tot_pages
                                                                  : d->max_pages);
}

/* XENMEM_exchange checks, in Xen's order: an error, 1 if nothing is left to exchange
 * (Xen returns 0 at once), 0 if the request is valid. */
static long exchange_check(const struct xen_memory_exchange *x)
{
    struct domain *self = current_domain();
    unsigned int in_order = x->in.extent_order, out_order = x->out.extent_order;
    unsigned int max = self->privileged ? MEMOP_MAX_ORDER_PRIV : MEMOP_MAX_ORDER_DOMU;

    if (in_order > max || out_order > max)
        return -XEN_EPERM;
    if (x->nr_exchanged > x->in.nr_extents || x->in.domid != x->out.domid ||
        (UINT64_MAX >> in_order) < x->in.nr_extents ||
        (UINT64_MAX >> out_order) < x->out.nr_extents ||
        (x->in.nr_extents << in_order) != (x->out.nr_extents << out_order))
        return -XEN_EINVAL;
    if (x->nr_exchanged == x->in.nr_extents)
        return 1;

    /* Both arrays from the first entry still to be processed (XSA-212). */
    uint64_t out_first = in_order <= out_order
                         ? x->nr_exchanged >> (out_order - in_order)
                         : x->nr_exchanged << (in_order - out_order);
    if (!extents_ok(xlite_guest_handle_addr(x->in.extent_start), x->nr_exchanged,
                    x->in.nr_extents - 1) ||
        !extents_ok(xlite_guest_handle_addr(x->out.extent_start), out_first,
                    x->out.nr_extents - 1))
        return -XEN_EFAULT;
    if (!node_ok(self, x->out.mem_flags))
        return -XEN_EINVAL;
    struct domain *d = memop_domain(x->in.domid);
    if (!d)
        return -XEN_ESRCH;
    if (!may_target(self, d))
        return -XEN_EPERM;
    return 0;
}

/* Refuses a continuation (-EINVAL), an unreadable argument (-EFAULT), any request
 * failing Xen's checks (-EPERM / -EINVAL / -EFAULT / -ESRCH, see exchange_check), and
 * then every exchange that would do something: -ENOSYS (not implemented: no guest
 * has needed it yet). A request with nothing left
 * returns 0. As in Xen, a refusal writes nr_exchanged back (unchanged); if that fails
 * the result is -EFAULT. */
static long memop_exchange(uint64_t start, uint64_t arg)
{
    struct xen_memory_exchange x;

    if (start)
        return -XEN_EINVAL;
    if (copy_from_guest(&x, arg, sizeof(x)))
        return -XEN_EFAULT;
    long rc = exchange_check(&x);
    if (rc > 0)
        return 0;                                   /* nothing left: done */
    if (rc == 0) {
        /* Xen reads the first input extent and writes the first output one before it
         * can fail for any other reason: unmapped arrays are -EFAULT. */
        xen_pfn_t pfn;
        uint64_t in = xlite_guest_handle_addr(x.in.extent_start) +
                      x.nr_exchanged * sizeof(xen_pfn_t);
        uint64_t out = xlite_guest_handle_addr(x.out.extent_start);
        if (copy_from_guest(&pfn, in, sizeof(pfn)) || copy_from_guest(&pfn, out, sizeof(pfn)))
            rc = -XEN_EFAULT;
        else
            rc = -XEN_ENOSYS;
    }
    if (copy_to_guest(arg + offsetof(struct xen_memory_exchange, nr_exchanged),
                      &x.nr_exchanged, sizeof(x.nr_exchanged)))
        rc = -XEN_EFAULT;
    return rc;
}

/* The PV guest's E820: one RAM entry covering its pages, [0, pages * 4 KiB), as a
 * toolstack-provided map would. Refuses an unreadable/unwritable argument or buffer
 * (-EFAULT). Writes min(nr_entries, 1) entries and the count back; returns 0. */
static long memop_memory_map(uint64_t arg)
{
    const struct domain *d = current_domain();
    struct xen_memory_map map;
    struct memop_e820 ram = {
        .addr = 0,
        .size = guest_pages(d, d->tot_pages) << PAGE_SHIFT,
        .type = E820_RAM,
    };

    if (copy_from_guest(&map, arg, sizeof(map)))
        return -XEN_EFAULT;
    map.nr_entries = MIN(map.nr_entries, 1u);
    if (map.nr_entries &&
        copy_to_guest(xlite_guest_handle_addr(map.buffer), &ram, sizeof(ram)))
        return -XEN_EFAULT;
    return copy_to_guest(arg, &map, sizeof(map)) ? -XEN_EFAULT : 0;
}

/* The op is cmd's low 6 bits; the rest is the start extent of a continuation, honoured
 * by the reservation ops and refused (-EINVAL) by the others that Xen refuses it for.
 * Unknown ops: -ENOSYS. */
long do_memory_op(uint64_t cmd, uint64_t arg)
{
    unsigned int op = cmd & MEMOP_CMD_MASK;
    uint64_t start = cmd >> MEMOP_EXTENT_SHIFT;

    switch (op) {
    case XENMEM_increase_reservation:
    case XENMEM_populate_physmap:
        return memop_reservation(op, start, arg);
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
        return memop_reservation_query(op, start, arg);
    case XENMEM_exchange:
        return memop_exchange(start, arg);
    case XENMEM_memory_map:
        return memop_memory_map(arg);
    case XENMEM_machphys_mapping: {
        /* Where the read-only M2P is; it covers every MFN the ABI allows. */
        struct xen_machphys_mapping m = {
            .v_start = MACH2PHYS_VIRT_START,
            .v_end = MACH2PHYS_VIRT_END,
            .max_mfn = MACH2PHYS_NR_ENTRIES - 1,
        };
        return copy_to_guest(arg, &m, sizeof(m)) ? -XEN_EFAULT : 0;
    }
    case XENMEM_decrease_reservation:
        return memop_decrease(start, arg);
    default:
        return -XEN_ENOSYS;
    }
}
