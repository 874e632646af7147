/* Unit tests for common/cmdline.c: option kinds, quoting, reporting, parse_size. */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hv/cmdline.h>
#include "suites.h"
#include <xlite/errno.h>

#define MAX_MSGS 64

struct reports {
    int n;
    char msg[MAX_MSGS][256];
};

static void collect(const char *msg, void *ctx)
{
    struct reports *r = ctx;

    ck_assert_ptr_nonnull(msg);
    ck_assert_msg(strchr(msg, '\n') == NULL, "multi-line message: %s", msg);
    if (r->n < MAX_MSGS) {
        strncpy(r->msg[r->n], msg, sizeof(r->msg[0]) - 1);
        r->msg[r->n][sizeof(r->msg[0]) - 1] = '\0';
    }
    r->n++;
}

/* The parsed settings; reset() gives them recognisable previous values. */
static bool verbose, sync_console;
static uint64_t maxcpus, dom0_mem;
static char console[16];
static int loglvl;
static struct reports rep;

static int parse_loglvl(const char *value, void *dest)
{
    static const char *const names[] = { "none", "error", "warning", "info", "all" };
    int i;

    if (value == NULL)
        return -XEN_EINVAL;
    for (i = 0; i < 5; i++) {
        if (strcmp(value, names[i]) == 0) {
            *(int *)dest = i;
            return 0;
        }
    }
    return -XEN_EINVAL;
}

static const struct cmdline_option opts[] = {
    { "verbose",      CMDLINE_BOOL,   &verbose,      0, NULL },
    { "sync_console", CMDLINE_BOOL,   &sync_console, 0, NULL },
    { "maxcpus",      CMDLINE_UINT,   &maxcpus,      0, NULL },
    { "dom0_mem",     CMDLINE_SIZE,   &dom0_mem,     0, NULL },
    { "console",      CMDLINE_STRING, console,       sizeof(console), NULL },
    { "loglvl",       CMDLINE_CUSTOM, &loglvl,       0, parse_loglvl },
};

static void reset(void)
{
    verbose = false;
    sync_console = false;
    maxcpus = 77;
    dom0_mem = 12345;
    strcpy(console, "prev");
    loglvl = -1;
    memset(&rep, 0, sizeof(rep));
}

/* Parses line against opts; checks the return value matches this call's reports. */
static int parse(const char *line)
{
    int before = rep.n;
    int n = cmdline_parse(line, opts, sizeof(opts) / sizeof(opts[0]), collect, &rep);

    ck_assert_int_eq(n, rep.n - before);
    return n;
}

START_TEST(flags_set)
{
    reset();
    ck_assert_int_eq(parse("verbose sync_console"), 0);
    ck_assert(verbose);
    ck_assert(sync_console);
    reset();
    ck_assert_int_eq(parse("\tverbose\t\t  sync_console  "), 0);   /* tabs separate */
    ck_assert(verbose && sync_console);
}
END_TEST

START_TEST(no_flags_clear)
{
    reset();
    verbose = sync_console = true;
    ck_assert_int_eq(parse("no-verbose no-sync_console"), 0);
    ck_assert(!verbose);
    ck_assert(!sync_console);
    reset();
    ck_assert_int_eq(parse("no-maxcpus"), 1);                    /* not a bool */
    ck_assert_str_eq(rep.msg[0], "unknown option 'no-maxcpus'");
    ck_assert_uint_eq(maxcpus, 77);
    reset();
    verbose = true;
    ck_assert_int_eq(parse("no-verbose=1"), 1);
    ck_assert(verbose);
    ck_assert_int_eq(parse("no- no-nothing"), 2);
}
END_TEST

