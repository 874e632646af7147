/* Boot-time domains: one unprivileged PV domain per `domU` Multiboot2 module (see
 * boot_domains.h). Everything that can be refused is checked before the domain is
 * created, so a refused module costs no frame and prints exactly one line. */
#include <asm/domain.h>
#include <hv/boot_domains.h>
#include <hv/domain.h>
#include <hv/domu_config.h>
#include <hv/elf_loader.h>
#include <hv/lib.h>
#include <asm/mm.h>
#include <hv/page_alloc.h>
#include <hv/options.h>
#include <hv/printk.h>

/* Frames kept back for the hypervisor when checking memory= against free memory. */
#define HV_RESERVE_FRAMES   ((4ul << 20) >> PAGE_SHIFT)

_Static_assert(DOMU_VCPUS_MAX == MAX_VCPUS_PER_DOM, "vcpus= bound is the domain's");
_Static_assert(DOMU_NAME_MAX == DOMAIN_NAME_MAX, "name= bound is the domain's");

/* Too big for the hypervisor stack; boot builds one domain at a time. */
static struct domu_config cfg;
static struct pv_elf_info elf;

uint32_t boot_domains_dom0_modules(const struct boot_info *bi)
{
    if (hv_opts.dom0_none || bi->nr_modules == 0)
        return 0;
    if (bi->nr_modules > 1 && !domu_config_is_domu(bi->modules[1].string))
        return 2;
    return 1;
}

/* A live domain called name, or NULL. */
static struct domain *domain_by_name(const char *name)
{
    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        if (domains[i] && domains[i]->state != DOM_DEAD && !strcmp(domains[i]->name, name))
            return domains[i];
    return NULL;
}

/* True when module string s starts with the word `ramdisk`: the initrd of the domU
 * module right before it. */
static bool is_ramdisk(const char *s)
{
    return s != NULL && strncmp(s, "ramdisk", 7) == 0 && (s[7] == '\0' || s[7] == ' ');
}

/* Refuses (one line, false) what cfg and the image cannot give: a taken name, a bad
 * ELF, memory= too small for the kernel's layout (with its ramdisk) or more than is
 * free. */
static bool check_module(uint32_t idx, const void *image, size_t size, size_t rd_size)
{
    char err[128];
    uint64_t nr_pages = cfg.memory_mib << (20 - PAGE_SHIFT);
    struct domain *other = domain_by_name(cfg.name);

    if (other) {
        printk("domU module %u: bad value for 'name': '%s' (d%u has that name)\n", idx,
               cfg.name, other->id);
        return false;
    }
    if (pv_elf_parse(image, size, &elf, err, sizeof(err))) {
        printk("domU module %u: bad kernel image: %s\n", idx, err);
        return false;
    }
    if (arch_kernel_fits(&elf, rd_size, nr_pages, err, sizeof(err))) {
        printk("domU module %u: bad value for 'memory': '%lu' (the kernel does not fit: %s)\n",
               idx, cfg.memory_mib, err);
        return false;
    }
    /* The domain takes nr_pages and its shared_info page. */
    if (nr_pages + 1 + HV_RESERVE_FRAMES > frame_alloc.nr_free) {
        uint64_t avail = frame_alloc.nr_free > HV_RESERVE_FRAMES + 1 ?
                         frame_alloc.nr_free - HV_RESERVE_FRAMES - 1 : 0;
        printk("domU module %u: bad value for 'memory': '%lu' (only %lu MiB free)\n", idx,
               cfg.memory_mib, avail >> (20 - PAGE_SHIFT));
        return false;
    }
    return true;
}

/* Builds module idx (with module rd as its initrd, or none if rd is NULL) as domain
 * id; false (nothing left allocated) if it was refused. */
static bool build_one(const struct boot_info *bi, uint32_t idx, const struct mb2_module *rd,
                      domid_t id)
{
    char err[DOMU_ERR_MAX];
    const struct mb2_module *m = &bi->modules[idx];
    const void *image = maddr_to_virt(m->start);
    size_t size = m->end - m->start;
    size_t rd_size = rd ? rd->end - rd->start : 0;

    if (domu_config_parse(m->string, id, &cfg, err, sizeof(err))) {
        printk("domU module %u: %s\n", idx, err);
        return false;
    }
    if (!check_module(idx, image, size, rd_size))
        return false;
    uint64_t nr_pages = cfg.memory_mib << (20 - PAGE_SHIFT);
    struct domain *d = domain_create(id, cfg.name, false, cfg.vcpus, nr_pages);
    if (!d) {
        printk("domU module %u: cannot create domain %u (no free slot)\n", idx, id);
        return false;
    }
    struct domain_build_args args = {
        .kernel = image,
        .kernel_size = size,
        .ramdisk = rd ? maddr_to_virt(rd->start) : NULL,
        .ramdisk_size = rd_size,
        .cmdline = cfg.cmdline,
        .nr_pages = nr_pages,
        .si_flags = 0,
    };
    d->weight = cfg.weight;
    if (arch_domain_build(d, &args)) {                 /* pv_build said why, in one line */
        domain_destroy(d);
        printk("domU module %u: '%s' not built\n", idx, cfg.name);
        return false;
    }
    printk("domU module %u: d%u '%s': %lu MiB, %u vCPU%s, weight %u, cmdline '%s'\n", idx,
           id, cfg.name, cfg.memory_mib, cfg.vcpus, cfg.vcpus == 1 ? "" : "s", cfg.weight,
           cfg.cmdline);
    if (rd)
        printk("domU module %u: ramdisk of %lu KiB from module %u\n", idx,
               (unsigned long)(rd_size >> 10), idx + 1);
    return true;
}

unsigned int boot_domains_build(const struct boot_info *bi)
{
    unsigned int built = 0;
    domid_t id = 0;

    if (!hv_opts.dom0_none && bi->nr_modules && domu_config_is_domu(bi->modules[0].string))
        pr_warn("module 0: starts with 'domU' but is dom0's kernel (dom0=none not given)\n");
    for (uint32_t i = boot_domains_dom0_modules(bi); i < bi->nr_modules; i++) {
        if (!domu_config_is_domu(bi->modules[i].string)) {
            if (is_ramdisk(bi->modules[i].string))
                pr_warn("module %u: ignored: a ramdisk must follow a domU module\n", i);
            else
                pr_warn("module %u: ignored: not dom0's and not a domU ('domU key=value...')"
                        "\n", i);
            continue;
        }
        const struct mb2_module *rd = i + 1 < bi->nr_modules &&
                                      is_ramdisk(bi->modules[i + 1].string) ?
                                      &bi->modules[i + 1] : NULL;
        if (build_one(bi, i, rd, ++id))
            built++;
        if (rd)
            i++;                              /* that module was this domain's */
    }
    if (hv_opts.dom0_none && id == 0)
        printk("dom0=none: no domU module given\n");
    return built;
}
