/* Node permissions as xenstore defines them: "<n|r|w|b><domid>" entries, the first
 * naming the owner and everyone's default. */
#include "store_int.h"

#include <stdio.h>

/* dom0 and the owner may do anything; a listed domain gets its entry; the rest get
 * the first entry's mode. */
unsigned perm_for_list(const struct store_perm *p, uint32_t n, uint16_t domid)
{
    if (domid == 0 || n == 0 || p[0].domid == domid)
        return PERM_READ | PERM_WRITE | PERM_OWNER;
    for (uint32_t i = 1; i < n; i++) {
        if (p[i].domid == domid)
            return p[i].mode;
    }
    return p[0].mode;
}

unsigned perm_for(const struct node *n, uint16_t domid)
{
    return perm_for_list(n->perms, n->nperms, domid);
}

/* Parses one entry. Refuses a letter other than n r w b, a domid that is not
 * 1-5 decimal digits up to 65535. */
static enum xs_err parse_one(const char *s, struct store_perm *out)
{
    static const char letters[] = "nrwb";
    unsigned long v = 0;
    size_t i;

    for (i = 0; i < 4 && letters[i] != s[0]; i++)
        ;
    if (s[0] == '\0' || i == 4 || s[1] == '\0')
        return XE_EINVAL;
    for (size_t k = 1; s[k] != '\0'; k++) {
        if (s[k] < '0' || s[k] > '9' || k > 5)
            return XE_EINVAL;
        v = v * 10 + (unsigned long)(s[k] - '0');
    }
    if (v > 65535)
        return XE_EINVAL;
    out->mode = (uint8_t)i;     /* n=0, r=1 (READ), w=2 (WRITE), b=3 (both) */
    out->domid = (uint16_t)v;
    return XE_OK;
}

enum xs_err perms_parse(const char *const *strs, uint32_t n, struct store_perm *out)
{
    if (n == 0)
        return XE_EINVAL;
    for (uint32_t i = 0; i < n; i++) {
        enum xs_err err = parse_one(strs[i], &out[i]);

        if (err != XE_OK)
            return err;
    }
    return XE_OK;
}

size_t perms_format(const struct store_perm *p, uint32_t n, char *out, size_t size)
{
    static const char letters[] = "nrwb";
    size_t len = 0;

    for (uint32_t i = 0; i < n; i++) {
        int k = snprintf(out + len, size - len, "%c%u", letters[p[i].mode & 3],
                         (unsigned)p[i].domid);

        if (k < 0 || (size_t)k + 1 >= size - len)
            return 0;
        len += (size_t)k + 1;   /* keep the NUL as the separator */
    }
    return len;
}
