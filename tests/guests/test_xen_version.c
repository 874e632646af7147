/* xen_version (hypercall 17), every sub-command.
 *
 * Checks: XENVER_version is stable and at least 3.0; every string answer is
 * NUL-terminated and zero-filled to the end of its buffer (XSA-122: the padding used
 * to leak hypervisor stack); capabilities name xen-3.0-x86_64; platform_parameters
 * gives HYPERVISOR_VIRT_START; get_features submap 0 has no auto_translated_physmap
 * and has XENFEAT_dom0, mmu_pt_update_preserve_ad and gnttab_map_avail_bits for dom0,
 * any other submap is -EINVAL; pagesize is 4096;
 * guest_handle of dom0 is all zero; commandline (dom0 may read it) is the
 * hypervisor's command line; a buffer that is unmapped, non-canonical, in the
 * hypervisor's range or mapped read-only (the guest's own page tables, the M2P) is
 * -EFAULT and stays unwritten; unknown sub-commands are -ENOSYS.
 * Without it: guests probing the hypervisor get garbage or leak checks fail; a
 * hypervisor writing through a read-only guest mapping corrupts page tables.
 */
#include "rt.h"
#include <xlite/version.h>

static union {
    xen_extraversion_t extra;
    xen_compile_info_t compile;
    xen_capabilities_info_t caps;
    xen_changeset_info_t changeset;
    xen_platform_parameters_t params;
    xen_feature_info_t feat;
    xen_domain_handle_t handle;
    xen_commandline_t cmdline;
    uint8_t bytes[4096];
} buf PAGE_ALIGNED;

static void poison(void)
{
    memset(&buf, 0xA5, sizeof(buf));
}

/* The string in s[0..len) is NUL-terminated and everything after the NUL is 0. */
static void check_padded(const char *what, const char *s, size_t len)
{
    size_t n = 0;

    while (n < len && s[n])
        n++;
    if (!t_check(n < len, "%s is not NUL-terminated within %zu bytes", what, len))
        return;
    for (size_t i = n + 1; i < len; i++)
        if (!t_check(s[i] == 0, "%s: byte %zu after the NUL (at %zu) is %#x, not 0", what, i,
                     n, (unsigned char)s[i]))
            return;
}

static void t_version(void)
{
    t_begin("version");
    long v1 = HYPERVISOR_xen_version(XENVER_version, NULL);
    long v2 = HYPERVISOR_xen_version(XENVER_version, &buf);
    t_check(v1 >= 0x30000, "XENVER_version %#lx < 3.0", v1);
    t_eq("XENVER_version again (non-NULL arg is ignored)", v2, v1);
    t_check((uint64_t)v1 >> 32 == 0, "XENVER_version %#lx has bits above 31", v1);
    t_end();
}

static void t_strings(void)
{
    t_begin("extraversion_padded");
    poison();
    t_eq("rc", HYPERVISOR_xen_version(XENVER_extraversion, &buf.extra), 0);
    check_padded("extraversion", buf.extra, sizeof(buf.extra));
    t_eq("byte after the buffer untouched", buf.bytes[sizeof(buf.extra)], 0xA5);
    t_end();

    t_begin("compile_info_padded");
    poison();
    t_eq("rc", HYPERVISOR_xen_version(XENVER_compile_info, &buf.compile), 0);
    check_padded("compiler", buf.compile.compiler, sizeof(buf.compile.compiler));
    check_padded("compile_by", buf.compile.compile_by, sizeof(buf.compile.compile_by));
    check_padded("compile_domain", buf.compile.compile_domain,
                 sizeof(buf.compile.compile_domain));
    check_padded("compile_date", buf.compile.compile_date, sizeof(buf.compile.compile_date));
    t_eq("byte after the struct untouched", buf.bytes[sizeof(buf.compile)], 0xA5);
    t_end();

    t_begin("capabilities");
    poison();
    t_eq("rc", HYPERVISOR_xen_version(XENVER_capabilities, &buf.caps), 0);
    check_padded("capabilities", buf.caps, sizeof(buf.caps));
    bool found = false;
    for (size_t i = 0; buf.caps[i] && i < sizeof(buf.caps); i++)
        if (!strncmp(&buf.caps[i], "xen-3.0-x86_64", 14) &&
            (i == 0 || buf.caps[i - 1] == ' ') &&
            (buf.caps[i + 14] == ' ' || buf.caps[i + 14] == '\0'))
            found = true;
    t_check(found, "capabilities '%.100s' do not list xen-3.0-x86_64", buf.caps);
    t_end();

    t_begin("changeset_padded");
    poison();
    t_eq("rc", HYPERVISOR_xen_version(XENVER_changeset, &buf.changeset), 0);
    check_padded("changeset", buf.changeset, sizeof(buf.changeset));
    t_eq("byte after the buffer untouched", buf.bytes[sizeof(buf.changeset)], 0xA5);
    t_end();
}

static void t_platform(void)
{
    t_begin("platform_parameters");
    poison();
    t_eq("rc", HYPERVISOR_xen_version(XENVER_platform_parameters, &buf.params), 0);
    t_eq("virt_start", buf.params.virt_start, HYPERVISOR_VIRT_START);
    t_end();
}

