/* Boot-time domains: the Multiboot2 module string of a domU kernel, parsed into a
 * struct domu_config. Free of hardware access (host-tested by tests/unit).
 *
 * Syntax: the first word is exactly `domU`, then space-separated key=value pairs:
 *
 *   domU name=web memory=64 vcpus=2 weight=512 cmdline="console=hvc0 quiet"
 *
 *   name     1-31 of [A-Za-z0-9_.-]; default "dU<id>". Refused: "dom0" and d<digits>
 *            (they read like domain ids: the console prefixes dom0's lines "(d0)").
 *   memory   MiB, decimal, DOMU_MEMORY_MIN_MIB..DOMU_MEMORY_MAX_MIB; default 32. At
 *            boot it must also fit the kernel and free memory (boot_domains.c).
 *   vcpus    1..DOMU_VCPUS_MAX; default 1.
 *   weight   scheduler weight 1..65535; default 256.
 *   cmdline  the guest's start_info.cmd_line, up to 1023 characters; default "".
 *
 * A key given twice takes the last value (as on the hypervisor command line), so a
 * key appended at boot in GRUB's editor overrides the menu's. Numbers are decimal.
 *
 * GRUB's re-quoting: GRUB joins a module's words with single spaces and escapes
 * `"`, `'` and `\` with a backslash; a word that itself holds spaces (written
 * `cmdline="a b"` in grub.cfg) arrives wrapped whole in quotes: `"cmdline=a b"`. The
 * string is therefore unescaped first (domu_grub_unescape): `\X` becomes X, and a quoted
 * word `"key=a b"` becomes `key="a b"`. So `cmdline=\"hello world\"` (what
 * scripts/mkiso.sh's `cmdline="hello world"` becomes) and `"cmdline=hello world"` both
 * give cmdline = `hello world`. Values cannot contain a `"`, and runs of spaces inside
 * a value written through scripts/mkiso.sh collapse to one (GRUB splits words there). */
#ifndef XLITE_DOMU_CONFIG_H
#define XLITE_DOMU_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DOMU_NAME_MAX           32      /* with the NUL; = DOMAIN_NAME_MAX */
#define DOMU_CMDLINE_MAX        1024    /* with the NUL; = sizeof(start_info.cmd_line) */
#define DOMU_STRING_MAX         1024    /* a module string, with the NUL */
#define DOMU_MEMORY_DEFAULT_MIB 32
#define DOMU_MEMORY_MIN_MIB     4
#define DOMU_MEMORY_MAX_MIB     16384   /* the domain builder's largest guest (16 GiB) */
#define DOMU_VCPUS_DEFAULT      1
#define DOMU_VCPUS_MAX          8       /* = MAX_VCPUS_PER_DOM */
#define DOMU_WEIGHT_DEFAULT     256
#define DOMU_WEIGHT_MIN         1
#define DOMU_WEIGHT_MAX         65535
#define DOMU_ERR_MAX            256     /* enough for any message of domu_config_parse */

struct domu_config {
    char name[DOMU_NAME_MAX];
    uint64_t memory_mib;
    unsigned int vcpus;
    unsigned int weight;
    char cmdline[DOMU_CMDLINE_MAX];
};

/* True when the module string's first word is exactly `domU` (so "domUx" and a
 * leading blank are not); NULL is not. */
bool domu_config_is_domu(const char *modstring);

/* Undo GRUB's re-quoting of `in` (see above) into out[outlen], ready for cmdline.h's
 * tokeniser. Refuses (-XEN_E2BIG, out holds "") an output that does not fit out, and
 * (-XEN_EINVAL) NULL pointers or outlen 0. Returns 0. */
int domu_grub_unescape(const char *in, char *out, size_t outlen);

/* Parse `modstring` for the domain that will get id `domid` (for the default name)
 * into *out. Refuses (-XEN_EINVAL) a string that is not a domU string, an unknown key,
 * a missing or bad value (not a number, out of range, a name with other characters
 * or reserved), a value too long, an unterminated quote and a string over
 * DOMU_STRING_MAX; err then holds one line naming the key and the problem, e.g.
 * "bad value for 'memory': 'lots' (MiB, 4..16384)", plus "(and N more problems)" when
 * there were several, and *out is unspecified. Returns 0. */
int domu_config_parse(const char *modstring, unsigned int domid, struct domu_config *out,
                      char *err, size_t errlen);

#endif
