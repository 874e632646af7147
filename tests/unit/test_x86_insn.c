/* The PV emulator's instruction decoder: every supported form with prefix and REX
 * variants, the refusals (LOCK, CR8 and reserved CRs, over 15 bytes), unknown opcodes,
 * every truncation of every encoding (the buffers are exactly as long as claimed, so
 * ASan catches any over-read), and a fixed-seed fuzz that must never crash or report
 * an impossible decode. */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include <x86/x86_insn.h>

/* Decode `len` bytes from a heap copy of exactly that size. */
static enum x86_decode_status decode_exact(const uint8_t *bytes, size_t len,
                                           struct x86_insn *out)
{
    uint8_t *buf = malloc(len);
    enum x86_decode_status st;

    ck_assert_ptr_nonnull(buf);
    if (len)
        memcpy(buf, bytes, len);
    st = x86_insn_decode(buf, len, out);
    free(buf);
    return st;
}

struct form {
    uint8_t bytes[16];
    uint8_t len;
    enum x86_insn_kind kind;
};

#define FORM(kind, ...) { { __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ }), kind }

/* Encodings of every supported kind, plain and with prefixes. */
static const struct form forms[] = {
    FORM(X86_INSN_CLI, 0xFA),
    FORM(X86_INSN_STI, 0xFB),
    FORM(X86_INSN_HLT, 0xF4),
    FORM(X86_INSN_CLTS, 0x0F, 0x06),
    FORM(X86_INSN_INVD, 0x0F, 0x08),
    FORM(X86_INSN_WBINVD, 0x0F, 0x09),
    FORM(X86_INSN_WBINVD, 0xF3, 0x0F, 0x09),
    FORM(X86_INSN_WRMSR, 0x0F, 0x30),
    FORM(X86_INSN_RDTSC, 0x0F, 0x31),
    FORM(X86_INSN_RDMSR, 0x0F, 0x32),
    FORM(X86_INSN_RDMSR, 0x48, 0x0F, 0x32),
    FORM(X86_INSN_CPUID, 0x0F, 0xA2),
    FORM(X86_INSN_SWAPGS, 0x0F, 0x01, 0xF8),
    FORM(X86_INSN_RDTSCP, 0x0F, 0x01, 0xF9),
    FORM(X86_INSN_MOV_FROM_CR, 0x0F, 0x20, 0xD8),
    FORM(X86_INSN_MOV_FROM_CR, 0x41, 0x0F, 0x20, 0xDF),
    FORM(X86_INSN_MOV_TO_CR, 0x0F, 0x22, 0xE0),
    FORM(X86_INSN_MOV_TO_CR, 0x66, 0x49, 0x0F, 0x22, 0x20),
    FORM(X86_INSN_MOV_FROM_DR, 0x0F, 0x21, 0xC0),
    FORM(X86_INSN_MOV_FROM_DR, 0x4C, 0x0F, 0x21, 0xFF),
    FORM(X86_INSN_MOV_TO_DR, 0x0F, 0x23, 0xF8),
    FORM(X86_INSN_MOV_TO_DR, 0x2E, 0x3E, 0x45, 0x0F, 0x23, 0x3F),
    FORM(X86_INSN_IN, 0xE4, 0x80),
    FORM(X86_INSN_IN, 0xE5, 0x71),
    FORM(X86_INSN_IN, 0x66, 0xE5, 0x71),
    FORM(X86_INSN_IN, 0xEC),
    FORM(X86_INSN_IN, 0xED),
    FORM(X86_INSN_IN, 0x66, 0xED),
    FORM(X86_INSN_OUT, 0xE6, 0x80),
    FORM(X86_INSN_OUT, 0xE7, 0x80),
    FORM(X86_INSN_OUT, 0xEE),
    FORM(X86_INSN_OUT, 0x66, 0xEF),
    FORM(X86_INSN_OUT, 0x26, 0x36, 0x64, 0x65, 0x67, 0xF2, 0xF3, 0x48, 0xEF),
};

