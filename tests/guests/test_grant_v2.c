/* Grant tables version 2 (GNTTABOP_set_version 2, status frames, get_status_frames),
 * with the domain granting to itself (issue "Linux as a PV domU", the v2 gap).
 *
 * Checks: get_status_frames under v1 is GNTST_general_error; a version change while a
 * non-reserved entry is mapped is -EBUSY, and set_version writes back the version in
 * force; with reserved entry 0 mapped the change to v2 succeeds and entry 0 survives
 * in the v2 layout (header flags and domid, 64-bit frame at byte 8) with GTF_reading in
 * its status word, not in its flags; get_version says 2; get_status_frames gives a
 * frame the domain maps read-only; a v2 entry granting read-only access maps
 * read-only (status GTF_reading set while mapped, cleared after the unmap), refuses a
 * writable map, a sub-page or transitive entry is refused; GNTTABOP_copy reads
 * through a v2 grant; back to v1 (nothing but the reserved entry in use) entry 0 is one
 * v1 word again with GTF_reading in its flags; every frame returns at the end.
 * Without it: v2 guests and Xen's v2 security regression tests cannot run.
 *
 * EXPECT-LOG: ^frames: [0-9]+ free, as before any domain was built$
 */
#include "ptutil.h"
#include <xlite/grant_table.h>

#define REF_MAPPED  9

static uint8_t table[4096] BSS_PAGE;     /* our grant table frame, mapped here */
static uint8_t status_pg[4096] BSS_PAGE; /* the status frame, mapped read-only here */
static uint8_t shared_pg[4096] BSS_PAGE; /* the frame we grant to ourselves */
static uint8_t map_at[4096] BSS_PAGE;    /* where grant mappings go */
static uint8_t copy_dst[64];

static long gop(unsigned int cmd, void *arg, unsigned int count)
{
    return HYPERVISOR_grant_table_op(cmd, arg, count);
}

static long set_version(uint32_t v, uint32_t *now)
{
    gnttab_set_version_t sv = { .version = v };
    long rc = gop(GNTTABOP_set_version, &sv, 1);
    *now = sv.version;
    return rc;
}

static int16_t map(uint32_t ref, bool ro, uint32_t *handle)
{
    gnttab_map_grant_ref_t m = { .host_addr = (uint64_t)map_at, .ref = ref,
                                 .dom = DOMID_SELF,
                                 .flags = GNTMAP_host_map | (ro ? GNTMAP_readonly : 0) };
    gop(GNTTABOP_map_grant_ref, &m, 1);
    *handle = m.handle;
    return m.status;
}

static int16_t unmap(uint32_t handle)
{
    gnttab_unmap_grant_ref_t u = { .host_addr = (uint64_t)map_at, .handle = handle };
    gop(GNTTABOP_unmap_grant_ref, &u, 1);
    return u.status;
}

static volatile uint64_t *word(unsigned int i)
{
    return (volatile uint64_t *)table + i;
}

static uint16_t status_word(uint32_t ref)
{
    return ((volatile uint16_t *)status_pg)[ref];
}

