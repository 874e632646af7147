/* memory_op (hypercall 12): the queries and the argument checks.
 *
 * Checks: XENMEM_current_reservation(DOMID_SELF) is nr_pages (shared_info is not
 * guest RAM), maximum_reservation is at least that, an unknown domain is -ESRCH, an
 * unreadable domid -EFAULT; XENMEM_machphys_mapping names the M2P range
 * (MACH2PHYS_VIRT_START..END, max_mfn = entries - 1); increase_reservation with 0
 * extents does nothing, and with extent_start NULL survives every NUMA node value in
 * mem_flags bits 8-15 (XSA-231); XENMEM_exchange whose out array, offset by
 * nr_exchanged, lands on the hypervisor's IDT is refused (XSA-212: -EFAULT, or
 * -EINVAL since xlite's header requires nr_exchanged = 0) and the hypervisor keeps
 * running; an unknown sub-command is -ENOSYS.
 * Without it: balloon drivers size themselves wrongly, and a bounds check on only
 * the array base lets a guest write hypervisor memory.
 */
#include "rt.h"
#include <xlite/memory.h>

static void t_reservation(void)
{
    domid_t self = DOMID_SELF, zero = 0, none = 0x7000;

    t_begin("current_reservation");
    long cur = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
    t_eq("current_reservation(DOMID_SELF)", cur, start_info->nr_pages);
    t_eq("current_reservation(0) (dom0 by id)",
         HYPERVISOR_memory_op(XENMEM_current_reservation, &zero), cur);
    t_end();

    t_begin("maximum_reservation");
    long max = HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self);
    t_check(max >= (long)start_info->nr_pages, "maximum_reservation %ld < nr_pages %lu", max,
            (unsigned long)start_info->nr_pages);
    t_end();

    t_begin("reservation_errors");
    t_eq("current_reservation(0x7000)",
         HYPERVISOR_memory_op(XENMEM_current_reservation, &none), -XEN_ESRCH);
    t_eq("current_reservation(unmapped pointer)",
         HYPERVISOR_memory_op(XENMEM_current_reservation, (void *)0x40000000ul), -XEN_EFAULT);
    t_end();
}

static void t_machphys(void)
{
    xen_machphys_mapping_t m;

    memset(&m, 0xA5, sizeof(m));
    t_begin("machphys_mapping");
    t_eq("rc", HYPERVISOR_memory_op(XENMEM_machphys_mapping, &m), 0);
    t_eq("v_start", m.v_start, MACH2PHYS_VIRT_START);
    t_eq("v_end", m.v_end, MACH2PHYS_VIRT_END);
    t_eq("max_mfn", m.max_mfn, MACH2PHYS_NR_ENTRIES - 1);
    t_end();
}

static void t_increase(void)
{
    xen_memory_reservation_t r = { .nr_extents = 0, .extent_order = 0,
                                   .domid = DOMID_SELF };
    long rc, bad = 0, first = 0;
    unsigned int bad_node = 0;

    t_begin("increase_zero_extents");
    t_eq("increase_reservation(0 extents)",
         HYPERVISOR_memory_op(XENMEM_increase_reservation, &r), 0);
    t_end();

    t_begin("increase_node_flags_survive");
    r.nr_extents = 1;
    for (unsigned int node = 0; node < 256; node++) {
        r.mem_flags = node << 8;
        rc = HYPERVISOR_memory_op(XENMEM_increase_reservation, &r);
        if (rc > 1 && !bad++) {
            first = rc;
            bad_node = node;
        }
    }
    t_check(bad == 0, "%ld results above 1 extent (node %u: %ld)", bad, bad_node, first);
    t_end();
}

static void t_exchange(void)
{
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } idtr;
    static xen_pfn_t in_pfns[1];
    xen_memory_exchange_t x;

    __asm__ volatile("sidt %0" : "=m"(idtr));
    memset(&x, 0, sizeof(x));
    x.nr_exchanged = idtr.base / 8;
    x.in.nr_extents = x.nr_exchanged + 1;
    x.in.domid = DOMID_SELF;
    set_xen_guest_handle(x.in.extent_start,
                         (xen_pfn_t *)((uint64_t)in_pfns - (x.nr_exchanged * 8)));
    x.out.nr_extents = x.nr_exchanged + 1;
    x.out.domid = DOMID_SELF;
    set_xen_guest_handle(x.out.extent_start, NULL);
    in_pfns[0] = (uint64_t)_image_end >> 12;

    t_begin("exchange_out_of_bounds_refused");
    t_check(idtr.base >= HYPERVISOR_VIRT_START, "sidt base %#lx is not a hypervisor address",
            (unsigned long)idtr.base);
    long rc = HYPERVISOR_memory_op(XENMEM_exchange, &x);
    t_check(rc == -XEN_EFAULT || rc == -XEN_EINVAL,
            "XENMEM_exchange aimed at the IDT (%#lx) returned %ld", (unsigned long)idtr.base,
            rc);
    t_end();

    t_begin("exchange_bad_arrays_efault");
    memset(&x, 0, sizeof(x));
    x.in.nr_extents = 1;
    x.in.domid = DOMID_SELF;
    set_xen_guest_handle(x.in.extent_start, (xen_pfn_t *)0x40000000ul);
    x.out.nr_extents = 1;
    x.out.domid = DOMID_SELF;
    set_xen_guest_handle(x.out.extent_start, (xen_pfn_t *)0x40001000ul);
    t_eq("unmapped extent arrays", HYPERVISOR_memory_op(XENMEM_exchange, &x), -XEN_EFAULT);
    t_eq("unmapped argument", HYPERVISOR_memory_op(XENMEM_exchange, (void *)0x40000000ul),
         -XEN_EFAULT);
    t_end();
}

static void t_unknown(void)
{
    t_begin("unknown_cmd_enosys");
    t_eq("cmd 8 (unassigned)", HYPERVISOR_memory_op(8, NULL), -XEN_ENOSYS);
    t_eq("cmd 99", HYPERVISOR_memory_op(99, NULL), -XEN_ENOSYS);
    t_end();
}

void test_main(void)
{
    t_reservation();
    t_machphys();
    t_increase();
    t_exchange();
    t_unknown();
}
