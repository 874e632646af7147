/* set_gdt and update_descriptor: guest GDT frames are typed SEG_DESC (so no guest
 * writable mapping of them exists), their descriptors checked, and mapped into the
 * GDT window below the hypervisor's reserved entries. */
#include <x86/desc.h>
#include <x86/desc_check.h>
#include <asm/guest_access.h>
#include <asm/current.h>
#include <asm/hypercall.h>
#include <hv/hypercall.h>
#include <x86/layout.h>
#include <hv/lib.h>
#include <asm/mm.h>
#include <hv/page_alloc.h>
#include <x86/percpu.h>
#include <x86/pv.h>
#include <x86/pv_mm.h>
#include <xlite/errno.h>

void pv_gdt_load(const struct vcpu *v)
{
    uint64_t maddrs[GDT_GUEST_PAGES];

    for (unsigned int i = 0; i < v->gdt_nr_frames; i++)
        maddrs[i] = v->gdt_frames[i] << PAGE_SHIFT;
    gdt_load_guest_frames(maddrs, v->gdt_nr_frames);
}

void pv_gdt_release(struct vcpu *v)
{
    for (unsigned int i = 0; i < v->gdt_nr_frames; i++)
        pv_put_frame_type(v->domain, v->gdt_frames[i]);
    v->gdt_nr_frames = 0;
    v->gdt_ents = 0;
}

/* Refuses: more than 7168 entries (-EINVAL), an unreadable frame list (-EFAULT), a
 * frame not owned by the caller, mapped writable, or holding a system descriptor
 * (-EINVAL). On failure the old GDT stays. */
long do_set_gdt(uint64_t frames, uint64_t entries)
{
    struct vcpu *v = current_vcpu();
    mfn_t mfns[GDT_GUEST_PAGES];
    unsigned int nr = (entries + 511) / 512, got = 0;

    if (entries > GDT_FIRST_RESERVED)
        return -XEN_EINVAL;
    if (copy_from_guest(mfns, frames, nr * sizeof(mfn_t)))
        return -XEN_EFAULT;
    /* The first SEG_DESC reference checks the frame's descriptors (pv_mm.c). */
    for (; got < nr; got++)
        if (pv_get_frame_type(v->domain, mfns[got], FRAME_TYPE_SEG_DESC))
            break;
    if (got < nr) {
        while (got--)
            pv_put_frame_type(v->domain, mfns[got]);
        return -XEN_EINVAL;
    }
    pv_gdt_release(v);
    memcpy(v->gdt_frames, mfns, nr * sizeof(mfn_t));
    v->gdt_nr_frames = nr;
    v->gdt_ents = entries;
    pv_gdt_load(v);
    return 0;
}

/* Refuses: a misaligned address, a frame the caller does not own or that is a page
 * table, or a descriptor the GDT may not hold (all -EINVAL). A live GDT frame is
 * updated in place, so the change takes effect at once. */
long do_update_descriptor(uint64_t maddr, uint64_t desc)
{
    struct domain *d = current_vcpu()->domain;
    mfn_t mfn = maddr >> PAGE_SHIFT;

    if ((maddr & 7) || !pv_descriptor_fixup(&desc))
        return -XEN_EINVAL;
    /* A frame that already is a descriptor page (a live GDT) is written as one; any
     * other must be able to become writable for the moment of the write (refused for
     * page tables). Never the other way round: taking the descriptor type first would
     * retype an idle frame and rewrite the privilege levels of all its descriptors. */
    const struct frame *f = frame_of(&frame_alloc, mfn);
    bool seg = f && f->type == FRAME_TYPE_SEG_DESC && f->type_count > 0;
    if (pv_get_frame_type(d, mfn, seg ? FRAME_TYPE_SEG_DESC : FRAME_TYPE_WRITABLE))
        return -XEN_EINVAL;
    uint64_t *slot = (uint64_t *)maddr_to_virt(maddr);
    __atomic_store_n(slot, desc, __ATOMIC_RELAXED);
    pv_put_frame_type(d, mfn);
    return 0;
}
