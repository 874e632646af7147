/* Guest CPUID policy (cpuid_policy.h). Start from the host's CPUID and hide what a PV
 * guest cannot use on xlite, for one of four reasons:
 *
 *   RING0  needs CPL 0 or a control-register bit the guest does not control (the
 *          emulator lets it own only CR4.{TSD,DE,FSGSBASE,OSXSAVE}, CR0.TS; FSGSBASE
 *          is offered: the guest's CR4.FSGSBASE is the hardware's while it runs, and
 *          the hypervisor never trusts the FS/GS bases);
 *   MSR    enabled or driven through MSRs, and the emulator refuses every MSR but
 *          FS_BASE, GS_BASE, SHADOW_GS_BASE, EFER and DEBUGCTL (#GP);
 *   XSTATE register state beyond x87/SSE: vCPU FPU state is switched with FXSAVE and
 *          XSETBV is not emulated, so XSAVE is hidden and everything needing it too;
 *   PVMMU  the PV MMU refuses superpages (PSE bit in L2/L3 entries, ABI notes §4.5).
 *
 * The vendor string stays the host's (xsa-298 relies on it), leaf 1 ECX gets the
 * hypervisor bit, and 0x40000000.. carry Xen's signature. Whole leaves that only
 * describe hidden features read as zeros. */
#include <x86/cpuid_policy.h>
#include <hv/domain.h>
#include <hv/lib.h>
#include <x86/percpu.h>
#include <hv/version.h>
#include <x86/x86.h>

#define BIT(n) (1u << (n))

/* Leaf 1 ECX. */
#define HIDE_1_ECX (BIT(2)  /* DTES64        MSR    debug store */                    \
                  | BIT(3)  /* MONITOR       RING0  MONITOR/MWAIT fault at CPL 3 */   \
                  | BIT(4)  /* DS-CPL        MSR    debug store */                    \
                  | BIT(5)  /* VMX           RING0  no nested virtualisation */       \
                  | BIT(6)  /* SMX           RING0  GETSEC */                          \
                  | BIT(7)  /* EIST          MSR    P-state MSRs */                    \
                  | BIT(8)  /* TM2           MSR    thermal monitor */                 \
                  | BIT(11) /* SDBG          MSR    IA32_DEBUG_INTERFACE */            \
                  | BIT(12) /* FMA           XSTATE VEX-encoded, needs AVX state */    \
                  | BIT(14) /* xTPR          MSR    MISC_ENABLE control */             \
                  | BIT(15) /* PDCM          MSR    PERF_CAPABILITIES */               \
                  | BIT(17) /* PCID          RING0  CR4.PCIDE not the guest's */       \
                  | BIT(18) /* DCA           MSR    */                                 \
                  | BIT(21) /* x2APIC        MSR    PV guests have no local APIC */    \
                  | BIT(24) /* TSC-deadline  MSR    no local APIC timer */             \
                  | BIT(26) /* XSAVE         XSTATE */                                 \
                  | BIT(27) /* OSXSAVE       recomputed from virtual CR4 below */      \
                  | BIT(28) /* AVX           XSTATE */                                 \
                  | BIT(29) /* F16C          XSTATE VEX-encoded */)

/* Leaf 1 EDX (mirrored in 0x80000001 EDX on AMD). */
#define HIDE_1_EDX (BIT(3)  /* PSE           PVMMU  */                                 \
                  | BIT(9)  /* APIC          MSR    no local APIC */                   \
                  | BIT(12) /* MTRR          MSR    */                                 \
                  | BIT(13) /* PGE           RING0  CR4.PGE is the hypervisor's */     \
                  | BIT(14) /* MCA           MSR    MCG_* machine-check banks */       \
                  | BIT(17) /* PSE-36        PVMMU  */                                 \
                  | BIT(21) /* DS            MSR    debug store */                     \
                  | BIT(22) /* ACPI          MSR    thermal control */                 \
                  | BIT(29) /* TM            MSR    thermal monitor */                 \
                  | BIT(31) /* PBE           MSR    */)