void test_main(void)
{
    xen_pfn_t frames[1] = { 0 };
    uint64_t sframes[1] = { 0 };
    gnttab_setup_table_t st = { .dom = DOMID_SELF, .nr_frames = 1 };
    gnttab_get_status_frames_t gs = { .dom = DOMID_SELF, .nr_frames = 1 };
    uint64_t f = virt_to_mfn(shared_pg);
    uint32_t h0, h, v;
    domid_t me = 0;                             /* dom0 grants to itself */

    set_xen_guest_handle(st.frame_list, frames);
    set_xen_guest_handle(gs.frame_list, sframes);
    memset(shared_pg, 0x5C, sizeof(shared_pg));
    t_begin("v1_to_v2_with_reserved_entry_mapped");
    t_eq("setup_table", gop(GNTTABOP_setup_table, &st, 1), 0);
    t_eq("map our table", pt_uvm(table, (frames[0] << 12) | PT_RW_FLAGS), 0);
    t_eq("status frames under v1", gop(GNTTABOP_get_status_frames, &gs, 1), 0);
    t_eq("... status", gs.status, GNTST_general_error);
    *word(REF_MAPPED) = GTF_permit_access | (uint64_t)me << 16 | f << 32;
    t_eq("map ref 9", map(REF_MAPPED, false, &h), GNTST_okay);
    t_eq("set_version(2) with ref 9 mapped", set_version(2, &v), -XEN_EBUSY);
    t_eq("... version written back", v, 1);
    t_eq("unmap ref 9", unmap(h), GNTST_okay);
    *word(REF_MAPPED) = 0;
    *word(0) = GTF_permit_access | (uint64_t)me << 16 | f << 32;
    t_eq("map reserved ref 0", map(0, false, &h0), GNTST_okay);
    t_eq("set_version(2)", set_version(2, &v), 0);
    t_eq("... version", v, 2);
    gnttab_get_version_t gv = { .dom = DOMID_SELF };
    t_eq("get_version", gop(GNTTABOP_get_version, &gv, 1), 0);
    t_eq("... 2", gv.version, 2);
    t_eq("entry 0 header", *word(0) & 0xFFFFFFFF, GTF_permit_access);
    t_eq("entry 0 frame", *word(1), f);
    t_eq("get_status_frames", gop(GNTTABOP_get_status_frames, &gs, 1), 0);
    t_eq("... status", gs.status, GNTST_okay);
    t_eq("map the status frame read-only", pt_uvm(status_pg, (sframes[0] << 12) |
                                                  PT_RO_FLAGS), 0);
    t_eq("status of entry 0 (mapped RW)", status_word(0), GTF_reading | GTF_writing);
    t_eq("unmap ref 0", unmap(h0), GNTST_okay);
    t_eq("status of entry 0 after", status_word(0), 0);
    t_end();

    t_begin("v2_entries");
    grant_entry_v2_t *e = (grant_entry_v2_t *)table;
    e[10].full_page.frame = f;
    e[10].hdr.domid = me;
    e[10].hdr.flags = GTF_permit_access | GTF_readonly;
    t_eq("writable map of a read-only grant", map(10, false, &h), GNTST_general_error);
    t_eq("read-only map", map(10, true, &h), GNTST_okay);
    t_eq("status while mapped", status_word(10), GTF_reading);
    t_eq("reads the frame", map_at[100], 0x5C);
    t_eq("unmap", unmap(h), GNTST_okay);
    t_eq("status after", status_word(10), 0);
    e[11] = e[10];
    e[11].hdr.flags = GTF_permit_access | GTF_sub_page;
    t_eq("sub-page grant refused", map(11, true, &h), GNTST_general_error);
    e[12] = e[10];
    e[12].hdr.flags = GTF_transitive;
    t_eq("transitive grant refused", map(12, true, &h), GNTST_general_error);
    gnttab_copy_t c = { .flags = GNTCOPY_source_gref, .len = 16 };
    c.source.u.ref = 10;
    c.source.domid = DOMID_SELF;
    c.dest.u.gmfn = virt_to_mfn(copy_dst);
    c.dest.offset = (uint16_t)((uint64_t)copy_dst & 0xFFF);
    c.dest.domid = DOMID_SELF;
    t_eq("copy from a v2 grant", gop(GNTTABOP_copy, &c, 1), 0);
    t_eq("... status", c.status, GNTST_okay);
    t_eq("... bytes", copy_dst[15], 0x5C);
    t_end();

    t_begin("v2_back_to_v1");
    t_eq("map reserved ref 0 again", map(0, true, &h0), GNTST_okay);
    t_eq("set_version(1)", set_version(1, &v), 0);
    t_eq("entry 0 is a v1 word, GTF_reading in its flags", *word(0),
         GTF_permit_access | GTF_reading | f << 32);
    t_eq("entries past it cleared", *word(20), 0);
    t_eq("unmap ref 0", unmap(h0), GNTST_okay);
    t_eq("flags after", *word(0), GTF_permit_access | f << 32);
    t_eq("unmap our table", pt_restore(table), 0);
    t_eq("unmap the status frame", pt_restore(status_pg), 0);
    t_end();
}
