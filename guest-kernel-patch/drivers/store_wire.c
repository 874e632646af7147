/* xenstore message encoding and decoding: pure functions over byte buffers. */
#include "kernel.h"
#include "store_wire.h"

long xsw_encode(char *out, size_t outlen, uint32_t type, uint32_t req_id, uint32_t tx_id,
                const char *const fields[], unsigned int nfields, int last_raw)
{
    size_t len = 0;

    for (unsigned int i = 0; i < nfields; i++) {
        len += strlen(fields[i]) + (last_raw && i + 1 == nfields ? 0 : 1);
        if (len > XENSTORE_PAYLOAD_MAX)
            return -XE_2BIG;
    }
    if (sizeof(struct xsd_sockmsg) + len > outlen)
        return -XE_2BIG;
    struct xsd_sockmsg h = { type, req_id, tx_id, (uint32_t)len };
    memcpy(out, &h, sizeof(h));
    char *p = out + sizeof(h);
    for (unsigned int i = 0; i < nfields; i++) {
        size_t k = strlen(fields[i]);
        memcpy(p, fields[i], k);
        p += k;
        if (!(last_raw && i + 1 == nfields))
            *p++ = '\0';
    }
    return (long)(sizeof(h) + len);
}

int xsw_header(const char *buf, size_t n, struct xsd_sockmsg *h)
{
    if (n < sizeof(*h))
        return -XE_AGAIN;
    memcpy(h, buf, sizeof(*h));
    if (h->len > XENSTORE_PAYLOAD_MAX || h->type >= XS_TYPE_COUNT)
        return -XE_INVAL;
    return 0;
}

int xsw_fields(const char *payload, size_t len, const char **fields, int max)
{
    int n = 0;
    size_t i = 0;

    if (len && payload[len - 1] != '\0')
        return -XE_INVAL;
    while (i < len) {
        if (n == max)
            return -XE_INVAL;
        fields[n++] = payload + i;
        i += strlen(payload + i) + 1;
    }
    return n;
}

int xsw_error(const char *payload, size_t len)
{
    static const struct { const char *name; int err; } map[] = {
        { "EINVAL", XE_INVAL }, { "EACCES", XE_ACCES }, { "EEXIST", XE_EXIST },
        { "EISDIR", XE_ISDIR }, { "ENOENT", XE_NOENT }, { "ENOMEM", XE_NOMEM },
        { "ENOSPC", XE_NOSPC }, { "EIO", XE_IO }, { "ENOTEMPTY", XE_NOTEMPTY },
        { "ENOSYS", XE_NOSYS }, { "EROFS", XE_ROFS }, { "EBUSY", XE_BUSY },
        { "EAGAIN", XE_AGAIN }, { "E2BIG", XE_2BIG }, { "EPERM", XE_PERM },
    };
    size_t n = strnlen(payload, len);

    for (size_t i = 0; i < ARRAY_SIZE(map); i++)
        if (strlen(map[i].name) == n && !memcmp(map[i].name, payload, n))
            return -map[i].err;
    return -XE_IO;
}
