/* Arch interface: what common domain code asks of the architecture: building a domain
 * from a kernel image, bringing up a vCPU from a guest context, putting vCPUs on and off
 * the CPU, and releasing a dead domain's memory-management state. */
#ifndef XLITE_ASM_DOMAIN_H
#define XLITE_ASM_DOMAIN_H

#include <stddef.h>
#include <stdint.h>

#include <hv/domain.h>
#include <hv/elf_loader.h>

struct domain_build_args {
    const void *kernel;           /* ELF image (in hypervisor memory) */
    size_t kernel_size;
    const void *ramdisk;          /* optional: start_info.mod_start/mod_len */
    size_t ramdisk_size;
    const char *cmdline;          /* start_info.cmd_line */
    uint64_t nr_pages;            /* guest RAM */
    uint32_t si_flags;            /* SIF_* for start_info.flags */
};

/* Build d (created, empty) from args. On failure prints one line naming the problem,
 * frees what it took and returns a negative errno. */
int arch_domain_build(struct domain *d, const struct domain_build_args *args);
/* 0 if a kernel with these notes and a ramdisk of ramdisk_bytes fits in nr_pages with
 * its start-of-day layout, else a negative errno and the reason in err. */
int arch_kernel_fits(const struct pv_elf_info *elf, uint64_t ramdisk_bytes, uint64_t nr_pages,
                     char *err, size_t errlen);
/* VCPUOP_initialise: v's state from a vcpu_guest_context at guest address ctx. */
long arch_vcpu_initialise(struct vcpu *v, uint64_t ctx);
/* Put the first runnable vCPU on this CPU and leave through its frame (idles if there
 * is none). */
__attribute__((noreturn)) void arch_start_first_vcpu(void);
/* v (running) stops running: the CPU leaves its page tables and state. */
void arch_vcpu_leave(struct vcpu *v);
/* d is dead: drop its base pointers, GDT frames and page-table references. */
void arch_domain_relinquish(struct domain *d);
/* VCPUOP_register_vcpu_info: v's vcpu_info moves to byte `offset` of frame mfn (which
 * v's domain owns and keeps a WRITABLE reference on until teardown). Refuses (-EINVAL)
 * a second registration, an offset the struct would not fit after, and a frame that
 * is not the domain's or cannot be writable (a page table, a descriptor page). */
long arch_vcpu_register_info(struct vcpu *v, uint64_t mfn, uint32_t offset);
/* Write v's runstate to its registered area if it changed since the last write (from
 * guest kernel or user mode; the area is a guest kernel address). */
void arch_runstate_area_update(struct vcpu *v);
/* Write the hypercall page (what a guest's HYPERCALL_PAGE note asks for) into a
 * 4 KiB page. */
void hypercall_page_fill(uint8_t *page);
/* d's shared_info wallclock from the host's clock. */
void pv_set_wallclock(struct domain *d);

#endif