START_TEST(decodes_every_listed_form)
{
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        struct x86_insn in;
        enum x86_decode_status st = decode_exact(forms[i].bytes, forms[i].len, &in);

        ck_assert_msg(st == X86_DECODE_OK, "form %zu: status %d", i, st);
        ck_assert_msg(in.kind == forms[i].kind, "form %zu: kind %d", i, in.kind);
        ck_assert_msg(in.len == forms[i].len, "form %zu: len %u", i, in.len);
    }
}
END_TEST

START_TEST(mov_cr_every_register_and_mod)
{
    static const unsigned int crs[] = { 0, 2, 3, 4 };

    for (unsigned int op = 0x20; op <= 0x22; op += 2)
        for (size_t c = 0; c < 4; c++)
            for (unsigned int reg = 0; reg < 16; reg++)
                for (unsigned int mod = 0; mod < 4; mod++) {
                    uint8_t b[4];
                    size_t n = 0;
                    struct x86_insn in;

                    if (reg >= 8)
                        b[n++] = 0x41;                       /* REX.B */
                    b[n++] = 0x0F;
                    b[n++] = (uint8_t)op;
                    b[n++] = (uint8_t)((mod << 6) | (crs[c] << 3) | (reg & 7));
                    ck_assert_int_eq(decode_exact(b, n, &in), X86_DECODE_OK);
                    ck_assert_int_eq(in.kind, op == 0x20 ? X86_INSN_MOV_FROM_CR
                                                         : X86_INSN_MOV_TO_CR);
                    ck_assert_uint_eq(in.ctrl, crs[c]);
                    ck_assert_uint_eq(in.gpr, reg);
                    /* mod is ignored: never a displacement or SIB byte. */
                    ck_assert_uint_eq(in.len, n);
                }
}
END_TEST

START_TEST(mov_dr_every_register_with_rex_r)
{
    for (unsigned int op = 0x21; op <= 0x23; op += 2)
        for (unsigned int dr = 0; dr < 16; dr++)
            for (unsigned int reg = 0; reg < 16; reg++) {
                uint8_t b[4];
                size_t n = 0;
                struct x86_insn in;
                uint8_t rex = (uint8_t)(0x40 | (dr >= 8 ? 4 : 0) | (reg >= 8 ? 1 : 0));

                if (rex != 0x40)
                    b[n++] = rex;
                b[n++] = 0x0F;
                b[n++] = (uint8_t)op;
                b[n++] = (uint8_t)(0xC0 | ((dr & 7) << 3) | (reg & 7));
                ck_assert_int_eq(decode_exact(b, n, &in), X86_DECODE_OK);
                ck_assert_int_eq(in.kind, op == 0x21 ? X86_INSN_MOV_FROM_DR
                                                     : X86_INSN_MOV_TO_DR);
                ck_assert_uint_eq(in.ctrl, dr);      /* DR8-15 decode; #UD is policy */
                ck_assert_uint_eq(in.gpr, reg);
                ck_assert_uint_eq(in.len, n);
            }
}
END_TEST

START_TEST(refuses_cr8_and_reserved_crs)
{
    for (unsigned int op = 0x20; op <= 0x22; op += 2)
        for (unsigned int cr = 0; cr < 16; cr++) {
            uint8_t b[4] = { (uint8_t)(cr >= 8 ? 0x44 : 0x40), 0x0F, (uint8_t)op,
                             (uint8_t)(0xC0 | ((cr & 7) << 3)) };
            struct x86_insn in;
            enum x86_decode_status st = decode_exact(b, 4, &in);
            bool ok = cr == 0 || cr == 2 || cr == 3 || cr == 4;

            ck_assert_msg(st == (ok ? X86_DECODE_OK : X86_DECODE_REFUSED),
                          "op %#x cr%u: status %d", op, cr, st);
        }
}
END_TEST

