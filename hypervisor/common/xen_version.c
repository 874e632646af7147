/* xen_version (hypercall 17): version number, build strings, platform parameters and
 * feature bits. Every string answer is written as its whole fixed-size buffer: the text,
 * its NUL, then zeros to the end (XSA-122: nothing else may leak through the tail). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/domain.h>
#include <asm/guest_access.h>
#include <asm/current.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/options.h>
#include <hv/version.h>
#include <xlite/errno.h>
#include <xlite/version.h>
#include <xlite/xen.h>


#define XL_STR_(x) #x
#define XL_STR(x)  XL_STR_(x)

/* ".0-xlite": the patch level after Xen-style major.minor. */
#define XLITE_EXTRAVERSION "." XL_STR(XLITE_VERSION_PATCH) "-xlite"
/* A build may pass -DXLITE_CHANGESET="<hash>, <date>"; Xen says "unavailable" too. */
#ifndef XLITE_CHANGESET
#define XLITE_CHANGESET "unavailable"
#endif
#ifdef __clang__
#define XLITE_COMPILER "clang " __clang_version__
#else
#define XLITE_COMPILER "gcc " __VERSION__
#endif
/* Interface names, each followed by a space as in Xen: xlite runs 64-bit PV only. */
#define XLITE_CAPABILITIES "xen-3.0-x86_64 "
/* What an unprivileged caller gets instead of a privileged string (Xen's text). */
#define XLITE_DENIED "<denied>"

/* Write s into the guest's size-byte buffer at dst: the string (cut to size - 1), its
 * NUL and zeros up to size. -EFAULT if any of the buffer is not writable guest memory. */
static long put_string(uint64_t dst, size_t size, const char *s)
{
    size_t len = strnlen(s, size - 1);

    if (!guest_range_ok(dst, size))
        return -XEN_EFAULT;
    if (copy_to_guest(dst, s, len) || clear_guest(dst + len, size - len))
        return -XEN_EFAULT;
    return 0;
}

/* Refuses an unwritable buffer (-EFAULT). */
static long put_compile_info(uint64_t dst)
{
    struct xen_compile_info info;

    memset(&info, 0, sizeof(info));
    xl_strlcpy(info.compiler, XLITE_COMPILER, sizeof(info.compiler));
    xl_strlcpy(info.compile_by, "xlite", sizeof(info.compile_by));
    xl_strlcpy(info.compile_date, __DATE__ " " __TIME__, sizeof(info.compile_date));
    return copy_to_guest(dst, &info, sizeof(info)) ? -XEN_EFAULT : 0;
}

/* Submap 0 lists only what xlite really provides to a PV guest: its frame numbers are
 * machine frames (direct_mapped, as Xen reports for every PV guest), mmu_update's
 * MMU_PT_UPDATE_PRESERVE_AD works (mmu_pt_update_preserve_ad), and grant maps honour
 * GNTMAP_guest_avail bits (gnttab_map_avail_bits). Left out until their features
 * exist: highmem_assist, runstate/vcpu_time_phys_area, memory_op_vnode_supported,
 * dm_msix_all_writes. dom0 is set for the initial domain. Other submaps: -EINVAL;
 * unreadable/unwritable: -EFAULT. */
static long get_features(const struct domain *d, uint64_t arg)
{
    struct xen_feature_info fi;

    if (copy_from_guest(&fi, arg, sizeof(fi)))
        return -XEN_EFAULT;
    if (fi.submap_idx != 0)
        return -XEN_EINVAL;
    fi.submap = 1u << XENFEAT_direct_mapped | 1u << XENFEAT_mmu_pt_update_preserve_ad |
                1u << XENFEAT_gnttab_map_avail_bits;
    if (d->id == 0 && d->privileged)
        fi.submap |= 1u << XENFEAT_dom0;
    return copy_to_guest(arg, &fi, sizeof(fi)) ? -XEN_EFAULT : 0;
}

/* Unprivileged callers get Xen's "<denied>" string (9 bytes) and 0; privileged ones
 * the hypervisor's command line in a zero-padded 1024-byte buffer. */
static long get_commandline(const struct domain *d, uint64_t arg)
{
    if (!d->privileged)
        return copy_to_guest(arg, XLITE_DENIED, sizeof(XLITE_DENIED)) ? -XEN_EFAULT : 0;
    return put_string(arg, sizeof(xen_commandline_t), hv_cmdline());
}

/* Unprivileged: -EPERM. A non-NULL header must be readable (-EFAULT) with len > 0
 * (-EINVAL). xlite is built without a build id: -ENODATA, as Xen without one. */
static long get_build_id(const struct domain *d, uint64_t arg)
{
    struct xen_build_id id;

    if (!d->privileged)
        return -XEN_EPERM;
    if (arg) {
        if (copy_from_guest(&id, arg, sizeof(id)))
            return -XEN_EFAULT;
        if (id.len == 0)
            return -XEN_EINVAL;
    }
    return -XEN_ENODATA;
}

/* Xen's handler takes an int cmd: the upper half of the register is ignored.
 * Unknown commands: -ENOSYS. */
long do_xen_version(uint64_t cmd, uint64_t arg)
{
    const struct domain *d = current_vcpu()->domain;

    switch ((uint32_t)cmd) {
    case XENVER_version:                         /* arg ignored */
        return ((long)XEN_COMPAT_MAJOR << 16) | XEN_COMPAT_MINOR;
    case XENVER_extraversion:
        return put_string(arg, sizeof(xen_extraversion_t), XLITE_EXTRAVERSION);
    case XENVER_compile_info:
        return put_compile_info(arg);
    case XENVER_capabilities:
        return put_string(arg, sizeof(xen_capabilities_info_t), XLITE_CAPABILITIES);
    case XENVER_changeset:
        return put_string(arg, sizeof(xen_changeset_info_t), XLITE_CHANGESET);
    case XENVER_platform_parameters: {
        struct xen_platform_parameters p = { .virt_start = HYPERVISOR_VIRT_START };
        return copy_to_guest(arg, &p, sizeof(p)) ? -XEN_EFAULT : 0;
    }
    case XENVER_get_features:
        return get_features(d, arg);
    case XENVER_pagesize:                        /* Xen: a non-NULL arg is -EINVAL */
        return arg ? -XEN_EINVAL : XLITE_PAGE_SIZE;
    case XENVER_guest_handle: {                  /* xlite domains have no UUID: zeros */
        static const xen_domain_handle_t none;
        return copy_to_guest(arg, none, sizeof(none)) ? -XEN_EFAULT : 0;
    }
    case XENVER_commandline:
        return get_commandline(d, arg);
    case XENVER_build_id:
        return get_build_id(d, arg);
    default:
        return -XEN_ENOSYS;
    }
}
