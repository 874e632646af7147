/* Unit tests for common/domu_config.c: the domU module string (every key, defaults,
 * bounds, GRUB's re-quoting, one-line errors naming the key, duplicate keys). */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <hv/domu_config.h>
#include "suites.h"
#include <xlite/errno.h>

static struct domu_config cfg;
static char err[DOMU_ERR_MAX];

/* Parses s for domain id 3; checks that err is set exactly when it is refused and is
 * always one line. */
static int parse(const char *s)
{
    memset(err, 'x', sizeof(err));
    err[sizeof(err) - 1] = '\0';
    int rc = domu_config_parse(s, 3, &cfg, err, sizeof(err));
    ck_assert_msg(rc == 0 || rc == -XEN_EINVAL, "'%s': rc %d", s, rc);
    ck_assert_msg(strchr(err, '\n') == NULL, "multi-line error: %s", err);
    if (rc == 0)
        ck_assert_msg(err[0] == '\0', "'%s' accepted, but err = '%s'", s, err);
    else
        ck_assert_msg(err[0] != '\0', "'%s' refused without a message", s);
    return rc;
}

/* s must be accepted. */
static void ok(const char *s)
{
    ck_assert_msg(parse(s) == 0, "'%s' refused: %s", s, err);
}

/* s must be refused with exactly `msg`. */
static void refused(const char *s, const char *msg)
{
    ck_assert_msg(parse(s) == -XEN_EINVAL, "'%s' accepted", s);
    ck_assert_msg(strcmp(err, msg) == 0, "'%s': got '%s', want '%s'", s, err, msg);
}

/* The unescaped form of s (which must fit). */
static const char *unescape(const char *s)
{
    static char out[DOMU_STRING_MAX];

    ck_assert_int_eq(domu_grub_unescape(s, out, sizeof(out)), 0);
    return out;
}

START_TEST(is_domu_first_word)
{
    ck_assert(domu_config_is_domu("domU"));
    ck_assert(domu_config_is_domu("domU name=a"));
    ck_assert(domu_config_is_domu("domU\tname=a"));
    ck_assert(!domu_config_is_domu("domUx name=a"));
    ck_assert(!domu_config_is_domu(" domU"));
    ck_assert(!domu_config_is_domu("DOMU"));
    ck_assert(!domu_config_is_domu("dom"));
    ck_assert(!domu_config_is_domu(""));
    ck_assert(!domu_config_is_domu("console=hvc0 domU"));
    ck_assert(!domu_config_is_domu(NULL));
}
END_TEST

START_TEST(defaults)
{
    ok("domU");
    ck_assert_str_eq(cfg.name, "dU3");
    ck_assert_uint_eq(cfg.memory_mib, 32);
    ck_assert_uint_eq(cfg.vcpus, 1);
    ck_assert_uint_eq(cfg.weight, 256);
    ck_assert_str_eq(cfg.cmdline, "");
    ok("domU   ");
    ck_assert_str_eq(cfg.name, "dU3");
    ck_assert_int_eq(domu_config_parse("domU", 12, &cfg, NULL, 0), 0);   /* err optional */
    ck_assert_str_eq(cfg.name, "dU12");
}
END_TEST

START_TEST(every_key)
{
    ok("domU name=web-1_x.y memory=64 vcpus=2 weight=512 cmdline=quiet");
    ck_assert_str_eq(cfg.name, "web-1_x.y");
    ck_assert_uint_eq(cfg.memory_mib, 64);
    ck_assert_uint_eq(cfg.vcpus, 2);
    ck_assert_uint_eq(cfg.weight, 512);
    ck_assert_str_eq(cfg.cmdline, "quiet");
    /* Any order; a previous parse leaves nothing behind. */
    ok("domU\tcmdline=x   weight=1 memory=4");
    ck_assert_str_eq(cfg.name, "dU3");
    ck_assert_uint_eq(cfg.memory_mib, 4);
    ck_assert_uint_eq(cfg.vcpus, 1);
    ck_assert_uint_eq(cfg.weight, 1);
    ck_assert_str_eq(cfg.cmdline, "x");
    ok("domU cmdline=");
    ck_assert_str_eq(cfg.cmdline, "");
}
END_TEST

