/* Tests for dom0-tools/lib/config: every accepted form of xl.cfg syntax and of each
 * key, defaults, overrides, every refusal with its one-line FILE:LINE message, no
 * partial result on failure, dump round trips and the kernel hash check. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "suites.h"

static struct domain_config cfg;
static char err[CONFIG_ERR_MAX];
static char warnings[2048];

static void collect(void *opaque, const char *line)
{
    (void)opaque;
    ck_assert_msg(strchr(line, '\n') == NULL, "multi-line warning: %s", line);
    strncat(warnings, line, sizeof(warnings) - strlen(warnings) - 2);
    strcat(warnings, "\n");
}

/* Parses text as "d.cfg" with overrides; checks err is one line and set only on
 * failure. */
static int parse_with(const char *text, const char *const *ov, size_t nov)
{
    struct config_source src = { "d.cfg", text, strlen(text), ov, nov, collect, NULL };
    int rc;

    warnings[0] = '\0';
    memset(err, 'x', sizeof(err) - 1);
    err[sizeof(err) - 1] = '\0';
    config_free(&cfg);
    rc = config_parse(&src, &cfg, err, sizeof(err));
    ck_assert_msg(strchr(err, '\n') == NULL, "multi-line error: %s", err);
    if (rc == 0)
        ck_assert_msg(err[0] == '\0', "accepted but err = '%s'", err);
    else
        ck_assert_msg(err[0] != '\0' && err[0] != 'x', "refused without a message");
    return rc;
}

static void ok(const char *text)
{
    ck_assert_msg(parse_with(text, NULL, 0) == 0, "'%s' refused: %s", text, err);
}

#define BASE "name = \"vm\"\nkernel = \"/k\"\n"

/* BASE + text must be refused with exactly msg. */
static void refused(const char *text, const char *msg)
{
    char full[8192];

    snprintf(full, sizeof(full), BASE "%s", text);
    ck_assert_msg(parse_with(full, NULL, 0) == -1, "'%s' accepted", text);
    ck_assert_msg(strcmp(err, msg) == 0, "'%s': got '%s', want '%s'", text, err, msg);
}

START_TEST(minimal_defaults)
{
    ok("name = 'a'\nkernel = '/boot/k'\n");
    ck_assert_str_eq(cfg.name, "a");
    ck_assert_str_eq(cfg.kernel, "/boot/k");
    ck_assert_str_eq(cfg.ramdisk, "");
    ck_assert_str_eq(cfg.cmdline, "");
    ck_assert_int_eq(cfg.type, CONFIG_TYPE_PV);
    ck_assert_uint_eq(cfg.memory_mib, 32);
    ck_assert_uint_eq(cfg.maxmem_mib, 32);
    ck_assert_uint_eq(cfg.vcpus, 1);
    ck_assert_uint_eq(cfg.maxvcpus, 1);
    ck_assert_int_eq(cfg.on_poweroff, CONFIG_ACTION_DESTROY);
    ck_assert_int_eq(cfg.on_reboot, CONFIG_ACTION_RESTART);
    ck_assert_int_eq(cfg.on_crash, CONFIG_ACTION_DESTROY);
    ck_assert(!cfg.has_uuid);
    ck_assert(!cfg.has_kernel_xxh3);
    ck_assert_uint_eq(cfg.n_extra, 0);
    ck_assert_str_eq(warnings, "");
}
END_TEST