START_TEST(bool_values)
{
    static const char *const on[] = { "verbose=1", "verbose=yes", "verbose=on",
                                      "verbose=true" };
    static const char *const off[] = { "verbose=0", "verbose=no", "verbose=off",
                                       "verbose=false" };
    int i;

    for (i = 0; i < 4; i++) {
        reset();
        ck_assert_int_eq(parse(on[i]), 0);
        ck_assert_msg(verbose, "%s", on[i]);
        verbose = true;
        ck_assert_int_eq(parse(off[i]), 0);
        ck_assert_msg(!verbose, "%s", off[i]);
    }
    reset();
    verbose = true;
    ck_assert_int_eq(parse("verbose=maybe verbose= verbose=2 verbose=YESS"), 4);
    ck_assert_str_eq(rep.msg[0], "bad value for 'verbose': 'maybe'");
    ck_assert_str_eq(rep.msg[1], "bad value for 'verbose': ''");
    ck_assert(verbose);
}
END_TEST

START_TEST(uint_values)
{
    reset();
    ck_assert_int_eq(parse("maxcpus=4"), 0);
    ck_assert_uint_eq(maxcpus, 4);
    ck_assert_int_eq(parse("maxcpus=0x1F"), 0);
    ck_assert_uint_eq(maxcpus, 31);
    ck_assert_int_eq(parse("maxcpus=18446744073709551615"), 0);
    ck_assert_uint_eq(maxcpus, UINT64_MAX);
    ck_assert_int_eq(parse("maxcpus=0xffffffffffffffff"), 0);
    ck_assert_uint_eq(maxcpus, UINT64_MAX);
    ck_assert_int_eq(parse("maxcpus=0"), 0);
    ck_assert_uint_eq(maxcpus, 0);
    maxcpus = 9;
    ck_assert_int_eq(parse("maxcpus=18446744073709551616 maxcpus=0x10000000000000000 "
                           "maxcpus=-1 maxcpus=12abc maxcpus=0x maxcpus= maxcpus=4K"), 7);
    ck_assert_str_eq(rep.msg[0], "bad value for 'maxcpus': '18446744073709551616'");
    ck_assert_uint_eq(maxcpus, 9);
    memset(&rep, 0, sizeof(rep));
    ck_assert_int_eq(parse("maxcpus"), 1);
    ck_assert_str_eq(rep.msg[0], "missing value for 'maxcpus'");
    ck_assert_uint_eq(maxcpus, 9);
}
END_TEST

START_TEST(size_and_string_values)
{
    reset();
    ck_assert_int_eq(parse("dom0_mem=512M console=com1"), 0);
    ck_assert_uint_eq(dom0_mem, 512ull << 20);
    ck_assert_str_eq(console, "com1");
    ck_assert_int_eq(parse("console= dom0_mem=0x1000"), 0);
    ck_assert_str_eq(console, "");
    ck_assert_uint_eq(dom0_mem, 0x1000);
    ck_assert_int_eq(parse("console=123456789012345"), 0);    /* 15 chars: fits */
    ck_assert_str_eq(console, "123456789012345");
    ck_assert_int_eq(parse("console=1234567890123456"), 1);   /* 16: refused */
    ck_assert_str_eq(rep.msg[0],
                     "value for 'console' is too long (max 15): '1234567890123456'");
    ck_assert_str_eq(console, "123456789012345");
}
END_TEST

START_TEST(custom_values)
{
    reset();
    ck_assert_int_eq(parse("loglvl=info"), 0);
    ck_assert_int_eq(loglvl, 3);
    ck_assert_int_eq(parse("loglvl=bogus"), 1);
    ck_assert_str_eq(rep.msg[0], "bad value for 'loglvl': 'bogus'");
    ck_assert_int_eq(parse("loglvl"), 1);                     /* parse(NULL) refuses */
    ck_assert_str_eq(rep.msg[1], "missing value for 'loglvl'");
    ck_assert_int_eq(loglvl, 3);
}
END_TEST

