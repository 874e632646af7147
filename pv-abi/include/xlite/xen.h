/* xlite PV ABI: core types, hypercall numbers, MMU requests, start_info and shared_info. */
#ifndef XLITE_PV_ABI_XEN_H
#define XLITE_PV_ABI_XEN_H

/*
 * Rules shared by every header in xlite/ (see also pv-abi/README.md):
 *
 *  - The layouts are Xen's x86-64 PV ABI, byte for byte. Symbols that Xen's
 *    public headers also define keep Xen's spelling, so guest code written
 *    against Xen compiles unchanged. Everything xlite adds is named xlite_*
 *    or XLITE_*.
 *  - Field order and padding follow Xen: where Xen leaves a hole we leave the
 *    same implicit hole (so positional initialisers in ported guest code keep
 *    their meaning); where Xen names a padding field we name it too. Whoever
 *    copies a struct to the other side must zero the holes.
 *  - Every size and offset the ABI notes give is checked at compile time with
 *    XLITE_ABI_ASSERT (C99, C11 and C++11 alike).
 *  - A pointer field (XEN_GUEST_HANDLE) is an 8-byte guest virtual address.
 *    The hypervisor must treat it as an untrusted number: range-check it and
 *    copy through its guest-access routines, never dereference it.
 *  - xen.h and arch-x86_64.h may be included from assembly (__ASSEMBLER__):
 *    only their constants are visible there.
 */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>
#endif

/* 64-bit constants that assembly can use too. */
#ifdef __ASSEMBLER__
#define XLITE_U64(x) x
#else
#define XLITE_U64(x) x##ULL
#endif

#define XLITE_PAGE_SHIFT 12
#define XLITE_PAGE_SIZE  4096

/* ------------------------------------------------------------------------
 * Hypercall numbers (RAX). Arguments in RDI, RSI, RDX, R10, R8 (R9); result
 * in RAX, a negative XEN_E* on failure. Numbers a hypervisor does not
 * implement must return -XEN_ENOSYS. 11 is unassigned.
 *
 * Call hypercall_page + 32 * nr from guest kernel mode (a SYSCALL from guest
 * user mode goes to the syscall callback instead). RBX, RBP, R12-R15, the
 * segment registers and the FPU/SSE state are preserved; declare RAX, RCX,
 * R11 and the argument registers clobbered. docs/ABI.md lists what xlite
 * implements of each hypercall and every error it returns.
 */
#define __HYPERVISOR_set_trap_table                  0  /* (trap_info list; NULL clears all) */
#define __HYPERVISOR_mmu_update                      1
#define __HYPERVISOR_set_gdt                         2
#define __HYPERVISOR_stack_switch                    3  /* (ss, sp) for entries from user mode */
#define __HYPERVISOR_set_callbacks                   4  /* (event, failsafe, syscall) */
#define __HYPERVISOR_fpu_taskswitch                  5
#define __HYPERVISOR_sched_op_compat                 6  /* obsolete form of 29 */
#define __HYPERVISOR_platform_op                     7
#define __HYPERVISOR_set_debugreg                    8
#define __HYPERVISOR_get_debugreg                    9
#define __HYPERVISOR_update_descriptor              10
#define __HYPERVISOR_memory_op                      12
#define __HYPERVISOR_multicall                      13
#define __HYPERVISOR_update_va_mapping              14
#define __HYPERVISOR_set_timer_op                   15  /* (absolute system time ns; 0 cancels) */
#define __HYPERVISOR_event_channel_op_compat        16  /* obsolete form of 32 */
#define __HYPERVISOR_xen_version                    17
#define __HYPERVISOR_console_io                     18
#define __HYPERVISOR_physdev_op_compat              19  /* obsolete form of 33 */
#define __HYPERVISOR_grant_table_op                 20
#define __HYPERVISOR_vm_assist                      21
#define __HYPERVISOR_update_va_mapping_otherdomain  22
#define __HYPERVISOR_iret                           23  /* never returns; jump to its stub */
#define __HYPERVISOR_vcpu_op                        24
#define __HYPERVISOR_set_segment_base               25
#define __HYPERVISOR_mmuext_op                      26
#define __HYPERVISOR_xsm_op                         27
#define __HYPERVISOR_nmi_op                         28
#define __HYPERVISOR_sched_op                       29
#define __HYPERVISOR_callback_op                    30
#define __HYPERVISOR_xenoprof_op                    31
#define __HYPERVISOR_event_channel_op               32
#define __HYPERVISOR_physdev_op                     33
#define __HYPERVISOR_hvm_op                         34
#define __HYPERVISOR_sysctl                         35
#define __HYPERVISOR_domctl                         36  /* xlite: see xlite/domctl.h */
#define __HYPERVISOR_kexec_op                       37
#define __HYPERVISOR_tmem_op                        38  /* retired */
#define __HYPERVISOR_argo_op                        39
#define __HYPERVISOR_xenpmu_op                      40
#define __HYPERVISOR_dm_op                          41
#define __HYPERVISOR_hypfs_op                       42
#define __HYPERVISOR_arch_0                         48  /* 48..55: per-architecture */
#define __HYPERVISOR_arch_1                         49
#define __HYPERVISOR_arch_2                         50
#define __HYPERVISOR_arch_3                         51
#define __HYPERVISOR_arch_4                         52
#define __HYPERVISOR_arch_5                         53
#define __HYPERVISOR_arch_6                         54
#define __HYPERVISOR_arch_7                         55