START_TEST(every_key)
{
    ok("# a full config\n"
       "name=\"web-1.x_y\"\n"
       "type = 'pv'\n"
       "kernel = \"/boot/vmlinuz\"  # trailing comment\n"
       "ramdisk = '/boot/initrd'\n"
       "cmdline = \"console=hvc0 quiet\"\n"
       "memory = 0x100; maxmem = 01000\n"
       "vcpus = 2 ; maxvcpus = 4;\n"
       "on_poweroff = 'preserve'\non_reboot = \"destroy\"\non_crash = 'restart'\n"
       "uuid = \"01234567-89AB-cdef-0123-456789abcdef\"\n"
       "kernel_xxh3 = \"0123456789ABCDEF\"\n");
    ck_assert_str_eq(cfg.name, "web-1.x_y");
    ck_assert_str_eq(cfg.kernel, "/boot/vmlinuz");
    ck_assert_str_eq(cfg.ramdisk, "/boot/initrd");
    ck_assert_str_eq(cfg.cmdline, "console=hvc0 quiet");
    ck_assert_uint_eq(cfg.memory_mib, 256);
    ck_assert_uint_eq(cfg.maxmem_mib, 512);
    ck_assert_uint_eq(cfg.vcpus, 2);
    ck_assert_uint_eq(cfg.maxvcpus, 4);
    ck_assert_int_eq(cfg.on_poweroff, CONFIG_ACTION_PRESERVE);
    ck_assert_int_eq(cfg.on_reboot, CONFIG_ACTION_DESTROY);
    ck_assert_int_eq(cfg.on_crash, CONFIG_ACTION_RESTART);
    ck_assert(cfg.has_uuid);
    ck_assert_uint_eq(cfg.uuid[0], 0x01);
    ck_assert_uint_eq(cfg.uuid[5], 0xab);
    ck_assert_uint_eq(cfg.uuid[15], 0xef);
    ck_assert(cfg.has_kernel_xxh3);
    ck_assert(cfg.kernel_xxh3 == 0x0123456789abcdefULL);
}
END_TEST

START_TEST(numbers_all_bases)
{
    ok(BASE "memory = 64\n");
    ck_assert_uint_eq(cfg.memory_mib, 64);
    ok(BASE "memory = 0X40\n");
    ck_assert_uint_eq(cfg.memory_mib, 64);
    ok(BASE "memory = 0100\n");
    ck_assert_uint_eq(cfg.memory_mib, 64);
    ok(BASE "memory = \"0x40\"\n");     /* like xl: a quoted number is a number */
    ck_assert_uint_eq(cfg.memory_mib, 64);
    ok(BASE "vcpus = 0x1\n");
    ck_assert_uint_eq(cfg.vcpus, 1);
    ok(BASE "extra = 42\n");            /* and a bare number is a string */
    ck_assert_str_eq(cfg.cmdline, "42");
}
END_TEST

START_TEST(string_escapes_and_quotes)
{
    ok(BASE "extra = \"a\\\"b\\'c\\\\d\\x41\\101\\176\"\n");
    ck_assert_str_eq(cfg.cmdline, "a\"b'c\\dAA~");
    /* Every escape is grammar; a known string key then refuses control characters. */
    ok(BASE "other = '\\a\\b\\f\\n\\r\\t\\v'\n");
    ok(BASE "extra = 'it\\'s \\x7e'\n");
    ck_assert_str_eq(cfg.cmdline, "it's ~");
}
END_TEST

START_TEST(string_adjacent_is_refused)
{
    refused("extra = 'a' 'b'\n", "d.cfg:3: extra: expected a newline or ';' after the value");
    ok(BASE "extra = \"x # not a comment ; nor a separator\"\n");
    ck_assert_str_eq(cfg.cmdline, "x # not a comment ; nor a separator");
    ok(BASE "extra = 'say \"hi\"'\n");
    ck_assert_str_eq(cfg.cmdline, "say \"hi\"");
    ok(BASE "extra = ''\n");
    ck_assert_str_eq(cfg.cmdline, "");
}
END_TEST

START_TEST(separators_comments_blank_lines)
{
    ok("\n\n# only a comment\n;;\nname='a';kernel='/k'   ;  memory=64 # c\n\r\n\t\n");
    ck_assert_uint_eq(cfg.memory_mib, 64);
    ok("name='a'\nkernel='/k'");        /* no final newline */
    ok("name='a'\r\nkernel='/k'\r\n");  /* CRLF files */
}
END_TEST