/* Leaf 7 subleaf 0 EBX. */
#define HIDE_7_EBX (BIT(1)  /* TSC_ADJUST    MSR    */                                 \
                  | BIT(2)  /* SGX           MSR    */                                 \
                  | BIT(5)  /* AVX2          XSTATE */                                 \
                  | BIT(7)  /* SMEP          RING0  guest kernel runs at CPL 3 */      \
                  | BIT(10) /* INVPCID       RING0  */                                 \
                  | BIT(12) /* PQM           MSR    resource monitoring */             \
                  | BIT(14) /* MPX           XSTATE and BNDCFGS MSR */                 \
                  | BIT(15) /* PQE           MSR    resource allocation */             \
                  | BIT(16) /* AVX512F       XSTATE */                                 \
                  | BIT(17) /* AVX512DQ      XSTATE */                                 \
                  | BIT(20) /* SMAP          RING0  guest kernel runs at CPL 3 */      \
                  | BIT(21) /* AVX512_IFMA   XSTATE */                                 \
                  | BIT(25) /* PT            MSR    processor trace */                 \
                  | BIT(26) /* AVX512PF      XSTATE */                                 \
                  | BIT(27) /* AVX512ER      XSTATE */                                 \
                  | BIT(28) /* AVX512CD      XSTATE */                                 \
                  | BIT(30) /* AVX512BW      XSTATE */                                 \
                  | BIT(31) /* AVX512VL      XSTATE */)

/* Leaf 7 subleaf 0 ECX. */
#define HIDE_7_ECX (BIT(1)  /* AVX512_VBMI   XSTATE */                                 \
                  | BIT(2)  /* UMIP          RING0  (and PV guests need SGDT/SIDT) */  \
                  | BIT(3)  /* PKU           RING0  CR4.PKE */                         \
                  | BIT(4)  /* OSPKE         RING0  */                                 \
                  | BIT(6)  /* AVX512_VBMI2  XSTATE */                                 \
                  | BIT(7)  /* CET_SS        RING0  CR4.CET and CET MSRs */            \
                  | BIT(9)  /* VAES          XSTATE VEX/EVEX only */                   \
                  | BIT(10) /* VPCLMULQDQ    XSTATE VEX/EVEX only */                   \
                  | BIT(11) /* AVX512_VNNI   XSTATE */                                 \
                  | BIT(12) /* AVX512_BITALG XSTATE */                                 \
                  | BIT(14) /* AVX512_VPOPCNTDQ XSTATE */                              \
                  | BIT(16) /* LA57          RING0  5-level paging */                  \
                  | BIT(23) /* KL            RING0  CR4.KL */                          \
                  | BIT(24) /* BUS_LOCK_DETECT MSR  DEBUGCTL.BLD */                    \
                  | BIT(29) /* ENQCMD        MSR    PASID */                           \
                  | BIT(30) /* SGX_LC        MSR    */                                 \
                  | BIT(31) /* PKS           RING0  CR4.PKS */)

/* Leaf 7 subleaf 0 EDX. */
#define HIDE_7_EDX (BIT(2)  /* AVX512_4VNNIW XSTATE */                                 \
                  | BIT(3)  /* AVX512_4FMAPS XSTATE */                                 \
                  | BIT(5)  /* UINTR         RING0  CR4.UINTR */                       \
                  | BIT(8)  /* AVX512_VP2INTERSECT XSTATE */                           \
                  | BIT(9)  /* SRBDS_CTRL    MSR    */                                 \
                  | BIT(13) /* TSX_FORCE_ABORT MSR  */                                 \
                  | BIT(18) /* PCONFIG       RING0  */                                 \
                  | BIT(19) /* ARCH_LBR      MSR    */                                 \
                  | BIT(20) /* CET_IBT       RING0  */                                 \
                  | BIT(22) /* AMX_BF16      XSTATE */                                 \
                  | BIT(23) /* AVX512_FP16   XSTATE */                                 \
                  | BIT(24) /* AMX_TILE      XSTATE */                                 \
                  | BIT(25) /* AMX_INT8      XSTATE */                                 \
                  | BIT(26) /* IBRS/IBPB     MSR    SPEC_CTRL, PRED_CMD */             \
                  | BIT(27) /* STIBP         MSR    SPEC_CTRL */                       \
                  | BIT(28) /* L1D_FLUSH     MSR    FLUSH_CMD */                       \
                  | BIT(29) /* ARCH_CAPS     MSR    ARCH_CAPABILITIES */               \
                  | BIT(30) /* CORE_CAPS     MSR    CORE_CAPABILITIES */               \
                  | BIT(31) /* SSBD          MSR    SPEC_CTRL */)

