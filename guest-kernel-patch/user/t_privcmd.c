/* t_privcmd: what privcmd carries for the domain builder, from a user process: a domain
 * created through domctl, given a frame by increase_reservation (extent array bounced),
 * its M2P entry set, the frame mapped read-write, written, unmapped, mapped read-only
 * and read back; grant setup_table, readconsole; then every refusal: other memory ops,
 * dom0 as target, page-table updates, other mmuext commands, and EFAULT for each
 * nested pointer (never a kernel fault). The domain is destroyed at the end. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <xlite/domctl.h>
#include <xlite/grant_table.h>
#include <xlite/memory.h>

#include "uapi/xlite_dev.h"
#include "xlite.h"

#define BAD 0x1000ul                  /* never mapped in a process */

static int fails, pc;

static void check(const char *what, int ok)
{
    printf("%s t_privcmd %s\n", ok ? "ok" : "FAIL", what);
    fails += !ok;
}

static long ioc(unsigned long cmd, void *arg)
{
    return xl_syscall(XS_ioctl, pc, (long)cmd, (long)arg, 0);
}

/* The ioctl's result; *ret the hypercall's. */
static long hc(uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, long *ret)
{
    struct xl_privcmd_hypercall h = { .op = op, .arg = { a0, a1, a2, a3 } };
    long r = ioc(XL_PRIVCMD_HYPERCALL, &h);
    *ret = h.ret;
    return r;
}

static long domctl(struct xlite_domctl *d, long *ret)
{
    d->interface_version = XLITE_DOMCTL_INTERFACE_VERSION;
    return hc(36, (uint64_t)d, 0, 0, 0, ret);
}

