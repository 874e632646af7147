/* Privileged-instruction emulation for PV guests (ABI notes §3.10) and the forced-
 * emulation prefix (§3.9). Guest kernel and user both run in ring 3, so CR/DR moves,
 * RDMSR/WRMSR, CLI/STI and IN/OUT fault with #GP(0); the trap code hands those here.
 * The instruction is read at RIP with copy_from_guest, decoded by x86_insn_decode and
 * emulated against the vCPU's virtual state:
 *
 *   - virtual CPL' is 1 for the guest kernel (0 with VMASST_TYPE_architectural_iopl),
 *     3 for guest user. CR/DR/MSR access needs the guest kernel; CLI/STI/IN/OUT need
 *     virtual IOPL >= CPL' and are then harmless no-ops (the guest's interrupt flag is
 *     evtchn_upcall_mask, which CLI/STI never touch; no domain has I/O ports, so reads
 *     return all ones and writes are dropped);
 *   - a refused instruction leaves RIP alone and the caller forwards the #GP(0);
 *   - after an emulated instruction RIP moves past it, RF clears, and TF (or a hit of
 *     an emulated I/O breakpoint) raises #DB as a trap with the guest's DR6 updated. */
#include <x86/cpuid_policy.h>
#include <hv/domain.h>
#include <asm/guest_access.h>
#include <x86/layout.h>
#include <hv/lib.h>
#include <x86/percpu.h>
#include <x86/pv.h>
#include <x86/pv_mm.h>
#include <x86/x86.h>
#include <x86/x86_insn.h>
#include <xlite/errno.h>


#define X86_EXC_DB      1
#define X86_EXC_UD      6

#define GUEST_PAGE_SIZE 4096ul

#define CR4_MCE         (1ul << 6)
#define EFER_LMA        (1ul << 10)
/* EFER as the guest reads it: the long-mode/syscall/NX bits of the host, nothing else. */
#define EFER_GUEST_BITS ((uint64_t)(EFER_SCE | EFER_LME | EFER_NXE) | EFER_LMA)

/* Host CR4 bits a guest sees but cannot change. PGE is not among them: global pages
 * are the hypervisor's business (and CPUID hides PGE). */
#define VCR4_HOST_VISIBLE ((uint64_t)(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT) | CR4_MCE)
/* Guest CR4 bits that must take effect in hardware CR4 while the vCPU runs. */
#define VCR4_HW_BITS    (X86_CR4_TSD | X86_CR4_FSGSBASE)

#define DR6_DEFAULT     0xFFFF0FF0ul    /* reserved bits as they read */
#define DR6_BLD         (1ul << 11)     /* active low: reads 1 unless bus-lock detect */
#define DR6_ZEROS       (1ul << 12)
#define DR6_BS          (1ul << 14)     /* single step */
#define DR6_RTM         (1ul << 16)     /* active low: reads 1 unless RTM debugging */
#define DR7_DEFAULT     0x400ul
#define DR7_RTM         (1ul << 11)
#define DR7_GD          (1ul << 13)
#define DR7_ZEROS       ((1ul << 12) | (1ul << 14) | (1ul << 15))
#define DR7_RW_IO       2u              /* R/W field value of an I/O breakpoint */
#define DR_GUEST_HIGH   0xFFFF880000000000ul    /* lowest upper-half guest address */

enum emul {
    EMUL_DONE,                  /* emulated: advance RIP */
    EMUL_GP,                    /* refuse: the caller forwards #GP(0) */
    EMUL_UD,                    /* raise #UD at the instruction */
};

/* ---------------------------------------------------------------- virtual CR0.TS */

/* The guest's virtual CR0.TS (hardware CR0.TS is never touched). Refuses nothing. */
bool pv_vcpu_virtual_ts(const struct vcpu *v)
{
    return v->cr0_ts;
}

void pv_vcpu_set_virtual_ts(struct vcpu *v, bool ts)
{
    v->cr0_ts = ts;
}

/* ---------------------------------------------------------------- CR4 */

/* Guest-controllable CR4 bits the CPUID policy offers (FSGSBASE where the CPU has it;
 * OSXSAVE never, XSAVE being hidden), so writes of the others are dropped. */