/* Leaf 7 subleaf 1 EAX. */
#define HIDE_7_1_EAX (BIT(4)  /* AVX_VNNI    XSTATE */                                 \
                    | BIT(5)  /* AVX512_BF16 XSTATE */                                 \
                    | BIT(6)  /* LASS        RING0  CR4.LASS */                        \
                    | BIT(8)  /* ArchPerfmonExt MSR */                                 \
                    | BIT(17) /* FRED        RING0  CR4.FRED */                        \
                    | BIT(18) /* LKGS        RING0  */                                 \
                    | BIT(19) /* WRMSRNS     RING0  */                                 \
                    | BIT(21) /* AMX_FP16    XSTATE */                                 \
                    | BIT(22) /* HRESET      RING0  and its enable MSR */              \
                    | BIT(23) /* AVX_IFMA    XSTATE */                                 \
                    | BIT(26) /* LAM         RING0  CR3/CR4 bits */)

/* Leaf 0x80000001 ECX. */
#define HIDE_X1_ECX (BIT(2)  /* SVM          RING0  no nested virtualisation */        \
                   | BIT(3)  /* ExtApicSpace MSR    no local APIC */                   \
                   | BIT(4)  /* AltMovCr8    RING0  LOCK MOV CR0 = CR8 */             \
                   | BIT(9)  /* OSVW         MSR    */                                 \
                   | BIT(10) /* IBS          MSR    */                                 \
                   | BIT(11) /* XOP          XSTATE VEX-like encoding, AVX state */    \
                   | BIT(12) /* SKINIT       RING0  */                                 \
                   | BIT(13) /* WDT          MSR    */                                 \
                   | BIT(15) /* LWP          XSTATE and MSRs */                        \
                   | BIT(16) /* FMA4         XSTATE */                                 \
                   | BIT(17) /* TCE          MSR    EFER.TCE */                        \
                   | BIT(19) /* NodeId       MSR    */                                 \
                   | BIT(23) /* PerfCtrExtCore MSR  */                                 \
                   | BIT(24) /* PerfCtrExtNB MSR    */                                 \
                   | BIT(26) /* DBEXT        MSR    DRn address masks (xsa-444 skips) */ \
                   | BIT(27) /* PerfTsc      MSR    */                                 \
                   | BIT(28) /* PerfCtrExtLLC MSR   */                                 \
                   | BIT(30) /* AddrMaskExt  MSR    DBEXT extension */)

/* Leaf 0x80000001 EDX: AMD mirrors some leaf 1 EDX bits here, hidden for the same
 * reasons; the others (e.g. 20 NX, 22 MmxExt, 29 LM, 31 3DNow!) differ and are kept. */
#define HIDE_X1_EDX (BIT(3)  /* PSE           PVMMU  */                                \
                   | BIT(9)  /* APIC          MSR    */                                \
                   | BIT(12) /* MTRR          MSR    */                                \
                   | BIT(13) /* PGE           RING0  */                                \
                   | BIT(14) /* MCA           MSR    */                                \
                   | BIT(17) /* PSE-36        PVMMU  */                                \
                   | BIT(26) /* Page1GB       PVMMU  */)

/* Leaf 0x80000008 EBX: speculation controls and the retired-instruction counter,
 * all through MSRs. */
#define HIDE_X8_EBX (BIT(1)  /* InstRetCntMsr */                                       \
                   | BIT(12) /* IBPB */ | BIT(14) /* IBRS */ | BIT(15) /* STIBP */      \
                   | BIT(24) /* SSBD */ | BIT(25) /* VIRT_SSBD */)

/* Leaves that only describe hidden features or hardware the guest cannot drive. */
static bool leaf_hidden(uint32_t leaf)
{
    switch (leaf) {
    case 0x05:          /* MONITOR/MWAIT */
    case 0x06:          /* thermal and power management (MSR) */
    case 0x0A:          /* architectural PMU (MSR) */
    case 0x0D:          /* XSAVE state components */
    case 0x0F:          /* resource monitoring */
    case 0x10:          /* resource allocation */
    case 0x12:          /* SGX */
    case 0x14:          /* processor trace */
    case 0x19:          /* Key Locker */
    case 0x1B:          /* PCONFIG */
    case 0x1D:          /* AMX tile information */
    case 0x1E:          /* AMX TMUL information */
    case 0x8000000A:    /* SVM */
    case 0x8000001F:    /* memory encryption */
        return true;
    default:
        return false;
    }
}

