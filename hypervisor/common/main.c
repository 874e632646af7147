/* start_xlite: the hypervisor's C entry on the boot CPU, in boot order. */
#include "apic.h"
#include "console.h"
#include "cpu.h"
#include "desc.h"
#include "irq.h"
#include "keyhandler.h"
#include "lib.h"
#include "machine.h"
#include "mm.h"
#include "multiboot2.h"
#include "options.h"
#include "printk.h"
#include "serial.h"
#include "time.h"
#include "version.h"
#include "x86.h"

#define IDLE_POLL_NS   10000000ul       /* serial input is polled every 10 ms when idle */
#define SELFTEST_NS    10000000ul

static struct boot_info boot_info;
static volatile unsigned long timer_fired;

static void count_timer(void)
{
    timer_fired++;
}

/* Prove interrupts and the one-shot timer work: arm a deadline, sleep until it fires. */
static void timer_selftest(void)
{
    unsigned long before = timer_fired;
    uint64_t start = now_ns();

    timer_set_deadline(start + SELFTEST_NS);
    while (timer_fired == before) {
        safe_halt();
        local_irq_disable();
        if (now_ns() - start > 100 * SELFTEST_NS)
            panic("time: the APIC timer did not fire within %lu ms", 100 * SELFTEST_NS / 1000000);
    }
    uint64_t took = now_ns() - start;
    printk("time: one-shot timer for %lu us fired after %lu us\n", SELFTEST_NS / 1000,
           took / 1000);
}

static void show_boot_info(const struct boot_info *bi)
{
    printk("Multiboot2: loader '%s', command line '%s'\n", bi->loader, bi->cmdline);
    for (uint32_t i = 0; i < bi->nr_mmap; i++)
        pr_info(" e820 %016lx-%016lx type %u\n", bi->mmap[i].addr,
                bi->mmap[i].addr + bi->mmap[i].len, bi->mmap[i].type);
    printk("Modules: %u\n", bi->nr_modules);
    for (uint32_t i = 0; i < bi->nr_modules; i++)
        printk("module %u: %#lx-%#lx '%s'\n", i, bi->modules[i].start, bi->modules[i].end,
               bi->modules[i].string);
}

static void parse_boot_info(uint64_t mbi_maddr)
{
    char err[128];
    /* The boot page tables direct-map the first 4 GiB; GRUB puts the info below that. */
    if (mbi_maddr >= (4ull << 30) - MB2_INFO_MAX_SIZE)
        panic("Multiboot2 information at %#lx is out of reach", mbi_maddr);
    const uint32_t *mbi = maddr_to_virt(mbi_maddr);
    if (mb2_parse(mbi, MIN(mbi[0], MB2_INFO_MAX_SIZE), &boot_info, err, sizeof(err)))
        panic("bad Multiboot2 information: %s", err);
}

__attribute__((noreturn)) static void idle_forever(void)
{
    if (hv_opts.exit_on_shutdown) {
        printk("Nothing to run: exiting (exit_on_shutdown)\n");
        machine_halt(EXIT_CLEAN);
    }
    printk("Nothing to run: idle. Debug keys: press 'h' for help\n");
    for (;;) {
        int c;
        while ((c = console_getc()) >= 0)
            handle_debug_key(c);
        timer_set_deadline(now_ns() + IDLE_POLL_NS);
        safe_halt();
        local_irq_disable();
    }
}

void start_xlite(uint64_t mbi_maddr)
{
    serial_init();
    printk("xlite " XLITE_VERSION " (x86-64 PV hypervisor)\n");
    gdt_init();
    idt_init();
    parse_boot_info(mbi_maddr);
    options_parse(boot_info.cmdline);
    console_enable(hv_opts.console_com1);
    printk_set_console_level(hv_opts.loglvl);
    cpu_init();
    paging_init(&boot_info);
    show_boot_info(&boot_info);
    page_alloc_init(&boot_info, mbi_maddr);
    show_memory_summary();
    if (hv_opts.dom0_mem)
        printk("dom0_mem: %lu MiB\n", hv_opts.dom0_mem >> 20);

    time_init();
    apic_init();
    timer_set_handler(count_timer);
    timer_selftest();

    if (hv_opts.crash_test[0]) {
        printk("crash_test=%s: faulting on purpose\n", hv_opts.crash_test);
        crash_test_trigger(hv_opts.crash_test);
        panic("crash_test=%s did not fault", hv_opts.crash_test);
    }
    idle_forever();
}