START_TEST(memory_bounds)
{
    ok("domU memory=4");
    ck_assert_uint_eq(cfg.memory_mib, 4);
    ok("domU memory=16384");
    ck_assert_uint_eq(cfg.memory_mib, 16384);
    ok("domU memory=0032");
    ck_assert_uint_eq(cfg.memory_mib, 32);
    refused("domU memory=3", "bad value for 'memory': '3' (MiB, 4..16384)");
    refused("domU memory=0", "bad value for 'memory': '0' (MiB, 4..16384)");
    refused("domU memory=16385", "bad value for 'memory': '16385' (MiB, 4..16384)");
    refused("domU memory=lots", "bad value for 'memory': 'lots' (MiB, 4..16384)");
    refused("domU memory=99999999999999999999999999",
            "bad value for 'memory': '99999999999999999999999999' (MiB, 4..16384)");
    refused("domU memory=64M", "bad value for 'memory': '64M' (MiB, 4..16384)");
    refused("domU memory=0x40", "bad value for 'memory': '0x40' (MiB, 4..16384)");
    refused("domU memory=-8", "bad value for 'memory': '-8' (MiB, 4..16384)");
    refused("domU memory=+8", "bad value for 'memory': '+8' (MiB, 4..16384)");
    refused("domU memory= ", "bad value for 'memory': '' (MiB, 4..16384)");
    refused("domU memory", "missing value for 'memory'");
}
END_TEST

START_TEST(vcpus_and_weight_bounds)
{
    ok("domU vcpus=1");
    ok("domU vcpus=8");
    ck_assert_uint_eq(cfg.vcpus, DOMU_VCPUS_MAX);
    refused("domU vcpus=0", "bad value for 'vcpus': '0' (1..8)");
    refused("domU vcpus=9", "bad value for 'vcpus': '9' (1..8)");
    refused("domU vcpus=two", "bad value for 'vcpus': 'two' (1..8)");
    refused("domU vcpus", "missing value for 'vcpus'");
    ok("domU weight=1");
    ck_assert_uint_eq(cfg.weight, 1);
    ok("domU weight=65535");
    ck_assert_uint_eq(cfg.weight, 65535);
    refused("domU weight=0", "bad value for 'weight': '0' (1..65535)");
    refused("domU weight=65536", "bad value for 'weight': '65536' (1..65535)");
    refused("domU weight=4294967552", "bad value for 'weight': '4294967552' (1..65535)");
    refused("domU weight=", "bad value for 'weight': '' (1..65535)");
}
END_TEST

START_TEST(names)
{
    ok("domU name=a");
    ck_assert_str_eq(cfg.name, "a");
    ok("domU name=d");
    ok("domU name=dx1");
    ok("domU name=d1a");
    ok("domU name=dom01");
    ok("domU name=dU7");
    ok("domU name=Abcdefghijklmnopqrstuvwxyz01234");    /* 31 characters */
    ck_assert_uint_eq(strlen(cfg.name), 31);
    refused("domU name=Abcdefghijklmnopqrstuvwxyz012345",
            "bad value for 'name': 'Abcdefghijklmnopqrstuvwxyz012345' (1 to 31 characters)");
    refused("domU name=", "bad value for 'name': '' (1 to 31 characters)");
    refused("domU name", "missing value for 'name'");
    refused("domU name=\"a b\"",
            "bad value for 'name': 'a b' (letters, digits, '_', '-' and '.' only)");
    refused("domU name=a)", "bad value for 'name': 'a)' (letters, digits, '_', '-' and '.' only)");
    refused("domU name=dom0", "bad value for 'name': 'dom0' (reserved: reads like a domain id)");
    refused("domU name=d0", "bad value for 'name': 'd0' (reserved: reads like a domain id)");
    refused("domU name=d17", "bad value for 'name': 'd17' (reserved: reads like a domain id)");
}
END_TEST

START_TEST(cmdline_values)
{
    char s[DOMU_STRING_MAX], want[1010];

    ok("domU cmdline=\"console=hvc0 root=/dev/xvda1 ro\"");
    ck_assert_str_eq(cfg.cmdline, "console=hvc0 root=/dev/xvda1 ro");
    /* The longest that fits a module string with its key: 1023 - strlen("domU cmdline="). */
    memset(want, 'c', sizeof(want) - 1);
    want[sizeof(want) - 1] = '\0';
    snprintf(s, sizeof(s), "domU cmdline=%s", want);
    ok(s);
    ck_assert_str_eq(cfg.cmdline, want);
}
END_TEST