START_TEST(lists_kept_for_unknown_keys)
{
    ok(BASE "disk = [ 'phy:/dev/vg/a,xvda,w', \"file:/x,xvdb,r\", ]\n"
       "vif = [\n  'bridge=br0', # first\n  [1, 0x2, [ ]],\n]\nmemory = 64\n");
    ck_assert_uint_eq(cfg.n_extra, 2);
    ck_assert_str_eq(cfg.extra[0].key, "disk");
    ck_assert_str_eq(cfg.extra[0].value, "[ 'phy:/dev/vg/a,xvda,w', \"file:/x,xvdb,r\", ]");
    ck_assert_str_eq(cfg.extra[1].key, "vif");
    ck_assert_uint_eq(cfg.memory_mib, 64);
    ck_assert_str_eq(warnings, "d.cfg:3: disk: unknown key, kept\n"
                     "d.cfg:4: vif: unknown key, kept\n");
    ok(BASE "l = []\nm = [1,]\n");
    refused("m = [,]\n", "d.cfg:3: m: bad value (accepted: \"string\", 'string', number, "
            "[list])");
}
END_TEST

START_TEST(cmdline_root_extra)
{
    ok(BASE "root = '/dev/xvda1'\nextra = 'quiet'\n");
    ck_assert_str_eq(cfg.cmdline, "root=/dev/xvda1 quiet");
    ok(BASE "root = '/dev/xvda1'\n");
    ck_assert_str_eq(cfg.cmdline, "root=/dev/xvda1");
    ok(BASE "extra = 'quiet'\n");
    ck_assert_str_eq(cfg.cmdline, "quiet");
    ok(BASE "cmdline = 'a'\nroot = 'r'\nextra = 'e'\n");
    ck_assert_str_eq(cfg.cmdline, "a");
    ck_assert_str_eq(warnings, "d.cfg: cmdline given, so root and extra are ignored\n");
}
END_TEST

START_TEST(overrides_after_file)
{
    const char *ov[] = { "memory=128", "name = \"other\"; vcpus = 2", "foo=1" };

    ck_assert_int_eq(parse_with(BASE "memory = 64\nvcpus = 1\n", ov, 3), 0);
    ck_assert_uint_eq(cfg.memory_mib, 128);
    ck_assert_uint_eq(cfg.maxmem_mib, 128);
    ck_assert_str_eq(cfg.name, "other");
    ck_assert_uint_eq(cfg.vcpus, 2);
    ck_assert_str_eq(warnings, "command line:3: foo: unknown key, kept\n");
    const char *bad[] = { "memory=64", "vcpus=0" };
    ck_assert_int_eq(parse_with(BASE, bad, 2), -1);
    ck_assert_str_eq(err, "command line:2: vcpus: 0 out of range (accepted: 1..128)");
    const char *syntax[] = { "memory" };
    ck_assert_int_eq(parse_with(BASE, syntax, 1), -1);
    ck_assert_str_eq(err, "command line:1: memory: expected '=' after the key");
}
END_TEST

START_TEST(duplicate_key_last_wins)
{
    ok(BASE "memory = 64\nmemory = 96\nfoo = 1\nfoo = 'two'\n");
    ck_assert_uint_eq(cfg.memory_mib, 96);
    ck_assert_uint_eq(cfg.n_extra, 1);
    ck_assert_str_eq(cfg.extra[0].value, "'two'");
}
END_TEST

START_TEST(maxmem_maxvcpus)
{
    ok(BASE "memory = 64\nmaxmem = 64\nvcpus = 3\nmaxvcpus = 3\n");
    ok(BASE "maxmem = 1048576\nvcpus = 128\n");
    ck_assert_uint_eq(cfg.maxmem_mib, 1048576);
    ck_assert_uint_eq(cfg.maxvcpus, 128);
    refused("memory = 64\nmaxmem = 32\n",
            "d.cfg:4: maxmem: 32 is below memory 64 (accepted: 64..1048576 MiB)");
    refused("vcpus = 4\nmaxvcpus = 2\n",
            "d.cfg:4: maxvcpus: 2 is below vcpus 4 (accepted: 4..128)");
}
END_TEST