START_TEST(rex_counts_only_right_before_the_opcode)
{
    struct x86_insn in;

    /* 66 after REX.R: the REX is ignored, so this is CR0, not CR8. */
    static const uint8_t rex_then_66[] = { 0x44, 0x66, 0x0F, 0x20, 0xC0 };
    ck_assert_int_eq(decode_exact(rex_then_66, sizeof(rex_then_66), &in), X86_DECODE_OK);
    ck_assert_uint_eq(in.ctrl, 0);
    ck_assert_uint_eq(in.rex, 0);
    ck_assert_uint_eq(in.len, 5);

    static const uint8_t rex_r_cr8[] = { 0x66, 0x44, 0x0F, 0x20, 0xC0 };
    ck_assert_int_eq(decode_exact(rex_r_cr8, sizeof(rex_r_cr8), &in), X86_DECODE_REFUSED);

    /* Several REX bytes: the last one counts. */
    static const uint8_t two_rex[] = { 0x41, 0x42, 0x0F, 0x21, 0xC1 };
    ck_assert_int_eq(decode_exact(two_rex, sizeof(two_rex), &in), X86_DECODE_OK);
    ck_assert_uint_eq(in.rex, 0x42);
    ck_assert_uint_eq(in.gpr, 1);
    ck_assert_uint_eq(in.ctrl, 0);

    static const uint8_t rex_rb[] = { 0x45, 0x0F, 0x23, 0xDA };
    ck_assert_int_eq(decode_exact(rex_rb, sizeof(rex_rb), &in), X86_DECODE_OK);
    ck_assert_uint_eq(in.ctrl, 11);
    ck_assert_uint_eq(in.gpr, 10);
}
END_TEST

START_TEST(in_out_size_and_port)
{
    struct {
        uint8_t b[4];
        uint8_t n;
        enum x86_insn_kind kind;
        uint8_t size;
        bool dx;
        uint8_t port;
    } t[] = {
        { { 0xE4, 0x80 }, 2, X86_INSN_IN, 1, false, 0x80 },
        { { 0xE5, 0x71 }, 2, X86_INSN_IN, 4, false, 0x71 },
        { { 0x66, 0xE5, 0x71 }, 3, X86_INSN_IN, 2, false, 0x71 },
        { { 0x48, 0xE5, 0x10 }, 3, X86_INSN_IN, 4, false, 0x10 },
        { { 0x66, 0x48, 0xE5, 0x10 }, 4, X86_INSN_IN, 4, false, 0x10 },  /* W beats 66 */
        { { 0x48, 0x66, 0xE5, 0x10 }, 4, X86_INSN_IN, 2, false, 0x10 },  /* REX ignored */
        { { 0x66, 0xE4, 0xFF }, 3, X86_INSN_IN, 1, false, 0xFF },        /* byte op */
        { { 0xEC }, 1, X86_INSN_IN, 1, true, 0 },
        { { 0xED }, 1, X86_INSN_IN, 4, true, 0 },
        { { 0x66, 0xED }, 2, X86_INSN_IN, 2, true, 0 },
        { { 0xE6, 0x80 }, 2, X86_INSN_OUT, 1, false, 0x80 },
        { { 0x66, 0xE7, 0x00 }, 3, X86_INSN_OUT, 2, false, 0x00 },
        { { 0xE7, 0x42 }, 2, X86_INSN_OUT, 4, false, 0x42 },
        { { 0xEE }, 1, X86_INSN_OUT, 1, true, 0 },
        { { 0x66, 0xEF }, 2, X86_INSN_OUT, 2, true, 0 },
        { { 0xF3, 0xEF }, 2, X86_INSN_OUT, 4, true, 0 },
    };

    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        struct x86_insn in;

        ck_assert_msg(decode_exact(t[i].b, t[i].n, &in) == X86_DECODE_OK, "case %zu", i);
        ck_assert_msg(in.kind == t[i].kind && in.len == t[i].n && in.size == t[i].size &&
                      in.port_in_dx == t[i].dx && (t[i].dx || in.port == t[i].port),
                      "case %zu: kind %d len %u size %u dx %d port %#x", i, in.kind,
                      in.len, in.size, in.port_in_dx, in.port);
    }
}
END_TEST

