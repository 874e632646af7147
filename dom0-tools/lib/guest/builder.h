/* The domain builder's internal state and steps, shared by the files of lib/guest. */
#ifndef XLITE_TOOLS_GUEST_BUILDER_H
#define XLITE_TOOLS_GUEST_BUILDER_H

#include <stdbool.h>
#include <stdint.h>

#include "guest.h"
#include <hv/elf_loader.h>

#define GUEST_PAGE          4096ull
#define GUEST_MAX_PAGES     (1ull << 22)    /* 16 GiB, createdomain's limit */

struct builder {
    const struct ctrl *c;
    const struct guest_build_args *a;
    struct pv_elf_info elf;
    struct pv_layout l;
    domid_t domid;
    bool created;                   /* the domain exists: destroy it on failure */
    uint64_t shared_info_mfn;
    uint64_t *p2m;                  /* l.nr_pages MFNs, PFN order */
    void *map_va;                   /* the one frame mapped now, or NULL */
    uint64_t map_pfn;
    struct guest_built out;
    char *err;
    size_t errlen;
};

/* Records "IMAGE: <fmt>" as the error (the first one wins) and returns rc. */
int builder_fail(struct builder *b, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* memory.c: the domain's RAM, M2P entries and P2M; writing into its frames. */
int mem_populate(struct builder *b);
int mem_write_pfn(struct builder *b, uint64_t pfn, size_t off, const void *src, size_t len);
int mem_write_va(struct builder *b, uint64_t va, const void *src, size_t len);
int mem_unmap(struct builder *b);
int mem_write_p2m(struct builder *b);
int mem_load_kernel(struct builder *b);
int mem_load_ramdisk(struct builder *b);

/* pagetable.c: the initial page tables. */
void pt_fill(const struct pv_layout *l, const uint64_t *p2m, uint64_t *tables);
int pt_write(struct builder *b);

/* start_info.c: start_info and vCPU 0's context. */
void si_fill(const struct builder *b, struct start_info *si);
void vcpu0_fill(const struct builder *b, struct vcpu_guest_context *ctx);
int si_write(struct builder *b);
int vcpu0_set(struct builder *b);

/* backends.c: console and store ports, grant entries 0 and 1. */
int backends_setup(struct builder *b);

#endif
