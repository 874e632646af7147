/* A small vsnprintf for the bench runtime: %s %c %d %i %u %x %% with the length
 * modifiers l, ll and z, no widths or precisions. Returns the length the whole output
 * would have had; the buffer is always NUL-terminated when size > 0. */
#include "bench.h"

struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_u64(struct out *o, uint64_t v, unsigned int base)
{
    char digits[24];
    unsigned int n = 0;

    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (n)
        put(o, digits[--n]);
}

int bench_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt++;
        unsigned int longs = 0;
        while (*fmt == 'l' || *fmt == 'z') {
            longs++;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = longs ? va_arg(ap, long) : va_arg(ap, int);
            if (v < 0) {
                put(&o, '-');
                put_u64(&o, -(uint64_t)v, 10);
            } else {
                put_u64(&o, (uint64_t)v, 10);
            }
            break;
        }
        case 'u':
        case 'x': {
            uint64_t v = longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            put_u64(&o, v, *fmt == 'x' ? 16 : 10);
            break;
        }
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            for (s = s ? s : "(null)"; *s; s++)
                put(&o, *s);
            break;
        }
        case '%':
            put(&o, '%');
            break;
        case '\0':
            fmt--;                            /* a lone '%' at the end */
            break;
        default:
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int bench_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = bench_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
