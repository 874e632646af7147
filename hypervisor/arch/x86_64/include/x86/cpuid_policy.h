/* The CPUID view PV guests get through the forced-emulation prefix (ABI notes §3.9):
 * the host's CPUID minus what a ring-3 PV guest cannot use here, plus Xen's hypervisor
 * leaves. Native CPUID is not trapped, so this shapes FEP results and the guest-visible
 * feature checks of the privileged-instruction emulator (CR4 bits, DR6/DR7 bits). */
#ifndef XLITE_CPUID_POLICY_H
#define XLITE_CPUID_POLICY_H

#include <stdbool.h>
#include <stdint.h>

/* out[] register order. */
#define CPUID_EAX 0
#define CPUID_EBX 1
#define CPUID_ECX 2
#define CPUID_EDX 3

/* Bits the emulator asks about (leaf, subleaf, register, bit). */
#define CPUID_1_EDX_DE          2       /* leaf 1 EDX: CR4.DE, DR4/5 aliasing */
#define CPUID_1_EDX_TSC         4       /* leaf 1 EDX: TSC, CR4.TSD */
#define CPUID_1_ECX_XSAVE       26
#define CPUID_1_ECX_OSXSAVE     27
#define CPUID_1_ECX_HYPERVISOR  31
#define CPUID_7_EBX_FSGSBASE    0       /* leaf 7 subleaf 0 EBX */
#define CPUID_7_EBX_RTM         11
#define CPUID_7_ECX_BLD         24      /* bus-lock detect: DR6 bit 11 */

#define XEN_CPUID_LEAF_BASE     0x40000000u
#define XEN_CPUID_LEAF_LAST     0x40000002u     /* highest hypervisor leaf reported */
#define XEN_HYPERCALL_MSR       0x40000000u     /* what leaf base+2 reports (HVM only) */

/* Guest view of CPUID(leaf, sub) for the current vCPU (its virtual CR4.OSXSAVE shows in
 * leaf 1 ECX bit 27). Leaves past the host's maximum of their range, and ranges
 * other than basic, hypervisor and extended, read as zeros. Never fails. */
void cpuid_policy(uint32_t leaf, uint32_t sub, uint32_t out[4]);

/* Whether cpuid_policy(leaf, sub) has bit `bit` of register `reg` (CPUID_E?X) set. */
bool cpuid_policy_has(uint32_t leaf, uint32_t sub, unsigned int reg, unsigned int bit);

#endif