/*
 * Hypercall page: one page the domain builder writes at the VA named by the
 * XEN_ELFNOTE_HYPERCALL_PAGE note, first filled with 0xCC. Stub i sits at
 * offset 32*i; a guest calls hypercall_page + 32*nr. Every stub saves RCX/R11,
 * loads EAX and executes SYSCALL, except the iret stub, which also pushes RAX
 * and never returns (guests jump to it).
 */
#define XLITE_HYPERCALL_PAGE_SIZE    XLITE_PAGE_SIZE
#define XLITE_HYPERCALL_STUB_SIZE    32
#define XLITE_HYPERCALL_NR_STUBS     128
#define XLITE_HYPERCALL_IRET_STUB    __HYPERVISOR_iret
#define XLITE_HYPERCALL_STUB_OFFSET(nr) ((nr) * XLITE_HYPERCALL_STUB_SIZE)
#define XLITE_HYPERCALL_PAGE_FILL    0xCC

/* ------------------------------------------------------------------------
 * Domain ids. Real domains are 0 .. DOMID_FIRST_RESERVED-1.
 */
#define DOMID_FIRST_RESERVED 0x7FF0
#define DOMID_SELF           0x7FF0  /* "the calling domain" wherever a domid is taken */
#define DOMID_IO             0x7FF1  /* owner of MMIO / I/O frames */
#define DOMID_XEN            0x7FF2  /* owner of hypervisor frames */
#define DOMID_COW            0x7FF3  /* owner of shared copy-on-write frames */
#define DOMID_INVALID        0x7FF4  /* "no domain" */
#define DOMID_IDLE           0x7FFF

/* ------------------------------------------------------------------------
 * mmu_update (1): ptr = machine address of the target | command in bits 0-2.
 */
#define MMU_NORMAL_PT_UPDATE        0  /* validated *ptr = val on a page-table entry */
#define MMU_MACHPHYS_UPDATE         1  /* m2p[ptr >> 12] = val */
#define MMU_PT_UPDATE_PRESERVE_AD   2  /* as 0, keeping the entry's current A/D bits */
#define MMU_PT_UPDATE_NO_TRANSLATE  3  /* as 0, for translated page-table owners */
#define XLITE_MMU_CMD_MASK          7

