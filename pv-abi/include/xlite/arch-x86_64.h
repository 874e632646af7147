/* xlite PV ABI: x86-64 selectors, address split, trap table, register frames, vCPU context. */

/*
 * xen.h and this header include each other: xen.h needs the arch structs,
 * this header needs xen.h's base types and XLITE_ABI_ASSERT. Including xen.h
 * before our own guard makes either inclusion order work (xen.h includes us
 * back once its base part is defined).
 */
#include "xen.h"

#ifndef XLITE_PV_ABI_ARCH_X86_64_H
#define XLITE_PV_ABI_ARCH_X86_64_H

/* ------------------------------------------------------------------------
 * Flat segments that live in the hypervisor-owned part of every vCPU's GDT
 * (page 14, entries 7168..7679). The guest kernel and guest user both run
 * at CPL 3 on these DPL-3 descriptors. 64-bit data segments are NULL.
 *
 * The RPL in frames is the guest's view of its mode: a bounce frame from
 * guest kernel mode carries CS 0xE030 (RPL 0), one from user mode 0xE033.
 * HYPERVISOR_iret reads CS RPL 3 as "return to user mode" and anything else
 * as "stay in the kernel" (it forces RPL 3 before loading the selector).
 * For a kernel-to-kernel return, orb $3,8(%rsp); iretq also works, but it
 * leaves the event mask unchanged.
 */
#define FLAT_RING3_CS32   0xE023  /* 32-bit code, DPL 3 */
#define FLAT_RING3_CS64   0xE033  /* 64-bit code, DPL 3 */
#define FLAT_RING3_DS32   0xE02B  /* flat data, DPL 3 */
#define FLAT_RING3_DS64   0x0000
#define FLAT_RING3_SS32   0xE02B
#define FLAT_RING3_SS64   0xE02B

#define FLAT_KERNEL_DS64  FLAT_RING3_DS64
#define FLAT_KERNEL_DS32  FLAT_RING3_DS32
#define FLAT_KERNEL_DS    FLAT_KERNEL_DS64
#define FLAT_KERNEL_CS64  FLAT_RING3_CS64
#define FLAT_KERNEL_CS32  FLAT_RING3_CS32
#define FLAT_KERNEL_CS    FLAT_KERNEL_CS64
#define FLAT_KERNEL_SS64  FLAT_RING3_SS64
#define FLAT_KERNEL_SS32  FLAT_RING3_SS32
#define FLAT_KERNEL_SS    FLAT_KERNEL_SS64

#define FLAT_USER_DS64    FLAT_RING3_DS64
#define FLAT_USER_DS32    FLAT_RING3_DS32
#define FLAT_USER_DS      FLAT_USER_DS64
#define FLAT_USER_CS64    FLAT_RING3_CS64
#define FLAT_USER_CS32    FLAT_RING3_CS32
#define FLAT_USER_CS      FLAT_USER_CS64
#define FLAT_USER_SS64    FLAT_RING3_SS64
#define FLAT_USER_SS32    FLAT_RING3_SS32
#define FLAT_USER_SS      FLAT_USER_SS64

/* Guest GDT frames (set_gdt) may only cover entries below this one. */
#define FIRST_RESERVED_GDT_PAGE   14
#define FIRST_RESERVED_GDT_BYTE   (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY  (FIRST_RESERVED_GDT_BYTE / 8)

/* ------------------------------------------------------------------------
 * Virtual address split. The hypervisor owns L4 slots 256-271; guest writes
 * to those slots fail with -EINVAL and the hypervisor fills them in every L4
 * it validates. The M2P (m2p[mfn] = pfn, 8 bytes each, ~0 for frames the
 * domain does not own) is mapped read-only and user-readable at its start.
 */