START_TEST(grub_escaped_quotes)
{
    /* scripts/mkiso.sh's -m "f domU cmdline=\"hello world\"": quotes inside words. */
    ok("domU name=a cmdline=\\\"hello world\\\" memory=8");
    ck_assert_str_eq(cfg.cmdline, "hello world");
    ck_assert_str_eq(cfg.name, "a");
    ck_assert_uint_eq(cfg.memory_mib, 8);
    /* grub.cfg's cmdline="hello world": one word with a space, quoted whole by GRUB. */
    ok("domU \"cmdline=hello world\" name=b");
    ck_assert_str_eq(cfg.cmdline, "hello world");
    ck_assert_str_eq(cfg.name, "b");
    /* ... with '=' inside the value: the quote goes after the first '='. */
    ok("domU \"cmdline=console=hvc0 root=/dev/xvda1\"");
    ck_assert_str_eq(cfg.cmdline, "console=hvc0 root=/dev/xvda1");
    ok("domU cmdline=\\\"console=hvc0 root=/dev/xvda1\\\"");
    ck_assert_str_eq(cfg.cmdline, "console=hvc0 root=/dev/xvda1");
    /* Spaces inside a GRUB-quoted word are kept as they are. */
    ok("domU name=u \"cmdline=console=hvc0   three  spaces\" memory=16");
    ck_assert_str_eq(cfg.cmdline, "console=hvc0   three  spaces");
    ck_assert_uint_eq(cfg.memory_mib, 16);
    /* grub.cfg's 'cmdline="it'\''s quoted" x', exactly as GRUB 2.06 delivered it. */
    ok("domU name=v \"cmdline=\\\"it\\'s quoted\\\" x\"");
    ck_assert_str_eq(cfg.cmdline, "it's quoted x");
    /* grub.cfg's 'cmdline="a b" c': the user's quotes inside GRUB's only group. */
    ok("domU \"cmdline=\\\"a b\\\" c\"");
    ck_assert_str_eq(cfg.cmdline, "a b c");
    /* Verbatim (a loader that does not re-quote). */
    ok("domU cmdline=\"hello world\"");
    ck_assert_str_eq(cfg.cmdline, "hello world");
    /* Backslash and single quote arrive escaped. */
    ok("domU cmdline=\\\"it\\'s a\\\\b\\\"");
    ck_assert_str_eq(cfg.cmdline, "it's a\\b");
    /* GRUB quotes a word without '=' where it stands: one unknown key, not two. */
    refused("domU \"foo bar\"", "unknown key 'foo bar' (keys: name, memory, vcpus, weight, cmdline)");
}
END_TEST

START_TEST(unescape_rules)
{
    static char small[8];

    ck_assert_str_eq(unescape(""), "");
    ck_assert_str_eq(unescape(" a=1  b=2 "), " a=1  b=2 ");
    ck_assert_str_eq(unescape("a=\\\"x y\\\""), "a=\"x y\"");
    ck_assert_str_eq(unescape("\"a=x y\""), "a=\"x y\"");
    ck_assert_str_eq(unescape(" \"a=x y\" \"b=1 2\""), " a=\"x y\" b=\"1 2\"");
    ck_assert_str_eq(unescape("\"a b\""), "\"a b\"");
    ck_assert_str_eq(unescape("a=\"x=1 y\""), "a=\"x=1 y\"");   /* mid-word: verbatim */
    ck_assert_str_eq(unescape("\\\\ \\' \\x"), "\\ ' x");
    ck_assert_str_eq(unescape("end\\"), "end\\");                 /* lone trailing '\' */
    ck_assert_str_eq(unescape("\"a=open"), "\"a=open");         /* never closed: kept */
    ck_assert_int_eq(domu_grub_unescape("1234567", small, sizeof(small)), 0);
    ck_assert_str_eq(small, "1234567");
    ck_assert_int_eq(domu_grub_unescape("12345678", small, sizeof(small)), -XEN_E2BIG);
    ck_assert_str_eq(small, "");
    ck_assert_int_eq(domu_grub_unescape("\\\"123456\\\"", small, sizeof(small)), -XEN_E2BIG);
    ck_assert_int_eq(domu_grub_unescape("\"a=123\"", small, sizeof(small)), 0);
    ck_assert_str_eq(small, "a=\"123\"");
    ck_assert_int_eq(domu_grub_unescape("x", small, 0), -XEN_EINVAL);
    ck_assert_int_eq(domu_grub_unescape(NULL, small, sizeof(small)), -XEN_EINVAL);
    ck_assert_int_eq(domu_grub_unescape("x", NULL, 4), -XEN_EINVAL);
}
END_TEST