/* mmuext_op (26) commands. */
#define MMUEXT_PIN_L1_TABLE         0  /* arg1.mfn: type as L1 and pin */
#define MMUEXT_PIN_L2_TABLE         1
#define MMUEXT_PIN_L3_TABLE         2
#define MMUEXT_PIN_L4_TABLE         3
#define MMUEXT_UNPIN_TABLE          4  /* arg1.mfn */
#define MMUEXT_NEW_BASEPTR          5  /* arg1.mfn: new kernel L4 (CR3) */
#define MMUEXT_TLB_FLUSH_LOCAL      6
#define MMUEXT_INVLPG_LOCAL         7  /* arg1.linear_addr */
#define MMUEXT_TLB_FLUSH_MULTI      8  /* arg2.vcpumask */
#define MMUEXT_INVLPG_MULTI         9  /* arg1.linear_addr, arg2.vcpumask */
#define MMUEXT_TLB_FLUSH_ALL       10  /* every vCPU of the domain */
#define MMUEXT_INVLPG_ALL          11  /* arg1.linear_addr */
#define MMUEXT_FLUSH_CACHE         12
#define MMUEXT_SET_LDT             13  /* arg1.linear_addr (page aligned), arg2.nr_ents */
#define MMUEXT_NEW_USER_BASEPTR    15  /* arg1.mfn: user-mode L4, 0 = none */
#define MMUEXT_CLEAR_PAGE          16  /* arg1.mfn */
#define MMUEXT_COPY_PAGE           17  /* arg1.mfn = destination, arg2.src_mfn */
#define MMUEXT_FLUSH_CACHE_GLOBAL  18
#define MMUEXT_MARK_SUPER          19  /* arg1.mfn */
#define MMUEXT_UNMARK_SUPER        20

/* update_va_mapping (14): (va, new L1 entry, flags). va must be mapped by an
 * L1 of the current kernel page tables. flags: flush type in bits 0-1,
 * target set above. xlite flushes the whole TLB for every type but
 * UVMF_INVLPG (UVMF_NONE included) and ignores the vCPU set (one CPU). */
#define UVMF_NONE            0
#define UVMF_TLB_FLUSH       1  /* flush whole TLB(s) */
#define UVMF_INVLPG          2  /* flush only this VA */
#define UVMF_FLUSHTYPE_MASK  3
#define UVMF_MULTI           0  /* flags | pointer to a vCPU bitmap */
#define UVMF_LOCAL           0  /* this vCPU only */
#define UVMF_ALL             4  /* every vCPU of the domain */

/* console_io (18) commands. */
#define CONSOLEIO_write  0  /* (cmd, count, buf): print count bytes; any domain */
#define CONSOLEIO_read   1  /* (cmd, count, buf): dom0 only */

/* vm_assist (21). */
#define VMASST_CMD_enable                0
#define VMASST_CMD_disable               1
#define VMASST_TYPE_4gb_segments         0  /* 32-bit guests only */
#define VMASST_TYPE_4gb_segments_notify  1  /* 32-bit guests only */
#define VMASST_TYPE_writable_pagetables  2
#define VMASST_TYPE_pae_extended_cr3     3  /* 32-bit guests only */
#define VMASST_TYPE_architectural_iopl   4  /* iret/bounce frames carry the virtual IOPL */
#define VMASST_TYPE_runstate_update_flag 5
#define VMASST_TYPE_m2p_strict          32

/* ------------------------------------------------------------------------
 * Event-channel and vCPU limits of the 2-level ABI for 64-bit guests.
 */
#define XEN_LEGACY_MAX_VCPUS   32  /* vcpu_info slots inside shared_info */
#define MAX_VIRT_CPUS          XEN_LEGACY_MAX_VCPUS
#define EVTCHN_2L_NR_CHANNELS  4096  /* 64 selector bits x 64-bit words */
#define NR_EVENT_CHANNELS      EVTCHN_2L_NR_CHANNELS

/* vcpu_time_info.flags */
#define XEN_PVCLOCK_TSC_STABLE_BIT  (1 << 0)  /* TSC is synchronised across vCPUs */
#define XEN_PVCLOCK_GUEST_STOPPED   (1 << 1)  /* vCPU was paused (e.g. by the toolstack) */

/* start_info.flags */
#define SIF_PRIVILEGED       (1 << 0)  /* privileged domain: CONSOLEIO_read, foreign maps, domctl */
#define SIF_INITDOMAIN       (1 << 1)  /* this is domain 0 */
#define SIF_MULTIBOOT_MOD    (1 << 2)  /* mod_start points to a multiboot module list */
#define SIF_MOD_START_PFN    (1 << 3)  /* mod_start is a PFN, not a VA */
#define SIF_VIRT_P2M_4TOOLS  (1 << 4)  /* toolstack reads the virtually mapped P2M */
#define SIF_PM_MASK          (0xFF << 8)  /* dom0 power-management bits */

