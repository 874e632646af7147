/* The PV MMU as the rest of the hypervisor uses it: frame type references on behalf of
 * a domain, base pointers, and teardown. Implemented on the page-type state machine. */
#ifndef XLITE_PV_MM_H
#define XLITE_PV_MM_H

#include <hv/domain.h>
#include <asm/mm.h>
#include <x86/page_type.h>

/* Take a general + type reference of `type` on a frame d owns: 0, or -XEN_EINVAL
 * (not d's, or currently of another type in use). */
int pv_get_frame_type(struct domain *d, mfn_t mfn, enum frame_type type);
void pv_put_frame_type(struct domain *d, mfn_t mfn);

/* The page-type environment of the running hypervisor (frames through the direct map,
 * a TLB flush on every type change, GDT descriptor checks). */
const struct pt_env *pv_mm_env(void);

/* Make mfn v's kernel L4 (MMUEXT_NEW_BASEPTR, emulated mov to %cr3) or user L4
 * (MMUEXT_NEW_USER_BASEPTR; 0 = none): the new table is referenced first, CR3 follows,
 * the old table is released last. */
long pv_set_kernel_baseptr(struct vcpu *v, uint64_t mfn);
long pv_set_user_baseptr(struct vcpu *v, uint64_t mfn);

/* The running vCPU's GDT window from its set_gdt frames; drop them. */
void pv_gdt_load(const struct vcpu *v);
void pv_gdt_release(struct vcpu *v);

#endif
