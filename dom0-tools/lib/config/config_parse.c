/* xl.cfg keys: turns the grammar's settings into a validated struct domain_config. */
#include "config.h"
#include "config_syntax.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_ACCEPTED "1-63 of A-Z a-z 0-9 _ - ., not all digits, not starting " \
    "with - or ., not Domain-0"
#define NUMBER_ACCEPTED "decimal, 0x hex or 0 octal"

/* Everything one parse builds before it is published to the caller. */
struct build {
    struct domain_config c;
    const struct cfg_setting *memory, *maxmem, *vcpus, *maxvcpus;  /* last seen */
    bool has_cmdline, has_root, has_extra;
    char root[CONFIG_CMDLINE_MAX];
    char extra[CONFIG_CMDLINE_MAX];
    char *err;
    size_t errlen;
    config_warn_fn warn;
    void *warn_opaque;
};

static int bad(struct build *b, const struct cfg_setting *s, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(b->err, b->errlen, "%s:%u: %s: ", s->file, s->line, s->key);

    if (n >= 0 && (size_t)n < b->errlen) {
        va_start(ap, fmt);
        vsnprintf(b->err + n, b->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* The setting as text (a string, or a bare number's text); refuses lists. */
static const char *text_of(struct build *b, const struct cfg_setting *s)
{
    if (s->kind == CFG_LIST) {
        bad(b, s, "expected a string, got a list (accepted: \"string\")");
        return NULL;
    }
    return s->text;
}

/* Copies a string value of 0..size-1 printable bytes (control characters refused). */
static int get_string(struct build *b, const struct cfg_setting *s, char *dst,
                      size_t size, bool allow_empty)
{
    const char *t = text_of(b, s);
    size_t n;

    if (t == NULL)
        return -1;
    n = strlen(t);
    if (n >= size)
        return bad(b, s, "longer than %zu characters (accepted: up to %zu)", size - 1,
                   size - 1);
    if (n == 0 && !allow_empty)
        return bad(b, s, "empty (accepted: a non-empty string)");
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)t[i] < 32 || t[i] == 127)
            return bad(b, s, "control character in value (accepted: printable text)");
    }
    memcpy(dst, t, n + 1);
    return 0;
}

static int hex_value(char c, unsigned *d)
{
    if (c >= '0' && c <= '9')
        *d = (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f')
        *d = (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
        *d = (unsigned)(c - 'A' + 10);
    else
        return -1;
    return 0;
}

/* Parses decimal, 0x hex or 0 octal; refuses anything else and values over 2^64-1. */
static int parse_u64(const char *t, uint64_t *out)
{
    unsigned base = 10;
    uint64_t v = 0;

    if (t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
        base = 16;
        t += 2;
        if (*t == '\0')
            return -1;
    } else if (t[0] == '0') {
        base = 8;
    }
    if (*t == '\0')
        return -1;
    for (; *t != '\0'; t++) {
        unsigned d;

        if (hex_value(*t, &d) < 0 || d >= base || v > (UINT64_MAX - d) / base)
            return -1;
        v = v * base + d;
    }
    *out = v;
    return 0;
}

/* A number key in min..max; refuses lists, text parse_u64 refuses, out of range. */
static int get_number(struct build *b, const struct cfg_setting *s, uint64_t min,
                      uint64_t max, const char *unit, uint32_t *out)
{
    const char *t = text_of(b, s);
    uint64_t v;

    if (t == NULL)
        return -1;
    if (parse_u64(t, &v) < 0)
        return bad(b, s, "'%s' is not a number (accepted: %s)", t, NUMBER_ACCEPTED);
    if (v < min || v > max)
        return bad(b, s, "%s out of range (accepted: %llu..%llu%s)", t,
                   (unsigned long long)min, (unsigned long long)max, unit);
    *out = (uint32_t)v;
    return 0;
}

/* Refuses names outside NAME_ACCEPTED. */
static int key_name(struct build *b, const struct cfg_setting *s)
{
    char name[CONFIG_NAME_MAX];
    bool digits = true;
    size_t n;

    if (get_string(b, s, name, sizeof(name), true) < 0)
        return -1;
    n = strlen(name);
    for (size_t i = 0; i < n; i++) {
        char c = name[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return bad(b, s, "bad name '%s' (accepted: %s)", name, NAME_ACCEPTED);
        digits = digits && c >= '0' && c <= '9';
    }
    if (n == 0 || digits || name[0] == '-' || name[0] == '.' ||
        strcmp(name, "Domain-0") == 0)
        return bad(b, s, "bad name '%s' (accepted: %s)", name, NAME_ACCEPTED);
    memcpy(b->c.name, name, n + 1);
    return 0;
}

/* Refuses every type but "pv". */
static int key_type(struct build *b, const struct cfg_setting *s)
{
    const char *t = text_of(b, s);

    if (t == NULL)
        return -1;
    if (strcmp(t, "pv") != 0)
        return bad(b, s, "unsupported type '%s' (accepted: pv)", t);
    b->c.type = CONFIG_TYPE_PV;
    return 0;
}

static int key_kernel(struct build *b, const struct cfg_setting *s)
{
    return get_string(b, s, b->c.kernel, sizeof(b->c.kernel), false);
}

static int key_ramdisk(struct build *b, const struct cfg_setting *s)
{
    return get_string(b, s, b->c.ramdisk, sizeof(b->c.ramdisk), true);
}

static int key_cmdline(struct build *b, const struct cfg_setting *s)
{
    b->has_cmdline = true;
    return get_string(b, s, b->c.cmdline, sizeof(b->c.cmdline), true);
}

static int key_root(struct build *b, const struct cfg_setting *s)
{
    b->has_root = true;
    return get_string(b, s, b->root, sizeof(b->root), true);
}

static int key_extra(struct build *b, const struct cfg_setting *s)
{
    b->has_extra = true;
    return get_string(b, s, b->extra, sizeof(b->extra), true);
}

static int key_memory(struct build *b, const struct cfg_setting *s)
{
    b->memory = s;
    return get_number(b, s, CONFIG_MEMORY_MIN_MIB, CONFIG_MEMORY_MAX_MIB, " MiB",
                      &b->c.memory_mib);
}

static int key_maxmem(struct build *b, const struct cfg_setting *s)
{
    b->maxmem = s;
    return get_number(b, s, CONFIG_MEMORY_MIN_MIB, CONFIG_MEMORY_MAX_MIB, " MiB",
                      &b->c.maxmem_mib);
}

static int key_vcpus(struct build *b, const struct cfg_setting *s)
{
    b->vcpus = s;
    return get_number(b, s, 1, CONFIG_VCPUS_MAX, "", &b->c.vcpus);
}

static int key_maxvcpus(struct build *b, const struct cfg_setting *s)
{
    b->maxvcpus = s;
    return get_number(b, s, 1, CONFIG_VCPUS_MAX, "", &b->c.maxvcpus);
}

/* Refuses every action but destroy, restart, preserve. */
static int action(struct build *b, const struct cfg_setting *s, enum config_action *out)
{
    static const enum config_action all[] = {
        CONFIG_ACTION_DESTROY, CONFIG_ACTION_RESTART, CONFIG_ACTION_PRESERVE,
    };
    const char *t = text_of(b, s);

    if (t == NULL)
        return -1;
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        if (strcmp(t, config_action_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    }
    return bad(b, s, "bad action '%s' (accepted: destroy, restart, preserve)", t);
}

static int key_on_poweroff(struct build *b, const struct cfg_setting *s)
{
    return action(b, s, &b->c.on_poweroff);
}

static int key_on_reboot(struct build *b, const struct cfg_setting *s)
{
    return action(b, s, &b->c.on_reboot);
}

static int key_on_crash(struct build *b, const struct cfg_setting *s)
{
    return action(b, s, &b->c.on_crash);
}

/* Refuses anything but 32 hex digits grouped 8-4-4-4-12 by dashes. */
static int key_uuid(struct build *b, const struct cfg_setting *s)
{
    const char *t = text_of(b, s);
    size_t n = 0;

    if (t == NULL)
        return -1;
    for (size_t i = 0; t[i] != '\0'; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        unsigned d;

        if (i >= 36 || (dash && t[i] != '-'))
            goto refuse;
        if (dash)
            continue;
        if (hex_value(t[i], &d) < 0)
            goto refuse;
        b->c.uuid[n / 2] = (uint8_t)(n % 2 ? b->c.uuid[n / 2] | d : d << 4);
        n++;
    }
    if (n != 32)
        goto refuse;
    b->c.has_uuid = true;
    return 0;
refuse:
    return bad(b, s, "bad uuid '%s' (accepted: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, "
               "x a hex digit)", t);
}

/* Refuses anything but exactly 16 hex digits (no 0x: it is a digest, not a number). */
static int key_kernel_xxh3(struct build *b, const struct cfg_setting *s)
{
    const char *t = text_of(b, s);
    char hex[19] = "0x";

    if (t == NULL)
        return -1;
    if (strlen(t) != 16 || strchr(t, 'x') || strchr(t, 'X'))
        goto refuse;
    memcpy(hex + 2, t, 17);
    if (parse_u64(hex, &b->c.kernel_xxh3) < 0)
        goto refuse;
    b->c.has_kernel_xxh3 = true;
    return 0;
refuse:
    return bad(b, s, "bad hash '%s' (accepted: 16 hex digits of XXH3-64)", t);
}

static const struct key_rule {
    const char *key;
    int (*apply)(struct build *b, const struct cfg_setting *s);
} rules[] = {
    { "name", key_name },         { "type", key_type },
    { "kernel", key_kernel },     { "ramdisk", key_ramdisk },
    { "cmdline", key_cmdline },   { "root", key_root },
    { "extra", key_extra },       { "memory", key_memory },
    { "maxmem", key_maxmem },     { "vcpus", key_vcpus },
    { "maxvcpus", key_maxvcpus }, { "on_poweroff", key_on_poweroff },
    { "on_reboot", key_on_reboot }, { "on_crash", key_on_crash },
    { "uuid", key_uuid },         { "kernel_xxh3", key_kernel_xxh3 },
};

static void warn(struct build *b, const char *fmt, ...)
{
    char line[CONFIG_ERR_MAX];
    va_list ap;

    if (b->warn == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    b->warn(b->warn_opaque, line);
}

/* Keeps an unknown key's latest value (first-seen order). */
static int keep_extra(struct build *b, const struct cfg_setting *s)
{
    struct config_extra *e = NULL, *v;
    char *key, *value;

    warn(b, "%s:%u: %s: unknown key, kept", s->file, s->line, s->key);
    for (size_t i = 0; i < b->c.n_extra; i++) {
        if (strcmp(b->c.extra[i].key, s->key) == 0)
            e = &b->c.extra[i];
    }
    value = malloc(strlen(s->raw) + 1);
    if (value == NULL)
        return bad(b, s, "out of memory");
    strcpy(value, s->raw);
    if (e != NULL) {
        free(e->value);
        e->value = value;
        return 0;
    }
    key = malloc(strlen(s->key) + 1);
    v = realloc(b->c.extra, (b->c.n_extra + 1) * sizeof(*v));
    if (key == NULL || v == NULL) {
        free(key);
        free(value);
        if (v != NULL)
            b->c.extra = v;
        return bad(b, s, "out of memory");
    }
    strcpy(key, s->key);
    b->c.extra = v;
    b->c.extra[b->c.n_extra++] = (struct config_extra){ key, value };
    return 0;
}

static int apply(struct build *b, const struct cfg_setting *s)
{
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        if (strcmp(rules[i].key, s->key) == 0)
            return rules[i].apply(b, s);
    }
    return keep_extra(b, s);
}

/* Defaults, required keys, and the checks between keys. Refuses a missing name or
 * kernel, maxmem below memory, maxvcpus below vcpus, root + extra over the limit. */
static int finish(struct build *b, const char *file)
{
    int n;

    if (b->c.name[0] == '\0') {
        snprintf(b->err, b->errlen, "%s: name: required (accepted: %s)", file,
                 NAME_ACCEPTED);
        return -1;
    }
    if (b->c.kernel[0] == '\0') {
        snprintf(b->err, b->errlen, "%s: kernel: required (accepted: the path of a PV "
                 "kernel)", file);
        return -1;
    }
    if (b->maxmem == NULL)
        b->c.maxmem_mib = b->c.memory_mib;
    else if (b->c.maxmem_mib < b->c.memory_mib)
        return bad(b, b->maxmem, "%u is below memory %u (accepted: %u..%u MiB)",
                   b->c.maxmem_mib, b->c.memory_mib, b->c.memory_mib,
                   CONFIG_MEMORY_MAX_MIB);
    if (b->maxvcpus == NULL)
        b->c.maxvcpus = b->c.vcpus;
    else if (b->c.maxvcpus < b->c.vcpus)
        return bad(b, b->maxvcpus, "%u is below vcpus %u (accepted: %u..%u)",
                   b->c.maxvcpus, b->c.vcpus, b->c.vcpus, CONFIG_VCPUS_MAX);
    if (b->has_cmdline) {
        if (b->has_root || b->has_extra)
            warn(b, "%s: cmdline given, so root and extra are ignored", file);
        return 0;
    }
    if (b->has_root && b->has_extra)
        n = snprintf(b->c.cmdline, sizeof(b->c.cmdline), "root=%s %s", b->root, b->extra);
    else if (b->has_root)
        n = snprintf(b->c.cmdline, sizeof(b->c.cmdline), "root=%s", b->root);
    else
        n = snprintf(b->c.cmdline, sizeof(b->c.cmdline), "%s", b->extra);
    if (n < 0 || (size_t)n >= sizeof(b->c.cmdline)) {
        snprintf(b->err, b->errlen, "%s: cmdline: root and extra make more than %d "
                 "characters (accepted: up to %d)", file, CONFIG_CMDLINE_MAX - 1,
                 CONFIG_CMDLINE_MAX - 1);
        return -1;
    }
    return 0;
}

/* Reads the file and the overrides into *all. */
static int read_all(const struct config_source *src, struct cfg_settings *all,
                    char *err, size_t errlen)
{
    if (cfg_syntax_parse(src->file, 1, src->text, src->len, all, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < src->n_overrides; i++) {
        const char *o = src->overrides[i];

        if (cfg_syntax_parse("command line", (unsigned)i + 1, o, strlen(o), all, err,
                             errlen) < 0)
            return -1;
    }
    return 0;
}

int config_parse(const struct config_source *src, struct domain_config *out, char *err,
                 size_t errlen)
{
    struct cfg_settings all = { 0 };
    struct build *b = calloc(1, sizeof(*b));
    int rc = -1;

    if (b == NULL) {
        snprintf(err, errlen, "%s: out of memory", src->file);
        return -1;
    }
    b->err = err;
    b->errlen = errlen;
    b->warn = src->warn;
    b->warn_opaque = src->warn_opaque;
    b->c.type = CONFIG_TYPE_PV;
    b->c.memory_mib = CONFIG_MEMORY_DEFAULT;
    b->c.vcpus = 1;
    b->c.on_poweroff = CONFIG_ACTION_DESTROY;
    b->c.on_reboot = CONFIG_ACTION_RESTART;
    b->c.on_crash = CONFIG_ACTION_DESTROY;
    if (read_all(src, &all, err, errlen) < 0)
        goto out;
    for (size_t i = 0; i < all.n; i++) {
        if (apply(b, &all.v[i]) < 0)
            goto out;
    }
    if (finish(b, src->file) < 0)
        goto out;
    *out = b->c;
    b->c.extra = NULL;
    b->c.n_extra = 0;
    if (errlen > 0)
        err[0] = '\0';
    rc = 0;
out:
    config_free(&b->c);
    free(b);
    cfg_settings_free(&all);
    return rc;
}

void config_free(struct domain_config *c)
{
    for (size_t i = 0; i < c->n_extra; i++) {
        free(c->extra[i].key);
        free(c->extra[i].value);
    }
    free(c->extra);
    memset(c, 0, sizeof(*c));
}

const char *config_action_name(enum config_action a)
{
    switch (a) {
    case CONFIG_ACTION_RESTART:
        return "restart";
    case CONFIG_ACTION_PRESERVE:
        return "preserve";
    default:
        return "destroy";
    }
}
