/* domU module strings (see domu_config.h): GRUB unescaping, then cmdline.h's parser
 * with one checking callback per key, which also records why a value was refused. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/cmdline.h>
#include <hv/domu_config.h>
#include <hv/lib.h>
#include <xlite/errno.h>

#define DOMU_WORD       "domU"
#define DOMU_WORD_LEN   4
#define UNKNOWN_PREFIX  "unknown option '"
#define KEY_LIST        "name, memory, vcpus, weight, cmdline"
#define KEY_SHOW_MAX    32

/* What the key callbacks fill in and the report callback collects. */
struct parse_state {
    struct domu_config *cfg;
    const char *why;            /* why the value being stored was refused, or NULL */
    unsigned int problems;
    char first[DOMU_ERR_MAX];   /* the first problem's message */
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

bool domu_config_is_domu(const char *s)
{
    return s != NULL && strncmp(s, DOMU_WORD, DOMU_WORD_LEN) == 0 &&
           (s[DOMU_WORD_LEN] == '\0' || is_blank(s[DOMU_WORD_LEN]));
}

/* The closing quote of the quoted word opened just before p (escapes `\X` skipped), and
 * whether an '=' precedes it in the word; NULL when the quote is never closed. */
static const char *quoted_word_end(const char *p, bool *has_eq)
{
    *has_eq = false;
    for (; *p != '\0'; p++) {
        if (*p == '\\' && p[1] != '\0')
            p++;
        else if (*p == '"')
            return p;
        else if (*p == '=')
            *has_eq = true;
    }
    return NULL;
}

/* Appends c to out[*n], keeping room for the NUL; false when it does not fit. */
static bool put(char *out, size_t outlen, size_t *n, char c)
{
    if (*n + 1 >= outlen)
        return false;
    out[(*n)++] = c;
    return true;
}

/* States: outside quotes; inside a quote GRUB put around a whole word (`"k=a b"`, its
 * quote re-placed after the first '=', the user's own escaped quotes dropped since the
 * word is quoted already); inside a raw quote that began mid-word (`k="a b"` from a
 * loader that passes strings verbatim), copied as is. */
int domu_grub_unescape(const char *in, char *out, size_t outlen)
{
    const char *word_end = NULL;    /* closing quote of the GRUB-quoted word we are in */
    bool eq_pending = false;        /* that word's quote still goes after its first '=' */
    bool raw_quote = false;
    size_t n = 0;
    bool ok = true;

    if (in == NULL || out == NULL || outlen == 0)
        return -XEN_EINVAL;
    for (const char *p = in; *p != '\0' && ok; p++) {
        if (*p == '\\' && p[1] != '\0') {
            p++;
            if (!(word_end != NULL && *p == '"'))
                ok = put(out, outlen, &n, *p);
        } else if (word_end != NULL && p == word_end) {
            word_end = NULL;
            ok = put(out, outlen, &n, '"');
        } else if (word_end != NULL && eq_pending && *p == '=') {
            eq_pending = false;
            ok = put(out, outlen, &n, '=') && put(out, outlen, &n, '"');
        } else if (*p == '"' && word_end == NULL && !raw_quote &&
                   (n == 0 || is_blank(out[n - 1]))) {
            bool has_eq;
            word_end = quoted_word_end(p + 1, &has_eq);
            eq_pending = word_end != NULL && has_eq;
            if (!eq_pending)        /* no '=' (or never closed): the quote stays here */
                ok = put(out, outlen, &n, '"');
        } else {
            if (*p == '"' && word_end == NULL)
                raw_quote = !raw_quote;
            ok = put(out, outlen, &n, *p);
        }
    }
    if (!ok) {
        out[0] = '\0';
        return -XEN_E2BIG;
    }
    out[n] = '\0';
    return 0;
}

/* Decimal digits only (no sign, no 0x), at most `max`; refuses anything else. */
static int parse_dec(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (s == NULL || *s == '\0')
        return -XEN_EINVAL;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return -XEN_EINVAL;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > max)
            return -XEN_EINVAL;
    }
    *out = v;
    return 0;
}

/* A number in [min, max] for a key; refuses others, with a reason naming the range. */
static int parse_ranged(const char *v, struct parse_state *st, uint64_t min, uint64_t max,
                        const char *why, uint64_t *out)
{
    uint64_t n;

    if (v == NULL)
        return -XEN_EINVAL;             /* cmdline.c says "missing value" */
    if (parse_dec(v, max, &n) != 0 || n < min) {
        st->why = why;
        return -XEN_EINVAL;
    }
    *out = n;
    return 0;
}

/* name: refuses empty, too long, characters outside [A-Za-z0-9_.-], "dom0", d<digits>. */
static int key_name(const char *v, void *dest)
{
    struct parse_state *st = dest;
    size_t len, i;

    if (v == NULL)
        return -XEN_EINVAL;
    len = strlen(v);
    if (len == 0 || len >= DOMU_NAME_MAX) {
        st->why = "1 to 31 characters";
        return -XEN_EINVAL;
    }
    for (i = 0; i < len; i++) {
        char c = v[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.')) {
            st->why = "letters, digits, '_', '-' and '.' only";
            return -XEN_EINVAL;
        }
    }
    for (i = 1; v[0] == 'd' && i < len && v[i] >= '0' && v[i] <= '9'; i++)
        ;
    if (strcmp(v, "dom0") == 0 || (v[0] == 'd' && len > 1 && i == len)) {
        st->why = "reserved: reads like a domain id";
        return -XEN_EINVAL;
    }
    memcpy(st->cfg->name, v, len + 1);
    return 0;
}

