/* The xl.cfg grammar alone: text -> list of (key, value) settings, no meaning yet.
 * Internal to lib/config (config_parse.c gives the keys their meaning). */
#ifndef XLITE_TOOLS_CONFIG_SYNTAX_H
#define XLITE_TOOLS_CONFIG_SYNTAX_H

#include <stddef.h>

#define CFG_KEY_MAX    64       /* identifier, with the NUL */
#define CFG_STRING_MAX 4096     /* a dequoted string, with the NUL */
#define CFG_DEPTH_MAX  16       /* list nesting */

enum cfg_kind { CFG_STRING, CFG_NUMBER, CFG_LIST };

struct cfg_setting {
    char key[CFG_KEY_MAX];
    enum cfg_kind kind;
    char *text;         /* STRING: dequoted; NUMBER: the token as written; LIST: NULL */
    char *raw;          /* the value's source text, trimmed (comments inside kept) */
    const char *file;   /* borrowed from the caller */
    unsigned line;
};

struct cfg_settings {
    struct cfg_setting *v;
    size_t n, cap;
};

/* Appends the settings of text[len] (numbering lines from `line`) to *out. Returns 0,
 * or -1 with "FILE:LINE: [KEY: ]problem" in err (*out keeps what it had). Refuses
 * anything outside the grammar, NUL bytes, strings over CFG_STRING_MAX, lists nested
 * deeper than CFG_DEPTH_MAX, keys over CFG_KEY_MAX. */
int cfg_syntax_parse(const char *file, unsigned line, const char *text, size_t len,
                     struct cfg_settings *out, char *err, size_t errlen);

void cfg_settings_free(struct cfg_settings *s);

#endif