START_TEST(bad_values)
{
    refused("memory = 3\n", "d.cfg:3: memory: 3 out of range (accepted: 4..1048576 MiB)");
    refused("memory = 1048577\n",
            "d.cfg:3: memory: 1048577 out of range (accepted: 4..1048576 MiB)");
    refused("memory = 12abc\n",
            "d.cfg:3: memory: '12abc' is not a number (accepted: decimal, 0x hex or 0 octal)");
    refused("memory = 09\n",
            "d.cfg:3: memory: '09' is not a number (accepted: decimal, 0x hex or 0 octal)");
    refused("memory = 0x\n",
            "d.cfg:3: memory: '0x' is not a number (accepted: decimal, 0x hex or 0 octal)");
    refused("memory = 99999999999999999999999\n", "d.cfg:3: memory: '99999999999999999999999'"
            " is not a number (accepted: decimal, 0x hex or 0 octal)");
    refused("memory = 'big'\n",
            "d.cfg:3: memory: 'big' is not a number (accepted: decimal, 0x hex or 0 octal)");
    refused("memory = [64]\n",
            "d.cfg:3: memory: expected a string, got a list (accepted: \"string\")");
    refused("vcpus = 129\n", "d.cfg:3: vcpus: 129 out of range (accepted: 1..128)");
    refused("maxvcpus = 0\n", "d.cfg:3: maxvcpus: 0 out of range (accepted: 1..128)");
    refused("type = 'hvm'\n", "d.cfg:3: type: unsupported type 'hvm' (accepted: pv)");
    refused("on_crash = 'coredump-destroy'\n", "d.cfg:3: on_crash: bad action "
            "'coredump-destroy' (accepted: destroy, restart, preserve)");
    refused("on_reboot = 1\n",
            "d.cfg:3: on_reboot: bad action '1' (accepted: destroy, restart, preserve)");
    refused("uuid = '01234567-89ab-cdef-0123-456789abcde'\n", "d.cfg:3: uuid: bad uuid "
            "'01234567-89ab-cdef-0123-456789abcde' (accepted: "
            "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, x a hex digit)");
    refused("uuid = '0123456789ab-cdef-0123-456789abcdef'\n", "d.cfg:3: uuid: bad uuid "
            "'0123456789ab-cdef-0123-456789abcdef' (accepted: "
            "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, x a hex digit)");
    refused("uuid = '0123456g-89ab-cdef-0123-456789abcdef'\n", "d.cfg:3: uuid: bad uuid "
            "'0123456g-89ab-cdef-0123-456789abcdef' (accepted: "
            "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, x a hex digit)");
    refused("kernel_xxh3 = '0123'\n", "d.cfg:3: kernel_xxh3: bad hash '0123' "
            "(accepted: 16 hex digits of XXH3-64)");
    refused("kernel_xxh3 = '0x23456789abcdef'\n", "d.cfg:3: kernel_xxh3: bad hash "
            "'0x23456789abcdef' (accepted: 16 hex digits of XXH3-64)");
    refused("kernel_xxh3 = '0123456789abcdeg'\n", "d.cfg:3: kernel_xxh3: bad hash "
            "'0123456789abcdeg' (accepted: 16 hex digits of XXH3-64)");
    refused("kernel = ''\n", "d.cfg:3: kernel: empty (accepted: a non-empty string)");
    refused("extra = 'a\\nb'\n",
            "d.cfg:3: extra: control character in value (accepted: printable text)");
}
END_TEST