START_TEST(errors_name_the_key)
{
    refused("domU colour=blue",
            "unknown key 'colour' (keys: name, memory, vcpus, weight, cmdline)");
    refused("domU colour", "unknown key 'colour' (keys: name, memory, vcpus, weight, cmdline)");
    refused("domU Name=a", "unknown key 'Name' (keys: name, memory, vcpus, weight, cmdline)");
    refused("domU no-name", "unknown key 'no-name' (keys: name, memory, vcpus, weight, cmdline)");
    refused("domU it\\'s=1", "unknown key 'it's' (keys: name, memory, vcpus, weight, cmdline)");
    refused("domU \"colour=a b\"",
            "unknown key 'colour' (keys: name, memory, vcpus, weight, cmdline)");
    refused("domU =5", "unknown key '' (keys: name, memory, vcpus, weight, cmdline)");
    refused("domU cmdline=\"open", "unterminated quote in 'cmdline=\"open'");
    refused("domU memory=lots colour=red", "bad value for 'memory': 'lots' (MiB, 4..16384) "
            "(and 1 more problem)");
    refused("domU a b memory=1", "unknown key 'a' (keys: name, memory, vcpus, weight, cmdline) "
            "(and 2 more problems)");
    refused("kernel console=hvc0", "the module string does not start with the word 'domU'");
    refused("", "the module string does not start with the word 'domU'");
    ck_assert_int_eq(domu_config_parse(NULL, 1, &cfg, err, sizeof(err)), -XEN_EINVAL);
    ck_assert_int_eq(domu_config_parse("domU", 1, NULL, err, sizeof(err)), -XEN_EINVAL);
}
END_TEST

START_TEST(error_buffer_bounds)
{
    char small[12];

    memset(small, 'x', sizeof(small));
    ck_assert_int_eq(domu_config_parse("domU memory=lots", 1, &cfg, small, sizeof(small)),
                     -XEN_EINVAL);
    ck_assert_str_eq(small, "bad value f");
    ck_assert_int_eq(domu_config_parse("domU memory=lots", 1, &cfg, NULL, 0), -XEN_EINVAL);
    ck_assert_int_eq(domu_config_parse("domU memory=lots", 1, &cfg, small, 0), -XEN_EINVAL);
    ck_assert_str_eq(small, "bad value f");                 /* errlen 0: untouched */
}
END_TEST

START_TEST(duplicate_keys_last_wins)
{
    ok("domU memory=8 name=a memory=16 name=b vcpus=2 vcpus=1");
    ck_assert_uint_eq(cfg.memory_mib, 16);
    ck_assert_str_eq(cfg.name, "b");
    ck_assert_uint_eq(cfg.vcpus, 1);
    ok("domU cmdline=\\\"one two\\\" cmdline=three");
    ck_assert_str_eq(cfg.cmdline, "three");
    /* A bad later value refuses the module; it does not fall back to the earlier. */
    refused("domU memory=8 memory=lots", "bad value for 'memory': 'lots' (MiB, 4..16384)");
}
END_TEST

START_TEST(long_and_hostile_strings)
{
    char s[DOMU_STRING_MAX + 16];

    /* Over the module-string limit (GRUB's own is the same 1023 bytes). */
    memcpy(s, "domU ", 5);
    memset(s + 5, 'a', sizeof(s) - 6);
    s[sizeof(s) - 1] = '\0';
    ck_assert_int_eq(parse(s), -XEN_EINVAL);
    ck_assert_str_eq(err, "the module string is too long");
    /* A key that long: the tokeniser's message, cut to one line. */
    s[DOMU_STRING_MAX - 1] = '\0';
    ck_assert_int_eq(parse(s), -XEN_EINVAL);
    /* Control characters never reach the message. */
    ck_assert_int_eq(parse("domU memory=1\x01\x1b[2J"), -XEN_EINVAL);
    for (const char *p = err; *p; p++)
        ck_assert_msg((unsigned char)*p >= 0x20, "control character in '%s'", err);
}
END_TEST

Suite *domu_config_suite(void)
{
    Suite *s = suite_create("domu_config");

    UNIT_ADD_TEST(s, is_domu_first_word);
    UNIT_ADD_TEST(s, defaults);
    UNIT_ADD_TEST(s, every_key);
    UNIT_ADD_TEST(s, memory_bounds);
    UNIT_ADD_TEST(s, vcpus_and_weight_bounds);
    UNIT_ADD_TEST(s, names);
    UNIT_ADD_TEST(s, cmdline_values);
    UNIT_ADD_TEST(s, grub_escaped_quotes);
    UNIT_ADD_TEST(s, unescape_rules);
    UNIT_ADD_TEST(s, errors_name_the_key);
    UNIT_ADD_TEST(s, error_buffer_bounds);
    UNIT_ADD_TEST(s, duplicate_keys_last_wins);
    UNIT_ADD_TEST(s, long_and_hostile_strings);
    return s;
}
