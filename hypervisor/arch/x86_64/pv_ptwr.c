/* Writable page tables (VMASST_TYPE_writable_pagetables, Xen's "ptwr"): a guest kernel
 * that has enabled the assist may write its L1 entries with ordinary instructions. The
 * L1 pages stay read-only to it, so the write faults; the hypervisor decodes the
 * instruction (x86/ptwr_insn.h), validates the resulting entry exactly as mmu_update
 * would (pt_mod_entry), stores it and steps over the instruction. Anything it cannot
 * decode, or an entry the page-type rules refuse, is the guest's #PF as before. */
#include <asm/current.h>
#include <asm/guest_access.h>
#include <hv/domain.h>
#include <x86/page_type.h>
#include <x86/ptwr_insn.h>
#include <x86/pv.h>
#include <x86/pv_mm.h>
#include <x86/x86.h>
#include <xlite/xen.h>

#define PFEC_PRESENT_WRITE 3u
#define ARITH_FLAGS (X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | X86_EFLAGS_ZF | \
                     X86_EFLAGS_SF | X86_EFLAGS_OF)

/* The instruction at rip: as many bytes (up to 15) as are readable. */
static size_t fetch(uint64_t rip, uint8_t *buf)
{
    size_t n = 15;

    while (n && copy_from_guest(buf, rip, n))
        n--;
    return n;
}

static uint64_t mask_of(unsigned int size)
{
    return size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* The source operand, truncated to the operand size. */
static uint64_t source(struct cpu_regs *regs, const struct ptwr_insn *in)
{
    uint64_t v = in->has_imm ? (uint64_t)in->imm
               : in->high_byte ? *pv_gpr(regs, in->reg - 4) >> 8 : *pv_gpr(regs, in->reg);
    return v & mask_of(in->size);
}

/* A register operand written with an `size`-byte value, as the hardware would: 4 bytes
 * zero-extend, 1 and 2 bytes merge (AH..BH for a high byte). */
static void set_reg(struct cpu_regs *regs, const struct ptwr_insn *in, unsigned int reg,
                    uint64_t val)
{
    uint64_t *r = pv_gpr(regs, in->high_byte ? reg - 4 : reg);

    if (in->size == 8 || in->size == 4)
        *r = val;
    else if (in->high_byte)
        *r = (*r & ~0xFF00ull) | (val << 8);
    else
        *r = (*r & ~mask_of(in->size)) | val;
}

static uint64_t parity_flag(uint64_t v)
{
    return __builtin_parity((unsigned int)(v & 0xFF)) ? 0 : X86_EFLAGS_PF;
}

/* RFLAGS after the operation (what guests test: ZF for CMPXCHG, CF for BTS/BTR, the
 * logic flags for OR/AND). */
static void set_flags(struct cpu_regs *regs, const struct ptwr_insn *in, uint64_t old,
                      uint64_t res, uint64_t src, uint64_t cmp)
{
    uint64_t f = regs->rflags, sign = 1ull << (8 * in->size - 1);

    switch (in->op) {
    case PTWR_CMPXCHG: {
        uint64_t diff = (cmp - old) & mask_of(in->size);
        f &= ~ARITH_FLAGS;
        f |= (diff ? 0 : X86_EFLAGS_ZF) | ((diff & sign) ? X86_EFLAGS_SF : 0) |
             (cmp < old ? X86_EFLAGS_CF : 0) | parity_flag(diff);
        break;
    }
    case PTWR_OR:
    case PTWR_AND:
        f &= ~ARITH_FLAGS;
        f |= (res ? 0 : X86_EFLAGS_ZF) | ((res & sign) ? X86_EFLAGS_SF : 0) | parity_flag(res);
        break;
    case PTWR_BTS:
    case PTWR_BTR: {
        unsigned int bit = (unsigned int)(src & (8 * in->size - 1));
        f = (f & ~X86_EFLAGS_CF) | (((old >> bit) & 1) ? X86_EFLAGS_CF : 0);
        break;
    }
    default:
        return;
    }
    regs->rflags = f;
}

/* Per x86/pv.h. */
bool pv_ptwr_emulate(struct cpu_regs *regs, uint64_t cr2, uint64_t ec)
{
    struct vcpu *v = current_vcpu();
    struct domain *d = v->domain;
    const struct pt_env *env = pv_mm_env();
    struct ptwr_insn in;
    uint8_t bytes[15];
    mfn_t l1;
    unsigned int idx;

    if (!(d->vm_assist & (1ul << VMASST_TYPE_writable_pagetables)) || !v->kernel_mode ||
        (ec & PFEC_PRESENT_WRITE) != PFEC_PRESENT_WRITE)
        return false;
    /* The frame being written: what the L1 entry mapping cr2 points to. */
    if (pt_walk_l1e(env, v->kernel_l4, cr2, &l1, &idx))
        return false;
    uint64_t pte = env->map(env->ctx, l1)[idx];
    mfn_t target = (pte & PG_ADDR) >> PAGE_SHIFT;
    const struct frame *t = frame_of(env->fa, target);
    if (!(pte & PG_P) || !t || t->owner != d->id || t->type != FRAME_TYPE_L1 ||
        !t->type_count || !(t->flags & FRAME_F_VALIDATED))
        return false;
    if (!ptwr_decode(bytes, fetch(regs->rip, bytes), &in))
        return false;
    unsigned int off = cr2 & 7, slot = (cr2 & 0xFFF) >> 3, sh = 8 * off;
    if (off + in.size > 8)
        return false;                       /* crosses into the next entry */
    uint64_t mask = mask_of(in.size), entry = env->map(env->ctx, target)[slot];
    uint64_t old = (entry >> sh) & mask, src = source(regs, &in);
    uint64_t cmp = regs->rax & mask;
    bool write;
    uint64_t res = ptwr_apply(&in, old, src, cmp, &write) & mask;
    if (!write && in.op != PTWR_CMPXCHG)
        return false;                       /* a bit offset outside the operand */
    if (write && pt_mod_entry(env, d->id, d->id, target, slot,
                              (entry & ~(mask << sh)) | (res << sh), 0))
        return false;                       /* refused: the guest gets its #PF */
    if (in.op == PTWR_XCHG)
        set_reg(regs, &in, in.reg, old);
    if (in.op == PTWR_CMPXCHG && !write)
        set_reg(regs, &in, 0, old);         /* the accumulator gets the old value */
    set_flags(regs, &in, old, res, src, cmp);
    regs->rip += in.len;
    return true;
}
