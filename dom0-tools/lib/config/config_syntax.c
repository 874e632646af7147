/* xl.cfg lexer and statement grammar (see config.h for the accepted syntax). */
#include "config_syntax.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lexer {
    const char *p, *end;
    const char *file;
    unsigned line;
    const char *key;        /* the statement's key once known, for messages */
    char *err;
    size_t errlen;
};

static int fail(struct lexer *lx, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (lx->key != NULL)
        n = snprintf(lx->err, lx->errlen, "%s:%u: %s: ", lx->file, lx->line, lx->key);
    else
        n = snprintf(lx->err, lx->errlen, "%s:%u: ", lx->file, lx->line);
    if (n >= 0 && (size_t)n < lx->errlen) {
        va_start(ap, fmt);
        vsnprintf(lx->err + n, lx->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static bool is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* Skips blanks and a comment; newlines too when `newlines` (inside lists). */
static void skip_space(struct lexer *lx, bool newlines)
{
    while (lx->p < lx->end) {
        char c = *lx->p;

        if (c == ' ' || c == '\t' || c == '\r') {
            lx->p++;
        } else if (c == '#') {
            while (lx->p < lx->end && *lx->p != '\n')
                lx->p++;
        } else if (c == '\n' && newlines) {
            lx->line++;
            lx->p++;
        } else {
            return;
        }
    }
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* One escape after a backslash at lx->p; stores the byte in *out. Refuses unknown
 * escapes, \x without two hex digits, and escapes that make a NUL byte. */
static int escape(struct lexer *lx, char *out)
{
    static const char from[] = "\"'\\abfnrtv";
    static const char to[] = "\"'\\\a\b\f\n\r\t\v";
    const char *hit;
    char c = *lx->p;
    unsigned v = 0;
    int i;

    if (c != '\0' && (hit = strchr(from, c)) != NULL) {
        *out = to[hit - from];
        lx->p++;
        return 0;
    }
    if (c == 'x') {
        if (lx->end - lx->p < 3 || hex_digit(lx->p[1]) < 0 || hex_digit(lx->p[2]) < 0)
            return fail(lx, "bad escape \\x (accepted: \\xHH with two hex digits)");
        v = (unsigned)(hex_digit(lx->p[1]) * 16 + hex_digit(lx->p[2]));
        lx->p += 3;
    } else if (c >= '0' && c <= '7') {
        for (i = 0; i < 3 && lx->p < lx->end && *lx->p >= '0' && *lx->p <= '7'; i++)
            v = v * 8 + (unsigned)(*lx->p++ - '0');
        if (v > 255)
            return fail(lx, "bad escape: octal value over \\377");
    } else {
        return fail(lx, "bad escape \\%c (accepted: \\\" \\' \\\\ \\a \\b \\f \\n \\r "
                    "\\t \\v \\xHH \\OOO)", c >= 32 && c < 127 ? c : '?');
    }
    if (v == 0)
        return fail(lx, "NUL byte in string");
    *out = (char)v;
    return 0;
}

/* A quoted string at lx->p into a new buffer (*out). Refuses newlines and NULs in it,
 * a missing closing quote, more than CFG_STRING_MAX - 1 bytes. */
static int string(struct lexer *lx, char **out)
{
    char quote = *lx->p++;
    char *buf = malloc(CFG_STRING_MAX);
    size_t n = 0;

    if (buf == NULL)
        return fail(lx, "out of memory");
    for (;;) {
        char c;

        if (lx->p >= lx->end || *lx->p == '\n') {
            free(buf);
            return fail(lx, "unterminated string");
        }
        c = *lx->p++;
        if (c == quote)
            break;
        if (c == '\0') {
            free(buf);
            return fail(lx, "NUL byte in string");
        }
        if (c == '\\') {
            if (lx->p >= lx->end || *lx->p == '\n') {
                free(buf);
                return fail(lx, "unterminated string");
            }
            if (escape(lx, &c) < 0) {
                free(buf);
                return -1;
            }
        }
        if (n + 1 >= CFG_STRING_MAX) {
            free(buf);
            return fail(lx, "string longer than %d bytes", CFG_STRING_MAX - 1);
        }
        buf[n++] = c;
    }
    buf[n] = '\0';
    *out = buf;
    return 0;
}

/* A number token: a digit, then letters, digits, '_' and '.' (checked by its user). */
static int number(struct lexer *lx, char **out)
{
    const char *start = lx->p;
    size_t n;

    while (lx->p < lx->end && (is_ident(*lx->p) || *lx->p == '.'))
        lx->p++;
    n = (size_t)(lx->p - start);
    if (n >= CFG_STRING_MAX)
        return fail(lx, "number longer than %d characters", CFG_STRING_MAX - 1);
    *out = malloc(n + 1);
    if (*out == NULL)
        return fail(lx, "out of memory");
    memcpy(*out, start, n);
    (*out)[n] = '\0';
    return 0;
}

static int value(struct lexer *lx, int depth, enum cfg_kind *kind, char **text);

/* A list at lx->p ('['); values are checked and dropped (no known key takes one).
 * Refuses nesting over CFG_DEPTH_MAX and anything but values separated by commas. */
static int list(struct lexer *lx, int depth)
{
    if (depth >= CFG_DEPTH_MAX)
        return fail(lx, "lists nested deeper than %d", CFG_DEPTH_MAX);
    lx->p++;
    for (;;) {
        enum cfg_kind kind;
        char *text = NULL;

        skip_space(lx, true);
        if (lx->p < lx->end && *lx->p == ']') {
            lx->p++;
            return 0;
        }
        if (value(lx, depth + 1, &kind, &text) < 0)
            return -1;
        free(text);
        skip_space(lx, true);
        if (lx->p < lx->end && *lx->p == ',') {
            lx->p++;
        } else if (lx->p >= lx->end || *lx->p != ']') {
            return fail(lx, "expected ',' or ']' in list");
        }
    }
}

/* One value. Refuses anything that does not start a string, number or list. */
static int value(struct lexer *lx, int depth, enum cfg_kind *kind, char **text)
{
    char c = lx->p < lx->end ? *lx->p : '\n';

    *text = NULL;
    if (c == '"' || c == '\'') {
        *kind = CFG_STRING;
        return string(lx, text);
    }
    if (c >= '0' && c <= '9') {
        *kind = CFG_NUMBER;
        return number(lx, text);
    }
    if (c == '[') {
        *kind = CFG_LIST;
        return list(lx, depth);
    }
    if (c == '\n')
        return fail(lx, "missing value (accepted: \"string\", number, [list])");
    return fail(lx, "bad value (accepted: \"string\", 'string', number, [list])");
}

static char *copy_span(const char *s, size_t n)
{
    char *r = malloc(n + 1);

    if (r != NULL) {
        memcpy(r, s, n);
        r[n] = '\0';
    }
    return r;
}

static int push(struct cfg_settings *s, const struct cfg_setting *one)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        struct cfg_setting *v = realloc(s->v, cap * sizeof(*v));

        if (v == NULL)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = *one;
    return 0;
}

/* One `KEY = VALUE` statement at lx->p, appended to *out. Refuses keys over
 * CFG_KEY_MAX, a missing '=', a bad value, and anything but a newline, ';' or a
 * comment after it. */
static int statement(struct lexer *lx, struct cfg_settings *out)
{
    struct cfg_setting st = { .file = lx->file, .line = lx->line };
    const char *start = lx->p, *vstart, *vend;
    size_t n;

    while (lx->p < lx->end && is_ident(*lx->p))
        lx->p++;
    n = (size_t)(lx->p - start);
    if (n >= CFG_KEY_MAX)
        return fail(lx, "key longer than %d characters", CFG_KEY_MAX - 1);
    memcpy(st.key, start, n);
    st.key[n] = '\0';
    lx->key = st.key;
    skip_space(lx, false);
    if (lx->p >= lx->end || *lx->p != '=')
        return fail(lx, "expected '=' after the key");
    lx->p++;
    skip_space(lx, false);
    vstart = lx->p;
    if (value(lx, 0, &st.kind, &st.text) < 0)
        return -1;
    vend = lx->p;
    skip_space(lx, false);
    if (lx->p < lx->end && *lx->p != '\n' && *lx->p != ';') {
        free(st.text);
        return fail(lx, "expected a newline or ';' after the value");
    }
    st.raw = copy_span(vstart, (size_t)(vend - vstart));
    if (st.raw == NULL || push(out, &st) < 0) {
        free(st.raw);
        free(st.text);
        return fail(lx, "out of memory");
    }
    return 0;
}

int cfg_syntax_parse(const char *file, unsigned line, const char *text, size_t len,
                     struct cfg_settings *out, char *err, size_t errlen)
{
    struct lexer lx = { text, text + len, file, line, NULL, err, errlen };
    size_t had = out->n;

    if (memchr(text, '\0', len) != NULL) {
        const char *nul = memchr(text, '\0', len);

        for (const char *q = text; q < nul; q++)
            lx.line += *q == '\n';
        return fail(&lx, "NUL byte in the file");
    }
    for (;;) {
        skip_space(&lx, false);
        lx.key = NULL;
        if (lx.p >= lx.end)
            return 0;
        if (*lx.p == '\n') {
            lx.line++;
            lx.p++;
        } else if (*lx.p == ';') {
            lx.p++;
        } else if (is_ident_start(*lx.p)) {
            if (statement(&lx, out) < 0)
                goto undo;
        } else {
            fail(&lx, "expected KEY = VALUE");
            goto undo;
        }
    }
undo:
    while (out->n > had) {
        out->n--;
        free(out->v[out->n].text);
        free(out->v[out->n].raw);
    }
    return -1;
}

void cfg_settings_free(struct cfg_settings *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].text);
        free(s->v[i].raw);
    }
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}
