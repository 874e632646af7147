/* Store paths: validation, relative resolution, parents. */
#include "store_int.h"

#include <stdio.h>
#include <string.h>

static const char *const specials[] = { "@introduceDomain", "@releaseDomain" };

bool path_is_special(const char *path)
{
    for (size_t i = 0; i < sizeof(specials) / sizeof(specials[0]); i++) {
        if (strcmp(path, specials[i]) == 0)
            return true;
    }
    return false;
}

static bool path_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '/' || c == '_' || c == '@';
}

int domain_path(uint16_t domid, char *out, size_t size)
{
    return snprintf(out, size, "/local/domain/%u", (unsigned)domid);
}

/* Resolves a request path into out[PATH_BUF]. Refuses (EINVAL) an empty path, one
 * over XENSTORE_REL_PATH_MAX (relative) or XENSTORE_ABS_PATH_MAX (absolute) bytes,
 * characters outside A-Z a-z 0-9 - / _ @, "//", a trailing '/' (but "/"), and
 * special @ paths unless special_ok. */
enum xs_err path_resolve(uint16_t domid, const char *in, bool special_ok, char *out,
                         bool *relative)
{
    size_t len = strlen(in), off = 0;

    *relative = false;
    if (len == 0)
        return XE_EINVAL;
    if (in[0] == '@') {
        if (!special_ok || !path_is_special(in))
            return XE_EINVAL;
        memcpy(out, in, len + 1);
        return XE_OK;
    }
    if (in[0] != '/') {
        if (len > XENSTORE_REL_PATH_MAX)
            return XE_EINVAL;
        off = (size_t)domain_path(domid, out, PATH_BUF);
        out[off++] = '/';
        *relative = true;
    }
    if (off + len > XENSTORE_ABS_PATH_MAX)
        return XE_EINVAL;
    for (size_t i = 0; i < len; i++) {
        if (!path_char(in[i]) || (in[i] == '/' && i + 1 < len && in[i + 1] == '/'))
            return XE_EINVAL;
    }
    if (len > 1 && in[len - 1] == '/')
        return XE_EINVAL;
    memcpy(out + off, in, len + 1);
    return XE_OK;
}

bool path_within(const char *path, const char *base)
{
    size_t n = strlen(base);

    if (strncmp(path, base, n) != 0)
        return false;
    if (n == 1 && base[0] == '/')
        return path[0] == '/';
    return path[n] == '\0' || path[n] == '/';
}

void path_parent(const char *path, char *out)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash != NULL ? (size_t)(slash - path) : 0;

    if (n == 0) {
        strcpy(out, "/");
        return;
    }
    memmove(out, path, n);      /* out may be path */
    out[n] = '\0';
}
