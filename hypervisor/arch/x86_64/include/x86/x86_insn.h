/* A small x86-64 instruction decoder for exactly the instructions a PV guest executes in
 * ring 3 that fault with #GP(0) and that the hypervisor may emulate (ABI notes §3.10),
 * plus a few neighbours it recognises only in order to refuse them. It decodes bytes
 * and nothing else: no guest state, no hardware access (host-tested). 64-bit code only:
 * bytes 40-4F are REX prefixes. */
#ifndef XLITE_X86_INSN_H
#define XLITE_X86_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define X86_INSN_MAX_LEN    15      /* longer instructions raise #GP(0) in hardware */

enum x86_insn_kind {
    X86_INSN_NONE = 0,              /* nothing decoded */
    X86_INSN_MOV_FROM_CR,           /* 0F 20 /r   mov %crN, reg64 */
    X86_INSN_MOV_FROM_DR,           /* 0F 21 /r   mov %drN, reg64 */
    X86_INSN_MOV_TO_CR,             /* 0F 22 /r   mov reg64, %crN */
    X86_INSN_MOV_TO_DR,             /* 0F 23 /r   mov reg64, %drN */
    X86_INSN_CLTS,                  /* 0F 06 */
    X86_INSN_WRMSR,                 /* 0F 30 */
    X86_INSN_RDTSC,                 /* 0F 31 */
    X86_INSN_RDMSR,                 /* 0F 32 */
    X86_INSN_CPUID,                 /* 0F A2 */
    X86_INSN_INVD,                  /* 0F 08 */
    X86_INSN_WBINVD,                /* 0F 09 (F3 0F 09 is WBNOINVD: same kind) */
    X86_INSN_SWAPGS,                /* 0F 01 F8 */
    X86_INSN_RDTSCP,                /* 0F 01 F9 */
    X86_INSN_HLT,                   /* F4 */
    X86_INSN_CLI,                   /* FA */
    X86_INSN_STI,                   /* FB */
    X86_INSN_IN,                    /* E4 ib, E5 ib, EC, ED */
    X86_INSN_OUT,                   /* E6 ib, E7 ib, EE, EF */
};

enum x86_decode_status {
    X86_DECODE_OK,
    X86_DECODE_TRUNCATED,           /* the buffer ended before the instruction did */
    X86_DECODE_UNKNOWN,             /* an opcode outside the set above */
    X86_DECODE_REFUSED,             /* recognised but never emulable: LOCK prefix, a
                                     * control register other than CR0/2/3/4, or more
                                     * than 15 bytes */
};

/* Legacy prefixes seen (x86_insn.prefixes). They change nothing for the supported
 * instructions except 66 (operand size of IN/OUT); LOCK makes the decode REFUSED. */
#define X86_PFX_OPSIZE      0x01    /* 66 */
#define X86_PFX_ADDRSIZE    0x02    /* 67 */
#define X86_PFX_REPNE       0x04    /* F2 */
#define X86_PFX_REP         0x08    /* F3 */
#define X86_PFX_SEG         0x10    /* 26 2E 36 3E 64 65 */
#define X86_PFX_LOCK        0x20    /* F0 */

#define X86_REX_B           0x01
#define X86_REX_X           0x02
#define X86_REX_R           0x04
#define X86_REX_W           0x08

struct x86_insn {
    enum x86_insn_kind kind;
    uint8_t len;                    /* bytes including prefixes, 1..15 */
    uint8_t prefixes;               /* X86_PFX_* */
    uint8_t rex;                    /* REX byte in effect (40-4F), 0 if none */
    uint8_t ctrl;                   /* MOV CR/DR: register number, REX.R applied (0-15) */
    uint8_t gpr;                    /* MOV CR/DR: GPR 0-15 (RAX RCX RDX RBX RSP RBP RSI
                                     * RDI R8..R15), REX.B applied */
    uint8_t size;                   /* IN/OUT: operand size in bytes (1, 2 or 4) */
    bool port_in_dx;                /* IN/OUT: port is DX; else `port` (imm8) */
    uint8_t port;                   /* IN/OUT: imm8 port */
};

/* Decode the instruction at buf[0..avail). Reads at most min(avail, 15) bytes and never
 * beyond. On X86_DECODE_OK *out describes it; on any other status *out is only
 * partially meaningful (kind/len may be set for REFUSED). Refuses LOCK, CR1/5-15
 * (CR8 included) and instructions over 15 bytes; unknown opcodes are UNKNOWN. */
enum x86_decode_status x86_insn_decode(const uint8_t *buf, size_t avail,
                                       struct x86_insn *out);

#endif
