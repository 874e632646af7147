/* The standard string functions the freestanding hypervisor needs (the compiler may
 * also emit calls to memcpy/memset/memmove/memcmp on its own). Host builds use libc. */
#include <hv/lib.h>

/* Plain 8-byte loads and stores, four words an iteration, then the tail. Not `rep movs`
 * or `rep stos`: under QEMU's TCG each element of a rep string instruction is a round
 * through the translated-block loop, while a move is a host move (a 4 KiB grant copy
 * spent about 17,000 cycles in `rep movsb`). The word type may alias anything and be
 * unaligned (x86 allows both). The loops must not be turned back into calls to the
 * functions they implement. */
typedef uint64_t __attribute__((may_alias, aligned(1))) word_t;
#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

NO_LIBCALL void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    for (; n >= 32; d += 32, s += 32, n -= 32) {
        /* All four loads before the stores: memmove's forward case relies on it. */
        uint64_t w0 = ((const word_t *)s)[0], w1 = ((const word_t *)s)[1];
        uint64_t w2 = ((const word_t *)s)[2], w3 = ((const word_t *)s)[3];
        ((word_t *)d)[0] = w0;
        ((word_t *)d)[1] = w1;
        ((word_t *)d)[2] = w2;
        ((word_t *)d)[3] = w3;
    }
    for (; n >= 8; d += 8, s += 8, n -= 8)
        *(word_t *)d = *(const word_t *)s;
    while (n--)
        *d++ = *s++;
    return dst;
}

NO_LIBCALL void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    /* Overlapping with dst above src: backwards, a word at a time while it can. */
    for (; n >= 8; n -= 8)
        *(word_t *)(d + n - 8) = *(const word_t *)(s + n - 8);
    while (n--)
        d[n] = s[n];
    return dst;
}

NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    uint64_t pattern = 0x0101010101010101ull * (uint8_t)c;

    /* Clearing a frame is 128 iterations of four stores. */
    for (; n >= 32; d += 32, n -= 32) {
        ((word_t *)d)[0] = pattern;
        ((word_t *)d)[1] = pattern;
        ((word_t *)d)[2] = pattern;
        ((word_t *)d)[3] = pattern;
    }
    for (; n >= 8; d += 8, n -= 8)
        *(word_t *)d = pattern;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            break;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}
