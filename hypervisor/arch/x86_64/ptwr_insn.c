/* Decoder for direct page-table writes (x86/ptwr_insn.h). */
#include <x86/ptwr_insn.h>

#define MAX_LEN 15

struct cursor {
    const uint8_t *buf;
    size_t avail, pos;
};

static bool next(struct cursor *c, uint8_t *b)
{
    if (c->pos >= c->avail || c->pos >= MAX_LEN)
        return false;
    *b = c->buf[c->pos++];
    return true;
}

/* Skips the SIB byte and displacement of a memory ModRM; false if truncated or a
 * register operand. */
static bool skip_memory_operand(struct cursor *c, uint8_t modrm)
{
    uint8_t mod = modrm >> 6, rm = modrm & 7, b;
    size_t disp = mod == 1 ? 1 : mod == 2 ? 4 : 0;

    if (mod == 3)
        return false;
    if (rm == 4) {                          /* SIB */
        if (!next(c, &b))
            return false;
        if (mod == 0 && (b & 7) == 5)
            disp = 4;
    } else if (mod == 0 && rm == 5) {
        disp = 4;                           /* RIP-relative */
    }
    for (size_t i = 0; i < disp; i++)
        if (!next(c, &b))
            return false;
    return true;
}

static bool read_imm(struct cursor *c, size_t n, int64_t *imm)
{
    uint64_t v = 0;
    uint8_t b;

    for (size_t i = 0; i < n; i++) {
        if (!next(c, &b))
            return false;
        v |= (uint64_t)b << (8 * i);
    }
    *imm = n == 1 ? (int8_t)v : n == 2 ? (int16_t)v : (int32_t)v;
    return true;
}

/* The operation of a one-byte opcode, its byte form (`narrow`) and immediate size
 * (0: a register source; `full` = the operand size's immediate); false if none. */
static bool one_byte_op(uint8_t op, unsigned int ext, enum ptwr_op *kind, bool *narrow,
                        int *imm)
{
    *narrow = !(op & 1) && op != 0x83;
    *imm = 0;
    switch (op) {
    case 0x88: case 0x89: *kind = PTWR_MOV; return true;
    case 0x86: case 0x87: *kind = PTWR_XCHG; return true;
    case 0x08: case 0x09: *kind = PTWR_OR; return true;
    case 0x20: case 0x21: *kind = PTWR_AND; return true;
    case 0xC6: case 0xC7:
        *kind = PTWR_MOV;
        *imm = -1;                          /* full: 1, 2 or 4 bytes */
        return ext == 0;
    case 0x80: case 0x81: case 0x83:
        *kind = ext == 1 ? PTWR_OR : PTWR_AND;
        *imm = op == 0x83 ? 1 : -1;
        return ext == 1 || ext == 4;
    default:
        return false;
    }
}

/* The operation of a 0F opcode (same outputs as one_byte_op). */
static bool two_byte_op(uint8_t op2, unsigned int ext, enum ptwr_op *kind, bool *narrow,
                        int *imm)
{
    *narrow = op2 == 0xB0;
    *imm = 0;
    switch (op2) {
    case 0xB0: case 0xB1: *kind = PTWR_CMPXCHG; return true;
    case 0xAB: *kind = PTWR_BTS; return true;
    case 0xB3: *kind = PTWR_BTR; return true;
    case 0xBA:
        *kind = ext == 5 ? PTWR_BTS : PTWR_BTR;
        *imm = 1;
        return ext == 5 || ext == 6;
    default:
        return false;
    }
}

/* Per x86/ptwr_insn.h. */
bool ptwr_decode(const uint8_t *buf, size_t avail, struct ptwr_insn *out)
{
    struct cursor c = { buf, avail, 0 };
    uint8_t b, rex = 0, op, op2 = 0, modrm;
    bool opsize = false, narrow, ok;
    int imm;

    for (;;) {                              /* legacy prefixes */
        if (!next(&c, &b))
            return false;
        if (b == 0x66) {
            opsize = true;
            continue;
        }
        if (b == 0xF0 || b == 0x2E || b == 0x36 || b == 0x3E || b == 0x26 || b == 0x64 ||
            b == 0x65)
            continue;                       /* LOCK, segments (the address is CR2's) */
        break;
    }
    if ((b & 0xF0) == 0x40) {               /* REX, the last prefix */
        rex = b;
        if (!next(&c, &b))
            return false;
    }
    op = b;
    if (op == 0x0F && !next(&c, &op2))
        return false;
    if (!next(&c, &modrm) || !skip_memory_operand(&c, modrm))
        return false;
    unsigned int ext = (modrm >> 3) & 7;
    ok = op == 0x0F ? two_byte_op(op2, ext, &out->op, &narrow, &imm)
                    : one_byte_op(op, ext, &out->op, &narrow, &imm);
    if (!ok)
        return false;
    out->size = narrow ? 1 : (rex & 0x08) ? 8 : opsize ? 2 : 4;
    out->reg = (uint8_t)(ext | ((rex & 0x04) ? 8 : 0));
    out->high_byte = narrow && !rex && ext >= 4 && !imm;
    out->has_imm = imm != 0;
    out->imm = 0;
    if (imm && !read_imm(&c, imm > 0 ? (size_t)imm : out->size == 2 ? 2 : narrow ? 1 : 4,
                         &out->imm))
        return false;
    if (out->has_imm && (out->op == PTWR_BTS || out->op == PTWR_BTR))
        out->imm &= 0xFF;                   /* a bit number, not sign-extended */
    out->len = (uint8_t)c.pos;
    return true;
}

/* Per x86/ptwr_insn.h. */
uint64_t ptwr_apply(const struct ptwr_insn *in, uint64_t old, uint64_t src, uint64_t cmp,
                    bool *write)
{
    unsigned int bits = in->size * 8;

    *write = true;
    switch (in->op) {
    case PTWR_MOV:
    case PTWR_XCHG:
        return src;
    case PTWR_CMPXCHG:
        *write = old == cmp;
        return *write ? src : old;
    case PTWR_OR:
        return old | src;
    case PTWR_AND:
        return old & src;
    case PTWR_BTS:
    case PTWR_BTR:
        /* An immediate bit number is taken modulo the operand size; a register one
         * beyond the operand addresses other memory: refused. */
        if (in->has_imm)
            src &= bits - 1;
        else if (src >= bits)
            return *write = false, old;
        return in->op == PTWR_BTS ? old | (1ull << src) : old & ~(1ull << src);
    }
    return old;
}