/* memory: refuses non-decimal and values outside MIN..MAX MiB. */
static int key_memory(const char *v, void *dest)
{
    struct parse_state *st = dest;

    return parse_ranged(v, st, DOMU_MEMORY_MIN_MIB, DOMU_MEMORY_MAX_MIB, "MiB, 4..16384",
                        &st->cfg->memory_mib);
}

/* vcpus: refuses non-decimal and values outside 1..DOMU_VCPUS_MAX. */
static int key_vcpus(const char *v, void *dest)
{
    struct parse_state *st = dest;
    uint64_t n;

    if (parse_ranged(v, st, 1, DOMU_VCPUS_MAX, "1..8", &n) != 0)
        return -XEN_EINVAL;
    st->cfg->vcpus = (unsigned int)n;
    return 0;
}

/* weight: refuses non-decimal and values outside 1..65535. */
static int key_weight(const char *v, void *dest)
{
    struct parse_state *st = dest;
    uint64_t n;

    if (parse_ranged(v, st, DOMU_WEIGHT_MIN, DOMU_WEIGHT_MAX, "1..65535", &n) != 0)
        return -XEN_EINVAL;
    st->cfg->weight = (unsigned int)n;
    return 0;
}

/* cmdline: refuses a value of DOMU_CMDLINE_MAX characters or more. */
static int key_cmdline(const char *v, void *dest)
{
    struct parse_state *st = dest;
    size_t len;

    if (v == NULL)
        return -XEN_EINVAL;
    len = strlen(v);
    if (len >= DOMU_CMDLINE_MAX) {
        st->why = "longer than 1023 characters";
        return -XEN_EINVAL;
    }
    memcpy(st->cfg->cmdline, v, len + 1);
    return 0;
}

/* Keeps the first problem (with the refusing callback's reason, and "unknown option
 * 'k=v'" turned into "unknown key 'k'") and counts the others. */
static void report(const char *msg, void *ctx)
{
    struct parse_state *st = ctx;
    const char *why = st->why;

    st->why = NULL;
    if (st->problems++ != 0)
        return;
    if (strncmp(msg, UNKNOWN_PREFIX, sizeof(UNKNOWN_PREFIX) - 1) == 0) {
        /* The token as written sits between the prefix and the message's last quote;
         * its key ends at the first '=', and quotes are not part of it. */
        const char *k = msg + sizeof(UNKNOWN_PREFIX) - 1, *end = k + strlen(k);
        char key[KEY_SHOW_MAX + 1];
        size_t len = 0;
        while (end > k && end[-1] != '\'')
            end--;
        for (; k + 1 < end && *k != '=' && len < KEY_SHOW_MAX; k++)
            if (*k != '"')
                key[len++] = *k;
        key[len] = '\0';
        xl_snprintf(st->first, sizeof(st->first), "unknown key '%s' (keys: " KEY_LIST ")",
                    key);
    } else if (why != NULL) {
        xl_snprintf(st->first, sizeof(st->first), "%s (%s)", msg, why);
    } else {
        xl_strlcpy(st->first, msg, sizeof(st->first));
    }
}

int domu_config_parse(const char *modstring, unsigned int domid, struct domu_config *out,
                      char *err, size_t errlen)
{
    static char line[DOMU_STRING_MAX];  /* not on the stack: the hypervisor's is small */
    struct parse_state st = { .cfg = out };
    const struct cmdline_option keys[] = {
        { "name", CMDLINE_CUSTOM, &st, 0, key_name },
        { "memory", CMDLINE_CUSTOM, &st, 0, key_memory },
        { "vcpus", CMDLINE_CUSTOM, &st, 0, key_vcpus },
        { "weight", CMDLINE_CUSTOM, &st, 0, key_weight },
        { "cmdline", CMDLINE_CUSTOM, &st, 0, key_cmdline },
    };

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (out == NULL)
        return -XEN_EINVAL;
    memset(out, 0, sizeof(*out));
    xl_snprintf(out->name, sizeof(out->name), "dU%u", domid);
    out->memory_mib = DOMU_MEMORY_DEFAULT_MIB;
    out->vcpus = DOMU_VCPUS_DEFAULT;
    out->weight = DOMU_WEIGHT_DEFAULT;
    if (!domu_config_is_domu(modstring)) {
        xl_strlcpy(st.first, "the module string does not start with the word 'domU'",
                   sizeof(st.first));
        st.problems = 1;
    } else if (domu_grub_unescape(modstring + DOMU_WORD_LEN, line, sizeof(line)) != 0) {
        xl_strlcpy(st.first, "the module string is too long", sizeof(st.first));
        st.problems = 1;
    } else {
        cmdline_parse(line, keys, ARRAY_SIZE(keys), report, &st);
    }
    if (st.problems == 0)
        return 0;
    if (err != NULL && errlen > 0) {
        if (st.problems > 1)
            xl_snprintf(err, errlen, "%s (and %u more problem%s)", st.first,
                        st.problems - 1, st.problems > 2 ? "s" : "");
        else
            xl_strlcpy(err, st.first, errlen);
    }
    return -XEN_EINVAL;
}