START_TEST(quoted_values)
{
    reset();
    ck_assert_int_eq(parse("console=\"com1 vga\" verbose"), 0);
    ck_assert_str_eq(console, "com1 vga");
    ck_assert(verbose);
    ck_assert_int_eq(parse("console=\"\""), 0);
    ck_assert_str_eq(console, "");
    ck_assert_int_eq(parse("console=a\"b\tc\"d"), 0);         /* quotes mid-value */
    ck_assert_str_eq(console, "ab\tcd");
    ck_assert_int_eq(parse("console=\"x=y z\""), 0);          /* '=' inside quotes */
    ck_assert_str_eq(console, "x=y z");
    ck_assert_int_eq(parse("\"verbose=0\""), 1);              /* a quoted '=' never splits */
    ck_assert_str_eq(rep.msg[0], "unknown option '\"verbose=0\"'");
    ck_assert(verbose);
    memset(&rep, 0, sizeof(rep));
    ck_assert_int_eq(parse("dom0_mem=\"1G\""), 0);
    ck_assert_uint_eq(dom0_mem, 1ull << 30);
    ck_assert_int_eq(parse("verbose console=\"unterminated value"), 1);
    ck_assert_str_eq(rep.msg[0], "unterminated quote in 'console=\"unterminated value'");
    ck_assert_str_eq(console, "x=y z");
}
END_TEST

START_TEST(unknown_reported_others_applied)
{
    reset();
    ck_assert_int_eq(parse("verbose foo=1 maxcpus=3 bar =5 dom0_mem=abc console=ttyS0"), 4);
    ck_assert_str_eq(rep.msg[0], "unknown option 'foo=1'");
    ck_assert_str_eq(rep.msg[1], "unknown option 'bar'");
    ck_assert_str_eq(rep.msg[2], "unknown option '=5'");
    ck_assert_str_eq(rep.msg[3], "bad value for 'dom0_mem': 'abc'");
    ck_assert(verbose);
    ck_assert_uint_eq(maxcpus, 3);
    ck_assert_uint_eq(dom0_mem, 12345);                       /* unchanged */
    ck_assert_str_eq(console, "ttyS0");
    /* Option names match exactly. */
    ck_assert_int_eq(parse("VERBOSE verbos verbosee"), 3);
    /* Without a report callback the problems are still counted. */
    ck_assert_int_eq(cmdline_parse("foo bar=1 verbose", opts, 6, NULL, NULL), 2);
    ck_assert_int_eq(cmdline_parse("verbose", NULL, 0, collect, &rep), 1);
}
END_TEST

START_TEST(empty_lines)
{
    reset();
    ck_assert_int_eq(parse(""), 0);
    ck_assert_int_eq(parse("   \t \t"), 0);
    ck_assert_int_eq(parse(NULL), 0);
    ck_assert(!verbose);
    ck_assert_uint_eq(maxcpus, 77);
    ck_assert_str_eq(console, "prev");
}
END_TEST

START_TEST(last_occurrence_wins)
{
    reset();
    ck_assert_int_eq(parse("maxcpus=1 console=a maxcpus=2 verbose no-verbose verbose "
                           "console=b dom0_mem=1G dom0_mem=2G no-sync_console "
                           "sync_console=on sync_console=off"), 0);
    ck_assert_uint_eq(maxcpus, 2);
    ck_assert(verbose);
    ck_assert_str_eq(console, "b");
    ck_assert_uint_eq(dom0_mem, 2ull << 30);
    ck_assert(!sync_console);
}
END_TEST

START_TEST(long_garbage_line)
{
    static char line[20001];
    size_t i;
    int n;

    /* One token far longer than any buffer. */
    reset();
    memset(line, 'x', 5000);
    strcpy(line + 5000, " verbose");
    ck_assert_int_eq(parse(line), 1);
    ck_assert(verbose);
    ck_assert_msg(strncmp(rep.msg[0], "option 'xxxx", 12) == 0 &&
                  strstr(rep.msg[0], "...' is too long") != NULL, "%s", rep.msg[0]);
    ck_assert_uint_lt(strlen(rep.msg[0]), 120);
    /* Random bytes (no NUL), control characters included. */
    srand(42);
    for (i = 0; i < sizeof(line) - 1; i++)
        line[i] = (char)(1 + rand() % 255);
    line[sizeof(line) - 1] = '\0';
    reset();
    n = parse(line);
    ck_assert_int_gt(n, 0);
    for (i = 0; i < (size_t)n && i < MAX_MSGS; i++)
        ck_assert_uint_lt(strlen(rep.msg[i]), 200);
    ck_assert_uint_eq(maxcpus, 77);
    /* Mostly separators and quotes. */
    for (i = 0; i < sizeof(line) - 1; i++)
        line[i] = " \t\"=a"[rand() % 5];
    reset();
    (void)parse(line);
}
END_TEST

