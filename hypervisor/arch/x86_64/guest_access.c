/* Checked guest-memory copies. The copy's loads and stores have exception-table
 * entries, so a page fault inside them resumes at the fixup with the count of bytes
 * left instead of being a hypervisor fault. With SMAP, STAC/CLAC open user access
 * for just the copy. */
#include <asm/guest_access.h>
#include <hv/lib.h>
#include <xlite/errno.h>

/* The copies of any length (constant sizes are copied inline, x86/guest_words.h) move
 * 8-byte words, then the last bytes one by one: under TCG a `rep movs` costs a round
 * through the translated-block loop per element. Every load and store that touches
 * guest memory has an exception-table entry resuming at the end with the count of
 * bytes left. Returns the number of bytes NOT copied. */
static inline __attribute__((always_inline)) size_t raw_copy(void *dst, const void *src,
                                                             size_t n)
{
    uint64_t tmp;

    GUEST_SMAP_OPEN();
    __asm__ volatile("    cmp   $8, %[n]\n"
                     "    jb    3f\n"
                     "1:  mov   (%[s]), %[t]\n"
                     "2:  mov   %[t], (%[d])\n"
                     "    add   $8, %[s]\n"
                     "    add   $8, %[d]\n"
                     "    sub   $8, %[n]\n"
                     "    cmp   $8, %[n]\n"
                     "    jae   1b\n"
                     "3:  test  %[n], %[n]\n"
                     "    jz    6f\n"
                     "4:  movb  (%[s]), %b[t]\n"
                     "5:  movb  %b[t], (%[d])\n"
                     "    inc   %[s]\n"
                     "    inc   %[d]\n"
                     "    dec   %[n]\n"
                     "    jnz   4b\n"
                     "6:\n"
                     GUEST_EX_ENTRY(1b, 6b) GUEST_EX_ENTRY(2b, 6b)
                     GUEST_EX_ENTRY(4b, 6b) GUEST_EX_ENTRY(5b, 6b)
                     : [d] "+r"(dst), [s] "+r"(src), [n] "+r"(n), [t] "=&q"(tmp)
                     :: "memory", "cc");
    GUEST_SMAP_CLOSE();
    return n;
}

static size_t raw_zero(void *dst, size_t n)
{
    GUEST_SMAP_OPEN();
    __asm__ volatile("    cmp   $8, %[n]\n"
                     "    jb    3f\n"
                     "1:  movq  $0, (%[d])\n"
                     "    add   $8, %[d]\n"
                     "    sub   $8, %[n]\n"
                     "    cmp   $8, %[n]\n"
                     "    jae   1b\n"
                     "3:  test  %[n], %[n]\n"
                     "    jz    6f\n"
                     "4:  movb  $0, (%[d])\n"
                     "    inc   %[d]\n"
                     "    dec   %[n]\n"
                     "    jnz   4b\n"
                     "6:\n"
                     GUEST_EX_ENTRY(1b, 6b) GUEST_EX_ENTRY(4b, 6b)
                     : [d] "+r"(dst), [n] "+r"(n) :: "memory", "cc");
    GUEST_SMAP_CLOSE();
    return n;
}

int copy_from_guest_bytes(void *dst, uint64_t guest_src, size_t len)
{
    if (!guest_range_ok(guest_src, len))
        return -XEN_EFAULT;
    return raw_copy(dst, (const void *)guest_src, len) ? -XEN_EFAULT : 0;
}

int copy_to_guest_bytes(uint64_t guest_dst, const void *src, size_t len)
{
    if (!guest_range_ok(guest_dst, len))
        return -XEN_EFAULT;
    return raw_copy((void *)guest_dst, src, len) ? -XEN_EFAULT : 0;
}

int clear_guest(uint64_t guest_dst, size_t len)
{
    if (!guest_range_ok(guest_dst, len))
        return -XEN_EFAULT;
    return raw_zero((void *)guest_dst, len) ? -XEN_EFAULT : 0;
}
