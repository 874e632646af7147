/* Command-line option parser: tokens separated by spaces/tabs, `key`, `no-key`,
 * `key=value`, `key="value with spaces"`; problems reported one line each. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/cmdline.h>
#include <hv/lib.h>
#include <xlite/errno.h>

#define CMDLINE_TOKEN_MAX   1024  /* a token (quotes removed) must fit, with its NUL */
#define CMDLINE_MSG_MAX     192
#define CMDLINE_SHOW_MAX    64    /* characters of user text quoted in a message */

struct token {
    const char *raw;      /* the token as written, quotes included */
    size_t raw_len;
    char buf[CMDLINE_TOKEN_MAX];  /* quotes removed, '=' replaced by NUL */
    const char *value;    /* NULL when there was no unquoted '=' */
    bool too_long, unterminated;
};

/* True for the characters that separate tokens. */
static bool is_sep(char c)
{
    return c == ' ' || c == '\t';
}

/* Copies up to CMDLINE_SHOW_MAX chars of s[0..n) into dst[cap] for a message, turning
 * control characters into '?' so the message stays on one line; "..." marks a cut. */
static void show(char *dst, size_t cap, const char *s, size_t n)
{
    size_t i, lim = MIN(n, (size_t)CMDLINE_SHOW_MAX);

    if (cap < 4) {
        if (cap > 0)
            dst[0] = '\0';
        return;
    }
    lim = MIN(lim, cap - 4);
    for (i = 0; i < lim; i++) {
        unsigned char c = (unsigned char)s[i];
        dst[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    if (lim < n) {
        memcpy(dst + i, "...", 3);
        i += 3;
    }
    dst[i] = '\0';
}

/* Formats one message and hands it to report (if any); returns 1 (one problem). */
__attribute__((format(printf, 3, 4)))
static int problem(cmdline_report_fn report, void *ctx, const char *fmt, ...)
{
    char msg[CMDLINE_MSG_MAX];
    va_list ap;

    if (report == NULL)
        return 1;
    va_start(ap, fmt);
    xl_vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    report(msg, ctx);
    return 1;
}

/* Scans the token at *pos (not a separator) up to the first unquoted separator, copies
 * it into t->buf without quotes and splits it at the first unquoted '='. */
static void scan_token(const char **pos, struct token *t)
{
    const char *s = *pos;
    size_t n = 0;
    bool quoted = false;

    t->raw = s;
    t->value = NULL;
    t->too_long = t->unterminated = false;
    for (; *s != '\0' && (quoted || !is_sep(*s)); s++) {
        if (*s == '"') {
            quoted = !quoted;
            continue;
        }
        if (n + 1 >= sizeof(t->buf)) {
            t->too_long = true;
            continue;
        }
        if (*s == '=' && !quoted && t->value == NULL) {
            t->buf[n++] = '\0';
            t->value = &t->buf[n];
            continue;
        }
        t->buf[n++] = *s;
    }
    t->buf[n] = '\0';
    t->unterminated = quoted;
    t->raw_len = (size_t)(s - t->raw);
    *pos = s;
}

/* Parses digits of a decimal or 0x-hex number at s into *v; *end is the first char
 * after the digits. Refuses no digits and overflow of 64 bits. */
static int parse_number(const char *s, uint64_t *v, const char **end)
{
    uint64_t base = 10, acc = 0;
    unsigned int digits = 0;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    for (;; s++, digits++) {
        uint64_t d;

        if (*s >= '0' && *s <= '9')
            d = (uint64_t)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = (uint64_t)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = (uint64_t)(*s - 'A' + 10);
        else
            break;
        if (acc > (UINT64_MAX - d) / base)
            return -XEN_EINVAL;
        acc = acc * base + d;
    }
    if (digits == 0)
        return -XEN_EINVAL;
    *v = acc;
    *end = s;
    return 0;
}

/* Decimal or 0x-hex with nothing after it; refuses empty, junk and overflow. */
static int parse_uint(const char *s, uint64_t *out)
{
    const char *end;
    uint64_t v;

    if (s == NULL || parse_number(s, &v, &end) != 0 || *end != '\0')
        return -XEN_EINVAL;
    *out = v;
    return 0;
}

/* Number with an optional single K/M/G/T suffix (either case, binary units); *out is
 * written only on success. Refuses empty, junk after the suffix and overflow. */
int parse_size(const char *s, uint64_t *out)
{
    const char *end;
    uint64_t v;
    unsigned int shift = 0;

    if (s == NULL || out == NULL || parse_number(s, &v, &end) != 0)
        return -XEN_EINVAL;
    switch (*end) {
    case '\0':              break;
    case 'k': case 'K':     shift = 10; break;
    case 'm': case 'M':     shift = 20; break;
    case 'g': case 'G':     shift = 30; break;
    case 't': case 'T':     shift = 40; break;
    default:                return -XEN_EINVAL;
    }
    if (shift != 0 && end[1] != '\0')
        return -XEN_EINVAL;
    if (v > (UINT64_MAX >> shift))
        return -XEN_EINVAL;
    *out = v << shift;
    return 0;
}

/* 1/0/yes/no/on/off/true/false (lower case); refuses anything else. */
static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "1", "yes", "on", "true" };
    static const char *const no[] = { "0", "no", "off", "false" };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(yes); i++) {
        if (strcmp(s, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcmp(s, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -XEN_EINVAL;
}

/* The first option called name, or NULL. */
static const struct cmdline_option *find_opt(const struct cmdline_option *opts, size_t nr,
                                             const char *name)
{
    size_t i;

    for (i = 0; i < nr; i++)
        if (opts[i].name != NULL && strcmp(opts[i].name, name) == 0)
            return &opts[i];
    return NULL;
}

/* Converts value for o into its destination; the destination is written only on
 * success. Returns 0, -XEN_EINVAL (bad or missing value) or -XEN_E2BIG (string). */
static int store(const struct cmdline_option *o, const char *value)
{
    uint64_t u;
    bool b = true;
    size_t len;

    if (o->dest == NULL && o->kind != CMDLINE_CUSTOM)
        return -XEN_EINVAL;
    switch (o->kind) {
    case CMDLINE_BOOL:
        if (value != NULL && parse_bool(value, &b) != 0)
            return -XEN_EINVAL;
        *(bool *)o->dest = b;
        return 0;
    case CMDLINE_UINT:
    case CMDLINE_SIZE:
        if (value == NULL)
            return -XEN_EINVAL;
        if ((o->kind == CMDLINE_UINT ? parse_uint(value, &u) : parse_size(value, &u)) != 0)
            return -XEN_EINVAL;
        *(uint64_t *)o->dest = u;
        return 0;
    case CMDLINE_STRING:
        if (value == NULL)
            return -XEN_EINVAL;
        len = strlen(value);
        if (len >= o->size)
            return -XEN_E2BIG;
        memcpy(o->dest, value, len + 1);
        return 0;
    case CMDLINE_CUSTOM:
        if (o->parse == NULL)
            return -XEN_EINVAL;
        return o->parse(value, o->dest) < 0 ? -XEN_EINVAL : 0;
    default:
        return -XEN_EINVAL;
    }
}

/* Applies one scanned token; returns the number of problems reported (0 or 1). */
static int apply_token(struct token *t, const struct cmdline_option *opts, size_t nr,
                       cmdline_report_fn report, void *ctx)
{
    char raw[CMDLINE_SHOW_MAX + 4], key[CMDLINE_SHOW_MAX + 4], val[CMDLINE_SHOW_MAX + 4];
    const struct cmdline_option *o;
    int rc;

    show(raw, sizeof(raw), t->raw, t->raw_len);
    if (t->too_long)
        return problem(report, ctx, "option '%s' is too long", raw);
    if (t->unterminated)
        return problem(report, ctx, "unterminated quote in '%s'", raw);
    o = find_opt(opts, nr, t->buf);
    if (o == NULL && t->value == NULL && strncmp(t->buf, "no-", 3) == 0) {
        o = find_opt(opts, nr, t->buf + 3);
        if (o != NULL && o->kind == CMDLINE_BOOL && o->dest != NULL) {
            *(bool *)o->dest = false;
            return 0;
        }
        o = NULL;
    }
    if (o == NULL || t->buf[0] == '\0')
        return problem(report, ctx, "unknown option '%s'", raw);
    rc = store(o, t->value);
    if (rc == 0)
        return 0;
    show(key, sizeof(key), t->buf, strlen(t->buf));
    if (t->value == NULL)
        return problem(report, ctx, "missing value for '%s'", key);
    show(val, sizeof(val), t->value, strlen(t->value));
    if (rc == -XEN_E2BIG)
        return problem(report, ctx, "value for '%s' is too long (max %zu): '%s'",
                       key, o->size == 0 ? (size_t)0 : o->size - 1, val);
    return problem(report, ctx, "bad value for '%s': '%s'", key, val);
}

/* Parses line per cmdline.h; a NULL line is empty. Returns the number of problems. */
int cmdline_parse(const char *line, const struct cmdline_option *opts, size_t nr,
                  cmdline_report_fn report, void *ctx)
{
    struct token t;
    int problems = 0, rc;

    if (line == NULL)
        return 0;
    if (opts == NULL)
        nr = 0;
    for (;;) {
        while (is_sep(*line))
            line++;
        if (*line == '\0')
            return problems;
        scan_token(&line, &t);
        rc = apply_token(&t, opts, nr, report, ctx);
        if (problems < INT32_MAX)
            problems += rc;
    }
}