static void t_features(void)
{
    t_begin("get_features_submap0");
    poison();
    buf.feat.submap_idx = 0;
    t_eq("rc", HYPERVISOR_xen_version(XENVER_get_features, &buf.feat), 0);
    t_eq("submap_idx unchanged", buf.feat.submap_idx, 0);
    t_eq("auto_translated_physmap bit (never for PV)",
         (buf.feat.submap >> XENFEAT_auto_translated_physmap) & 1, 0);
    t_eq("dom0 bit (this is dom0)", (buf.feat.submap >> XENFEAT_dom0) & 1, 1);
    t_eq("mmu_pt_update_preserve_ad (Linux panics without it)",
         (buf.feat.submap >> XENFEAT_mmu_pt_update_preserve_ad) & 1, 1);
    t_eq("gnttab_map_avail_bits (Linux panics without it)",
         (buf.feat.submap >> XENFEAT_gnttab_map_avail_bits) & 1, 1);
    t_end();

    t_begin("get_features_bad_submap_einval");
    buf.feat.submap_idx = XENFEAT_NR_SUBMAPS;
    buf.feat.submap = 0x5A5A5A5A;
    t_eq("submap_idx 1 rc", HYPERVISOR_xen_version(XENVER_get_features, &buf.feat),
         -XEN_EINVAL);
    buf.feat.submap_idx = 0xFFFFFFFF;
    t_eq("submap_idx 0xffffffff rc", HYPERVISOR_xen_version(XENVER_get_features, &buf.feat),
         -XEN_EINVAL);
    t_eq("submap untouched on error", buf.feat.submap, 0x5A5A5A5A);
    t_end();
}

static void t_misc(void)
{
    t_begin("pagesize");
    t_eq("XENVER_pagesize", HYPERVISOR_xen_version(XENVER_pagesize, NULL), 4096);
    t_end();

    t_begin("guest_handle_dom0");
    poison();
    t_eq("rc", HYPERVISOR_xen_version(XENVER_guest_handle, &buf.handle), 0);
    for (size_t i = 0; i < sizeof(buf.handle); i++)
        if (!t_eq("handle byte", buf.handle[i], 0))
            break;
    t_eq("byte after the handle untouched", buf.bytes[sizeof(buf.handle)], 0xA5);
    t_end();

    t_begin("commandline_dom0");
    poison();
    t_eq("rc", HYPERVISOR_xen_version(XENVER_commandline, &buf.cmdline), 0);
    check_padded("commandline", buf.cmdline, sizeof(buf.cmdline));
    bool found = false;
    for (size_t i = 0; i < sizeof(buf.cmdline) && buf.cmdline[i]; i++)
        if (!strncmp(&buf.cmdline[i], "exit_on_shutdown", 16))
            found = true;
    t_check(found, "commandline '%.100s' lacks exit_on_shutdown", buf.cmdline);
    t_end();
}

static void t_efault(void)
{
    static const struct { const char *what; uint64_t va; } bad[] = {
        { "unmapped", 0x40000000ul },
        { "non-canonical", 0x8000000000000000ul },
        { "hypervisor range", 0xFFFF830000000000ul },
        { "read-only M2P", MACH2PHYS_VIRT_START },
    };
    static const int cmds[] = { XENVER_extraversion, XENVER_compile_info,
                                XENVER_capabilities, XENVER_changeset,
                                XENVER_platform_parameters, XENVER_get_features,
                                XENVER_guest_handle, XENVER_commandline };
    char what[80];

    t_begin("bad_buffer_efault");
    for (size_t c = 0; c < ARRAY_SIZE(cmds); c++) {
        for (size_t b = 0; b < ARRAY_SIZE(bad); b++) {
            snprintf(what, sizeof(what), "cmd %d into %s buffer %#lx", cmds[c], bad[b].what,
                     (unsigned long)bad[b].va);
            t_eq(what, HYPERVISOR_xen_version(cmds[c], (void *)bad[b].va), -XEN_EFAULT);
        }
    }
    t_end();

    /* The guest's own L4: present but read-only. A write must fail and change nothing. */
    t_begin("readonly_page_table_efault");
    uint8_t *l4 = (uint8_t *)start_info->pt_base;
    uint8_t before[64];
    memcpy(before, l4 + 2048, sizeof(before));     /* slots 256..263: hypervisor-owned */
    t_eq("extraversion into the L4 rc",
         HYPERVISOR_xen_version(XENVER_extraversion, l4 + 2048), -XEN_EFAULT);
    t_check(!memcmp(before, l4 + 2048, sizeof(before)), "the L4 changed");
    t_end();
}

static void t_unknown(void)
{
    t_begin("unknown_cmd_enosys");
    t_eq("cmd 11", HYPERVISOR_xen_version(11, &buf), -XEN_ENOSYS);
    t_eq("cmd 64", HYPERVISOR_xen_version(64, &buf), -XEN_ENOSYS);
    t_eq("cmd 0x7fffffff", HYPERVISOR_xen_version(0x7fffffff, &buf), -XEN_ENOSYS);
    t_eq("cmd -1", HYPERVISOR_xen_version(-1, &buf), -XEN_ENOSYS);
    t_end();
}

void test_main(void)
{
    t_version();
    t_strings();
    t_platform();
    t_features();
    t_misc();
    t_efault();
    t_unknown();
}