START_TEST(bad_names)
{
    static const char *const names[] = { "", "1234", "-x", ".x", "Domain-0", "a b", "a/b",
                                         "caf\\xc3\\xa9" };
    char text[256], want[512];

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(text, sizeof(text), "kernel='/k'\nname = '%s'\n", names[i]);
        ck_assert_msg(parse_with(text, NULL, 0) == -1, "name '%s' accepted", names[i]);
        ck_assert_msg(strncmp(err, "d.cfg:2: name: bad name '", 25) == 0, "%s", err);
        ck_assert_msg(strstr(err, "(accepted: 1-63 of A-Z a-z 0-9 _ - ., not all digits, "
                      "not starting with - or ., not Domain-0)") != NULL, "%s", err);
    }
    snprintf(text, sizeof(text), "kernel='/k'\nname = '%063d'\n", 7);
    text[20] = 'x';                     /* 63 characters, not all digits */
    ok(text);
    ck_assert_uint_eq(strlen(cfg.name), 63);
    snprintf(text, sizeof(text), "kernel='/k'\nname = 'x%063d'\n", 7);
    ck_assert_int_eq(parse_with(text, NULL, 0), -1);
    snprintf(want, sizeof(want), "d.cfg:2: name: longer than 63 characters (accepted: up "
             "to 63)");
    ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(required_keys)
{
    ck_assert_int_eq(parse_with("kernel = '/k'\n", NULL, 0), -1);
    ck_assert_str_eq(err, "d.cfg: name: required (accepted: 1-63 of A-Z a-z 0-9 _ - ., "
                     "not all digits, not starting with - or ., not Domain-0)");
    ck_assert_int_eq(parse_with("name = 'a'\n", NULL, 0), -1);
    ck_assert_str_eq(err, "d.cfg: kernel: required (accepted: the path of a PV kernel)");
    ck_assert_int_eq(parse_with("", NULL, 0), -1);
}
END_TEST

START_TEST(syntax_errors)
{
    refused("memory 64\n", "d.cfg:3: memory: expected '=' after the key");
    refused("memory =\n", "d.cfg:3: memory: missing value (accepted: \"string\", number, "
            "[list])");
    refused("memory =", "d.cfg:3: memory: missing value (accepted: \"string\", number, "
            "[list])");
    refused("name = vm\n", "d.cfg:3: name: bad value (accepted: \"string\", 'string', "
            "number, [list])");
    refused("extra = 'abc\n", "d.cfg:3: extra: unterminated string");
    refused("extra = \"abc\\\n\"\n", "d.cfg:3: extra: unterminated string");
    refused("extra = \"\\q\"\n", "d.cfg:3: extra: bad escape \\q (accepted: \\\" \\' \\\\ "
            "\\a \\b \\f \\n \\r \\t \\v \\xHH \\OOO)");
    refused("extra = \"\\x4\"\n",
            "d.cfg:3: extra: bad escape \\x (accepted: \\xHH with two hex digits)");
    refused("extra = \"\\0\"\n", "d.cfg:3: extra: NUL byte in string");
    refused("extra = \"\\400\"\n", "d.cfg:3: extra: bad escape: octal value over \\377");
    refused("memory = 64 64\n", "d.cfg:3: memory: expected a newline or ';' after the value");
    refused("\n\nx = [1 2]\n", "d.cfg:5: x: expected ',' or ']' in list");
    refused("x = [1,\n2,\n", "d.cfg:5: x: missing value (accepted: \"string\", number, "
            "[list])");
    refused("x = [[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]\n", "d.cfg:3: x: lists nested deeper "
            "than 16");
    refused("= 3\n", "d.cfg:3: expected KEY = VALUE");
    refused("9x = 3\n", "d.cfg:3: expected KEY = VALUE");
    refused("a-b = 3\n", "d.cfg:3: a: expected '=' after the key");
    refused("x += 'a'\n", "d.cfg:3: x: expected '=' after the key");
    refused("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk = 1\n",
            "d.cfg:3: key longer than 63 characters");
}
END_TEST