#define MAX_GUEST_CMDLINE     1024
#define XLITE_START_INFO_MAGIC "xen-3.0-x86_64"  /* start_info.magic for 64-bit PV */

#ifndef __ASSEMBLER__

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Compile-time layout checks. name must be a unique identifier: C99 has no
 * _Static_assert, so there the check is a typedef of an array whose size is
 * negative when cond is false.
 */
#if defined(__cplusplus)
# if __cplusplus >= 201103L
#  define XLITE_ABI_ASSERT(cond, name) static_assert(cond, #name)
# else
#  define XLITE_ABI_ASSERT(cond, name) typedef char xlite_abi_assert_##name[(cond) ? 1 : -1]
# endif
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
# define XLITE_ABI_ASSERT(cond, name) _Static_assert(cond, #name)
#else
# define XLITE_ABI_ASSERT(cond, name) typedef char xlite_abi_assert_##name[(cond) ? 1 : -1]
#endif
#define XLITE_ABI_SIZE(type, size, name) XLITE_ABI_ASSERT(sizeof(type) == (size), name)
#define XLITE_ABI_OFFSET(type, member, off, name) \
    XLITE_ABI_ASSERT(offsetof(type, member) == (off), name)

/* ------------------------------------------------------------------------
 * Core types.
 */
typedef uint64_t xen_ulong_t;     /* register-sized value ("unsigned long") */
typedef uint64_t xen_pfn_t;       /* frame number; an MFN for a PV guest */
typedef uint16_t domid_t;
typedef uint32_t evtchn_port_t;   /* event-channel port, 0 is never allocated */
typedef uint8_t  xen_domain_handle_t[16];  /* toolstack UUID of a domain */

/*
 * A guest pointer inside an ABI struct: 8 bytes, a guest virtual address.
 * Declare with XEN_GUEST_HANDLE(type) name; (one name per declaration).
 */
#define XEN_GUEST_HANDLE(type)     type *
#define XEN_GUEST_HANDLE_64(type)  type *
#define set_xen_guest_handle(hnd, val) do { (hnd) = (val); } while (0)
/* The raw guest address in a handle, as the hypervisor should see it. */
#define xlite_guest_handle_addr(hnd) ((uint64_t)(uintptr_t)(hnd))

XLITE_ABI_SIZE(xen_ulong_t, 8, xen_ulong_t_size);
XLITE_ABI_SIZE(XEN_GUEST_HANDLE(void), 8, guest_handle_size);
XLITE_ABI_SIZE(xen_domain_handle_t, 16, xen_domain_handle_size);

#ifdef __cplusplus
}
#endif

#endif /* !__ASSEMBLER__ */

/* Architecture part: selectors, address split, trap table, vCPU context. */
#include "arch-x86_64.h"

#ifndef __ASSEMBLER__

#ifdef __cplusplus
extern "C" {
#endif

/* One mmu_update (1) request. */
struct mmu_update {
    uint64_t ptr;  /* machine address of the entry | MMU_* command */
    uint64_t val;  /* new entry (or PFN for MMU_MACHPHYS_UPDATE) */
};
typedef struct mmu_update mmu_update_t;

/* One mmuext_op (26) request; which args matter depends on cmd. */
struct mmuext_op {
    uint32_t cmd;  /* MMUEXT_* */
    union {
        xen_pfn_t mfn;           /* pin/unpin, base pointers, clear/copy, superpages */
        xen_ulong_t linear_addr; /* INVLPG_*, SET_LDT */
    } arg1;
    union {
        uint32_t nr_ents;                    /* SET_LDT */
        XEN_GUEST_HANDLE(const void) vcpumask; /* *_MULTI: bitmap of vCPUs */
        xen_pfn_t src_mfn;                   /* COPY_PAGE */
    } arg2;
};
typedef struct mmuext_op mmuext_op_t;

/* One multicall (13) entry: a hypercall number and its arguments. */
struct multicall_entry {
    xen_ulong_t op;      /* __HYPERVISOR_* */
    xen_ulong_t result;  /* OUT: what the call returned */
    xen_ulong_t args[6];
};
typedef struct multicall_entry multicall_entry_t;

/*
 * Per-vCPU time base, seqlocked by version (odd = update in progress; the
 * guest retries while odd or changed). Now in ns:
 *   system_time + (((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul >> 32)
 * with a right shift when tsc_shift is negative; the product needs 128 bits.
 * Guests read the TSC with rdtsc directly.
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;     /* TSC at the last update */
    uint64_t system_time;       /* ns since boot at tsc_timestamp */
    uint32_t tsc_to_system_mul; /* 32.32 fixed-point ns per (shifted) tick */
    int8_t   tsc_shift;
    uint8_t  flags;             /* XEN_PVCLOCK_* */
    uint8_t  pad1[2];
};
typedef struct vcpu_time_info vcpu_time_info_t;

