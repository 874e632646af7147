/* create: config file (+ key=value overrides) -> a running (or paused) domain, or one
 * line saying why not and nothing left behind. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "domrec.h"
#include "doorbell.h"
#include "guest.h"
#include "xlcmd.h"
#include "xlite.h"
#include <hv/elf_loader.h>

#define MAX_FILE   (64u << 20)
#define HOST_VCPUS 8u
#define HV_NAME_MAX 31u            /* createdomain's limit */
#define SPARE_MIB  4u               /* kept free for the hypervisor, as boot-time domains */

struct create_opts {
    bool console, paused, dry, quiet;
    const char *file;
    const char *const *overrides;
    size_t n_overrides;
};

/* The whole file, or NULL with errno (EFBIG above 64 MiB). */
static void *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 0, n = 0;
    char *buf = NULL;

    if (!f)
        return NULL;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            char *nb = cap > MAX_FILE ? NULL : realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                fclose(f);
                errno = cap > MAX_FILE ? EFBIG : ENOMEM;
                return NULL;
            }
            buf = nb;
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void warn_line(void *opaque, const char *line)
{
    (void)opaque;
    fprintf(stderr, "xlite: warning: %s\n", line);
}

/* Refuses unknown flags, a missing config file name, arguments after it without '='. */
static int parse_args(int argc, char **argv, struct create_opts *o)
{
    int i = 1;

    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        for (const char *f = argv[i] + 1; *f; f++) {
            if (*f == 'c') o->console = true;
            else if (*f == 'p') o->paused = true;
            else if (*f == 'n') o->dry = true;
            else if (*f == 'q') o->quiet = true;
            else return -1;
        }
    }
    if (i >= argc || strchr(argv[i], '='))
        return -1;
    o->file = argv[i++];
    for (int k = i; k < argc; k++)
        if (!strchr(argv[k], '='))
            return -1;
    o->overrides = (const char *const *)argv + i;
    o->n_overrides = (size_t)(argc - i);
    return 0;
}

/* -n: the config as xlite reads it and the layout the builder would make. */
static int dry_run(const struct domain_config *c, const void *img, size_t len, size_t rd_len)
{
    struct pv_elf_info elf;
    struct pv_layout l;
    char why[160];
    size_t n = config_dump(c, NULL, 0);
    char *text = malloc(n + 1);

    if (text) {
        config_dump(c, text, n + 1);
        fputs(text, stdout);
        free(text);
    }
    if (pv_elf_parse(img, len, &elf, why, sizeof(why)))
        return err("%s: %s", c->kernel, why);
    if (pv_layout_compute(&l, elf.virt_base, elf.virt_kstart, elf.virt_kend, rd_len,
                          (uint64_t)c->memory_mib * 256u, why, sizeof(why)))
        return err("%s: does not fit in %" PRIu32 " MiB: %s", c->kernel, c->memory_mib, why);
    printf("# layout (PFNs, virt_base %#" PRIx64 ", entry %#" PRIx64 ")\n", l.virt_base,
           elf.entry);
    printf("#   RAM          %" PRIu64 " pages\n", l.nr_pages);
    printf("#   kernel       %#" PRIx64 "-%#" PRIx64 "\n", l.kernel_pfn, l.kernel_end_pfn);
    if (l.ramdisk_pages)
        printf("#   ramdisk      %#" PRIx64 " +%" PRIu64 "\n", l.ramdisk_pfn, l.ramdisk_pages);
    printf("#   p2m          %#" PRIx64 " +%" PRIu64 "\n", l.p2m_pfn, l.p2m_pages);
    printf("#   start_info   %#" PRIx64 "\n", l.start_info_pfn);
    printf("#   store ring   %#" PRIx64 "\n", l.store_pfn);
    printf("#   console ring %#" PRIx64 "\n", l.console_pfn);
    printf("#   page tables  %#" PRIx64 " +%" PRIu64 " (L3 %" PRIu64 ", L2 %" PRIu64
           ", L1 %" PRIu64 ")\n", l.pt_pfn, l.nr_pt, l.nr_l3, l.nr_l2, l.nr_l1);
    printf("#   stack        %#" PRIx64 "\n", l.stack_pfn);
    printf("#   mapped       %" PRIu64 " pages from virt_base\n", l.mapped_pfns);
    return 0;
}

/* Refuses what the hypervisor would: a name over 31 characters, "dom0", a name in use;
 * more vCPUs or memory than the host gives one domain. */
static int check_host(const struct domain_config *c)
{
    struct xlite_domctl_physinfo pi;
    struct xlite_domctl_getdomaininfo info;

    if (strlen(c->name) > HV_NAME_MAX)
        return err("%s: name has %zu characters; the hypervisor takes at most %u", c->name,
                   strlen(c->name), HV_NAME_MAX);
    if (!strcmp(c->name, "dom0"))
        return err("dom0: name reserved for Domain-0");
    for (uint32_t d = 0; !ctrl_domain_getinfo(&xl_ctrl, (domid_t)d, &info); d = info.domain + 1u)
        if (!strcmp(info.name, c->name))
            return err("%s: a domain with this name exists already (id %u)", c->name,
                       info.domain);

    if (c->maxvcpus > HOST_VCPUS)
        return err("%s: %" PRIu32 " vCPUs, but a domain has at most %u", c->name,
                   c->maxvcpus, HOST_VCPUS);
    if (ctrl_physinfo(&xl_ctrl, &pi))
        return err("cannot read the host's free memory");
    uint64_t free_mib = pi.free_pages / 256u;
    if (c->memory_mib + (uint64_t)SPARE_MIB > free_mib)
        return err("%s: memory=%" PRIu32 " MiB, but only %" PRIu64 " MiB are free "
                   "(%u MiB stay for the hypervisor)", c->name, c->memory_mib,
                   free_mib > SPARE_MIB ? free_mib - SPARE_MIB : 0, SPARE_MIB);
    return 0;
}

