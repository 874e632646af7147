/* domctl (hypercall 36), xlite's dom0 control interface (pv-abi/include/xlite/domctl.h):
 * every command's checks and results, short of running a built domain (the dom0
 * builder's test does that).
 *
 * Checks: a wrong interface version is -EACCES, padding -EINVAL, an unreadable struct
 * -EFAULT, an unknown command -ENOSYS; getdomaininfo lists dom0 (privileged, running,
 * its name) and then -ESRCH; physinfo reports the allocator's pages and one CPU;
 * readconsole returns the hypervisor's banner and honours size; createdomain refuses
 * flags, 0 or 9 vCPUs, 0 pages, a bad or reserved or taken name and a taken id, and
 * creates a paused domain with its shared_info page (1 page owned) at the lowest free
 * id; memory_op increase_reservation on its behalf gives it frames (tot_pages grows);
 * hypercall_init refuses a frame it does not own and fills one it owns; unpause without
 * a vCPU context is -EINVAL; setvcpucontext refuses a missing vCPU (-ENOENT) and an
 * unreadable context (-EFAULT); pause/destroy of dom0 itself is -EINVAL; destroy frees
 * it (getdomaininfo -ESRCH, physinfo's free pages back to the value before).
 * Without it: dom0 has no way to create or inspect domains (the toolstack issue).
 *
 * EXPECT-LOG: ^d1: created by the toolstack: 'ctl-a', up to 4 MiB, 2 vCPUs$
 * EXPECT-LOG: ^frames: [0-9]+ free, as before any domain was built$
 */
#include "rt.h"
#include <xlite/domctl.h>
#include <xlite/memory.h>

static struct xlite_domctl op;
static char logbuf[256];

static long domctl(uint32_t cmd, domid_t dom)
{
    op.cmd = cmd;
    op.interface_version = XLITE_DOMCTL_INTERFACE_VERSION;
    op.domain = dom;
    return hypercall_nr(__HYPERVISOR_domctl, (long)&op, 0, 0, 0, 0);
}

static long create(const char *name, uint64_t pages, uint32_t vcpus, uint32_t flags,
                   domid_t id)
{
    memset(&op, 0, sizeof(op));
    memcpy(op.u.createdomain.name, name, strlen(name) + 1);
    op.u.createdomain.max_pages = pages;
    op.u.createdomain.max_vcpus = vcpus;
    op.u.createdomain.flags = flags;
    return domctl(XLITE_DOMCTL_createdomain, id);
}

static uint64_t free_pages(void)
{
    memset(&op, 0, sizeof(op));
    return domctl(XLITE_DOMCTL_physinfo, 0) ? 0 : op.u.physinfo.free_pages;
}

static void t_envelope(void)
{
    t_begin("envelope_refusals");
    memset(&op, 0, sizeof(op));
    op.cmd = XLITE_DOMCTL_physinfo;
    op.interface_version = 1;
    t_eq("version 1", hypercall_nr(__HYPERVISOR_domctl, (long)&op, 0, 0, 0, 0), -XEN_EACCES);
    op.interface_version = XLITE_DOMCTL_INTERFACE_VERSION;
    op.pad[1] = 1;
    t_eq("padding", hypercall_nr(__HYPERVISOR_domctl, (long)&op, 0, 0, 0, 0), -XEN_EINVAL);
    t_eq("unreadable", hypercall_nr(__HYPERVISOR_domctl, 0x0000800000000000l, 0, 0, 0, 0),
         -XEN_EFAULT);
    memset(&op, 0, sizeof(op));
    t_eq("unknown command", domctl(77, 0), -XEN_ENOSYS);
    t_eq("unknown command, no such domain", domctl(77, 999), -XEN_ENOSYS);
    t_end();
}

static void t_info(void)
{
    t_begin("getdomaininfo_physinfo_readconsole");
    memset(&op, 0, sizeof(op));
    t_eq("getdomaininfo(0)", domctl(XLITE_DOMCTL_getdomaininfo, 0), 0);
    t_eq("domain", op.u.getdomaininfo.domain, 0);
    t_check(!strcmp(op.u.getdomaininfo.name, "dom0"), "name '%s'", op.u.getdomaininfo.name);
    t_eq("running", !!(op.u.getdomaininfo.flags & XLITE_DOMINFO_running), 1);
    t_eq("tot_pages", op.u.getdomaininfo.tot_pages, start_info->nr_pages + 1);
    t_eq("nr_online_vcpus", op.u.getdomaininfo.nr_online_vcpus, 1);
    t_eq("shared_info_frame", op.u.getdomaininfo.shared_info_frame,
         start_info->shared_info >> 12);
    t_eq("getdomaininfo(1)", domctl(XLITE_DOMCTL_getdomaininfo, 1), -XEN_ESRCH);
    memset(&op, 0, sizeof(op));
    t_eq("physinfo", domctl(XLITE_DOMCTL_physinfo, 0), 0);
    t_eq("nr_cpus", op.u.physinfo.nr_cpus, 1);
    t_check(op.u.physinfo.free_pages > 0 && op.u.physinfo.free_pages <
            op.u.physinfo.total_pages, "free %lu of %lu", (unsigned long)
            op.u.physinfo.free_pages, (unsigned long)op.u.physinfo.total_pages);
    t_eq("nr_domains", op.u.physinfo.nr_domains, 1);
    t_check(op.u.physinfo.cpu_khz > 100000, "cpu_khz %u", op.u.physinfo.cpu_khz);
    memset(&op, 0, sizeof(op));
    op.u.readconsole.buffer = (uint64_t)logbuf;
    op.u.readconsole.size = sizeof(logbuf) - 1;
    t_eq("readconsole", domctl(XLITE_DOMCTL_readconsole, 0), 0);
    t_eq("count", op.u.readconsole.count, sizeof(logbuf) - 1);
    logbuf[op.u.readconsole.count] = '\0';
    t_check(!strncmp(logbuf, "xlite ", 6), "log starts '%.20s'", logbuf);
    op.u.readconsole.buffer = 0x0000800000000000ull;
    t_eq("readconsole, unwritable", domctl(XLITE_DOMCTL_readconsole, 0), -XEN_EFAULT);
    t_end();
}