/* Per-vCPU slot in shared_info (or registered with VCPUOP_register_vcpu_info). */
struct vcpu_info {
    uint8_t evtchn_upcall_pending; /* set by the hypervisor, cleared by the guest */
    uint8_t evtchn_upcall_mask;    /* guest's virtual "interrupts disabled"; 1 at boot */
    xen_ulong_t evtchn_pending_sel; /* bit w: evtchn_pending[w] may have news */
    struct arch_vcpu_info arch;    /* CR2 of the last injected #PF */
    struct vcpu_time_info time;
};
typedef struct vcpu_info vcpu_info_t;

/*
 * The shared_info page (hypervisor-owned). It is not mapped at boot: map it
 * over a page of your own with update_va_mapping(va, start_info.shared_info
 * | P|RW|A|D, UVMF_INVLPG). Flags an L1 entry may carry: P RW U A D G, NX,
 * bits 9-11 and 52-61; PWT, PCD and PAT are refused (docs/ABI.md).
 */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[64]; /* bit per port; the guest clears */
    xen_ulong_t evtchn_mask[64];    /* bit per port; only the guest writes */
    uint32_t wc_version;            /* seqlock for the wall clock, as vcpu_time_info */
    uint32_t wc_sec;                /* UTC at system_time 0 */
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;             /* upper 32 bits of wc_sec */
    struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;

/*
 * Start-of-day information, one page at the VA passed in RSI.
 *
 * The boot contract (64-bit PV). The builder allocates strictly in order,
 * VA = virt_base + PFN * 4 KiB for each page: RAM below the kernel, the
 * kernel image, the ramdisk (mod_start), the P2M (mfn_list), this page, the
 * store page, the console page, the page tables (pt_base = the L4, then
 * L3s, L2s, L1s; nr_pt_frames in all), one boot-stack page, then padding to
 * the next 4 MiB boundary with at least 512 KiB + 4 KiB after the tables.
 * All of that is mapped read-write with 4 KiB pages, except the page-table
 * frames, which are mapped read-only; nothing above it is mapped. Free
 * memory starts at PFN(pt_base) + nr_pt_frames + 1. At entry: RSI = this
 * page, RSP = top of the boot-stack page, other GPRs 0, CS = FLAT_KERNEL_CS,
 * SS = FLAT_KERNEL_SS, RFLAGS = IF, events masked in every vcpu_info, no
 * trap table and no callbacks (a fault before set_trap_table crashes the
 * domain). Details: docs/ABI.md, "Boot contract".
 */
