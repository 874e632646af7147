/* Unit tests for arch/x86_64/ptwr_insn.c: decoding the instructions a PV kernel uses to
 * write its page-table entries directly (writable page tables), and their effect. */
#include <stdint.h>
#include <string.h>

#include <x86/ptwr_insn.h>

#include "suites.h"

struct form {
    const char *what;
    uint8_t bytes[16];
    size_t len;
    enum ptwr_op op;
    uint8_t size;
    bool has_imm;
    uint8_t reg;
    int64_t imm;
    bool high_byte;
};

/* Every accepted form, as GCC and Linux emit them. */
static const struct form accepted[] = {
    { "mov %rsi,(%rdi)", { 0x48, 0x89, 0x37 }, 3, PTWR_MOV, 8, false, 6, 0, false },
    { "mov %r9,0x10(%rax,%rbx,8)", { 0x4C, 0x89, 0x4C, 0xD8, 0x10 }, 5, PTWR_MOV, 8, false, 9,
      0, false },
    { "movq $0,(%rdi)", { 0x48, 0xC7, 0x07, 0, 0, 0, 0 }, 7, PTWR_MOV, 8, true, 0, 0, false },
    { "movq $-1,0x100(%rdi)", { 0x48, 0xC7, 0x87, 0x00, 0x01, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF },
      11, PTWR_MOV, 8, true, 0, -1, false },
    { "xchg %rax,(%rdx)", { 0x48, 0x87, 0x02 }, 3, PTWR_XCHG, 8, false, 0, 0, false },
    { "lock cmpxchg %rcx,(%rdi)", { 0xF0, 0x48, 0x0F, 0xB1, 0x0F }, 5, PTWR_CMPXCHG, 8, false,
      1, 0, false },
    { "cmpxchg %r8,(%rdi)", { 0x4C, 0x0F, 0xB1, 0x07 }, 4, PTWR_CMPXCHG, 8, false, 8, 0,
      false },
    { "lock or %rsi,(%rdi)", { 0xF0, 0x48, 0x09, 0x37 }, 4, PTWR_OR, 8, false, 6, 0, false },
    { "lock and %rsi,(%rdi)", { 0xF0, 0x48, 0x21, 0x37 }, 4, PTWR_AND, 8, false, 6, 0, false },
    { "lock andq $-3,(%rdi)", { 0xF0, 0x48, 0x83, 0x27, 0xFD }, 5, PTWR_AND, 8, true, 4, -3,
      false },
    { "lock orq $0x40,(%rdi)", { 0xF0, 0x48, 0x83, 0x0F, 0x40 }, 5, PTWR_OR, 8, true, 1, 0x40,
      false },
    { "andq $0x7fffffff,(%rdi)", { 0x48, 0x81, 0x27, 0xFF, 0xFF, 0xFF, 0x7F }, 7, PTWR_AND, 8,
      true, 4, 0x7FFFFFFF, false },
    { "lock andb $0xfd,(%rdi)", { 0xF0, 0x80, 0x27, 0xFD }, 4, PTWR_AND, 1, true, 4, -3,
      false },
    { "lock orb $0x2,(%rdi)", { 0xF0, 0x80, 0x0F, 0x02 }, 4, PTWR_OR, 1, true, 1, 2, false },
    { "lock btsq $1,(%rdi)", { 0xF0, 0x48, 0x0F, 0xBA, 0x2F, 0x01 }, 6, PTWR_BTS, 8, true, 5,
      1, false },
    { "lock btrq $63,(%rdi)", { 0xF0, 0x48, 0x0F, 0xBA, 0x37, 0x3F }, 6, PTWR_BTR, 8, true, 6,
      63, false },
    { "lock bts %rsi,(%rdi)", { 0xF0, 0x48, 0x0F, 0xAB, 0x37 }, 5, PTWR_BTS, 8, false, 6, 0,
      false },
    { "lock btr %rsi,(%rdi)", { 0xF0, 0x48, 0x0F, 0xB3, 0x37 }, 5, PTWR_BTR, 8, false, 6, 0,
      false },
    { "mov %ah,(%rdi)", { 0x88, 0x27 }, 2, PTWR_MOV, 1, false, 4, 0, true },
    { "mov %spl,(%rdi)", { 0x40, 0x88, 0x27 }, 3, PTWR_MOV, 1, false, 4, 0, false },
    { "mov %esi,(%rdi)", { 0x89, 0x37 }, 2, PTWR_MOV, 4, false, 6, 0, false },
    { "movw $0x1234,(%rdi)", { 0x66, 0xC7, 0x07, 0x34, 0x12 }, 5, PTWR_MOV, 2, true, 0, 0x1234,
      false },
    { "mov %rsi,%fs:(%rdi)", { 0x64, 0x48, 0x89, 0x37 }, 4, PTWR_MOV, 8, false, 6, 0, false },
    { "mov %rsi,0x0(%rip)", { 0x48, 0x89, 0x35, 0, 0, 0, 0 }, 7, PTWR_MOV, 8, false, 6, 0,
      false },
};

