/* replaces the native boot loader hand-off: start of day from start_info (xen-pv-abi.md
 * §1.2: VA = PFN * 4 KiB, page tables last, then the boot stack, then mapped slack). */
#include "pv.h"

start_info_t *start_info;
shared_info_t *shared;
struct boot_info boot;

/* shared_info is mapped over this page (its own RAM frame stays ours, unused). */
static uint8_t shared_page[4096] __attribute__((aligned(4096), section(".bss.page_aligned")));

void arch_start(start_info_t *si);
void arch_start(start_info_t *si)
{
    start_info = si;
    traps_init();
    long rc = HYPERVISOR_update_va_mapping((uint64_t)shared_page,
                                           (si->shared_info & PTE_ADDR) | PTE_P | PTE_RW |
                                               PTE_A | PTE_D, UVMF_INVLPG);
    if (rc) {
        static const char msg[] = "xlite-kernel: cannot map shared_info\n";
        HYPERVISOR_console_io(CONSOLEIO_write, sizeof(msg) - 1, msg);
        arch_shutdown(ARCH_CRASH);
    }
    shared = (shared_info_t *)shared_page;

    boot.cmdline = (const char *)si->cmd_line;
    boot.privileged = si->flags & SIF_PRIVILEGED;
    boot.nr_pages = si->nr_pages;
    extern const char embedded_ramdisk[], embedded_ramdisk_end[];
    if (si->mod_start && si->mod_len) {
        boot.ramdisk = (const void *)si->mod_start;
        boot.ramdisk_len = si->mod_len;
    } else if ((uintptr_t)embedded_ramdisk_end > (uintptr_t)embedded_ramdisk) {
        boot.ramdisk = embedded_ramdisk;
        boot.ramdisk_len = (size_t)(embedded_ramdisk_end - embedded_ramdisk);
    }
    boot.store_mfn = si->store_mfn;
    boot.store_evtchn = si->store_evtchn;
    if (!(si->flags & SIF_INITDOMAIN)) {
        boot.console_mfn = si->console.domU.mfn;
        boot.console_evtchn = si->console.domU.evtchn;
    }

    /* Free RAM starts after the page tables and the boot stack page. */
    uint64_t first = (si->pt_base >> PAGE_SHIFT) + si->nr_pt_frames + 1;
    uint64_t end = mmu_init(&first);
    mmu_protect_kernel_text();
    page_alloc_init(first, end);
    events_init();
    time_init();
    kernel_main();
    arch_shutdown(ARCH_POWEROFF);
}

void *arch_mfn_to_va(uint64_t mfn)
{
    return pfn_to_va(mfn_to_pfn(mfn));
}