static void fill_record(struct domrec *r, const struct create_opts *o,
                        const struct domain_config *c, const struct guest_built *b,
                        uint64_t xxh3)
{
    memset(r, 0, sizeof(*r));
    r->domid = b->domid;
    snprintf(r->name, sizeof(r->name), "%s", c->name);
    snprintf(r->config, sizeof(r->config), "%s", o->file);
    for (size_t i = 0; i < o->n_overrides && i < DOMREC_ARGS; i++)
        snprintf(r->args[r->nargs++], sizeof(r->args[0]), "%s", o->overrides[i]);
    snprintf(r->kernel, sizeof(r->kernel), "%s", c->kernel);
    r->kernel_xxh3 = xxh3;
    snprintf(r->cmdline, sizeof(r->cmdline), "%s", c->cmdline);
    r->console_mfn = b->console_mfn;
    r->console_port = b->console_port;
    r->store_mfn = b->store_mfn;
    r->store_port = b->store_port;
    snprintf(r->on_poweroff, sizeof(r->on_poweroff), "%s", config_action_name(c->on_poweroff));
    snprintf(r->on_reboot, sizeof(r->on_reboot), "%s", config_action_name(c->on_reboot));
    snprintf(r->on_crash, sizeof(r->on_crash), "%s", config_action_name(c->on_crash));
    r->memory_mib = c->memory_mib;
    r->maxmem_mib = c->maxmem_mib;
    r->vcpus = c->vcpus;
    r->maxvcpus = c->maxvcpus;
    r->created_ns = xl_clock(XCLOCK_MONOTONIC);
}

static int build(const struct create_opts *o, const struct domain_config *c, void *img,
                 size_t len, void *rd, size_t rd_len)
{
    struct guest_build_args a = {
        .image_name = c->kernel, .image = img, .image_size = len,
        .ramdisk = rd, .ramdisk_size = rd_len, .name = c->name, .cmdline = c->cmdline,
        .nr_pages = (uint64_t)c->memory_mib * 256u, .max_vcpus = c->maxvcpus,
        .no_store = !store_running(),
    };
    struct guest_built b;
    struct domrec r;
    char why[GUEST_ERR_MAX];

    if (guest_build(&xl_ctrl, &a, &b, why, sizeof(why)))
        return err("%s", why);
    fill_record(&r, o, c, &b, config_kernel_hash(img, len));
    if (domrec_write(&r)) {
        ctrl_domain_destroy(&xl_ctrl, b.domid);
        return err("%s: cannot write %s/d%u: %s", c->name, DOMREC_DIR, b.domid,
                   strerror(errno));
    }
    /* The daemons serve the new domain from their next pass: have it come now. */
    doorbell_ring(XLCONSOLED_DOORBELL);
    doorbell_ring(XLSTORED_DOORBELL);
    /* -c: open the console history before the domain runs, so that a guest that
     * prints and powers off at once is still seen whole. */
    int con = o->console ? console_open(b.domid, c->name) : -1;
    if (!o->paused) {
        long rc = ctrl_domain_unpause(&xl_ctrl, b.domid);
        if (rc) {
            if (con >= 0)
                close(con);
            destroy_domain(b.domid, c->name);
            return err("%s: unpause refused (error %ld)", c->name, rc);
        }
    }
    if (!o->quiet && o->paused)
        printf("Domain %s (id %u) created, paused\n", c->name, b.domid);
    if (o->console) {
        fflush(stdout);
        return con < 0 ? 1 : console_follow(b.domid, con);
    }
    return 0;
}

int cmd_create(int argc, char **argv)
{
    struct create_opts o = { 0 };
    struct domain_config c;
    char why[CONFIG_ERR_MAX];
    size_t len = 0, klen = 0, rd_len = 0;
    void *rd = NULL;
    int rc = 1;

    if (parse_args(argc, argv, &o))
        return usage("create");
    if (!o.quiet)
        fprintf(stderr, "Parsing config from %s\n", o.file);
    char *text = read_file(o.file, &len);
    if (!text)
        return err("%s: %s", o.file, strerror(errno));
    struct config_source src = { .file = o.file, .text = text, .len = len,
                                 .overrides = o.overrides, .n_overrides = o.n_overrides,
                                 .warn = warn_line };
    int prc = config_parse(&src, &c, why, sizeof(why));
    free(text);
    if (prc)
        return err("%s", why);
    void *img = read_file(c.kernel, &klen);
    if (!img) {
        err("%s: kernel '%s': %s", o.file, c.kernel, strerror(errno));
        goto out;
    }
    if (c.ramdisk[0] && !(rd = read_file(c.ramdisk, &rd_len))) {
        err("%s: ramdisk '%s': %s", o.file, c.ramdisk, strerror(errno));
        goto out;
    }
    if (config_kernel_check(&c, img, klen, why, sizeof(why))) {
        err("%s: %s", o.file, why);
        goto out;
    }
    if (o.dry)
        rc = dry_run(&c, img, klen, rd_len);
    else if (!check_host(&c))
        rc = build(&o, &c, img, klen, rd, rd_len);
out:
    free(img);
    free(rd);
    config_free(&c);
    return rc;
}