int main(void)
{
    long ret = 0;

    pc = open("/dev/xlite/privcmd", O_RDWR);
    check("privcmd opens", pc >= 0);
    struct xlite_domctl d = { .cmd = XLITE_DOMCTL_createdomain };
    strcpy(d.u.createdomain.name, "tpriv");
    d.u.createdomain.max_pages = 4;
    d.u.createdomain.max_vcpus = 1;
    check("createdomain", domctl(&d, &ret) == 0 && ret == 0 && d.domain > 0);
    domid_t dom = d.domain;

    uint64_t mfn = 0;
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = dom };
    set_xen_guest_handle(r.extent_start, &mfn);
    check("increase_reservation for it", hc(12, XENMEM_increase_reservation, (uint64_t)&r,
                                            0, 0, &ret) == 0 && ret == 1 && mfn != 0);
    struct mmu_update m2p = { .ptr = (mfn << 12) | MMU_MACHPHYS_UPDATE, .val = 0 };
    uint32_t done = 99;
    check("M2P update for it", hc(1, (uint64_t)&m2p, 1, (uint64_t)&done, dom, &ret) == 0 &&
          ret == 0 && done == 1);

    struct xl_privcmd_map_foreign fm = { .dom = dom, .count = 1, .mfns = (uint64_t)&mfn };
    check("map read-write", ioc(XL_PRIVCMD_MAP_FOREIGN, &fm) == 0 && fm.va);
    volatile uint32_t *p = (uint32_t *)fm.va;
    p[7] = 0x5a5a1234u;
    struct xl_privcmd_unmap um = { .va = fm.va, .count = 1 };
    check("unmap", ioc(XL_PRIVCMD_UNMAP, &um) == 0);
    check("unmap twice refused", ioc(XL_PRIVCMD_UNMAP, &um) == -XE_INVAL);
    fm.flags = XL_MAP_READONLY;
    check("map read-only, same page reused", ioc(XL_PRIVCMD_MAP_FOREIGN, &fm) == 0 &&
          fm.va == um.va);
    check("reads back", ((volatile uint32_t *)fm.va)[7] == 0x5a5a1234u);
    um.va = fm.va;
    check("unmap read-only", ioc(XL_PRIVCMD_UNMAP, &um) == 0);
    fm.flags = 0x80;
    check("unknown map flag refused", ioc(XL_PRIVCMD_MAP_FOREIGN, &fm) == -XE_INVAL);

    uint64_t frames[2] = { 0, 0 };
    struct gnttab_setup_table st = { .dom = dom, .nr_frames = 1 };
    set_xen_guest_handle(st.frame_list, frames);
    check("grant setup_table for it", hc(20, GNTTABOP_setup_table, (uint64_t)&st, 1, 0,
                                          &ret) == 0 && ret == 0 && frames[0] != 0);
    static char log[4096];
    struct xlite_domctl rc = { .cmd = XLITE_DOMCTL_readconsole };
    rc.u.readconsole.buffer = (uint64_t)log;
    rc.u.readconsole.size = sizeof(log);
    check("readconsole", domctl(&rc, &ret) == 0 && ret == 0 && rc.u.readconsole.count > 0 &&
          rc.u.readconsole.buffer == (uint64_t)log);

    /* Refusals. */
    struct xlite_domctl v = { .cmd = XLITE_DOMCTL_physinfo, .interface_version = 1 };
    check("old domctl version: EACCES from the hypervisor",
          hc(36, (uint64_t)&v, 0, 0, 0, &ret) == 0 && ret == -13);
    struct xlite_domctl unk = { .cmd = 99, .interface_version = XLITE_DOMCTL_INTERFACE_VERSION };
    check("unknown domctl refused", hc(36, (uint64_t)&unk, 0, 0, 0, &ret) == -XE_PERM);
    r.domid = 0;
    check("reservation for dom0 refused", hc(12, XENMEM_increase_reservation, (uint64_t)&r,
                                             0, 0, &ret) == -XE_PERM);
    r.domid = DOMID_SELF;
    check("reservation for self refused", hc(12, XENMEM_increase_reservation, (uint64_t)&r,
                                             0, 0, &ret) == -XE_PERM);
    check("decrease_reservation refused", hc(12, 1, (uint64_t)&r, 0, 0, &ret) == -XE_PERM);
    r.domid = dom;
    set_xen_guest_handle(r.extent_start, (uint64_t *)BAD);
    check("bad extent array: EFAULT", hc(12, XENMEM_increase_reservation, (uint64_t)&r, 0, 0,
                                         &ret) == -XE_FAULT);
    check("bad reservation: EFAULT", hc(12, XENMEM_increase_reservation, BAD, 0, 0, &ret)
          == -XE_FAULT);
    struct mmu_update pt = { .ptr = mfn << 12, .val = 0 };
    check("page-table update refused", hc(1, (uint64_t)&pt, 1, 0, dom, &ret) == -XE_PERM);
    check("M2P for dom0 refused", hc(1, (uint64_t)&m2p, 1, 0, 0, &ret) == -XE_PERM);
    check("bad request array: EFAULT", hc(1, BAD, 1, 0, dom, &ret) == -XE_FAULT);
    check("bad done pointer: EFAULT", hc(1, (uint64_t)&m2p, 1, BAD, dom, &ret) == -XE_FAULT);
    struct mmuext_op ext = { .cmd = MMUEXT_NEW_BASEPTR };
    check("other mmuext refused", hc(26, (uint64_t)&ext, 1, 0, dom, &ret) == -XE_PERM);
    check("bad mmuext array: EFAULT", hc(26, BAD, 1, 0, dom, &ret) == -XE_FAULT);
    set_xen_guest_handle(st.frame_list, (uint64_t *)BAD);
    check("bad frame list: EFAULT", hc(20, GNTTABOP_setup_table, (uint64_t)&st, 1, 0, &ret)
          == -XE_FAULT);
    struct xlite_domctl sv = { .cmd = XLITE_DOMCTL_setvcpucontext, .domain = dom };
    sv.u.setvcpucontext.ctxt = BAD;
    check("bad vCPU context: EFAULT", domctl(&sv, &ret) == -XE_FAULT);
    rc.u.readconsole.buffer = BAD;
    check("bad console buffer: EFAULT", domctl(&rc, &ret) == -XE_FAULT);

    struct xlite_domctl x = { .cmd = XLITE_DOMCTL_destroydomain, .domain = dom };
    check("destroy it", domctl(&x, &ret) == 0 && ret == 0);
    printf("t_privcmd: %s\n", fails ? "FAILED" : "all passed");
    return fails != 0;
}
