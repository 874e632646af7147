/* start_xlite: the hypervisor's C entry on the boot CPU, in boot order. */
#include <asm/console.h>
#include <asm/domain.h>
#include <asm/irq.h>
#include <asm/machine.h>
#include <asm/mm.h>
#include <hv/page_alloc.h>
#include <asm/setup.h>
#include <asm/time.h>
#include <hv/boot_domains.h>
#include <hv/keyhandler.h>
#include <hv/lib.h>
#include <hv/multiboot2.h>
#include <hv/options.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <hv/timer.h>
#include <hv/version.h>

#define IDLE_POLL_NS   10000000ul       /* serial input is polled every 10 ms when idle */
#define SELFTEST_NS    10000000ul
#define DOM0_DEFAULT_MEM (128ul << 20)

static struct boot_info boot_info;
static uint64_t free_before_domains;    /* frame accounting to compare at exit */
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
        cpu_wait_for_interrupt();
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

/* Every frame a domain had must be back in the allocator once all domains are gone. */
static void check_frame_accounting(void)
{
    if (!free_before_domains)
        return;
    if (frame_alloc.nr_free == free_before_domains && !frames_check(&frame_alloc))
        printk("frames: %lu free, as before any domain was built\n", frame_alloc.nr_free);
    else
        pr_err("frames: LEAK: %lu free now, %lu before any domain was built\n",
               frame_alloc.nr_free, free_before_domains);
}

void idle_forever(void)
{
    domain_reap_orphans();
    if (!domains_alive())
        check_frame_accounting();
    if (hv_opts.exit_on_shutdown) {
        printk("Nothing to run: exiting (exit_on_shutdown)\n");
        machine_halt(domains_exit_status());
    }
    printk("Nothing to run: idle. Debug keys: press 'h' for help\n");
    for (;;) {
        int c;
        while ((c = console_getc()) >= 0)
            handle_debug_key(c);
        timer_set_deadline(now_ns() + IDLE_POLL_NS);
        cpu_wait_for_interrupt();
    }
}

/* dom0: the first module is its kernel (its string the command line), the second,
 * if any, its ramdisk. A kernel that cannot be built is reported and skipped. */
static struct domain *build_dom0(void)
{
    const struct boot_info *bi = &boot_info;

    if (bi->nr_modules == 0) {
        printk("dom0: no kernel module given\n");
        return NULL;
    }
    uint64_t mem = hv_opts.dom0_mem ? hv_opts.dom0_mem : DOM0_DEFAULT_MEM;
    uint64_t avail = (frame_alloc.nr_free << PAGE_SHIFT);
    if (mem + (16ul << 20) > avail)
        mem = avail > (32ul << 20) ? avail - (16ul << 20) : avail / 2;
    struct domain_build_args args = {
        .kernel = maddr_to_virt(bi->modules[0].start),
        .kernel_size = bi->modules[0].end - bi->modules[0].start,
        .cmdline = bi->modules[0].string,
        .nr_pages = mem >> PAGE_SHIFT,
        .si_flags = SIF_PRIVILEGED | SIF_INITDOMAIN,
    };
    if (bi->nr_modules > 1) {
        args.ramdisk = maddr_to_virt(bi->modules[1].start);
        args.ramdisk_size = bi->modules[1].end - bi->modules[1].start;
    }
    struct domain *d = domain_create(0, "dom0", true, 1, args.nr_pages);
    if (!d)
        panic("dom0: cannot create the domain");
    if (arch_domain_build(d, &args)) {                 /* pv_build said why, in one line */
        domain_destroy(d);
        return NULL;
    }
    return d;
}

uint64_t bench_boot_tsc;

void start_xlite(uint64_t mbi_maddr)
{
    bench_boot_tsc = get_cycles();       /* start of boot-to-first-guest-entry (bench) */
    console_port_init();
    printk("xlite " XLITE_VERSION " (x86-64 PV hypervisor)\n");
    parse_boot_info(mbi_maddr);
    options_parse(boot_info.cmdline);
    console_enable(hv_opts.console_com1);
    printk_set_console_level(hv_opts.loglvl);
    arch_cpu_init(&boot_info);
    show_boot_info(&boot_info);
    page_alloc_init(&boot_info, mbi_maddr);
    show_memory_summary();
    if (hv_opts.dom0_mem)
        printk("dom0_mem: %lu MiB\n", hv_opts.dom0_mem >> 20);

    time_init();
    arch_timer_init();
    timer_set_handler(count_timer);
    timer_selftest();

    if (hv_opts.crash_test[0]) {
        printk("crash_test=%s: faulting on purpose\n", hv_opts.crash_test);
        crash_test_trigger(hv_opts.crash_test);
        panic("crash_test=%s did not fault", hv_opts.crash_test);
    }
    m2p_init();
    free_before_domains = frame_alloc.nr_free;
    timer_set_handler(timers_run);
    if (hv_opts.dom0_none) {
        printk("dom0=none: no dom0, only boot-time domains\n");
    } else {
        /* build_dom0 takes module 1 as its ramdisk: show it only dom0's modules. */
        uint32_t nr_modules = boot_info.nr_modules;
        boot_info.nr_modules = boot_domains_dom0_modules(&boot_info);
        build_dom0();
        boot_info.nr_modules = nr_modules;
    }
    boot_domains_build(&boot_info);
    arch_start_first_vcpu();
}
