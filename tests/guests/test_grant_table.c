/* grant_table_op (hypercall 20): version, setup and the error paths XTF probes
 * (ABI notes §2.4).
 *
 * Checks: set_version(1) is 0 and get_version says 1; set_version(2) is 0 (then
 * back to 1) or -ENOSYS when v2 is unsupported; set_version(0) and (3) are -EINVAL;
 * setup_table(DOMID_SELF, 1 frame) returns status okay and an MFN the guest can map
 * writable with update_va_mapping, whose entries read as zero; setup_table with
 * count != 1 is -EINVAL; query_size reports at least that frame; map_grant_ref of
 * an entry nobody granted (dom0 ref 8, the caller itself) returns rc 0 with status
 * GNTST_general_error (XSA-316), of an unknown domain GNTST_bad_domain, and with a
 * misaligned GNTMAP_contains_pte address fails (XSA-227); cache_flush is -ENOSYS;
 * an unknown op is -ENOSYS and an unreadable argument -EFAULT. A copy batch whose
 * second op runs into a not-present page is -EFAULT after the first op (done, status
 * okay), the second not done; a copy op in a read-only page is done and then -EFAULT
 * (its status cannot be written, as in Xen).
 * Without it: XTF selftest's grant init and Mini-OS's gnttab init fail, and the XSA
 * error paths are where reference counts used to go wrong.
 */
#include "rt.h"
#include "ptutil.h"
#include <xlite/grant_table.h>

static uint8_t gnt_page[4096] BSS_PAGE;

static long gop(unsigned int cmd, void *arg, unsigned int count)
{
    return HYPERVISOR_grant_table_op(cmd, arg, count);
}

static void t_version(void)
{
    gnttab_set_version_t sv = { .version = 1 };
    gnttab_get_version_t gv = { .dom = DOMID_SELF, .version = 0xA5 };

    t_begin("set_version");
    t_eq("set_version(1)", gop(GNTTABOP_set_version, &sv, 1), 0);
    t_eq("version reported", sv.version, 1);
    t_eq("get_version rc", gop(GNTTABOP_get_version, &gv, 1), 0);
    t_eq("get_version", gv.version, 1);
    sv.version = 2;
    long rc = gop(GNTTABOP_set_version, &sv, 1);
    t_check(rc == 0 || rc == -XEN_ENOSYS, "set_version(2) returned %ld", rc);
    if (rc == 0) {
        sv.version = 1;
        t_eq("back to set_version(1)", gop(GNTTABOP_set_version, &sv, 1), 0);
    }
    sv.version = 0;
    t_eq("set_version(0)", gop(GNTTABOP_set_version, &sv, 1), -XEN_EINVAL);
    sv.version = 3;
    t_eq("set_version(3)", gop(GNTTABOP_set_version, &sv, 1), -XEN_EINVAL);
    t_end();
}

static void t_setup(void)
{
    xen_pfn_t frames[1] = { 0 };
    gnttab_setup_table_t st = { .dom = DOMID_SELF, .nr_frames = 1, .status = 0x55 };
    gnttab_query_size_t qs = { .dom = DOMID_SELF };

    set_xen_guest_handle(st.frame_list, frames);
    t_begin("setup_table_and_map");
    t_eq("setup_table rc", gop(GNTTABOP_setup_table, &st, 1), 0);
    t_eq("status", st.status, GNTST_okay);
    if (st.status == GNTST_okay && frames[0]) {
        t_eq("map the frame RW",
             HYPERVISOR_update_va_mapping((unsigned long)gnt_page,
                                          (frames[0] << 12) | PTE_P | PTE_RW | PTE_A | PTE_D,
                                          UVMF_INVLPG), 0);
        const grant_entry_v1_t *e = (const grant_entry_v1_t *)gnt_page;
        for (unsigned int i = 8; i < 512; i++)
            if (!t_eq("unused grant entry flags", e[i].flags, 0))
                break;
        ((volatile grant_entry_v1_t *)gnt_page)[9].frame = 0x1234;   /* writable */
        t_eq("entry written", e[9].frame, 0x1234);
        ((volatile grant_entry_v1_t *)gnt_page)[9].frame = 0;
    }
    t_eq("query_size rc", gop(GNTTABOP_query_size, &qs, 1), 0);
    t_eq("query_size status", qs.status, GNTST_okay);
    t_check(qs.nr_frames >= 1 && qs.nr_frames <= qs.max_nr_frames,
            "nr_frames %u, max_nr_frames %u", qs.nr_frames, qs.max_nr_frames);
    t_eq("setup_table with count 2", gop(GNTTABOP_setup_table, &st, 2), -XEN_EINVAL);
    t_end();
}