START_TEST(prefixes_are_recorded)
{
    static const uint8_t b[] = { 0x2E, 0x3E, 0x26, 0x36, 0x64, 0x65, 0x67, 0xF2, 0xF3,
                                 0x66, 0x0F, 0x32 };
    struct x86_insn in;

    ck_assert_int_eq(decode_exact(b, sizeof(b), &in), X86_DECODE_OK);
    ck_assert_int_eq(in.kind, X86_INSN_RDMSR);
    ck_assert_uint_eq(in.len, sizeof(b));
    ck_assert_uint_eq(in.prefixes, X86_PFX_SEG | X86_PFX_ADDRSIZE | X86_PFX_REPNE |
                                   X86_PFX_REP | X86_PFX_OPSIZE);
}
END_TEST

START_TEST(refuses_lock)
{
    static const struct form locked[] = {
        FORM(X86_INSN_CLI, 0xF0, 0xFA),
        FORM(X86_INSN_STI, 0x66, 0xF0, 0xFB),
        FORM(X86_INSN_MOV_FROM_CR, 0xF0, 0x0F, 0x20, 0xC0),  /* AMD: alias of CR8 */
        FORM(X86_INSN_MOV_TO_CR, 0xF0, 0x0F, 0x22, 0xC0),
        FORM(X86_INSN_MOV_TO_DR, 0xF0, 0x0F, 0x23, 0xC0),
        FORM(X86_INSN_WRMSR, 0xF0, 0x0F, 0x30),
        FORM(X86_INSN_OUT, 0xF0, 0xE6, 0x80),
        FORM(X86_INSN_IN, 0xF0, 0x41, 0xEC),
    };

    for (size_t i = 0; i < sizeof(locked) / sizeof(locked[0]); i++) {
        struct x86_insn in;

        ck_assert_msg(decode_exact(locked[i].bytes, locked[i].len, &in) ==
                      X86_DECODE_REFUSED, "locked form %zu", i);
        ck_assert_int_eq(in.kind, locked[i].kind);
        ck_assert_uint_eq(in.len, locked[i].len);
        ck_assert(in.prefixes & X86_PFX_LOCK);
    }
}
END_TEST

START_TEST(unknown_opcodes)
{
    static const struct form unknown[] = {
        FORM(X86_INSN_NONE, 0x90),                  /* nop */
        FORM(X86_INSN_NONE, 0xCC),                  /* int3 */
        FORM(X86_INSN_NONE, 0xCD, 0x80),            /* int $0x80 */
        FORM(X86_INSN_NONE, 0x0F, 0x0B),            /* ud2 */
        FORM(X86_INSN_NONE, 0x0F, 0x05),            /* syscall */
        FORM(X86_INSN_NONE, 0x0F, 0x07),            /* sysret */
        FORM(X86_INSN_NONE, 0x0F, 0x00, 0xD0),      /* lldt */
        FORM(X86_INSN_NONE, 0x0F, 0x01, 0x10),      /* lgdt (%rax) */
        FORM(X86_INSN_NONE, 0x0F, 0x01, 0xD0),      /* xgetbv */
        FORM(X86_INSN_NONE, 0x0F, 0x01, 0xD1),      /* xsetbv */
        FORM(X86_INSN_NONE, 0x0F, 0x01, 0xC8),      /* monitor */
        FORM(X86_INSN_NONE, 0x0F, 0x24, 0xC0),      /* old mov from TR */
        FORM(X86_INSN_NONE, 0x6C),                  /* insb */
        FORM(X86_INSN_NONE, 0xF3, 0x6F),            /* rep outsd */
        FORM(X86_INSN_NONE, 0x9D),                  /* popf */
        FORM(X86_INSN_NONE, 0xCF),                  /* iret */
        FORM(X86_INSN_NONE, 0x8E, 0xD8),            /* mov %eax, %ds */
        FORM(X86_INSN_NONE, 0x41, 0x90),
    };

    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        struct x86_insn in;

        ck_assert_msg(decode_exact(unknown[i].bytes, unknown[i].len, &in) ==
                      X86_DECODE_UNKNOWN, "unknown form %zu", i);
    }
}
END_TEST