#define HYPERVISOR_VIRT_START  XLITE_U64(0xFFFF800000000000)
#define HYPERVISOR_VIRT_END    XLITE_U64(0xFFFF880000000000)
#define MACH2PHYS_VIRT_START   XLITE_U64(0xFFFF800000000000)
#define MACH2PHYS_VIRT_END     XLITE_U64(0xFFFF804000000000)
#define MACH2PHYS_NR_ENTRIES   ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)
#define XLITE_M2P_INVALID_ENTRY XLITE_U64(0xFFFFFFFFFFFFFFFF)
#define XLITE_HV_L4_FIRST_SLOT 256  /* first L4 slot the hypervisor owns */
#define XLITE_HV_L4_LAST_SLOT  271  /* last one */

/* set_segment_base (25) selectors. */
#define SEGBASE_FS          0  /* FS base */
#define SEGBASE_GS_USER     1  /* user GS base (the one SWAPGS brings in) */
#define SEGBASE_GS_KERNEL   2  /* kernel GS base */
#define SEGBASE_GS_USER_SEL 3  /* load the user GS selector */

/* vcpu_guest_context.flags */
#define _VGCF_i387_valid                0
#define VGCF_i387_valid                 (1 << _VGCF_i387_valid)  /* fpu_ctxt is meaningful */
#define VGCF_I387_VALID                 VGCF_i387_valid
#define _VGCF_in_kernel                 2
#define VGCF_in_kernel                  (1 << _VGCF_in_kernel)   /* vCPU starts in kernel mode */
#define VGCF_IN_KERNEL                  VGCF_in_kernel
#define _VGCF_failsafe_disables_events  3
#define VGCF_failsafe_disables_events   (1 << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events   4
#define VGCF_syscall_disables_events    (1 << _VGCF_syscall_disables_events)
#define _VGCF_online                    5
#define VGCF_online                     (1 << _VGCF_online)

/* iret_context.flags: the frame came from the syscall callback; return
 * SYSRET-style (RCX/R11/CS/SS in the frame are ignored). */
#define _VGCF_in_syscall  8
#define VGCF_in_syscall   (1 << _VGCF_in_syscall)
#define VGCF_IN_SYSCALL   VGCF_in_syscall

/* trap_info.flags. DPL bits: who may raise the vector with INT n. 0: only
 * the hypervisor (exceptions); 1 or 2: the guest kernel, not user mode; 3:
 * both. A registered INT 0x80 skips the check. */
#define XLITE_TI_DPL_MASK     0x03  /* see above */
#define XLITE_TI_MASK_EVENTS  0x04  /* set evtchn_upcall_mask on entry ("interrupt gate") */

/* RFLAGS bits a guest and the hypervisor reason about in PV frames. */
#define XLITE_RFLAGS_CF         0x00000001
#define XLITE_RFLAGS_FIXED      0x00000002  /* bit 1, always reads 1 */
#define XLITE_RFLAGS_TF         0x00000100
#define XLITE_RFLAGS_IF         0x00000200  /* in PV frames: !evtchn_upcall_mask */
#define XLITE_RFLAGS_DF         0x00000400
#define XLITE_RFLAGS_IOPL       0x00003000  /* in PV frames: the virtual IOPL */
#define XLITE_RFLAGS_IOPL_SHIFT 12
#define XLITE_RFLAGS_NT         0x00004000
#define XLITE_RFLAGS_RF         0x00010000
#define XLITE_RFLAGS_VM         0x00020000
#define XLITE_RFLAGS_AC         0x00040000
#define XLITE_RFLAGS_ID         0x00200000
/* Bit 31 is reserved for guests' own use in saved frames (Mini-OS keeps an
 * NMI mask there); the hypervisor leaves it 0 in the frames it writes. */
#define XLITE_RFLAGS_GUEST_BIT31 0x80000000

/* In a bounce frame, bits 32-39 of the saved CS slot hold the old upcall mask. */
#define XLITE_FRAME_CS_SAVED_MASK_SHIFT 32

#ifndef __ASSEMBLER__