START_TEST(parse_size_suffixes)
{
    static const struct { const char *s; uint64_t v; } ok[] = {
        { "0", 0 }, { "123", 123 }, { "4096K", 4096ull << 10 }, { "512M", 512ull << 20 },
        { "1G", 1ull << 30 }, { "2T", 2ull << 40 }, { "3k", 3ull << 10 },
        { "5m", 5ull << 20 }, { "6g", 6ull << 30 }, { "7t", 7ull << 40 },
        { "0x1000", 0x1000 }, { "0X1000", 0x1000 }, { "0x10M", 16ull << 20 },
        { "0xABCdef", 0xabcdef }, { "18446744073709551615", UINT64_MAX },
        { "17179869183G", UINT64_MAX - (1ull << 30) + 1 }, { "16777215T", 16777215ull << 40 },
        { "0xffffffffffffffff", UINT64_MAX }, { "000012", 12 },
    };
    size_t i;
    uint64_t v;

    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        v = 999;
        ck_assert_msg(parse_size(ok[i].s, &v) == 0, "%s refused", ok[i].s);
        ck_assert_msg(v == ok[i].v, "%s -> %llu", ok[i].s, (unsigned long long)v);
    }
}
END_TEST

START_TEST(parse_size_refusals)
{
    static const char *const bad[] = {
        "", "K", "M", "0x", "0xG", "12MB", "1.5G", "-1", "+1", " 1", "1 ", "1KK", "12Q",
        "17179869184G", "16777216T", "18446744073709551616", "99999999999999999999",
        "0x10000000000000000", "0xffffffffffffffffK", "18014398509481984K",
        "17592186044416M", "1e6", "0b101",
    };
    size_t i;
    uint64_t v = 4242;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(parse_size(bad[i], &v) == -XEN_EINVAL, "'%s' accepted", bad[i]);
    ck_assert_uint_eq(v, 4242);                               /* never written */
    ck_assert_int_eq(parse_size(NULL, &v), -XEN_EINVAL);
    ck_assert_int_eq(parse_size("1", NULL), -XEN_EINVAL);
    /* The same through the option table: reported, destination unchanged. */
    reset();
    ck_assert_int_eq(parse("dom0_mem=17179869184G"), 1);
    ck_assert_str_eq(rep.msg[0], "bad value for 'dom0_mem': '17179869184G'");
    ck_assert_uint_eq(dom0_mem, 12345);
}
END_TEST

Suite *cmdline_suite(void)
{
    Suite *s = suite_create("cmdline");

    UNIT_ADD_TEST(s, flags_set);
    UNIT_ADD_TEST(s, no_flags_clear);
    UNIT_ADD_TEST(s, bool_values);
    UNIT_ADD_TEST(s, uint_values);
    UNIT_ADD_TEST(s, size_and_string_values);
    UNIT_ADD_TEST(s, custom_values);
    UNIT_ADD_TEST(s, quoted_values);
    UNIT_ADD_TEST(s, unknown_reported_others_applied);
    UNIT_ADD_TEST(s, empty_lines);
    UNIT_ADD_TEST(s, last_occurrence_wins);
    UNIT_ADD_TEST(s, long_garbage_line);
    UNIT_ADD_TEST(s, parse_size_suffixes);
    UNIT_ADD_TEST(s, parse_size_refusals);
    return s;
}
