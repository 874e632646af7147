/* The per-domain record file (domrec.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domrec.h"

void domrec_path(uint32_t domid, char *buf, size_t size)
{
    snprintf(buf, size, "%s/d%" PRIu32, DOMREC_DIR, domid);
}

/* Written in place (the VFS has no rename); readers wait for the last key, created_ns. */
int domrec_write(const struct domrec *r)
{
    char path[64];

    mkdir(DOMREC_DIR, 0755);
    domrec_path(r->domid, path, sizeof(path));
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "domid=%" PRIu32 "\nname=%s\nconfig=%s\nkernel=%s\nkernel_xxh3=%016" PRIx64
            "\ncmdline=%s\n", r->domid, r->name, r->config, r->kernel, r->kernel_xxh3,
            r->cmdline);
    for (unsigned int i = 0; i < r->nargs; i++)
        fprintf(f, "arg=%s\n", r->args[i]);
    fprintf(f, "memory_mib=%" PRIu32 "\nmaxmem_mib=%" PRIu32 "\nvcpus=%" PRIu32
            "\nmaxvcpus=%" PRIu32 "\n", r->memory_mib, r->maxmem_mib, r->vcpus, r->maxvcpus);
    fprintf(f, "console_mfn=%" PRIu64 "\nconsole_port=%" PRIu32 "\nstore_mfn=%" PRIu64
            "\nstore_port=%" PRIu32 "\non_poweroff=%s\non_reboot=%s\non_crash=%s\n"
            "created_ns=%" PRIu64 "\n", r->console_mfn, r->console_port, r->store_mfn,
            r->store_port, r->on_poweroff, r->on_reboot, r->on_crash, r->created_ns);
    return fclose(f);
}

static void copy(char *dst, size_t size, const char *v)
{
    snprintf(dst, size, "%s", v);
}

int domrec_read(uint32_t domid, struct domrec *r)
{
    char path[64], line[1200];

    domrec_path(domid, path, sizeof(path));
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    memset(r, 0, sizeof(*r));
    r->domid = domid;
    while (fgets(line, sizeof(line), f)) {
        char *eq = strchr(line, '='), *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (!eq)
            continue;
        *eq = '\0';
        const char *k = line, *v = eq + 1;
        if (!strcmp(k, "name")) copy(r->name, sizeof(r->name), v);
        else if (!strcmp(k, "config")) copy(r->config, sizeof(r->config), v);
        else if (!strcmp(k, "kernel")) copy(r->kernel, sizeof(r->kernel), v);
        else if (!strcmp(k, "cmdline")) copy(r->cmdline, sizeof(r->cmdline), v);
        else if (!strcmp(k, "kernel_xxh3")) r->kernel_xxh3 = strtoull(v, NULL, 16);
        else if (!strcmp(k, "console_mfn")) r->console_mfn = strtoull(v, NULL, 10);
        else if (!strcmp(k, "store_mfn")) r->store_mfn = strtoull(v, NULL, 10);
        else if (!strcmp(k, "console_port")) r->console_port = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(k, "store_port")) r->store_port = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(k, "on_poweroff")) copy(r->on_poweroff, sizeof(r->on_poweroff), v);
        else if (!strcmp(k, "on_reboot")) copy(r->on_reboot, sizeof(r->on_reboot), v);
        else if (!strcmp(k, "on_crash")) copy(r->on_crash, sizeof(r->on_crash), v);
        else if (!strcmp(k, "memory_mib")) r->memory_mib = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(k, "maxmem_mib")) r->maxmem_mib = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(k, "vcpus")) r->vcpus = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(k, "maxvcpus")) r->maxvcpus = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(k, "created_ns")) r->created_ns = strtoull(v, NULL, 10);
        else if (!strcmp(k, "arg") && r->nargs < DOMREC_ARGS)
            copy(r->args[r->nargs++], sizeof(r->args[0]), v);
    }
    fclose(f);
    return r->name[0] && r->created_ns ? 0 : -1;
}

int domrec_remove(uint32_t domid)
{
    char path[64];

    domrec_path(domid, path, sizeof(path));
    return unlink(path);
}

bool store_running(void)
{
    struct stat st;

    return stat(XLSTORED_PIDFILE, &st) == 0;
}