#ifdef __cplusplus
extern "C" {
#endif

typedef uint64_t xen_callback_t;  /* a callback entry point (guest VA) */

/*
 * One virtual IDT entry for set_trap_table (0); a list ends with address 0,
 * so an entry cannot unregister one vector: set_trap_table(NULL) clears all
 * 256, then send the new list. Vectors not listed keep their handler.
 *
 * The frame the hypervisor writes for an exception, software interrupt,
 * event upcall or user-mode SYSCALL, lowest address first:
 *   RCX, R11, [error code], RIP, CS | saved upcall mask << 32, RFLAGS, RSP, SS
 * The error code is present for vectors 8, 10-14, 17, 21 only (never for
 * upcalls and syscalls). The frame's top is the interrupted RSP rounded down
 * to 16 bytes (guest kernel mode), or the stack_switch stack (guest user
 * mode). RFLAGS.IF = !saved mask. #PF: CR2 is in vcpu_info.arch.cr2 and the
 * error code's U bit is clear for a fault in guest kernel mode. The handler
 * pops RCX and R11 (the registers themselves hold nothing of the interrupted
 * code at its first instruction: the hypervisor may enter it with SYSRET, which
 * loads them, as Xen may), and returns by storing a flags word (0 or
 * VGCF_in_syscall) where the error code was, so the stack reads
 * flags, RIP, CS, RFLAGS, RSP, SS, then jumping (not calling) to
 * hypercall_page + 23 * 32; RFLAGS.IF there restores the event mask.
 * Guest kernels must be built without a red zone: frames land below RSP.
 */
struct trap_info {
    uint8_t  vector;   /* 0-255 */
    uint8_t  flags;    /* XLITE_TI_DPL_MASK | XLITE_TI_MASK_EVENTS */
    uint16_t cs;       /* ignored for 64-bit guests (handlers run on FLAT_KERNEL_CS) */
    xen_ulong_t address; /* handler VA, 0 = not registered */
};
typedef struct trap_info trap_info_t;

#define TI_GET_DPL(ti)      ((ti)->flags & XLITE_TI_DPL_MASK)
#define TI_GET_IF(ti)       ((ti)->flags & XLITE_TI_MASK_EVENTS)
#define TI_SET_DPL(ti, dpl) ((ti)->flags = (uint8_t)(((ti)->flags & ~XLITE_TI_DPL_MASK) | \
                                                     ((dpl) & XLITE_TI_DPL_MASK)))
#define TI_SET_IF(ti, on)   ((ti)->flags = (uint8_t)(((ti)->flags & ~XLITE_TI_MASK_EVENTS) | \
                                                     ((on) ? XLITE_TI_MASK_EVENTS : 0)))

/* General registers of a vCPU (VCPUOP_initialise, saved state). */
struct cpu_user_regs {
    uint64_t r15;
    uint64_t r14;
    uint64_t r13;
    uint64_t r12;
    uint64_t rbp;
    uint64_t rbx;
    uint64_t r11;
    uint64_t r10;
    uint64_t r9;
    uint64_t r8;
    uint64_t rax;
    uint64_t rcx;
    uint64_t rdx;
    uint64_t rsi;
    uint64_t rdi;
    uint32_t error_code;        /* hypervisor-private on entry paths */
    uint32_t entry_vector;      /* hypervisor-private */
    uint64_t rip;
    uint16_t cs, pad0[1];
    uint8_t  saved_upcall_mask; /* evtchn_upcall_mask when the frame was saved */
    uint8_t  pad1[3];
    uint64_t rflags;            /* IF here means !saved_upcall_mask */
    uint64_t rsp;
    uint16_t ss, pad2[3];
    uint16_t es, pad3[3];
    uint16_t ds, pad4[3];
    uint16_t fs, pad5[3];
    uint16_t gs, pad6[3];
};
typedef struct cpu_user_regs cpu_user_regs_t;

/*
 * Full guest-visible vCPU state, for VCPUOP_initialise. fpu_ctxt is an
 * FXSAVE image but only 8-byte aligned here: copy it, never FXRSTOR in place.
 */
