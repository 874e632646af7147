/* Bounded string output: printf-style formatting and strlcpy. Used by printk and by
 * every parser that writes error messages; free of hardware access (host-tested). */
#include <hv/lib.h>

struct out {
    char *buf;
    size_t size;
    size_t len;     /* what the full output would need, excluding the NUL */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_repeat(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

#define F_LEFT  0x01
#define F_ZERO  0x02
#define F_PLUS  0x04
#define F_SPACE 0x08
#define F_ALT   0x10
#define F_PTR   0x20    /* %p: 0x prefix even for zero */

struct spec {
    int flags;
    int width;
    int prec;       /* -1: none */
};

/* Format one integer: magnitude v, sign already decided, in the given base. */
static void put_number(struct out *o, uint64_t v, bool negative, unsigned base,
                       bool upper, const struct spec *sp)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    char sign = 0;
    const char *prefix = "";
    bool zero = v == 0;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (sp->prec == 0 && n == 1 && tmp[0] == '0')
        n = 0;                          /* "%.0d" of zero prints nothing */
    if (negative)
        sign = '-';
    else if (sp->flags & F_PLUS)
        sign = '+';
    else if (sp->flags & F_SPACE)
        sign = ' ';
    if (((sp->flags & F_ALT) && base == 16 && !zero) || (sp->flags & F_PTR))
        prefix = upper ? "0X" : "0x";      /* C: "%#x" of 0 is "0" */
    if ((sp->flags & F_ALT) && base == 8 && (n == 0 || tmp[n - 1] != '0'))
        prefix = "0";

    int digits_len = sp->prec > n ? sp->prec : n;
    int total = digits_len + (sign != 0) + (int)strlen(prefix);
    int pad = sp->width > total ? sp->width - total : 0;
    bool zero_pad = (sp->flags & F_ZERO) && !(sp->flags & F_LEFT) && sp->prec < 0;

    if (!(sp->flags & F_LEFT) && !zero_pad)
        put_repeat(o, ' ', pad);
    if (sign)
        put(o, sign);
    for (const char *p = prefix; *p; p++)
        put(o, *p);
    if (zero_pad)
        put_repeat(o, '0', pad);
    put_repeat(o, '0', digits_len - n);
    while (n)
        put(o, tmp[--n]);
    if (sp->flags & F_LEFT)
        put_repeat(o, ' ', pad);
}

static void put_string(struct out *o, const char *s, const struct spec *sp)
{
    if (!s)
        s = "(null)";
    int n = (int)strnlen(s, sp->prec >= 0 ? (size_t)sp->prec : (size_t)-1);
    int pad = sp->width > n ? sp->width - n : 0;

    if (!(sp->flags & F_LEFT))
        put_repeat(o, ' ', pad);
    for (int i = 0; i < n; i++)
        put(o, s[i]);
    if (sp->flags & F_LEFT)
        put_repeat(o, ' ', pad);
}

/* Parse flags, width and precision at *fmt; '*' takes an int argument. */
static const char *parse_spec(const char *fmt, struct spec *sp, va_list *ap)
{
    sp->flags = 0;
    sp->width = 0;
    sp->prec = -1;
    for (;; fmt++) {
        if (*fmt == '-') sp->flags |= F_LEFT;
        else if (*fmt == '0') sp->flags |= F_ZERO;
        else if (*fmt == '+') sp->flags |= F_PLUS;
        else if (*fmt == ' ') sp->flags |= F_SPACE;
        else if (*fmt == '#') sp->flags |= F_ALT;
        else break;
    }
    if (*fmt == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->flags |= F_LEFT;
            sp->width = -sp->width;
        }
        fmt++;
    } else {
        while (*fmt >= '0' && *fmt <= '9' && sp->width < 10000)
            sp->width = sp->width * 10 + (*fmt++ - '0');
    }
    if (*fmt == '.') {
        fmt++;
        sp->prec = 0;
        if (*fmt == '*') {
            sp->prec = va_arg(*ap, int);
            if (sp->prec < 0)
                sp->prec = -1;
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9' && sp->prec < 10000)
                sp->prec = sp->prec * 10 + (*fmt++ - '0');
        }
    }
    return fmt;
}

/* Length modifiers, as a count of 'l's: hh=-2, h=-1, none=0, l/z/t=1, ll=2. */
static const char *parse_length(const char *fmt, int *len)
{
    *len = 0;
    if (*fmt == 'h') {
        *len = -1;
        if (*++fmt == 'h') {
            *len = -2;
            fmt++;
        }
    } else if (*fmt == 'l') {
        *len = 1;
        if (*++fmt == 'l') {
            *len = 2;
            fmt++;
        }
    } else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j') {
        *len = 2;
        fmt++;
    }
    return fmt;
}

static int64_t signed_arg(va_list *ap, int len)
{
    if (len >= 1)
        return len == 1 ? va_arg(*ap, long) : va_arg(*ap, long long);
    int v = va_arg(*ap, int);
    return len == -2 ? (signed char)v : len == -1 ? (short)v : v;
}

static uint64_t unsigned_arg(va_list *ap, int len)
{
    if (len >= 1)
        return len == 1 ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned long long);
    unsigned int v = va_arg(*ap, unsigned int);
    return len == -2 ? (unsigned char)v : len == -1 ? (unsigned short)v : v;
}

int xl_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
    struct out o = { buf, size, 0 };
    struct spec sp;
    va_list ap;
    int len;

    va_copy(ap, ap_in);
    while (*fmt) {
        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        fmt = parse_spec(fmt + 1, &sp, &ap);
        fmt = parse_length(fmt, &len);
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = signed_arg(&ap, len);
            uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            put_number(&o, mag, v < 0, 10, false, &sp);
            break;
        }
        case 'u':
            put_number(&o, unsigned_arg(&ap, len), false, 10, false, &sp);
            break;
        case 'x':
        case 'X':
            put_number(&o, unsigned_arg(&ap, len), false, 16, *fmt == 'X', &sp);
            break;
        case 'o':
            put_number(&o, unsigned_arg(&ap, len), false, 8, false, &sp);
            break;
        case 'p':
            sp.flags |= F_PTR;
            put_number(&o, (uintptr_t)va_arg(ap, void *), false, 16, false, &sp);
            break;
        case 's':
            put_string(&o, va_arg(ap, const char *), &sp);
            break;
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case '%':
            put(&o, '%');
            break;
        case '\0':
            fmt--;              /* lone '%' at the end: print nothing more */
            break;
        default:                /* unknown conversion: show it literally */
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
        fmt++;
    }
    va_end(ap);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len > (size_t)INT32_MAX ? INT32_MAX : (int)o.len;
}

int xl_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = xl_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

size_t xl_strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);

    if (size) {
        size_t c = n < size ? n : size - 1;
        memcpy(dst, src, c);
        dst[c] = '\0';
    }
    return n;
}