static void t_map_errors(void)
{
    gnttab_map_grant_ref_t m;

    t_begin("map_ungranted_entry_general_error");
    memset(&m, 0, sizeof(m));
    m.host_addr = (uint64_t)gnt_page;
    m.flags = GNTMAP_host_map;
    m.ref = 8;
    m.dom = 0;                  /* dom0 is this domain: a self-grant nobody made */
    t_eq("rc", gop(GNTTABOP_map_grant_ref, &m, 1), 0);
    t_eq("status", m.status, GNTST_general_error);
    t_end();

    t_begin("map_unknown_domain_bad_domain");
    memset(&m, 0, sizeof(m));
    m.host_addr = (uint64_t)gnt_page;
    m.flags = GNTMAP_host_map;
    m.ref = 8;
    m.dom = 0x7000;
    t_eq("rc", gop(GNTTABOP_map_grant_ref, &m, 1), 0);
    t_eq("status", m.status, GNTST_bad_domain);
    t_end();

    t_begin("map_misaligned_contains_pte_fails");
    memset(&m, 0, sizeof(m));
    m.host_addr = (virt_to_mfn(gnt_page) << 12) + 13;
    m.flags = GNTMAP_host_map | GNTMAP_contains_pte;
    m.ref = 8;
    m.dom = 0;
    long rc = gop(GNTTABOP_map_grant_ref, &m, 1);
    t_check(rc != 0 || m.status != GNTST_okay, "misaligned PTE address accepted");
    t_end();
}

static void t_misc(void)
{
    gnttab_cache_flush_t cf = { .a.dev_bus_addr = 0x1000, .offset = 0, .length = 64 };
    gnttab_set_version_t sv = { .version = 1 };

    t_begin("cache_flush_enosys");
    t_eq("cache_flush", gop(GNTTABOP_cache_flush, &cf, 1), -XEN_ENOSYS);
    t_end();

    t_begin("unknown_op_and_bad_pointer");
    t_eq("op 99", gop(99, &sv, 1), -XEN_ENOSYS);
    t_eq("set_version(unmapped)", gop(GNTTABOP_set_version, (void *)0x40000000ul, 1),
         -XEN_EFAULT);
    t_eq("setup_table(unmapped)", gop(GNTTABOP_setup_table, (void *)0x40000000ul, 1),
         -XEN_EFAULT);
    t_end();
}

static uint8_t cp_src[4096] BSS_PAGE, cp_dst[4096] BSS_PAGE;
static uint8_t cp_ops[2][4096] BSS_PAGE;

/* A copy between two of the caller's own frames (gmfn = MFN for a PV guest). */
static struct gnttab_copy own_copy(uint16_t src_off, uint16_t dst_off, uint16_t len)
{
    return (struct gnttab_copy){
        .source = { .u.gmfn = virt_to_mfn(cp_src), .domid = DOMID_SELF, .offset = src_off },
        .dest = { .u.gmfn = virt_to_mfn(cp_dst), .domid = DOMID_SELF, .offset = dst_off },
        .len = len, .status = 99,
    };
}

static void t_copy_faults(void)
{
    struct gnttab_copy *op = (struct gnttab_copy *)(cp_ops[1] - sizeof(*op) - 20);

    for (unsigned int i = 0; i < 4096; i++)
        cp_src[i] = (uint8_t)(i * 7 + 1);

    t_begin("copy_batch_second_op_half_unmapped");
    memset(cp_dst, 0, sizeof(cp_dst));
    op[0] = own_copy(0, 0, 64);
    t_eq("unmap the page after the ops", pt_uvm(cp_ops[1], 0), 0);
    t_eq("copy x2", gop(GNTTABOP_copy, op, 2), -XEN_EFAULT);
    t_eq("first op's status", op[0].status, GNTST_okay);
    t_eq("first op copied", memcmp(cp_dst, cp_src, 64), 0);
    t_eq("nothing beyond it", cp_dst[64], 0);
    t_eq("page back", pt_restore(cp_ops[1]), 0);
    t_end();

    t_begin("copy_op_read_only_status_efault");
    memset(cp_dst, 0, sizeof(cp_dst));
    op = (struct gnttab_copy *)cp_ops[1];
    op[0] = own_copy(100, 200, 300);
    t_eq("op page read-only", pt_uvm(cp_ops[1], pt_ma(cp_ops[1]) | PTE_P | PTE_A | PTE_U), 0);
    t_eq("copy", gop(GNTTABOP_copy, op, 1), -XEN_EFAULT);
    t_eq("status untouched", op[0].status, 99);
    t_eq("but the copy was done", memcmp(cp_dst + 200, cp_src + 100, 300), 0);
    t_eq("page back", pt_restore(cp_ops[1]), 0);
    t_eq("writable again: copy", gop(GNTTABOP_copy, op, 1), 0);
    t_eq("status", op[0].status, GNTST_okay);
    t_end();
}

void test_main(void)
{
    t_version();
    t_setup();
    t_map_errors();
    t_misc();
    t_copy_faults();
}
