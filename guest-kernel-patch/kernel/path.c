/* Path canonicalisation and component iteration. */
#include "kernel.h"
#include "path.h"

#define COMP_MAX 55

static int append(char *out, size_t outlen, size_t *n, const char *c, size_t clen)
{
    if (*n + 1 + clen + 1 > outlen)
        return -XE_NAMETOOLONG;
    out[(*n)++] = '/';
    memcpy(out + *n, c, clen);
    *n += clen;
    out[*n] = '\0';
    return 0;
}

static int walk(const char *s, char *out, size_t outlen, size_t *n)
{
    while (*s) {
        while (*s == '/')
            s++;
        const char *c = s;
        while (*s && *s != '/')
            s++;
        size_t clen = (size_t)(s - c);
        if (clen == 0 || (clen == 1 && c[0] == '.'))
            continue;
        if (clen == 2 && c[0] == '.' && c[1] == '.') {
            while (*n > 0 && out[*n - 1] != '/')
                (*n)--;
            if (*n > 0)
                (*n)--;
            out[*n] = '\0';
            continue;
        }
        if (clen > COMP_MAX)
            return -XE_NAMETOOLONG;
        int rc = append(out, outlen, n, c, clen);
        if (rc)
            return rc;
    }
    return 0;
}

int path_resolve(const char *cwd, const char *path, char *out, size_t outlen)
{
    size_t n = 0;
    int rc;

    if (!path || !*path)
        return -XE_NOENT;
    if (outlen < 2)
        return -XE_NAMETOOLONG;
    out[0] = '\0';
    if (path[0] != '/' && cwd && (rc = walk(cwd, out, outlen, &n)))
        return rc;
    if ((rc = walk(path, out, outlen, &n)))
        return rc;
    if (n == 0) {
        out[0] = '/';
        out[1] = '\0';
    }
    return 0;
}

int path_next(const char **p, char *name)
{
    const char *s = *p;

    while (*s == '/')
        s++;
    if (!*s)
        return 0;
    size_t k = 0;
    while (*s && *s != '/' && k < COMP_MAX)
        name[k++] = *s++;
    name[k] = '\0';
    while (*s && *s != '/')
        s++;
    *p = s;
    return 1;
}
