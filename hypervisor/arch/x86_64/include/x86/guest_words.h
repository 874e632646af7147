/* Guest copies of a fixed number of 8-byte words: the frames every trap bounce writes
 * (7 or 8 words) and every HYPERVISOR_iret reads (9). The assembler unrolls them
 * (.rept), so there is no loop and no call; under TCG the loop and the call of
 * copy_to_guest/copy_from_guest cost about a tenth of a trap bounce. Same contract as
 * those two (asm/guest_access.h): 0, or -XEN_EFAULT for a range outside guest space or
 * a fault, which ends the copy (the words before it are copied). One STAC/CLAC pair
 * covers the whole frame. */
#ifndef XLITE_X86_GUEST_WORDS_H
#define XLITE_X86_GUEST_WORDS_H

#include <stdint.h>

#include <asm/guest_access.h>
#include <x86/cpu.h>
#include <xlite/errno.h>

/* The words are moved by one asm statement: word k is `mov k*8(src), t; mov t,
 * k*8(dst)` (guest_load: the two moves, the guest access labelled 1), and a fault in
 * the guest access of any of them resumes at the end with `left` still non-zero. */
#define GUEST_WORDS_ASM(guest_load)                                                     \
    ".set .Lgw_off, 0\n"                                                                \
    ".rept %c[n]\n"                                                                     \
    guest_load                                                                          \
    ".pushsection .ex_table, \"a\"\n.balign 8\n.quad 1b, 9f\n.popsection\n"             \
    ".set .Lgw_off, .Lgw_off + 8\n"                                                     \
    ".endr\n"                                                                           \
    "    xor %k[left], %k[left]\n"                                                      \
    "9:\n"

static inline __attribute__((always_inline)) int guest_read_words(void *dst, uint64_t src,
                                                                  unsigned int words)
{
    uint32_t left = 1;
    uint64_t t;

    if (!guest_range_ok(src, (size_t)words * 8))
        return -XEN_EFAULT;
    if (cpu_has_smap)
        __asm__ volatile("stac" ::: "memory");
    __asm__ volatile(GUEST_WORDS_ASM("1:  mov .Lgw_off(%[s]), %[t]\n"
                                     "    mov %[t], .Lgw_off(%[d])\n")
                     : [left] "+r"(left), [t] "=&r"(t)
                     : [s] "r"(src), [d] "r"(dst), [n] "i"(words)
                     : "memory");
    if (cpu_has_smap)
        __asm__ volatile("clac" ::: "memory");
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
    if (cpu_has_smap)
        __asm__ volatile("stac" ::: "memory");
    __asm__ volatile(GUEST_WORDS_ASM("    mov .Lgw_off(%[s]), %[t]\n"
                                     "1:  mov %[t], .Lgw_off(%[d])\n")
                     : [left] "+r"(left), [t] "=&r"(t)
                     : [s] "r"(src), [d] "r"(dst), [n] "i"(words)
                     : "memory");
    if (cpu_has_smap)
        __asm__ volatile("clac" ::: "memory");
    return left ? -XEN_EFAULT : 0;
}

#endif