struct start_info {
    char magic[32];             /* XLITE_START_INFO_MAGIC */
    xen_ulong_t nr_pages;       /* pages of RAM given to the domain */
    xen_ulong_t shared_info;    /* machine address of the shared_info page */
    uint32_t flags;             /* SIF_* */
    xen_pfn_t store_mfn;        /* xenstore ring page */
    uint32_t store_evtchn;      /* its event channel, 0 = none */
    union {
        struct {
            xen_pfn_t mfn;      /* console ring page (struct xencons_interface) */
            uint32_t evtchn;    /* its event channel, 0 = none */
        } domU;
        struct {
            uint32_t info_off;  /* dom0: offset of console info in this page */
            uint32_t info_size;
        } dom0;
    } console;
    xen_ulong_t pt_base;        /* VA of the initial L4 (also CR3's frame) */
    xen_ulong_t nr_pt_frames;   /* initial page-table frames, from pt_base up */
    xen_ulong_t mfn_list;       /* VA of the P2M array (nr_pages MFNs) */
    xen_ulong_t mod_start;      /* VA (or PFN, see SIF_MOD_START_PFN) of the initrd */
    xen_ulong_t mod_len;        /* its length in bytes */
    char cmd_line[MAX_GUEST_CMDLINE];
    xen_ulong_t first_p2m_pfn;  /* only with XEN_ELFNOTE_INIT_P2M, else 0 */
    xen_ulong_t nr_p2m_frames;
};
typedef struct start_info start_info_t;

/* ---- checks against the ABI notes ---- */
XLITE_ABI_SIZE(struct mmu_update, 16, mmu_update_size);
XLITE_ABI_OFFSET(struct mmu_update, ptr, 0, mmu_update_ptr);
XLITE_ABI_OFFSET(struct mmu_update, val, 8, mmu_update_val);

XLITE_ABI_SIZE(struct mmuext_op, 24, mmuext_op_size);
XLITE_ABI_OFFSET(struct mmuext_op, cmd, 0, mmuext_op_cmd);
XLITE_ABI_OFFSET(struct mmuext_op, arg1, 8, mmuext_op_arg1);
XLITE_ABI_OFFSET(struct mmuext_op, arg2, 16, mmuext_op_arg2);

XLITE_ABI_SIZE(struct multicall_entry, 64, multicall_entry_size);
XLITE_ABI_OFFSET(struct multicall_entry, op, 0, multicall_entry_op);
XLITE_ABI_OFFSET(struct multicall_entry, result, 8, multicall_entry_result);
XLITE_ABI_OFFSET(struct multicall_entry, args, 16, multicall_entry_args);

XLITE_ABI_SIZE(struct vcpu_time_info, 32, vcpu_time_info_size);
XLITE_ABI_OFFSET(struct vcpu_time_info, version, 0, vcpu_time_info_version);
XLITE_ABI_OFFSET(struct vcpu_time_info, pad0, 4, vcpu_time_info_pad0);
XLITE_ABI_OFFSET(struct vcpu_time_info, tsc_timestamp, 8, vcpu_time_info_tsc_timestamp);
XLITE_ABI_OFFSET(struct vcpu_time_info, system_time, 16, vcpu_time_info_system_time);
XLITE_ABI_OFFSET(struct vcpu_time_info, tsc_to_system_mul, 24, vcpu_time_info_mul);
XLITE_ABI_OFFSET(struct vcpu_time_info, tsc_shift, 28, vcpu_time_info_tsc_shift);
XLITE_ABI_OFFSET(struct vcpu_time_info, flags, 29, vcpu_time_info_flags);

XLITE_ABI_SIZE(struct vcpu_info, 64, vcpu_info_size);
XLITE_ABI_OFFSET(struct vcpu_info, evtchn_upcall_pending, 0, vcpu_info_upcall_pending);
XLITE_ABI_OFFSET(struct vcpu_info, evtchn_upcall_mask, 1, vcpu_info_upcall_mask);
XLITE_ABI_OFFSET(struct vcpu_info, evtchn_pending_sel, 8, vcpu_info_pending_sel);
XLITE_ABI_OFFSET(struct vcpu_info, arch.cr2, 16, vcpu_info_arch_cr2);
XLITE_ABI_OFFSET(struct vcpu_info, arch.pad, 24, vcpu_info_arch_pad);
XLITE_ABI_OFFSET(struct vcpu_info, time, 32, vcpu_info_time);