static uint64_t vcr4_allowed(void)
{
    uint64_t ok = 0;

    if (cpuid_policy_has(1, 0, CPUID_EDX, CPUID_1_EDX_TSC))
        ok |= X86_CR4_TSD;
    if (cpuid_policy_has(1, 0, CPUID_EDX, CPUID_1_EDX_DE))
        ok |= X86_CR4_DE;
    if (cpuid_policy_has(7, 0, CPUID_EBX, CPUID_7_EBX_FSGSBASE))
        ok |= X86_CR4_FSGSBASE;
    if (cpuid_policy_has(1, 0, CPUID_ECX, CPUID_1_ECX_XSAVE))
        ok |= X86_CR4_OSXSAVE;
    return ok & VCR4_GUEST_BITS;
}

/* CR4 as the guest reads it: its own bits plus the host's visible ones. */
uint64_t pv_guest_cr4(const struct vcpu *v)
{
    return (read_cr4() & VCR4_HOST_VISIBLE) | (v->cr4 & VCR4_GUEST_BITS);
}

/* Make hardware CR4.{TSD,FSGSBASE} follow v (NULL: clear them, e.g. for idle). Call
 * whenever v goes onto the CPU; the CR4 write emulation calls it too. */
void pv_load_cr4(const struct vcpu *v)
{
    uint64_t cr4 = read_cr4();
    uint64_t want = (cr4 & ~VCR4_HW_BITS) | (v ? v->cr4 & VCR4_HW_BITS : 0);

    if (want != cr4)
        write_cr4(want);
}

/* ---------------------------------------------------------------- debug registers
 * Values live in v->dr[] only; nothing here loads them into the hardware debug
 * registers yet (context switching will: see pv_debugreg_hw_dr7). v->dr[4] and [5]
 * are unused: DR4/DR5 alias DR6/DR7 while the virtual CR4.DE is clear. */

/* DR6 with its reserved bits forced: ones as in DR6_DEFAULT (RTM/BLD only writable
 * when the policy offers the feature), bit 12 zero. */
static uint64_t dr6_fixup(uint64_t value)
{
    uint64_t ones = DR6_DEFAULT;

    if (cpuid_policy_has(7, 0, CPUID_EBX, CPUID_7_EBX_RTM))
        ones &= ~DR6_RTM;
    if (cpuid_policy_has(7, 0, CPUID_ECX, CPUID_7_ECX_BLD))
        ones &= ~DR6_BLD;
    return (value | ones) & ~DR6_ZEROS;
}

/* DR7 with bit 10 set and reserved bits 12, 14, 15 (and 11 without RTM) clear. */
static uint64_t dr7_fixup(uint64_t value)
{
    uint64_t zeros = DR7_ZEROS;

    if (!cpuid_policy_has(7, 0, CPUID_EBX, CPUID_7_EBX_RTM))
        zeros |= DR7_RTM;
    return (value | DR7_DEFAULT) & ~zeros;
}

/* R/W field (0 exec, 1 write, 2 I/O, 3 read/write) of breakpoint bp in dr7. */
static unsigned int dr7_rw(uint64_t dr7, unsigned int bp)
{
    return (unsigned int)(dr7 >> (16 + 4 * bp)) & 3;
}

/* Width in bytes the LEN field of breakpoint bp in dr7 encodes. */
static unsigned int dr7_len_bytes(uint64_t dr7, unsigned int bp)
{
    static const unsigned int bytes[4] = { 1, 2, 8, 4 };

    return bytes[(dr7 >> (18 + 4 * bp)) & 3];
}

/* Breakpoint bp has its L or G enable bit set in dr7. */
static bool dr7_enabled(uint64_t dr7, unsigned int bp)
{
    return (dr7 >> (2 * bp)) & 3;
}

/* Any breakpoint whose R/W field says I/O (meaningful only with CR4.DE). */
static bool dr7_has_io(uint64_t dr7)
{
    for (unsigned int bp = 0; bp < 4; bp++)
        if (dr7_rw(dr7, bp) == DR7_RW_IO)
            return true;
    return false;
}

