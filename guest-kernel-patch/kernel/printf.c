/* vsnprintf of the kernel: %d %i %u %x %X %o %p %s %c %%, flags - 0 # space, width,
 * precision for %s, length modifiers h hh l ll z (adapted from the test-guest runtime). */
#include "kernel.h"

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

static void put_padded(struct out *o, const char *s, size_t n, int width, bool left,
                       char padc)
{
    size_t pad = width > 0 && (size_t)width > n ? (size_t)width - n : 0;

    if (!left)
        while (pad--)
            put(o, padc);
    while (n--)
        put(o, *s++);
    if (left)
        while (pad--)
            put(o, ' ');
}

static void put_number(struct out *o, uint64_t v, bool neg, unsigned int base, bool upper,
                       const char *prefix, int width, bool left, bool zero)
{
    char tmp[72];
    size_t n = 0, plen = strlen(prefix);
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (neg)
        plen++;
    size_t total = n + plen;
    size_t pad = width > 0 && (size_t)width > total ? (size_t)width - total : 0;

    if (!left && !zero)
        while (pad--)
            put(o, ' ');
    if (neg)
        put(o, '-');
    for (const char *p = prefix; *p; p++)
        put(o, *p);
    if (!left && zero)
        while (pad--)
            put(o, '0');
    while (n)
        put(o, tmp[--n]);
    if (left)
        while (pad--)
            put(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put(&o, *p);
            continue;
        }
        bool left = false, zero = false, alt = false, space = false;
        int width = 0, prec = -1, lng = 0;

        for (;; p++) {
            if (p[1] == '-')
                left = true;
            else if (p[1] == '0')
                zero = true;
            else if (p[1] == '#')
                alt = true;
            else if (p[1] == ' ')
                space = true;
            else
                break;
        }
        p++;
        if (*p == '*') {
            width = va_arg(ap, int);
            p++;
        }
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (*p++ - '0');
        if (*p == '.') {
            prec = 0;
            p++;
            if (*p == '*') {
                prec = va_arg(ap, int);
                p++;
            }
            while (*p >= '0' && *p <= '9')
                prec = prec * 10 + (*p++ - '0');
        }
        while (*p == 'l' || *p == 'z' || *p == 'h') {
            if (*p == 'h')
                lng--;
            else
                lng++;
            p++;
        }
        uint64_t u;
        int64_t s;
        switch (*p) {
        case 'd':
        case 'i':
            s = lng > 0 ? va_arg(ap, long) : va_arg(ap, int);
            if (lng == -1)
                s = (short)s;
            else if (lng <= -2)
                s = (signed char)s;
            put_number(&o, s < 0 ? (uint64_t)0 - (uint64_t)s : (uint64_t)s, s < 0, 10,
                       false, space && s >= 0 ? " " : "", width, left, zero);
            break;
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            u = lng > 0 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            if (lng == -1)
                u = (unsigned short)u;
            else if (lng <= -2)
                u = (unsigned char)u;
            if (*p == 'u')
                put_number(&o, u, false, 10, false, "", width, left, zero);
            else if (*p == 'o')
                put_number(&o, u, false, 8, false, alt && u ? "0" : "", width, left, zero);
            else
                put_number(&o, u, false, 16, *p == 'X',
                           alt && u ? (*p == 'X' ? "0X" : "0x") : "", width, left, zero);
            break;
        case 'p':
            u = (uint64_t)(uintptr_t)va_arg(ap, void *);
            put_number(&o, u, false, 16, false, "0x", width, left, zero);
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            size_t n = 0;
            while (str[n] && (prec < 0 || n < (size_t)prec))
                n++;
            put_padded(&o, str, n, width, left, ' ');
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            put_padded(&o, &c, 1, width, left, ' ');
            break;
        }
        case '%':
            put(&o, '%');
            break;
        case '\0':
            p--;
            break;
        default:
            put(&o, '%');
            put(&o, *p);
            break;
        }
    }
    if (o.size)
        o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