XLITE_ABI_SIZE(struct shared_info, 3136, shared_info_size);
XLITE_ABI_OFFSET(struct shared_info, vcpu_info, 0, shared_info_vcpu_info);
XLITE_ABI_OFFSET(struct shared_info, evtchn_pending, 2048, shared_info_evtchn_pending);
XLITE_ABI_OFFSET(struct shared_info, evtchn_mask, 2560, shared_info_evtchn_mask);
XLITE_ABI_OFFSET(struct shared_info, wc_version, 3072, shared_info_wc_version);
XLITE_ABI_OFFSET(struct shared_info, wc_sec, 3076, shared_info_wc_sec);
XLITE_ABI_OFFSET(struct shared_info, wc_nsec, 3080, shared_info_wc_nsec);
XLITE_ABI_OFFSET(struct shared_info, wc_sec_hi, 3084, shared_info_wc_sec_hi);
XLITE_ABI_OFFSET(struct shared_info, arch, 3088, shared_info_arch);
XLITE_ABI_OFFSET(struct shared_info, arch.max_pfn, 3088, shared_info_max_pfn);
XLITE_ABI_OFFSET(struct shared_info, arch.pfn_to_mfn_frame_list_list, 3096,
                 shared_info_frame_list_list);
XLITE_ABI_OFFSET(struct shared_info, arch.nmi_reason, 3104, shared_info_nmi_reason);
XLITE_ABI_OFFSET(struct shared_info, arch.p2m_cr3, 3112, shared_info_p2m_cr3);
XLITE_ABI_OFFSET(struct shared_info, arch.p2m_vaddr, 3120, shared_info_p2m_vaddr);
XLITE_ABI_OFFSET(struct shared_info, arch.p2m_generation, 3128, shared_info_p2m_generation);
XLITE_ABI_ASSERT(sizeof(struct shared_info) <= XLITE_PAGE_SIZE, shared_info_fits_page);
XLITE_ABI_ASSERT(sizeof(((struct shared_info *)0)->evtchn_pending) * 8 == NR_EVENT_CHANNELS,
                 shared_info_nr_event_channels);

XLITE_ABI_SIZE(struct start_info, 1168, start_info_size);
XLITE_ABI_OFFSET(struct start_info, magic, 0, start_info_magic);
XLITE_ABI_OFFSET(struct start_info, nr_pages, 32, start_info_nr_pages);
XLITE_ABI_OFFSET(struct start_info, shared_info, 40, start_info_shared_info);
XLITE_ABI_OFFSET(struct start_info, flags, 48, start_info_flags);
XLITE_ABI_OFFSET(struct start_info, store_mfn, 56, start_info_store_mfn);
XLITE_ABI_OFFSET(struct start_info, store_evtchn, 64, start_info_store_evtchn);
XLITE_ABI_OFFSET(struct start_info, console.domU.mfn, 72, start_info_console_mfn);
XLITE_ABI_OFFSET(struct start_info, console.domU.evtchn, 80, start_info_console_evtchn);
XLITE_ABI_OFFSET(struct start_info, pt_base, 88, start_info_pt_base);
XLITE_ABI_OFFSET(struct start_info, nr_pt_frames, 96, start_info_nr_pt_frames);
XLITE_ABI_OFFSET(struct start_info, mfn_list, 104, start_info_mfn_list);
XLITE_ABI_OFFSET(struct start_info, mod_start, 112, start_info_mod_start);
XLITE_ABI_OFFSET(struct start_info, mod_len, 120, start_info_mod_len);
XLITE_ABI_OFFSET(struct start_info, cmd_line, 128, start_info_cmd_line);
XLITE_ABI_OFFSET(struct start_info, first_p2m_pfn, 1152, start_info_first_p2m_pfn);
XLITE_ABI_OFFSET(struct start_info, nr_p2m_frames, 1160, start_info_nr_p2m_frames);
XLITE_ABI_ASSERT(sizeof(XLITE_START_INFO_MAGIC) <= 32, start_info_magic_fits);

XLITE_ABI_ASSERT(XLITE_HYPERCALL_STUB_SIZE * XLITE_HYPERCALL_NR_STUBS ==
                 XLITE_HYPERCALL_PAGE_SIZE, hypercall_page_stubs_fill_page);
XLITE_ABI_ASSERT(XLITE_HYPERCALL_STUB_OFFSET(XLITE_HYPERCALL_IRET_STUB) == 0x2E0,
                 hypercall_page_iret_offset);

#ifdef __cplusplus
}
#endif

#endif /* !__ASSEMBLER__ */

#endif /* XLITE_PV_ABI_XEN_H */