START_TEST(fifteen_bytes_ok_sixteen_refused)
{
    uint8_t b[32];
    struct x86_insn in;

    /* 14 prefixes + cli = 15 bytes: fine. */
    memset(b, 0x66, sizeof(b));
    b[14] = 0xFA;
    ck_assert_int_eq(decode_exact(b, 15, &in), X86_DECODE_OK);
    ck_assert_uint_eq(in.len, 15);

    /* 15 prefixes + cli: 16 bytes, over the limit even with more bytes available. */
    memset(b, 0x66, sizeof(b));
    b[15] = 0xFA;
    ck_assert_int_eq(decode_exact(b, 16, &in), X86_DECODE_REFUSED);

    /* 12 prefixes + mov %cr3 = 15; one more prefix makes 16. */
    memset(b, 0x3E, sizeof(b));
    memcpy(b + 12, (const uint8_t[]){ 0x0F, 0x20, 0xD8 }, 3);
    ck_assert_int_eq(decode_exact(b, 15, &in), X86_DECODE_OK);
    ck_assert_uint_eq(in.len, 15);
    memset(b, 0x3E, sizeof(b));
    memcpy(b + 13, (const uint8_t[]){ 0x0F, 0x20, 0xD8 }, 3);
    ck_assert_int_eq(decode_exact(b, 16, &in), X86_DECODE_REFUSED);

    /* REX bytes count towards the limit too. */
    memset(b, 0x48, sizeof(b));
    b[15] = 0xED;
    ck_assert_int_eq(decode_exact(b, 16, &in), X86_DECODE_REFUSED);
}
END_TEST

START_TEST(never_reads_past_fifteen_bytes)
{
    /* A 15-byte allocation of prefixes, with a claimed length far larger: the decoder
     * must stop at 15 on its own (ASan reports any read of byte 15). */
    uint8_t *buf = malloc(15);

    ck_assert_ptr_nonnull(buf);
    memset(buf, 0xF3, 15);
    struct x86_insn in;
    ck_assert_int_eq(x86_insn_decode(buf, 4096, &in), X86_DECODE_REFUSED);
    memset(buf, 0x40, 15);
    ck_assert_int_eq(x86_insn_decode(buf, SIZE_MAX, &in), X86_DECODE_REFUSED);
    free(buf);
}
END_TEST

START_TEST(every_truncation_of_every_form)
{
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
        for (size_t k = 0; k < forms[i].len; k++) {
            struct x86_insn in;
            enum x86_decode_status st = decode_exact(forms[i].bytes, k, &in);

            ck_assert_msg(st == X86_DECODE_TRUNCATED, "form %zu cut at %zu: status %d",
                          i, k, st);
        }
    ck_assert_int_eq(x86_insn_decode(NULL, 0, &(struct x86_insn){ 0 }), X86_DECODE_TRUNCATED);
}
END_TEST

static bool same_insn(const struct x86_insn *a, const struct x86_insn *b)
{
    return a->kind == b->kind && a->len == b->len && a->prefixes == b->prefixes &&
           a->rex == b->rex && a->ctrl == b->ctrl && a->gpr == b->gpr &&
           a->size == b->size && a->port_in_dx == b->port_in_dx && a->port == b->port;
}

/* xorshift64*: deterministic across runs and hosts. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

/* Bytes that steer the fuzz into the decoder's interesting paths. */
static const uint8_t hot[] = { 0x0F, 0x20, 0x21, 0x22, 0x23, 0x01, 0xF8, 0xF9, 0x66, 0x67,
                               0xF0, 0xF2, 0xF3, 0x2E, 0x3E, 0x26, 0x36, 0x64, 0x65, 0x40,
                               0x44, 0x48, 0x4F, 0xE4, 0xE5, 0xE6, 0xE7, 0xEC, 0xED, 0xEE,
                               0xEF, 0xFA, 0xFB, 0xF4, 0x30, 0x31, 0x32, 0xA2, 0x06, 0x09 };

