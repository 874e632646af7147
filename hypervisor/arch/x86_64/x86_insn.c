/* Decoder for the few x86-64 instructions the PV privileged-instruction emulator deals
 * with (x86_insn.h). Every byte is fetched through one bounds check, so a short buffer
 * or a 15-byte run of prefixes ends the decode instead of a read past the end. */
#include <x86/x86_insn.h>

/* Status for needing byte `i` when only `lim` = min(avail, 15) bytes may be read:
 * past 15 the hardware itself refuses the instruction, otherwise the buffer was short. */
static enum x86_decode_status ran_out(size_t i)
{
    return i >= X86_INSN_MAX_LEN ? X86_DECODE_REFUSED : X86_DECODE_TRUNCATED;
}

/* X86_PFX_* flag of a legacy prefix byte; 0 if `b` is not one. */
static uint8_t legacy_prefix(uint8_t b)
{
    switch (b) {
    case 0x66: return X86_PFX_OPSIZE;
    case 0x67: return X86_PFX_ADDRSIZE;
    case 0xF2: return X86_PFX_REPNE;
    case 0xF3: return X86_PFX_REP;
    case 0xF0: return X86_PFX_LOCK;
    case 0x26: case 0x2E: case 0x36: case 0x3E: case 0x64: case 0x65:
        return X86_PFX_SEG;
    default:   return 0;
    }
}

/* MOV to/from a control register exists only for CR0, CR2, CR3, CR4 and CR8; of those
 * the emulator handles all but CR8 (the TPR, which PV guests have no access to). */
static bool emulable_cr(unsigned int n)
{
    return n == 0 || n == 2 || n == 3 || n == 4;
}

/* IN/OUT operand size: byte for even opcodes, else 32 bits, 16 with 66. REX.W asks for
 * 64 bits, which port I/O does not have: it stays 32 (and overrides 66). */
static uint8_t io_size(uint8_t opcode, uint8_t prefixes, uint8_t rex)
{
    if (!(opcode & 1))
        return 1;
    if (rex & X86_REX_W)
        return 4;
    return (prefixes & X86_PFX_OPSIZE) ? 2 : 4;
}

/* Refuses: LOCK, CR other than 0/2/3/4, >15 bytes. UNKNOWN for anything else not listed
 * in x86_insn.h; TRUNCATED when the buffer ends first. Never reads buf[min(avail,15)]. */
enum x86_decode_status x86_insn_decode(const uint8_t *buf, size_t avail,
                                       struct x86_insn *out)
{
    const size_t lim = avail < X86_INSN_MAX_LEN ? avail : X86_INSN_MAX_LEN;
    size_t i = 0;
    uint8_t b, pfx = 0, rex = 0;

    *out = (struct x86_insn){ .kind = X86_INSN_NONE };

#define FETCH(dst)                      \
    do {                                \
        if (i >= lim)                   \
            return ran_out(i);          \
        (dst) = buf[i++];               \
    } while (0)

    /* Prefixes. REX counts only directly before the opcode: a legacy prefix after it
     * makes the CPU ignore it; of several REX bytes the last one counts. */
    for (;;) {
        uint8_t flag;

        FETCH(b);
        flag = legacy_prefix(b);
        if (flag) {
            pfx |= flag;
            rex = 0;
        } else if ((b & 0xF0) == 0x40) {
            rex = b;
        } else {
            break;
        }
    }
    out->prefixes = pfx;
    out->rex = rex;

    switch (b) {
    case 0x0F: {
        uint8_t op, modrm;

        FETCH(op);
        switch (op) {
        case 0x20: case 0x21: case 0x22: case 0x23:
            /* ModRM always names registers: the mod bits are ignored. */
            FETCH(modrm);
            out->kind = op == 0x20 ? X86_INSN_MOV_FROM_CR :
                        op == 0x21 ? X86_INSN_MOV_FROM_DR :
                        op == 0x22 ? X86_INSN_MOV_TO_CR : X86_INSN_MOV_TO_DR;
            out->ctrl = (uint8_t)(((modrm >> 3) & 7) | ((rex & X86_REX_R) ? 8 : 0));
            out->gpr = (uint8_t)((modrm & 7) | ((rex & X86_REX_B) ? 8 : 0));
            out->len = (uint8_t)i;
            if ((op == 0x20 || op == 0x22) && !emulable_cr(out->ctrl))
                return X86_DECODE_REFUSED;
            break;
        case 0x06: out->kind = X86_INSN_CLTS; break;
        case 0x08: out->kind = X86_INSN_INVD; break;
        case 0x09: out->kind = X86_INSN_WBINVD; break;
        case 0x30: out->kind = X86_INSN_WRMSR; break;
        case 0x31: out->kind = X86_INSN_RDTSC; break;
        case 0x32: out->kind = X86_INSN_RDMSR; break;
        case 0xA2: out->kind = X86_INSN_CPUID; break;
        case 0x01:
            FETCH(modrm);
            if (modrm == 0xF8)
                out->kind = X86_INSN_SWAPGS;
            else if (modrm == 0xF9)
                out->kind = X86_INSN_RDTSCP;
            else
                return X86_DECODE_UNKNOWN;
            break;
        default:
            return X86_DECODE_UNKNOWN;
        }
        break;
    }
    case 0xF4: out->kind = X86_INSN_HLT; break;
    case 0xFA: out->kind = X86_INSN_CLI; break;
    case 0xFB: out->kind = X86_INSN_STI; break;
    case 0xE4: case 0xE5: case 0xE6: case 0xE7:
        out->kind = b < 0xE6 ? X86_INSN_IN : X86_INSN_OUT;
        out->size = io_size(b, pfx, rex);
        FETCH(out->port);
        break;
    case 0xEC: case 0xED: case 0xEE: case 0xEF:
        out->kind = b < 0xEE ? X86_INSN_IN : X86_INSN_OUT;
        out->size = io_size(b, pfx, rex);
        out->port_in_dx = true;
        break;
    default:
        return X86_DECODE_UNKNOWN;
    }
#undef FETCH

    out->len = (uint8_t)i;
    if (pfx & X86_PFX_LOCK)
        return X86_DECODE_REFUSED;
    return X86_DECODE_OK;
}