/* set_debugreg (hypercall 8) and emulated `mov reg, %drN`. Refuses: DR0-3 outside guest
 * space (< 2^47 or >= 0xFFFF880000000000) -EPERM; DR6/DR7 with upper 32 bits set
 * -EINVAL; DR7.GD -EPERM; DR7 I/O breakpoints without virtual CR4.DE -EPERM; DR4/5 with
 * CR4.DE, or reg > 7, -ENODEV. Nothing is stored on failure. */
long pv_set_debugreg(struct vcpu *v, unsigned int reg, uint64_t value)
{
    bool de = v->cr4 & X86_CR4_DE;

    if (reg == 4 || reg == 5) {
        if (de)
            return -XEN_ENODEV;
        reg += 2;
    }
    switch (reg) {
    case 0: case 1: case 2: case 3:
        if (value >= (1ul << 47) && value < DR_GUEST_HIGH)
            return -XEN_EPERM;
        v->dr[reg] = value;
        return 0;
    case 6:
        if (value >> 32)
            return -XEN_EINVAL;
        v->dr[6] = dr6_fixup(value);
        return 0;
    case 7:
        if (value >> 32)
            return -XEN_EINVAL;
        if (value & DR7_GD)
            return -XEN_EPERM;
        if (!de && dr7_has_io(value))
            return -XEN_EPERM;
        v->dr[7] = dr7_fixup(value);         /* I/O breakpoints included: reads show them */
        return 0;
    default:
        return -XEN_ENODEV;
    }
}

/* Value of DRn for emulated `mov %drN, reg`. Refuses DR4/5 with CR4.DE, reg > 7:
 * -XEN_ENODEV (the emulator raises #UD). */
static long read_debugreg(const struct vcpu *v, unsigned int reg, uint64_t *value)
{
    if (reg == 4 || reg == 5) {
        if (v->cr4 & X86_CR4_DE)
            return -XEN_ENODEV;
        reg += 2;
    }
    if (reg > 7)
        return -XEN_ENODEV;
    *value = v->dr[reg];
    return 0;
}

/* get_debugreg (hypercall 9): DRn, or (uint64_t)-XEN_EINVAL for a register that
 * cannot be read (DR4/5 with CR4.DE, reg > 7), as Xen returns it. */
uint64_t pv_get_debugreg(struct vcpu *v, unsigned int reg)
{
    uint64_t value;

    if (read_debugreg(v, reg, &value))
        return (uint64_t)-XEN_EINVAL;
    return value;
}

/* The DR7 to load into hardware for v: the guest's DR7 without GD and without its I/O
 * breakpoints (emulated by the I/O emulation below, never left to hardware, whose
 * CR4.DE is not the guest's). Refuses nothing. */
uint64_t pv_debugreg_hw_dr7(const struct vcpu *v)
{
    uint64_t dr7 = v->dr[7] & ~DR7_GD;

    for (unsigned int bp = 0; bp < 4; bp++)
        if (dr7_rw(dr7, bp) == DR7_RW_IO)
            dr7 &= ~((3ul << (2 * bp)) | (0xFul << (16 + 4 * bp)));
    return dr7;
}

/* DR6 B0-B3 bits of the enabled I/O breakpoints that an access of `size` bytes at
 * `port` hits; none unless the virtual CR4.DE is set. */
static uint64_t io_breakpoints_hit(const struct vcpu *v, unsigned int port, unsigned int size)
{
    uint64_t dr7 = v->dr[7], hits = 0;

    if (!(v->cr4 & X86_CR4_DE))
        return 0;
    for (unsigned int bp = 0; bp < 4; bp++) {
        if (!dr7_enabled(dr7, bp) || dr7_rw(dr7, bp) != DR7_RW_IO)
            continue;
        uint64_t start = v->dr[bp], width = dr7_len_bytes(dr7, bp);
        if (start < (uint64_t)port + size && start + width > port)
            hits |= 1ul << bp;
    }
    return hits;
}

/* ---------------------------------------------------------------- helpers */

