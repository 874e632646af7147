/* The PV guest execution model on x86-64: guest kernel and user both run in ring 3;
 * the hypervisor tracks which one is active, bounces exceptions, software interrupts,
 * syscalls and event upcalls into the guest kernel through frames on its stack. */
#ifndef XLITE_PV_H
#define XLITE_PV_H

#include <stdbool.h>
#include <stdint.h>

#include <asm/domain.h>
#include <hv/domain.h>
#include <asm/regs.h>
#include <x86/layout.h>

/* trap_info.flags: DPL for software INT in bits 0-1, mask events on entry (bit 2). */
#define TRAP_INFO_DPL(f)        ((f) & 3)
#define TRAP_INFO_MASK_EVENTS   4

#define X86_EFLAGS_CF   0x00000001ul
#define X86_EFLAGS_PF   0x00000004ul
#define X86_EFLAGS_AF   0x00000010ul
#define X86_EFLAGS_ZF   0x00000040ul
#define X86_EFLAGS_SF   0x00000080ul
#define X86_EFLAGS_TF   0x00000100ul
#define X86_EFLAGS_IF   0x00000200ul
#define X86_EFLAGS_DF   0x00000400ul
#define X86_EFLAGS_IOPL 0x00003000ul
#define X86_EFLAGS_OF   0x00000800ul
#define X86_EFLAGS_NT   0x00004000ul
#define X86_EFLAGS_RF   0x00010000ul
#define X86_EFLAGS_VM   0x00020000ul
#define X86_EFLAGS_AC   0x00040000ul

/* Switch v between guest kernel and guest user mode: CR3, GS base swap, flag. */
void pv_toggle_mode(struct vcpu *v);

/* Deliver `vector` to the guest's handler as the PV ABI's bounce frame describes:
 * switch to kernel mode if needed, write [rcx r11 (ec) rip cs rflags rsp ss] on the
 * guest kernel stack and enter trap_ctxt[vector]. With no handler, or if the frame
 * cannot be written, the domain crashes. */
void pv_inject_trap(struct cpu_regs *regs, unsigned int vector, bool has_error_code,
                    uint64_t error_code);

/* Enter `target` in guest kernel mode with a bounce frame (no error code) built from
 * the interrupted state; mask events if asked. Used for callbacks (event, syscall). */
bool pv_bounce_to(struct cpu_regs *regs, uint64_t target, bool mask_events);

/* Handle an exception the guest raised (vector < 32). */
void pv_do_exception(struct cpu_regs *regs);
/* SYSCALL from ring 3: a hypercall from guest kernel, a bounce from guest user. */
void pv_do_syscall(struct cpu_regs *regs);
/* Try to emulate a privileged instruction at regs->rip after #GP(0) in kernel mode.
 * Returns true if it was emulated (or a fault was injected instead). */
bool pv_emulate_privileged(struct cpu_regs *regs);
/* A write fault (error code ec) of the guest kernel at cr2 on one of its own L1 page
 * tables, with VMASST_TYPE_writable_pagetables enabled: emulate the write if the
 * instruction is one pv_ptwr.c decodes and the new entry passes validation. True if
 * done (RIP moved past it); false leaves the #PF to the guest. */
bool pv_ptwr_emulate(struct cpu_regs *regs, uint64_t cr2, uint64_t ec);
/* The saved guest register numbered as in ModRM/REX (0 RAX .. 15 R15). */
uint64_t *pv_gpr(struct cpu_regs *r, unsigned int n);
/* #UD: the forced-emulation prefix followed by CPUID. True if handled. */
bool pv_emulate_forced_cpuid(struct cpu_regs *regs);

/* Debug registers as the guest sees them (set_debugreg rules of the ABI notes); they
 * are kept per vCPU and not loaded into hardware yet. */
long pv_set_debugreg(struct vcpu *v, unsigned int reg, uint64_t value);
uint64_t pv_get_debugreg(struct vcpu *v, unsigned int reg);
uint64_t pv_debugreg_hw_dr7(const struct vcpu *v);
/* Virtual CR4 as the guest reads it; pv_load_cr4 applies its hardware-relevant bits
 * (TSD, FSGSBASE) for v, or clears them for NULL. */
uint64_t pv_guest_cr4(const struct vcpu *v);
void pv_load_cr4(const struct vcpu *v);
bool pv_vcpu_virtual_ts(const struct vcpu *v);
void pv_vcpu_set_virtual_ts(struct vcpu *v, bool ts);

/* Last step before returning to a guest: pick who runs, deliver a pending event
 * upcall. May switch the frame at the stack top to another vCPU. */
void pv_exit_to_guest(struct cpu_regs *regs);

/* The return path's guards. True for a selector (RPL already forced to 3) a guest may
 * load into CS (code) or SS (!code) on its way back: the flat ring-3 selectors, or an
 * entry of the guest's own GDT. Refuses null, LDT selectors (xlite has no LDT), the
 * hypervisor's other reserved entries and entries past the guest's GDT limit. Whether
 * a guest GDT entry really is a usable segment is left to the hardware: a faulting
 * IRET lands in pv_return_faulted. Inline: HYPERVISOR_iret asks twice per call. */
static inline bool pv_selector_ok(const struct vcpu *v, uint16_t sel, bool code)
{
    unsigned int index = sel >> 3;

    if (sel & 4)
        return false;                            /* LDT */
    if (index >= GDT_FIRST_RESERVED)
        return code ? sel == FLAT_RING3_CS64 || sel == FLAT_RING3_CS32
                    : sel == FLAT_RING3_DS32;
    return index != 0 && index < v->gdt_ents;
}

/* pv_return_fault.c: pv_return_fault_fixup claims a fault of the IRET to a guest
 * (true: regs now resume at the fixup, which calls pv_return_faulted to crash that
 * guest's domain). */
bool pv_return_fault_fixup(struct cpu_regs *regs);
void pv_return_faulted(struct cpu_regs *regs);

/* Refresh v's vcpu_time_info (pvclock) from the TSC. */
void pv_update_vcpu_time(struct vcpu *v);

#endif
