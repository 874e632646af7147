/* Table-driven parser for space-separated `key`, `key=value` and `no-key` options
 * (the hypervisor's Multiboot2 command line). Free of hardware access. */
#ifndef XLITE_CMDLINE_H
#define XLITE_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cmdline_kind {
    CMDLINE_BOOL,    /* `key`, `no-key`, key=1/0/yes/no/on/off/true/false -> bool */
    CMDLINE_UINT,    /* decimal or 0x-hex -> uint64_t, overflow refused */
    CMDLINE_SIZE,    /* bytes with optional K/M/G/T suffix (binary units) -> uint64_t */
    CMDLINE_STRING,  /* copied NUL-terminated into a char[size]; too long is refused */
    CMDLINE_CUSTOM,  /* parse(value, dest) returns 0 or a negative error */
};

struct cmdline_option {
    const char *name;
    enum cmdline_kind kind;
    void *dest;
    size_t size;                                 /* CMDLINE_STRING buffer size */
    int (*parse)(const char *value, void *dest); /* CMDLINE_CUSTOM; value may be NULL */
};

/* Called once per problem with a one-line message such as
 * "unknown option 'foo=1'" or "bad value for 'loglvl': 'x'". */
typedef void (*cmdline_report_fn)(const char *msg, void *ctx);

/* Parse `line` against `opts`. Values may be double-quoted to include spaces. A
 * later occurrence of an option overrides an earlier one. Unknown options and bad
 * values are reported and skipped (the destination keeps its previous value).
 * Returns the number of problems reported. */
int cmdline_parse(const char *line, const struct cmdline_option *opts, size_t nr,
                  cmdline_report_fn report, void *ctx);

/* "512M", "1G", "4096K", "123" (bytes), "0x1000": 0 on success, -XEN_EINVAL if
 * malformed or overflowing 64 bits. */
int parse_size(const char *s, uint64_t *out);

#endif