/* Xen-compatible hypervisor leaves: 0x40000000 signature "XenVMMXenVMM" and highest
 * leaf (base + 2: Linux detects Xen only with at least that), 0x40000001 version
 * (major << 16 | minor, as XENVER_version), 0x40000002 one hypercall page and its MSR
 * (for HVM guests: a PV guest gets the page from its builder, and the MSR #GPs). Later
 * leaves are not reported. Refuses nothing; unknown leaves are zeros. */
static void hypervisor_leaf(uint32_t leaf, uint32_t out[4])
{
    static const char sig[12] = { 'X', 'e', 'n', 'V', 'M', 'M', 'X', 'e', 'n', 'V', 'M', 'M' };

    switch (leaf) {
    case XEN_CPUID_LEAF_BASE:
        out[CPUID_EAX] = XEN_CPUID_LEAF_LAST;
        memcpy(&out[CPUID_EBX], sig, 4);
        memcpy(&out[CPUID_ECX], sig + 4, 4);
        memcpy(&out[CPUID_EDX], sig + 8, 4);
        break;
    case XEN_CPUID_LEAF_BASE + 1:
        out[CPUID_EAX] = ((uint32_t)XEN_COMPAT_MAJOR << 16) | XEN_COMPAT_MINOR;
        break;
    case XEN_CPUID_LEAF_BASE + 2:
        out[CPUID_EAX] = 1;
        out[CPUID_EBX] = XEN_HYPERCALL_MSR;
        break;
    default:
        break;
    }
}

/* Zeros for leaves beyond the host maximum of their range (Xen does the same rather
 * than repeating the highest leaf as Intel hardware does). */
void cpuid_policy(uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    uint32_t a, b, c, d, max;
    const struct vcpu *v = current_vcpu();

    out[0] = out[1] = out[2] = out[3] = 0;
    if ((leaf & 0xF0000000u) == 0x40000000u) {
        hypervisor_leaf(leaf, out);
        return;
    }
    if (leaf < 0x40000000u)
        cpuid_count(0, 0, &max, &b, &c, &d);
    else if ((leaf & 0xF0000000u) == 0x80000000u)
        cpuid_count(0x80000000u, 0, &max, &b, &c, &d);
    else
        return;                             /* other vendors' ranges: nothing */
    if (leaf > max || leaf_hidden(leaf))
        return;

    cpuid_count(leaf, sub, &a, &b, &c, &d);
    switch (leaf) {
    case 1:
        c &= ~(uint32_t)HIDE_1_ECX;
        d &= ~(uint32_t)HIDE_1_EDX;
        c |= BIT(CPUID_1_ECX_HYPERVISOR);
        /* OSXSAVE shows the guest's virtual CR4.OSXSAVE (which it can only set while
         * XSAVE is offered: today never). */
        if ((c & BIT(CPUID_1_ECX_XSAVE)) && v && (v->cr4 & X86_CR4_OSXSAVE))
            c |= BIT(CPUID_1_ECX_OSXSAVE);
        break;
    case 7:
        if (sub == 0) {
            b &= ~(uint32_t)HIDE_7_EBX;
            c &= ~(uint32_t)HIDE_7_ECX;
            d &= ~(uint32_t)HIDE_7_EDX;
        } else if (sub == 1) {
            a &= ~(uint32_t)HIDE_7_1_EAX;
        }
        break;
    case 0x80000001u:
        c &= ~(uint32_t)HIDE_X1_ECX;
        d &= ~(uint32_t)HIDE_X1_EDX;
        break;
    case 0x80000008u:
        b &= ~(uint32_t)HIDE_X8_EBX;
        break;
    default:
        break;
    }
    out[CPUID_EAX] = a;
    out[CPUID_EBX] = b;
    out[CPUID_ECX] = c;
    out[CPUID_EDX] = d;
}

/* Refuses nothing: reg > 3 or bit > 31 answer false. */
bool cpuid_policy_has(uint32_t leaf, uint32_t sub, unsigned int reg, unsigned int bit)
{
    uint32_t out[4];

    if (reg > 3 || bit > 31)
        return false;
    cpuid_policy(leaf, sub, out);
    return (out[reg] >> bit) & 1;
}