struct vcpu_guest_context {
    struct { char x[512]; } fpu_ctxt;
    xen_ulong_t flags;                  /* VGCF_* */
    struct cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256];    /* virtual IDT */
    xen_ulong_t ldt_base, ldt_ents;     /* LDT VA and entry count */
    xen_ulong_t gdt_frames[16], gdt_ents; /* guest GDT frames (MFNs) and entries */
    xen_ulong_t kernel_ss, kernel_sp;   /* stack for user->kernel switches */
    xen_ulong_t ctrlreg[8];             /* [3] kernel CR3, [1] user CR3 (64-bit PV) */
    xen_ulong_t debugreg[8];
    xen_ulong_t event_callback_eip;
    xen_ulong_t failsafe_callback_eip;
    xen_ulong_t syscall_callback_eip;
    xen_ulong_t vm_assist;              /* VMASST_TYPE_* bitmap */
    uint64_t fs_base;
    uint64_t gs_base_kernel;
    uint64_t gs_base_user;
};
typedef struct vcpu_guest_context vcpu_guest_context_t;

/*
 * What HYPERVISOR_iret (23) reads at the guest RSP: the guest pushed an IRET
 * frame plus flags, the iret stub pushed RCX, R11 and RAX.
 */
struct iret_context {
    uint64_t rax, r11, rcx, flags; /* flags: VGCF_in_syscall or 0 */
    uint64_t rip, cs, rflags, rsp, ss;
};

/* Architecture part of vcpu_info. */
struct arch_vcpu_info {
    xen_ulong_t cr2;  /* fault address of the last #PF delivered to this vCPU */
    xen_ulong_t pad;
};
typedef struct arch_vcpu_info arch_vcpu_info_t;

/* Architecture part of shared_info; written by the guest for its toolstack. */
struct arch_shared_info {
    xen_ulong_t max_pfn;                     /* highest PFN + 1 in the P2M */
    xen_pfn_t   pfn_to_mfn_frame_list_list;  /* MFN of the P2M frame-list list */
    xen_ulong_t nmi_reason;
    xen_ulong_t p2m_cr3;                     /* virtually mapped P2M: its CR3 */
    xen_ulong_t p2m_vaddr;                   /* ... its VA */
    xen_ulong_t p2m_generation;              /* ... bumped on every change */
};
typedef struct arch_shared_info arch_shared_info_t;

/* ---- checks against the ABI notes ---- */
XLITE_ABI_SIZE(struct trap_info, 16, trap_info_size);
XLITE_ABI_OFFSET(struct trap_info, vector, 0, trap_info_vector);
XLITE_ABI_OFFSET(struct trap_info, flags, 1, trap_info_flags);
XLITE_ABI_OFFSET(struct trap_info, cs, 2, trap_info_cs);
XLITE_ABI_OFFSET(struct trap_info, address, 8, trap_info_address);

