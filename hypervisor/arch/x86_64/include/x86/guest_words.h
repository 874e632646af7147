/* Guest copies of a size known at compile time: the frames every trap bounce writes
 * (7 or 8 words), every HYPERVISOR_iret reads (9), and the fixed-size arguments of
 * hypercalls (a grant copy op is 5 words, its status 2 bytes). The assembler unrolls
 * the words (.rept), so there is no loop and no call; under TCG the loop and the call
 * of the general copy cost about a tenth of a trap bounce. Same contract as the
 * general copies of asm/guest_access.h, which use these for constant sizes: 0, or
 * -XEN_EFAULT for a range outside guest space or a fault, which ends the copy (what
 * came before it is copied). One STAC/CLAC pair covers the whole copy. */
#ifndef XLITE_X86_GUEST_WORDS_H
#define XLITE_X86_GUEST_WORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <x86/cpu.h>
#include <x86/layout.h>
#include <xlite/errno.h>

#define GUEST_LOW_END   0x0000800000000000ul
#define GUEST_WORDS_MAX 16          /* larger constant sizes take the general copy */

/* [va, va + len) lies wholly in guest space: below 0x0000800000000000 or at or above
 * 0xFFFF880000000000 (never the hypervisor's range, never wrapping). */
static inline bool guest_range_ok(uint64_t va, size_t len)
{
    if (len == 0)
        return va < GUEST_LOW_END || va >= HV_VIRT_END;
    uint64_t last = va + len - 1;
    if (last < va)
        return false;                        /* wraps */
    if (last < GUEST_LOW_END)
        return true;
    return va >= HV_VIRT_END;
}

/* An exception-table entry (extable.c) in an asm string: a fault at insn resumes at
 * fixup. */
#define GUEST_EX_ENTRY(insn, fixup) \
    ".pushsection .ex_table, \"a\"\n.balign 8\n.quad " #insn ", " #fixup "\n.popsection\n"

/* One asm statement: `moves` is the copy of one element (the guest access labelled
 * 1), repeated n times with .Lgw_off = 0, 8, 16, ...; a fault in any guest access
 * resumes at the end with `left` still non-zero. */
#define GUEST_COPY_ASM(moves)                                                           \
    ".set .Lgw_off, 0\n"                                                                \
    ".rept %c[n]\n"                                                                     \
    moves                                                                               \
    GUEST_EX_ENTRY(1b, 9f)                                                              \
    ".set .Lgw_off, .Lgw_off + 8\n"                                                     \
    ".endr\n"                                                                           \
    "    xor %k[left], %k[left]\n"                                                      \
    "9:\n"

#define GUEST_SMAP_OPEN()   do { if (cpu_has_smap) __asm__ volatile("stac" ::: "memory"); } while (0)
#define GUEST_SMAP_CLOSE()  do { if (cpu_has_smap) __asm__ volatile("clac" ::: "memory"); } while (0)

/* guest_read_words and guest_write_words differ only in which move is the guest access.
 * One function with a constant direction made the same instructions but other register
 * choices, and the 64-byte grant copy 25 % slower under TCG (layout; PERFORMANCE.md), so
 * they stay two. */
static inline __attribute__((always_inline)) int guest_read_words(void *dst, uint64_t src,
                                                                  unsigned int words)
{
    uint32_t left = 1;
    uint64_t t;

    if (!guest_range_ok(src, (size_t)words * 8))
        return -XEN_EFAULT;
    GUEST_SMAP_OPEN();
    __asm__ volatile(GUEST_COPY_ASM("1:  mov .Lgw_off(%[s]), %[t]\n"
                                    "    mov %[t], .Lgw_off(%[d])\n")
                     : [left] "+r"(left), [t] "=&r"(t)
                     : [s] "r"(src), [d] "r"(dst), [n] "i"(words)
                     : "memory");
    GUEST_SMAP_CLOSE();
    return left ? -XEN_EFAULT : 0;
}

static inline __attribute__((always_inline)) int guest_write_words(uint64_t dst,
                                                                   const void *src,
                                                                   unsigned int words)
{
    uint32_t left = 1;
    uint64_t t;

    if (!guest_range_ok(dst, (size_t)words * 8))
        return -XEN_EFAULT;
    GUEST_SMAP_OPEN();
    __asm__ volatile(GUEST_COPY_ASM("    mov .Lgw_off(%[s]), %[t]\n"
                                    "1:  mov %[t], .Lgw_off(%[d])\n")
                     : [left] "+r"(left), [t] "=&r"(t)
                     : [s] "r"(src), [d] "r"(dst), [n] "i"(words)
                     : "memory");
    GUEST_SMAP_CLOSE();
    return left ? -XEN_EFAULT : 0;
}

/* A 2-byte store (a grant op's status), the same way. */
static inline __attribute__((always_inline)) int guest_write_u16(uint64_t dst, const void *src)
{
    uint32_t left = 1;
    uint16_t t = *(const uint16_t *)src;

    if (!guest_range_ok(dst, 2))
        return -XEN_EFAULT;
    GUEST_SMAP_OPEN();
    __asm__ volatile(GUEST_COPY_ASM("1:  movw %[t], (%[d])\n")
                     : [left] "+r"(left)
                     : [t] "r"(t), [d] "r"(dst), [n] "i"(1)
                     : "memory");
    GUEST_SMAP_CLOSE();
    return left ? -XEN_EFAULT : 0;
}

#endif