/* Per x86/pv.h; never fails. */
uint64_t *pv_gpr(struct cpu_regs *r, unsigned int n)
{
    switch (n & 15) {
    case 0:  return &r->rax;
    case 1:  return &r->rcx;
    case 2:  return &r->rdx;
    case 3:  return &r->rbx;
    case 4:  return &r->rsp;
    case 5:  return &r->rbp;
    case 6:  return &r->rsi;
    case 7:  return &r->rdi;
    case 8:  return &r->r8;
    case 9:  return &r->r9;
    case 10: return &r->r10;
    case 11: return &r->r11;
    case 12: return &r->r12;
    case 13: return &r->r13;
    case 14: return &r->r14;
    default: return &r->r15;
    }
}

/* Virtual IOPL >= CPL': CPL' is 3 for guest user, 1 for guest kernel (0 when the
 * domain enabled VMASST_TYPE_architectural_iopl). */
static bool iopl_ok(const struct vcpu *v)
{
    unsigned int cpl = 3;

    if (v->kernel_mode)
        cpl = (v->domain->vm_assist & (1ul << VMASST_TYPE_architectural_iopl)) ? 0 : 1;
    return v->iopl >= cpl;
}

/* Up to 15 instruction bytes at rip; fewer if the read fails past the end of rip's
 * page (decode what is there). 0 if not even that page can be read. */
static size_t fetch_insn(uint64_t rip, uint8_t *buf)
{
    size_t in_page = GUEST_PAGE_SIZE - (rip & (GUEST_PAGE_SIZE - 1));

    if (copy_from_guest(buf, rip, X86_INSN_MAX_LEN) == 0)
        return X86_INSN_MAX_LEN;
    if (in_page >= X86_INSN_MAX_LEN)
        return 0;
    return copy_from_guest(buf, rip, in_page) == 0 ? in_page : 0;
}

/* Finish an emulated instruction: RIP past it, RF clear; #DB (trap) if TF was set or
 * an I/O breakpoint hit, with DR6.BS / Bn added to the guest's DR6. */
static void retire(struct vcpu *v, struct cpu_regs *regs, unsigned int len, uint64_t dr6_hits)
{
    regs->rip += len;
    regs->rflags &= ~X86_EFLAGS_RF;
    if (regs->rflags & X86_EFLAGS_TF)
        dr6_hits |= DR6_BS;
    if (dr6_hits) {
        v->dr[6] |= dr6_hits;
        pv_inject_trap(regs, X86_EXC_DB, false, 0);
    }
}

/* ---------------------------------------------------------------- CR and MSR access */

/* mov %crN, reg. Refuses anything but CR0, CR2, CR3, CR4 (#GP). */
static enum emul read_cr(struct vcpu *v, unsigned int n, uint64_t *dst)
{
    switch (n) {
    case 0:
        *dst = (read_cr0() & ~(uint64_t)CR0_TS) | (pv_vcpu_virtual_ts(v) ? CR0_TS : 0);
        return EMUL_DONE;
    case 2:
        *dst = v->cr2;
        return EMUL_DONE;
    case 3:
        *dst = v->kernel_l4 << 12;           /* kernel mode: the active L4 */
        return EMUL_DONE;
    case 4:
        *dst = pv_guest_cr4(v);
        return EMUL_DONE;
    default:
        return EMUL_GP;
    }
}

/* mov reg, %crN. Refuses (#GP): CR0 changes other than TS, a CR3 that
 * pv_set_kernel_baseptr rejects, CR2 and every other register. CR4 never refuses:
 * bits the guest may not control are dropped. */
static enum emul write_cr(struct vcpu *v, unsigned int n, uint64_t value)
{
    switch (n) {
    case 0:
        if ((value ^ read_cr0()) & ~(uint64_t)CR0_TS)
            return EMUL_GP;
        pv_vcpu_set_virtual_ts(v, value & CR0_TS);
        return EMUL_DONE;
    case 3:
        return pv_set_kernel_baseptr(v, value >> 12) < 0 ? EMUL_GP : EMUL_DONE;
    case 4:
        v->cr4 = value & vcr4_allowed();
        pv_load_cr4(v);
        return EMUL_DONE;
    default:
        return EMUL_GP;
    }
}

/* RDMSR for the guest. Refuses (false = #GP) every MSR but FS_BASE, GS_BASE (the
 * kernel GS base while in kernel mode), SHADOW_GS_BASE (user GS base), EFER and
 * DEBUGCTL (reads 0, as on Xen; only 0 may be written back). The
 * bases are read from hardware, which holds v's values while v runs. */
