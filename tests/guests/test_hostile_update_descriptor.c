/* update_descriptor on a frame that is no GDT (issue "hostile guests" item 7).
 *
 * Checks: update_descriptor of entry 0 of an idle frame (mapped nowhere, holding other
 * descriptor-shaped data) writes exactly that entry and leaves the other 511 as they
 * were (their DPL bits untouched), and the frame is not turned into a descriptor page
 * (it can be mapped writable right after); on a live GDT frame the update still
 * reaches the GDT.
 * Without it: the descriptor-page type was tried first, so the idle frame was retyped,
 * every descriptor in it had its privilege level rewritten in place, and the frame
 * kept the stale type.
 *
 * EXPECT-LOG: ^frames: [0-9]+ free, as before any domain was built$
 */
#include "ptutil.h"

#define CODE_DPL0 0x00AF9A000000FFFFull   /* 64-bit code, present, DPL 0 */
#define CODE_DPL3 0x00AFFA000000FFFFull

static uint64_t page[512] BSS_PAGE;
static uint64_t gdt[512] BSS_PAGE;

void test_main(void)
{
    uint64_t ma = pt_ma(page);

    t_begin("idle_frame_not_retyped");
    for (unsigned int i = 0; i < 512; i++)
        page[i] = CODE_DPL0;
    t_eq("unmap the frame", pt_uvm(page, 0), 0);
    t_eq("update_descriptor entry 0", HYPERVISOR_update_descriptor(ma, CODE_DPL0), 0);
    t_eq("map it writable again", pt_restore(page), 0);
    t_eq("entry 0 (DPL raised to 3)", page[0], CODE_DPL3);
    unsigned int changed = 0;
    for (unsigned int i = 1; i < 512; i++)
        changed += page[i] != CODE_DPL0;
    t_eq("other entries changed", changed, 0);
    t_end();

    t_begin("live_gdt_frame_updated");
    unsigned long frames[1] = { virt_to_mfn(gdt) };
    t_eq("GDT page read-only", pt_uvm(gdt, pt_ma(gdt) | PT_RO_FLAGS), 0);
    t_eq("set_gdt", HYPERVISOR_set_gdt(frames, 512), 0);
    t_eq("update_descriptor entry 2", HYPERVISOR_update_descriptor(pt_ma(gdt) + 16, CODE_DPL0), 0);
    t_eq("seen in the GDT page", gdt[2], CODE_DPL3);
    t_eq("set_gdt(none)", HYPERVISOR_set_gdt(frames, 0), 0);
    t_eq("GDT page writable again", pt_restore(gdt), 0);
    t_end();
}
