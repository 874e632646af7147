/* guest_build: the steps in the order xlite/domctl.h lists them, with the console and
 * store ports and grants done before start_info is written so it is written once. Any
 * failure unmaps what is mapped, destroys the half-built domain and frees memory. */
#include <stdarg.h>
#include <string.h>

#include "builder.h"
#include <hv/lib.h>
#include <xlite/errno.h>

#define NAME_MAX_LEN 31u
#define MAX_VCPUS    8u

int builder_fail(struct builder *b, int rc, const char *fmt, ...)
{
    va_list ap;

    if (b->errlen == 0 || b->err[0] != '\0')
        return rc;                                /* keep the first (root) cause */
    int n = xl_snprintf(b->err, b->errlen, "%s: ",
                        b->a->image_name ? b->a->image_name : "image");
    if (n >= 0 && (size_t)n < b->errlen) {
        va_start(ap, fmt);
        xl_vsnprintf(b->err + n, b->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return rc;
}

/* Refuses a missing image, a name of 0 or more than 31 bytes, a vCPU count outside
 * 1..8, nr_pages outside 1..2^22, and ramdisk_size without ramdisk bytes. */
static int check_args(struct builder *b)
{
    const struct guest_build_args *a = b->a;
    size_t len = a->name ? strlen(a->name) : 0;

    if (!a->image || a->image_size == 0)
        return builder_fail(b, -XEN_EINVAL, "empty image");
    if (len == 0 || len > NAME_MAX_LEN)
        return builder_fail(b, -XEN_EINVAL, "domain name must have 1-%u characters",
                            NAME_MAX_LEN);
    if (a->max_vcpus == 0 || a->max_vcpus > MAX_VCPUS)
        return builder_fail(b, -XEN_EINVAL, "%u vCPUs (accepted: 1-%u)", a->max_vcpus,
                            MAX_VCPUS);
    if (a->nr_pages == 0 || a->nr_pages > GUEST_MAX_PAGES)
        return builder_fail(b, -XEN_EINVAL, "%lu pages of RAM (accepted: 1-%lu)",
                            (unsigned long)a->nr_pages, (unsigned long)GUEST_MAX_PAGES);
    if (a->ramdisk_size && !a->ramdisk)
        return builder_fail(b, -XEN_EINVAL, "ramdisk size without ramdisk");
    return 0;
}

/* Everything the image and the arguments decide, before the hypervisor is asked. */
static int plan(struct builder *b)
{
    const struct guest_build_args *a = b->a;
    char why[128];
    int rc;

    if ((rc = check_args(b)))
        return rc;
    why[0] = '\0';
    if ((rc = pv_elf_parse(a->image, a->image_size, &b->elf, why, sizeof(why))))
        return builder_fail(b, rc, "%s", why);
    if ((rc = pv_layout_compute(&b->l, b->elf.virt_base, b->elf.virt_kstart,
                                b->elf.virt_kend, a->ramdisk_size, a->nr_pages, why,
                                sizeof(why))))
        return builder_fail(b, rc, "does not fit in %lu pages: %s",
                            (unsigned long)a->nr_pages, why);
    return 0;
}

static int create(struct builder *b)
{
    const struct guest_build_args *a = b->a;
    domid_t domid = a->domid;
    long rc = ctrl_domain_create(b->c, a->name, a->nr_pages, a->max_vcpus, &domid,
                                 &b->shared_info_mfn);

    if (rc)
        return builder_fail(b, (int)rc, "cannot create domain '%s' (error %ld)", a->name,
                            rc);
    b->domid = domid;
    b->created = true;
    return 0;
}

/* The hypercall page is written by the hypervisor, into a frame nobody maps. */
static int hypercall_page(struct builder *b)
{
    if (!b->elf.has_hypercall_page)
        return 0;
    uint64_t pfn = (b->elf.hypercall_page - b->l.virt_base) / GUEST_PAGE;
    long rc = ctrl_hypercall_init(b->c, b->domid, b->p2m[pfn]);

    return rc ? builder_fail(b, (int)rc, "hypercall page at %#lx refused (error %ld)",
                             (unsigned long)b->elf.hypercall_page, rc) : 0;
}

static int build_steps(struct builder *b)
{
    int rc;

    if ((rc = plan(b)) || (rc = create(b)) || (rc = mem_populate(b)) ||
        (rc = backends_setup(b)) || (rc = mem_load_kernel(b)) ||
        (rc = mem_load_ramdisk(b)) || (rc = mem_write_p2m(b)) || (rc = si_write(b)) ||
        (rc = pt_write(b)) || (rc = hypercall_page(b)) || (rc = vcpu0_set(b)))
        return rc;
    return 0;
}

int guest_build(const struct ctrl *c, const struct guest_build_args *a,
                struct guest_built *out, char *err, size_t errlen)
{
    struct builder *b = c->ops->alloc(c->ctx, sizeof(*b));
    char fallback[1];
    int rc;

    if (errlen)
        err[0] = '\0';
    if (!b) {
        if (errlen)
            xl_snprintf(err, errlen, "%s: no memory for the builder",
                        a->image_name ? a->image_name : "image");
        return -XEN_ENOMEM;
    }
    b->c = c;
    b->a = a;
    b->err = errlen ? err : fallback;
    b->errlen = errlen;
    rc = build_steps(b);
    if (rc) {
        if (b->map_va) {
            c->ops->unmap(c->ctx, b->map_va);
            b->map_va = NULL;
        }
        long drc = b->created ? ctrl_domain_destroy(c, b->domid) : 0;
        size_t n = errlen ? strlen(err) : 0;
        if (drc && n + 1 < errlen)          /* say what is left behind, on the same line */
            xl_snprintf(err + n, errlen - n, "; d%u is left: destroy failed (error %ld)",
                        b->domid, drc);
        if (rc > 0)
            rc = -XEN_EIO;
    } else if (out) {
        *out = b->out;
        out->domid = b->domid;
        out->shared_info_mfn = b->shared_info_mfn;
        out->entry = b->elf.entry;
        out->layout = b->l;
    }
    c->ops->free(c->ctx, b->p2m);
    c->ops->free(c->ctx, b);
    return rc;
}