START_TEST(decodes_accepted_forms)
{
    for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
        const struct form *f = &accepted[i];
        struct ptwr_insn in;

        ck_assert_msg(ptwr_decode(f->bytes, f->len, &in), "%s refused", f->what);
        ck_assert_msg(in.len == f->len, "%s: len %u", f->what, in.len);
        ck_assert_msg(in.op == f->op && in.size == f->size && in.has_imm == f->has_imm,
                      "%s: op %d size %u imm %d", f->what, in.op, in.size, in.has_imm);
        ck_assert_msg(in.has_imm ? in.imm == f->imm : in.reg == f->reg, "%s: operand",
                      f->what);
        ck_assert_msg(in.high_byte == f->high_byte, "%s: high byte", f->what);
        /* Every shorter buffer is refused (truncated), never read past. */
        for (size_t n = 0; n < f->len; n++)
            ck_assert_msg(!ptwr_decode(f->bytes, n, &in), "%s: %zu bytes accepted", f->what,
                          n);
    }
}
END_TEST

START_TEST(refuses_everything_else)
{
    static const struct { const char *what; uint8_t b[8]; size_t n; } refused[] = {
        { "mov %rsi,%rdi (register destination)", { 0x48, 0x89, 0xF7 }, 3 },
        { "add %rsi,(%rdi)", { 0x48, 0x01, 0x37 }, 3 },
        { "sub $1,(%rdi)", { 0x48, 0x83, 0x2F, 0x01 }, 4 },
        { "xor %rsi,(%rdi)", { 0x48, 0x31, 0x37 }, 3 },
        { "btc $1,(%rdi)", { 0x48, 0x0F, 0xBA, 0x3F, 0x01 }, 5 },
        { "bt $1,(%rdi) (no write)", { 0x48, 0x0F, 0xBA, 0x27, 0x01 }, 5 },
        { "movq $0,(%rdi) with /1", { 0x48, 0xC7, 0x0F, 0, 0, 0, 0 }, 7 },
        { "rep movsq", { 0xF3, 0x48, 0xA5 }, 3 },
        { "addr32 mov %rsi,(%edi)", { 0x67, 0x48, 0x89, 0x37 }, 4 },
        { "inc (%rdi)", { 0x48, 0xFF, 0x07 }, 3 },
        { "cmpxchg16b (%rdi)", { 0x48, 0x0F, 0xC7, 0x0F }, 4 },
    };
    struct ptwr_insn in;
    uint8_t many[20];

    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        ck_assert_msg(!ptwr_decode(refused[i].b, refused[i].n, &in), "%s accepted",
                      refused[i].what);
    memset(many, 0xF0, sizeof(many));             /* 15 LOCK prefixes and more */
    ck_assert(!ptwr_decode(many, sizeof(many), &in));
}
END_TEST

START_TEST(apply_computes_the_new_value)
{
    struct ptwr_insn in = { .size = 8, .has_imm = false };
    bool w;

    in.op = PTWR_MOV;
    ck_assert_uint_eq(ptwr_apply(&in, 0x1111, 0x2223, 0, &w), 0x2223);
    ck_assert(w);
    in.op = PTWR_CMPXCHG;
    ck_assert_uint_eq(ptwr_apply(&in, 0x1111, 0x2223, 0x1111, &w), 0x2223);
    ck_assert(w);
    ck_assert_uint_eq(ptwr_apply(&in, 0x1111, 0x2223, 0x1112, &w), 0x1111);
    ck_assert(!w);
    in.op = PTWR_OR;
    ck_assert_uint_eq(ptwr_apply(&in, 0x1000, 0x0007, 0, &w), 0x1007);
    in.op = PTWR_AND;
    ck_assert_uint_eq(ptwr_apply(&in, 0x1007, ~2ull, 0, &w), 0x1005);
    in.op = PTWR_BTS;
    ck_assert_uint_eq(ptwr_apply(&in, 0, 63, 0, &w), 1ull << 63);
    ck_assert(w);
    in.op = PTWR_BTR;
    ck_assert_uint_eq(ptwr_apply(&in, 0x3, 1, 0, &w), 0x1);
    ck_assert_uint_eq(ptwr_apply(&in, 0x3, 64, 0, &w), 0x3);      /* outside: refused */
    ck_assert(!w);
    in.has_imm = true;
    ck_assert_uint_eq(ptwr_apply(&in, 0x3, 65, 0, &w), 0x1);      /* imm: modulo 64 */
    ck_assert(w);
    in.size = 1;
    ck_assert_uint_eq(ptwr_apply(&in, 0x3, 9, 0, &w), 0x1);       /* byte: modulo 8 */
}
END_TEST

Suite *ptwr_insn_suite(void)
{
    Suite *s = suite_create("ptwr_insn");

    UNIT_ADD_TEST(s, decodes_accepted_forms);
    UNIT_ADD_TEST(s, refuses_everything_else);
    UNIT_ADD_TEST(s, apply_computes_the_new_value);
    return s;
}
