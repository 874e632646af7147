/* Freestanding C library subset used by the hypervisor and by common/ code.
 * On the host (unit tests) these resolve to the host libc with the same contracts. */
#ifndef XLITE_LIB_H
#define XLITE_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/* Copies at most size-1 bytes and always NUL-terminates (size > 0); returns strlen(src). */
size_t xl_strlcpy(char *dst, const char *src, size_t size);

/* printf-style formatting into buf (always NUL-terminated when size > 0); returns the
 * length the full output would have had. Supports %d %i %u %x %X %o %p %s %c %%, the
 * h/hh/l/ll/z/t length modifiers, width, precision, '-', '0', '+', ' ' and '#'. */
int xl_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int xl_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* a * b / c with a 128-bit intermediate, without libgcc (whose 128-bit division uses
 * the red zone, unsafe in ring 0). The caller guarantees the quotient fits 64 bits and
 * c != 0, otherwise the CPU raises #DE. */
static inline uint64_t muldiv64(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t q, r;

    __asm__("mulq %3\n\tdivq %4" : "=a"(q), "=&d"(r) : "a"(a), "rm"(b), "rm"(c) : "cc");
    (void)r;
    return q;
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
/* Branch hints for the hot paths (hypercall entry and exit). */
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#endif