static bool read_msr(struct vcpu *v, uint32_t msr, uint64_t *value)
{
    switch (msr) {
    case MSR_FS_BASE:
        *value = v->fs_base = rdmsr(MSR_FS_BASE);
        return true;
    case MSR_GS_BASE:
        *value = v->gs_base_kernel =
            rdmsr(v->kernel_mode ? MSR_GS_BASE : MSR_SHADOW_GS_BASE);
        return true;
    case MSR_SHADOW_GS_BASE:
        *value = v->gs_base_user =
            rdmsr(v->kernel_mode ? MSR_SHADOW_GS_BASE : MSR_GS_BASE);
        return true;
    case MSR_EFER:
        *value = rdmsr(MSR_EFER) & EFER_GUEST_BITS;
        return true;
    case MSR_DEBUGCTL:
        *value = 0;                         /* no LBR/BTF for guests, as Xen shows them */
        return true;
    default:
        return false;
    }
}

/* WRMSR for the guest. Refuses (false = #GP): a non-canonical base (xsa-193), an EFER
 * value other than the one RDMSR shows, and every other MSR; no guest-chosen index
 * ever reaches the hardware. */
static bool write_msr(struct vcpu *v, uint32_t msr, uint64_t value)
{
    switch (msr) {
    case MSR_FS_BASE:
        if (!is_canonical(value))
            return false;
        v->fs_base = value;
        wrmsr(MSR_FS_BASE, value);
        return true;
    case MSR_GS_BASE:
        if (!is_canonical(value))
            return false;
        v->gs_base_kernel = value;
        wrmsr(v->kernel_mode ? MSR_GS_BASE : MSR_SHADOW_GS_BASE, value);
        return true;
    case MSR_SHADOW_GS_BASE:
        if (!is_canonical(value))
            return false;
        v->gs_base_user = value;
        wrmsr(v->kernel_mode ? MSR_SHADOW_GS_BASE : MSR_GS_BASE, value);
        return true;
    case MSR_EFER:
        return value == (rdmsr(MSR_EFER) & EFER_GUEST_BITS);
    case MSR_DEBUGCTL:
        return value == 0;
    default:
        return false;
    }
}

/* ---------------------------------------------------------------- dispatch */

/* IN with no port permission: all ones of the operand size; 8/16-bit results keep the
 * rest of RAX, 32-bit ones zero-extend. */
static void in_all_ones(struct cpu_regs *regs, unsigned int size)
{
    switch (size) {
    case 1:
        regs->rax |= 0xFFul;
        break;
    case 2:
        regs->rax |= 0xFFFFul;
        break;
    default:
        regs->rax = 0xFFFFFFFFul;
        break;
    }
}

/* Emulate a decoded instruction for v. Refuses (#GP): in any mode, CLI/STI/IN/OUT
 * without IOPL and RDTSC in user mode with CR4.TSD; in user mode everything else; in
 * kernel mode CPUID, HLT, INVD, WBINVD, SWAPGS, RDTSCP and the CR/DR/MSR cases the
 * helpers refuse. #UD for DR4/5 with CR4.DE and DR8-15. */