static void t_create_refusals(void)
{
    t_begin("createdomain_refusals");
    t_eq("flags", create("ctl-x", 1024, 1, 1, 0), -XEN_EINVAL);
    t_eq("0 vCPUs", create("ctl-x", 1024, 0, 0, 0), -XEN_EINVAL);
    t_eq("9 vCPUs", create("ctl-x", 1024, 9, 0, 0), -XEN_EINVAL);
    t_eq("0 pages", create("ctl-x", 0, 1, 0, 0), -XEN_EINVAL);
    t_eq("2^22 + 1 pages", create("ctl-x", (1ull << 22) + 1, 1, 0, 0), -XEN_EINVAL);
    t_eq("empty name", create("", 1024, 1, 0, 0), -XEN_EINVAL);
    t_eq("name with a space", create("a b", 1024, 1, 0, 0), -XEN_EINVAL);
    t_eq("name dom0", create("dom0", 1024, 1, 0, 0), -XEN_EINVAL);
    t_eq("id in the reserved range", create("ctl-x", 1024, 1, 0, 0x7FF0), -XEN_EINVAL);
    t_end();
}

static void t_lifecycle(void)
{
    uint64_t before = free_pages();
    domid_t id;

    t_begin("create_populate_destroy");
    t_eq("create ctl-a", create("ctl-a", 1024, 2, 0, 0), 0);
    id = op.domain;
    t_eq("lowest free id", id, 1);
    uint64_t shinfo = op.u.createdomain.shared_info_frame;
    t_eq("same name again", create("ctl-a", 1024, 1, 0, 0), -XEN_EEXIST);
    t_eq("same id again", create("ctl-b", 1024, 1, 0, id), -XEN_EEXIST);
    memset(&op, 0, sizeof(op));
    t_eq("getdomaininfo", domctl(XLITE_DOMCTL_getdomaininfo, id), 0);
    t_eq("paused", !!(op.u.getdomaininfo.flags & XLITE_DOMINFO_paused), 1);
    t_eq("tot_pages (shared_info)", op.u.getdomaininfo.tot_pages, 1);
    t_eq("max_vcpus", op.u.getdomaininfo.max_vcpus, 2);
    t_eq("nr_online_vcpus", op.u.getdomaininfo.nr_online_vcpus, 0);
    t_eq("shared_info_frame", op.u.getdomaininfo.shared_info_frame, shinfo);

    xen_pfn_t frames[4] = { 0 };
    struct xen_memory_reservation r = { .nr_extents = 4, .domid = id };
    set_xen_guest_handle(r.extent_start, frames);
    t_eq("increase_reservation for it", HYPERVISOR_memory_op(XENMEM_increase_reservation, &r),
         4);
    memset(&op, 0, sizeof(op));
    t_eq("getdomaininfo", domctl(XLITE_DOMCTL_getdomaininfo, id), 0);
    t_eq("tot_pages", op.u.getdomaininfo.tot_pages, 5);

    memset(&op, 0, sizeof(op));
    op.u.hypercall_init.gmfn = virt_to_mfn(logbuf);
    t_eq("hypercall_init on a dom0 frame", domctl(XLITE_DOMCTL_hypercall_init, id),
         -XEN_EINVAL);
    op.u.hypercall_init.gmfn = frames[0];
    t_eq("hypercall_init on its frame", domctl(XLITE_DOMCTL_hypercall_init, id), 0);
    t_eq("unpause without a context", domctl(XLITE_DOMCTL_unpausedomain, id), -XEN_EINVAL);
    memset(&op, 0, sizeof(op));
    op.u.setvcpucontext.vcpu = 2;
    t_eq("setvcpucontext vCPU 2", domctl(XLITE_DOMCTL_setvcpucontext, id), -XEN_ENOENT);
    op.u.setvcpucontext.vcpu = 0;
    op.u.setvcpucontext.ctxt = 0x40000000;     /* nothing mapped there */
    t_eq("setvcpucontext unreadable", domctl(XLITE_DOMCTL_setvcpucontext, id), -XEN_EFAULT);
    memset(&op, 0, sizeof(op));
    t_eq("pause dom0", domctl(XLITE_DOMCTL_pausedomain, 0), -XEN_EINVAL);
    t_eq("destroy dom0", domctl(XLITE_DOMCTL_destroydomain, 0), -XEN_EINVAL);
    t_eq("pause it", domctl(XLITE_DOMCTL_pausedomain, id), 0);
    t_eq("destroy it", domctl(XLITE_DOMCTL_destroydomain, id), 0);
    t_eq("getdomaininfo after", domctl(XLITE_DOMCTL_getdomaininfo, id), -XEN_ESRCH);
    t_eq("destroy again", domctl(XLITE_DOMCTL_destroydomain, id), -XEN_ESRCH);
    t_eq("free pages back", free_pages(), before);
    t_end();
}

void test_main(void)
{
    t_envelope();
    t_info();
    t_create_refusals();
    t_lifecycle();
}