START_TEST(nul_byte_and_long_strings)
{
    static char big[6000];
    struct config_source src = { "n.cfg", "name='a'\nkernel='/k'\x00\n", 22, NULL, 0,
                                 NULL, NULL };

    ck_assert_int_eq(config_parse(&src, &cfg, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "n.cfg:2: NUL byte in the file");
    memset(big, 'a', sizeof(big));
    memcpy(big, "extra='", 7);
    strcpy(big + 5000, "'\n");
    refused(big, "d.cfg:3: extra: string longer than 4095 bytes");
    memset(big, 'a', sizeof(big));
    memcpy(big, "kernel='", 8);
    strcpy(big + 1100, "'\n");
    refused(big, "d.cfg:3: kernel: longer than 1023 characters (accepted: up to 1023)");
}
END_TEST

START_TEST(failure_changes_nothing)
{
    struct domain_config before;

    ok(BASE "memory = 64\nfoo = 1\n");
    before = cfg;
    ck_assert_int_eq(config_parse(&(struct config_source){ "b.cfg", "name='x'\nmemory=2\n",
                                                           19, NULL, 0, NULL, NULL },
                                  &cfg, err, sizeof(err)), -1);
    ck_assert(memcmp(&before, &cfg, sizeof(cfg)) == 0);
    ck_assert_str_eq(cfg.extra[0].key, "foo");
}
END_TEST

static void roundtrip(const char *text)
{
    struct domain_config first;
    char dump1[8192], dump2[8192];
    size_t n;

    ok(text);
    first = cfg;
    memset(&cfg, 0, sizeof(cfg));
    n = config_dump(&first, dump1, sizeof(dump1));
    ck_assert_uint_eq(n, strlen(dump1));
    ck_assert_msg(parse_with(dump1, NULL, 0) == 0, "dump refused: %s\n%s", err, dump1);
    config_dump(&cfg, dump2, sizeof(dump2));
    ck_assert_str_eq(dump1, dump2);
    ck_assert_str_eq(first.cmdline, cfg.cmdline);
    ck_assert_uint_eq(first.memory_mib, cfg.memory_mib);
    ck_assert(memcmp(first.uuid, cfg.uuid, 16) == 0);
    config_free(&first);
}

START_TEST(dump_round_trips)
{
    roundtrip(BASE);
    roundtrip("name='n'\nkernel='/a \"q\" \\\\ b'\nramdisk='/r'\nroot='/dev/x'\nextra='e'\n"
              "memory=0x40\nmaxmem=128\nvcpus=2\nmaxvcpus=3\non_crash='preserve'\n"
              "uuid='01234567-89ab-cdef-0123-456789abcdef'\n"
              "kernel_xxh3='00000000000000ff'\ndisk=['a', [1, 2],]\n");
}
END_TEST

START_TEST(dump_exact_text_and_truncation)
{
    char buf[512], small[16];
    size_t n;

    ok(BASE "ramdisk = '/r'\nextra='x'\nfoo = [1,2]\n");
    n = config_dump(&cfg, buf, sizeof(buf));
    ck_assert_str_eq(buf, "name = \"vm\"\ntype = \"pv\"\nkernel = \"/k\"\nramdisk = \"/r\"\n"
                     "cmdline = \"x\"\nmemory = 32\nmaxmem = 32\nvcpus = 1\nmaxvcpus = 1\n"
                     "on_poweroff = \"destroy\"\non_reboot = \"restart\"\n"
                     "on_crash = \"destroy\"\nfoo = [1,2]\n");
    ck_assert_uint_eq(config_dump(&cfg, small, sizeof(small)), n);
    ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
}
END_TEST

START_TEST(kernel_hash_check)
{
    static const char image[] = "not really an ELF image";
    char text[256];
    uint64_t h = config_kernel_hash(image, sizeof(image));

    ck_assert(h == config_kernel_hash(image, sizeof(image)));
    ck_assert(h != config_kernel_hash(image, sizeof(image) - 1));
    ok(BASE);
    ck_assert_int_eq(config_kernel_check(&cfg, image, sizeof(image), err, sizeof(err)), 0);
    snprintf(text, sizeof(text), BASE "kernel_xxh3 = '%016llx'\n", (unsigned long long)h);
    ok(text);
    ck_assert_int_eq(config_kernel_check(&cfg, image, sizeof(image), err, sizeof(err)), 0);
    ck_assert_int_eq(config_kernel_check(&cfg, image, 3, err, sizeof(err)), -1);
    snprintf(text, sizeof(text), "kernel_xxh3: kernel /k hashes to %016llx, config says "
             "%016llx", (unsigned long long)config_kernel_hash(image, 3),
             (unsigned long long)h);
    ck_assert_str_eq(err, text);
}
END_TEST

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

/* Random edits of a rich config: never a crash or a multi-line message, and whatever
 * is accepted dumps to text that parses back to the same dump. */
START_TEST(mutated_configs)
{
    static const char seed_text[] =
        "name = 'web'\nkernel = \"/boot/k\" # c\nmemory = 0x40; maxmem = 0100\n"
        "vcpus = 2\nextra = 'a\\tb \\x41'\nroot = \"/dev/x\"\non_crash = 'preserve'\n"
        "uuid = '01234567-89ab-cdef-0123-456789abcdef'\nkernel_xxh3 = '00000000000000ff'\n"
        "disk = [ 'a', [1, 0x2], ]\n";
    static const char alphabet[] = "'\"\\[],;#=\n x0123456789abcdefmn_-./";
    char text[1024], dump1[8192], dump2[8192];
    uint64_t s = 42;
    int accepted = 0;

    for (int iter = 0; iter < 20000; iter++) {
        size_t len = sizeof(seed_text) - 1;
        int edits = 1 + (int)(rnd(&s) % 4);

        memcpy(text, seed_text, len + 1);
        for (int k = 0; k < edits; k++) {
            size_t at = (size_t)(rnd(&s) % (len + 1));
            char c = alphabet[rnd(&s) % (sizeof(alphabet) - 1)];

            switch (rnd(&s) % 3) {
            case 0:                     /* replace */
                if (at < len)
                    text[at] = c;
                break;
            case 1:                     /* insert */
                if (len + 1 < sizeof(text)) {
                    memmove(text + at + 1, text + at, len - at + 1);
                    text[at] = c;
                    len++;
                }
                break;
            default:                    /* delete */
                if (at < len) {
                    memmove(text + at, text + at + 1, len - at);
                    len--;
                }
            }
        }
        struct config_source src = { "m.cfg", text, len, NULL, 0, NULL, NULL };

        err[0] = '\0';
        config_free(&cfg);
        if (config_parse(&src, &cfg, err, sizeof(err)) < 0) {
            TOOLS_REQUIRE(strncmp(err, "m.cfg", 5) == 0 && strchr(err, '\n') == NULL,
                          "bad message '%s'", err);
            continue;
        }
        accepted++;
        config_dump(&cfg, dump1, sizeof(dump1));
        src.text = dump1;
        src.len = strlen(dump1);
        config_free(&cfg);
        TOOLS_REQUIRE(config_parse(&src, &cfg, err, sizeof(err)) == 0,
                      "dump of\n%s\nrefused: %s", text, err);
        config_dump(&cfg, dump2, sizeof(dump2));
        TOOLS_REQUIRE(strcmp(dump1, dump2) == 0, "dump changed:\n%s\n%s", dump1, dump2);
    }
    ck_assert_int_gt(accepted, 100);   /* most edits break something */
}
END_TEST

Suite *config_suite(void)
{
    Suite *s = suite_create("config");

    TOOLS_ADD_TEST(s, minimal_defaults);
    TOOLS_ADD_TEST(s, every_key);
    TOOLS_ADD_TEST(s, numbers_all_bases);
    TOOLS_ADD_TEST(s, string_escapes_and_quotes);
    TOOLS_ADD_TEST(s, string_adjacent_is_refused);
    TOOLS_ADD_TEST(s, separators_comments_blank_lines);
    TOOLS_ADD_TEST(s, lists_kept_for_unknown_keys);
    TOOLS_ADD_TEST(s, cmdline_root_extra);
    TOOLS_ADD_TEST(s, overrides_after_file);
    TOOLS_ADD_TEST(s, duplicate_key_last_wins);
    TOOLS_ADD_TEST(s, maxmem_maxvcpus);
    TOOLS_ADD_TEST(s, bad_values);
    TOOLS_ADD_TEST(s, bad_names);
    TOOLS_ADD_TEST(s, required_keys);
    TOOLS_ADD_TEST(s, syntax_errors);
    TOOLS_ADD_TEST(s, nul_byte_and_long_strings);
    TOOLS_ADD_TEST(s, failure_changes_nothing);
    TOOLS_ADD_TEST(s, dump_round_trips);
    TOOLS_ADD_TEST(s, dump_exact_text_and_truncation);
    TOOLS_ADD_TEST(s, kernel_hash_check);
    TOOLS_ADD_SLOW_TEST(s, mutated_configs, 60);
    return s;
}
