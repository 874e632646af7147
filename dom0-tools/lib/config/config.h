/* xl.cfg-style domain configuration: parse, validate, dump (`xlite create`, `-n`).
 *
 * Plain C11 with no I/O: the caller reads the file and passes its text, so the same
 * code runs on the host (Check tests) and in dom0 on newlib.
 *
 * Syntax (as xl.cfg(5)): `KEY = VALUE` statements ended by a newline or `;`; `#`
 * starts a comment. A VALUE is a string in '...' or "..." (escapes \" \' \\ \a \b \f
 * \n \r \t \v, \xHH, \OOO), a number (decimal, 0x hex, 0 octal) or a list
 * `[ v, v, ... ]` (nested, trailing comma allowed, may span lines). Like xl, a string
 * key also takes a bare number's text and a number key a quoted number. A key given
 * twice takes its last value; overrides (`key=value`, from the command line) are
 * applied after the file.
 *
 * Every failure is one line, "FILE:LINE: KEY: problem (accepted: ...)", and leaves
 * *out untouched. Unknown keys are warned about ("FILE:LINE: KEY: unknown key, kept")
 * and kept verbatim, so config_dump() writes them back. */
#ifndef XLITE_TOOLS_CONFIG_H
#define XLITE_TOOLS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_NAME_MAX        64       /* 1-63 characters + NUL */
#define CONFIG_PATH_MAX        1024     /* kernel / ramdisk path, with the NUL */
#define CONFIG_CMDLINE_MAX     1024     /* = sizeof(start_info.cmd_line) */
#define CONFIG_MEMORY_MIN_MIB  4
#define CONFIG_MEMORY_MAX_MIB  1048576  /* 1 TiB: a format limit; create checks the host */
#define CONFIG_MEMORY_DEFAULT  32       /* libxl's default (max_memkb 32 MiB) */
#define CONFIG_VCPUS_MAX       128
#define CONFIG_ERR_MAX         512      /* enough for any message */

enum config_type { CONFIG_TYPE_PV };

enum config_action {
    CONFIG_ACTION_DESTROY,
    CONFIG_ACTION_RESTART,
    CONFIG_ACTION_PRESERVE,
};

/* A key the parser does not know, kept as written (value is source text). */
struct config_extra {
    char *key;
    char *value;
};

struct domain_config {
    char name[CONFIG_NAME_MAX];
    enum config_type type;
    char kernel[CONFIG_PATH_MAX];
    char ramdisk[CONFIG_PATH_MAX];      /* "" = none */
    char cmdline[CONFIG_CMDLINE_MAX];   /* final: cmdline, else "root=R E" */
    uint32_t memory_mib;                /* initial allocation (target) */
    uint32_t maxmem_mib;                /* static maximum; >= memory_mib */
    uint32_t vcpus;                     /* online at boot */
    uint32_t maxvcpus;                  /* >= vcpus */
    enum config_action on_poweroff, on_reboot, on_crash;
    bool has_uuid;
    uint8_t uuid[16];
    bool has_kernel_xxh3;
    uint64_t kernel_xxh3;               /* XXH3-64 of the kernel image file */
    struct config_extra *extra;         /* unknown keys, in first-seen order */
    size_t n_extra;
};

/* Receives one warning line (no newline). */
typedef void (*config_warn_fn)(void *opaque, const char *line);

struct config_source {
    const char *file;                   /* for messages */
    const char *text;
    size_t len;
    const char *const *overrides;       /* "key=value" strings, may be NULL */
    size_t n_overrides;
    config_warn_fn warn;                /* may be NULL */
    void *warn_opaque;
};

/* Parses and validates src into *out (free it with config_free). Returns 0, or -1
 * with a one-line message in err[errlen] and *out untouched. Refuses syntax errors,
 * values out of range or of the wrong kind, a missing name or kernel, NUL bytes. */
int config_parse(const struct config_source *src, struct domain_config *out,
                 char *err, size_t errlen);

/* Frees what config_parse allocated (the kept unknown keys); *c is zeroed. */
void config_free(struct domain_config *c);

/* Writes c in xl.cfg syntax (which config_parse reads back to an equal config), as
 * snprintf: returns the length it needed, writes at most size bytes with a NUL. */
size_t config_dump(const struct domain_config *c, char *buf, size_t size);

/* XXH3-64 of a kernel image. */
uint64_t config_kernel_hash(const void *image, size_t len);

/* 0 if c has no kernel_xxh3 or it matches image; -1 with a one-line message
 * ("kernel_xxh3: kernel K hashes to H, config says C") otherwise. */
int config_kernel_check(const struct domain_config *c, const void *image, size_t len,
                        char *err, size_t errlen);

const char *config_action_name(enum config_action a);

#endif