XLITE_ABI_SIZE(struct cpu_user_regs, 200, cpu_user_regs_size);
XLITE_ABI_OFFSET(struct cpu_user_regs, r15, 0, cpu_user_regs_r15);
XLITE_ABI_OFFSET(struct cpu_user_regs, r14, 8, cpu_user_regs_r14);
XLITE_ABI_OFFSET(struct cpu_user_regs, r13, 16, cpu_user_regs_r13);
XLITE_ABI_OFFSET(struct cpu_user_regs, r12, 24, cpu_user_regs_r12);
XLITE_ABI_OFFSET(struct cpu_user_regs, rbp, 32, cpu_user_regs_rbp);
XLITE_ABI_OFFSET(struct cpu_user_regs, rbx, 40, cpu_user_regs_rbx);
XLITE_ABI_OFFSET(struct cpu_user_regs, r11, 48, cpu_user_regs_r11);
XLITE_ABI_OFFSET(struct cpu_user_regs, r10, 56, cpu_user_regs_r10);
XLITE_ABI_OFFSET(struct cpu_user_regs, r9, 64, cpu_user_regs_r9);
XLITE_ABI_OFFSET(struct cpu_user_regs, r8, 72, cpu_user_regs_r8);
XLITE_ABI_OFFSET(struct cpu_user_regs, rax, 80, cpu_user_regs_rax);
XLITE_ABI_OFFSET(struct cpu_user_regs, rcx, 88, cpu_user_regs_rcx);
XLITE_ABI_OFFSET(struct cpu_user_regs, rdx, 96, cpu_user_regs_rdx);
XLITE_ABI_OFFSET(struct cpu_user_regs, rsi, 104, cpu_user_regs_rsi);
XLITE_ABI_OFFSET(struct cpu_user_regs, rdi, 112, cpu_user_regs_rdi);
XLITE_ABI_OFFSET(struct cpu_user_regs, error_code, 120, cpu_user_regs_error_code);
XLITE_ABI_OFFSET(struct cpu_user_regs, entry_vector, 124, cpu_user_regs_entry_vector);
XLITE_ABI_OFFSET(struct cpu_user_regs, rip, 128, cpu_user_regs_rip);
XLITE_ABI_OFFSET(struct cpu_user_regs, cs, 136, cpu_user_regs_cs);
XLITE_ABI_OFFSET(struct cpu_user_regs, saved_upcall_mask, 140, cpu_user_regs_saved_mask);
XLITE_ABI_OFFSET(struct cpu_user_regs, rflags, 144, cpu_user_regs_rflags);
XLITE_ABI_OFFSET(struct cpu_user_regs, rsp, 152, cpu_user_regs_rsp);
XLITE_ABI_OFFSET(struct cpu_user_regs, ss, 160, cpu_user_regs_ss);
XLITE_ABI_OFFSET(struct cpu_user_regs, es, 168, cpu_user_regs_es);
XLITE_ABI_OFFSET(struct cpu_user_regs, ds, 176, cpu_user_regs_ds);
XLITE_ABI_OFFSET(struct cpu_user_regs, fs, 184, cpu_user_regs_fs);
XLITE_ABI_OFFSET(struct cpu_user_regs, gs, 192, cpu_user_regs_gs);

XLITE_ABI_SIZE(struct vcpu_guest_context, 5168, vcpu_guest_context_size);
XLITE_ABI_OFFSET(struct vcpu_guest_context, fpu_ctxt, 0, vgc_fpu_ctxt);
XLITE_ABI_OFFSET(struct vcpu_guest_context, flags, 512, vgc_flags);
XLITE_ABI_OFFSET(struct vcpu_guest_context, user_regs, 520, vgc_user_regs);
XLITE_ABI_OFFSET(struct vcpu_guest_context, trap_ctxt, 720, vgc_trap_ctxt);
XLITE_ABI_OFFSET(struct vcpu_guest_context, ldt_base, 4816, vgc_ldt_base);
XLITE_ABI_OFFSET(struct vcpu_guest_context, ldt_ents, 4824, vgc_ldt_ents);
XLITE_ABI_OFFSET(struct vcpu_guest_context, gdt_frames, 4832, vgc_gdt_frames);
XLITE_ABI_OFFSET(struct vcpu_guest_context, gdt_ents, 4960, vgc_gdt_ents);
XLITE_ABI_OFFSET(struct vcpu_guest_context, kernel_ss, 4968, vgc_kernel_ss);
XLITE_ABI_OFFSET(struct vcpu_guest_context, kernel_sp, 4976, vgc_kernel_sp);
XLITE_ABI_OFFSET(struct vcpu_guest_context, ctrlreg, 4984, vgc_ctrlreg);
XLITE_ABI_OFFSET(struct vcpu_guest_context, ctrlreg[1], 4992, vgc_user_cr3);
XLITE_ABI_OFFSET(struct vcpu_guest_context, ctrlreg[3], 5008, vgc_kernel_cr3);
XLITE_ABI_OFFSET(struct vcpu_guest_context, debugreg, 5048, vgc_debugreg);
XLITE_ABI_OFFSET(struct vcpu_guest_context, event_callback_eip, 5112, vgc_event_callback);
XLITE_ABI_OFFSET(struct vcpu_guest_context, failsafe_callback_eip, 5120, vgc_failsafe_callback);
XLITE_ABI_OFFSET(struct vcpu_guest_context, syscall_callback_eip, 5128, vgc_syscall_callback);
XLITE_ABI_OFFSET(struct vcpu_guest_context, vm_assist, 5136, vgc_vm_assist);
XLITE_ABI_OFFSET(struct vcpu_guest_context, fs_base, 5144, vgc_fs_base);
XLITE_ABI_OFFSET(struct vcpu_guest_context, gs_base_kernel, 5152, vgc_gs_base_kernel);
XLITE_ABI_OFFSET(struct vcpu_guest_context, gs_base_user, 5160, vgc_gs_base_user);