START_TEST(fuzz_random_bytes)
{
    uint64_t seed = 0x5EED0F0B78656E00ULL;
    unsigned long ok = 0, refused = 0, truncated = 0, unknown = 0;

    for (unsigned int iter = 0; iter < 300000; iter++) {
        size_t len = rng_next(&seed) % 20;
        uint8_t *buf = malloc(len);
        struct x86_insn in;

        UNIT_REQUIRE(buf != NULL || len == 0, "malloc");
        for (size_t j = 0; j < len; j++) {
            uint64_t r = rng_next(&seed);
            buf[j] = (r & 1) ? hot[(r >> 8) % sizeof(hot)] : (uint8_t)(r >> 16);
        }
        enum x86_decode_status st = x86_insn_decode(buf, len, &in);
        switch (st) {
        case X86_DECODE_OK: {
            ok++;
            UNIT_REQUIRE(in.len >= 1 && in.len <= len && in.len <= X86_INSN_MAX_LEN,
                         "iter %u: len %u of %zu", iter, in.len, len);
            UNIT_REQUIRE(in.kind != X86_INSN_NONE, "iter %u: no kind", iter);
            UNIT_REQUIRE(in.ctrl < 16 && in.gpr < 16, "iter %u: register out of range",
                         iter);
            UNIT_REQUIRE(!(in.prefixes & X86_PFX_LOCK), "iter %u: LOCK accepted", iter);
            if (in.kind == X86_INSN_IN || in.kind == X86_INSN_OUT)
                UNIT_REQUIRE(in.size == 1 || in.size == 2 || in.size == 4,
                             "iter %u: size %u", iter, in.size);
            if (in.kind == X86_INSN_MOV_FROM_CR || in.kind == X86_INSN_MOV_TO_CR)
                UNIT_REQUIRE(in.ctrl == 0 || in.ctrl == 2 || in.ctrl == 3 || in.ctrl == 4,
                             "iter %u: cr%u accepted", iter, in.ctrl);
            /* The decode consumes exactly in.len bytes: the same result from only
             * those, and TRUNCATED from one fewer. */
            struct x86_insn again;
            UNIT_REQUIRE(x86_insn_decode(buf, in.len, &again) == X86_DECODE_OK &&
                         same_insn(&again, &in), "iter %u: not stable", iter);
            UNIT_REQUIRE(x86_insn_decode(buf, in.len - 1u, &again) == X86_DECODE_TRUNCATED,
                         "iter %u: shorter buffer not truncated", iter);
            break;
        }
        case X86_DECODE_TRUNCATED:
            truncated++;
            UNIT_REQUIRE(len < X86_INSN_MAX_LEN, "iter %u: truncated with %zu bytes", iter,
                         len);
            break;
        case X86_DECODE_REFUSED:
            refused++;
            break;
        case X86_DECODE_UNKNOWN:
            unknown++;
            break;
        default:
            UNIT_REQUIRE(0, "iter %u: bad status %d", iter, st);
        }
        free(buf);
    }
    /* The byte mix reaches every outcome. */
    ck_assert_uint_gt(ok, 1000);
    ck_assert_uint_gt(refused, 100);
    ck_assert_uint_gt(truncated, 1000);
    ck_assert_uint_gt(unknown, 1000);
}
END_TEST

Suite *x86_insn_suite(void)
{
    Suite *s = suite_create("x86_insn");

    UNIT_ADD_TEST(s, decodes_every_listed_form);
    UNIT_ADD_TEST(s, mov_cr_every_register_and_mod);
    UNIT_ADD_TEST(s, mov_dr_every_register_with_rex_r);
    UNIT_ADD_TEST(s, refuses_cr8_and_reserved_crs);
    UNIT_ADD_TEST(s, rex_counts_only_right_before_the_opcode);
    UNIT_ADD_TEST(s, in_out_size_and_port);
    UNIT_ADD_TEST(s, prefixes_are_recorded);
    UNIT_ADD_TEST(s, refuses_lock);
    UNIT_ADD_TEST(s, unknown_opcodes);
    UNIT_ADD_TEST(s, fifteen_bytes_ok_sixteen_refused);
    UNIT_ADD_TEST(s, never_reads_past_fifteen_bytes);
    UNIT_ADD_TEST(s, every_truncation_of_every_form);
    UNIT_ADD_SLOW_TEST(s, fuzz_random_bytes, 60);
    return s;
}
