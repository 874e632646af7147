/* Decoding the guest instructions that write a page-table entry directly, for
 * writable page tables (VMASST_TYPE_writable_pagetables, Xen's "ptwr"): the PV guest's
 * L1 pages are read-only, the write faults, and the hypervisor emulates it after
 * validating the new entry. Accepted: writes with a memory destination of 1, 2, 4 or 8
 * bytes by MOV, XCHG, CMPXCHG, OR, AND, BTS and BTR (what Linux's set_pte,
 * ptep_get_and_clear, cmpxchg and its bit operations, `lock andb` included, compile
 * to); everything else is refused. Bytes only: no guest state, no hardware access
 * (host-tested). */
#ifndef XLITE_PTWR_INSN_H
#define XLITE_PTWR_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ptwr_op {
    PTWR_MOV,           /* 88/89 /r, C6/C7 /0 imm */
    PTWR_XCHG,          /* 86/87 /r */
    PTWR_CMPXCHG,       /* 0F B0/B1 /r (comparand in AL/AX/EAX/RAX) */
    PTWR_OR,            /* 08/09 /r, 80/81/83 /1 imm */
    PTWR_AND,           /* 20/21 /r, 80/81/83 /4 imm */
    PTWR_BTS,           /* 0F AB /r, 0F BA /5 ib */
    PTWR_BTR,           /* 0F B3 /r, 0F BA /6 ib */
};

struct ptwr_insn {
    enum ptwr_op op;
    uint8_t len;        /* bytes, prefixes included */
    uint8_t size;       /* operand size: 1, 2, 4 or 8 */
    bool has_imm;       /* the source is imm, else register `reg` */
    uint8_t reg;        /* source register 0-15 (RAX..R15), REX.R applied */
    bool high_byte;     /* byte operand without REX, reg 4-7: AH CH DH BH */
    int64_t imm;        /* sign-extended to 64 bits (a bit number for BTS/BTR) */
};

/* Decode buf[0..avail). True and *out for an accepted form: a memory operand (ModRM
 * mod != 3), optional LOCK, segment and 66 prefixes and REX. Refuses (false) anything
 * else: other opcodes, register destinations, REP/REPNE/address-size prefixes,
 * truncated bytes, more than 15 bytes. */
bool ptwr_decode(const uint8_t *buf, size_t avail, struct ptwr_insn *out);

/* The operand's new value from its old one, the source src (the register or the
 * immediate, already truncated to the operand size) and the comparand cmp (CMPXCHG:
 * the accumulator, truncated). *write is false when nothing is stored (a CMPXCHG whose
 * comparand differs, or a register bit offset outside the operand: refused). */
uint64_t ptwr_apply(const struct ptwr_insn *in, uint64_t old, uint64_t src, uint64_t cmp,
                    bool *write);

#endif