XLITE_ABI_SIZE(struct iret_context, 72, iret_context_size);
XLITE_ABI_OFFSET(struct iret_context, rax, 0, iret_context_rax);
XLITE_ABI_OFFSET(struct iret_context, r11, 8, iret_context_r11);
XLITE_ABI_OFFSET(struct iret_context, rcx, 16, iret_context_rcx);
XLITE_ABI_OFFSET(struct iret_context, flags, 24, iret_context_flags);
XLITE_ABI_OFFSET(struct iret_context, rip, 32, iret_context_rip);
XLITE_ABI_OFFSET(struct iret_context, cs, 40, iret_context_cs);
XLITE_ABI_OFFSET(struct iret_context, rflags, 48, iret_context_rflags);
XLITE_ABI_OFFSET(struct iret_context, rsp, 56, iret_context_rsp);
XLITE_ABI_OFFSET(struct iret_context, ss, 64, iret_context_ss);

XLITE_ABI_SIZE(struct arch_vcpu_info, 16, arch_vcpu_info_size);
XLITE_ABI_OFFSET(struct arch_vcpu_info, cr2, 0, arch_vcpu_info_cr2);
XLITE_ABI_OFFSET(struct arch_vcpu_info, pad, 8, arch_vcpu_info_pad);

XLITE_ABI_SIZE(struct arch_shared_info, 48, arch_shared_info_size);
XLITE_ABI_OFFSET(struct arch_shared_info, max_pfn, 0, arch_shared_info_max_pfn);
XLITE_ABI_OFFSET(struct arch_shared_info, pfn_to_mfn_frame_list_list, 8,
                 arch_shared_info_frame_list_list);
XLITE_ABI_OFFSET(struct arch_shared_info, nmi_reason, 16, arch_shared_info_nmi_reason);
XLITE_ABI_OFFSET(struct arch_shared_info, p2m_cr3, 24, arch_shared_info_p2m_cr3);
XLITE_ABI_OFFSET(struct arch_shared_info, p2m_vaddr, 32, arch_shared_info_p2m_vaddr);
XLITE_ABI_OFFSET(struct arch_shared_info, p2m_generation, 40, arch_shared_info_p2m_generation);

XLITE_ABI_ASSERT(FIRST_RESERVED_GDT_ENTRY == 7168, first_reserved_gdt_entry);
XLITE_ABI_ASSERT(MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START == (256ULL << 30), m2p_256gib);
XLITE_ABI_ASSERT(((HYPERVISOR_VIRT_START >> 39) & 511) == XLITE_HV_L4_FIRST_SLOT,
                 hv_first_l4_slot);
XLITE_ABI_ASSERT((((HYPERVISOR_VIRT_END - 1) >> 39) & 511) == XLITE_HV_L4_LAST_SLOT,
                 hv_last_l4_slot);

#ifdef __cplusplus
}
#endif

#endif /* !__ASSEMBLER__ */

#endif /* XLITE_PV_ABI_ARCH_X86_64_H */