static enum emul emulate(struct vcpu *v, struct cpu_regs *regs, const struct x86_insn *in,
                         uint64_t *dr6_hits)
{
    uint64_t value;
    long rc;

    switch (in->kind) {
    case X86_INSN_CLI:
    case X86_INSN_STI:
        return iopl_ok(v) ? EMUL_DONE : EMUL_GP;
    case X86_INSN_IN:
    case X86_INSN_OUT: {
        if (!iopl_ok(v))
            return EMUL_GP;
        unsigned int port = in->port_in_dx ? (uint16_t)regs->rdx : in->port;
        if (in->kind == X86_INSN_IN)
            in_all_ones(regs, in->size);
        *dr6_hits |= io_breakpoints_hit(v, port, in->size);
        return EMUL_DONE;
    }
    case X86_INSN_RDTSC:
        /* Faults only while the guest set CR4.TSD: its kernel may still read it. */
        if (!v->kernel_mode && (v->cr4 & X86_CR4_TSD))
            return EMUL_GP;
        value = rdtsc();
        regs->rax = (uint32_t)value;
        regs->rdx = value >> 32;
        return EMUL_DONE;
    default:
        break;
    }

    if (!v->kernel_mode)
        return EMUL_GP;

    switch (in->kind) {
    case X86_INSN_MOV_FROM_CR:
        return read_cr(v, in->ctrl, pv_gpr(regs, in->gpr));
    case X86_INSN_MOV_TO_CR:
        return write_cr(v, in->ctrl, *pv_gpr(regs, in->gpr));
    case X86_INSN_CLTS:
        pv_vcpu_set_virtual_ts(v, false);
        return EMUL_DONE;
    case X86_INSN_MOV_FROM_DR:
        if (read_debugreg(v, in->ctrl, &value))
            return EMUL_UD;
        *pv_gpr(regs, in->gpr) = value;
        return EMUL_DONE;
    case X86_INSN_MOV_TO_DR:
        rc = pv_set_debugreg(v, in->ctrl, *pv_gpr(regs, in->gpr));
        if (rc == -XEN_ENODEV)
            return EMUL_UD;
        return rc ? EMUL_GP : EMUL_DONE;
    case X86_INSN_RDMSR:
        if (!read_msr(v, (uint32_t)regs->rcx, &value))
            return EMUL_GP;
        regs->rax = (uint32_t)value;
        regs->rdx = value >> 32;
        return EMUL_DONE;
    case X86_INSN_WRMSR:
        value = ((uint64_t)(uint32_t)regs->rdx << 32) | (uint32_t)regs->rax;
        return write_msr(v, (uint32_t)regs->rcx, value) ? EMUL_DONE : EMUL_GP;
    default:
        return EMUL_GP;
    }
}

/* #GP(0) from the guest (kernel or user mode). Refuses (returns false, RIP untouched,
 * caller forwards the #GP(0)): code segments other than the flat 64-bit one,
 * unreadable instruction bytes, anything the decoder or emulate() refuses. True once
 * emulated (maybe with #DB injected) or after injecting #UD. */
bool pv_emulate_privileged(struct cpu_regs *regs)
{
    struct vcpu *v = current_vcpu();
    uint8_t bytes[X86_INSN_MAX_LEN];
    struct x86_insn insn;
    uint64_t dr6_hits = 0;
    size_t n;

    if (!v || (regs->cs & 0xFFFF) != FLAT_RING3_CS64)
        return false;
    n = fetch_insn(regs->rip, bytes);
    if (n == 0 || x86_insn_decode(bytes, n, &insn) != X86_DECODE_OK)
        return false;
    switch (emulate(v, regs, &insn, &dr6_hits)) {
    case EMUL_GP:
        return false;
    case EMUL_UD:
        pv_inject_trap(regs, X86_EXC_UD, false, 0);
        return true;
    case EMUL_DONE:
        break;
    }
    retire(v, regs, insn.len, dr6_hits);
    return true;
}

/* #UD from the guest, any mode. Handles only `0F 0B 'x' 'e' 'n'` directly followed by
 * `0F A2`: CPUID through the policy, RIP += 7, TF honoured. Refuses (false, plain #UD
 * for the caller to forward) everything else, FEP with any other instruction included. */
bool pv_emulate_forced_cpuid(struct cpu_regs *regs)
{
    static const uint8_t fep_cpuid[7] = { 0x0F, 0x0B, 'x', 'e', 'n', 0x0F, 0xA2 };
    struct vcpu *v = current_vcpu();
    uint8_t bytes[sizeof(fep_cpuid)];
    uint32_t out[4];

    if (!v || copy_from_guest(bytes, regs->rip, sizeof(bytes)) != 0 ||
        memcmp(bytes, fep_cpuid, sizeof(bytes)) != 0)
        return false;
    cpuid_policy((uint32_t)regs->rax, (uint32_t)regs->rcx, out);
    regs->rax = out[CPUID_EAX];
    regs->rbx = out[CPUID_EBX];
    regs->rcx = out[CPUID_ECX];
    regs->rdx = out[CPUID_EDX];
    retire(v, regs, sizeof(fep_cpuid), 0);
    return true;
}
