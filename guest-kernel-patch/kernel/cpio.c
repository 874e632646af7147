/* cpio newc reader: 110-byte ASCII header, name padded to 4, data padded to 4. */
#include "kernel.h"
#include "cpio.h"

static bool hex8(const char *p, uint32_t *v)
{
    uint32_t r = 0;

    for (int i = 0; i < 8; i++) {
        char c = p[i];
        unsigned int d;
        if (c >= '0' && c <= '9')
            d = (unsigned int)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned int)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned int)(c - 'A' + 10);
        else
            return false;
        r = r << 4 | d;
    }
    *v = r;
    return true;
}

/* Refuses (see cpio.h) anything that would read outside [archive, archive + len). */
int cpio_next(const void *archive, size_t len, size_t *off, struct cpio_entry *e)
{
    const char *a = archive;
    size_t o = *off;
    uint32_t f[13];

    if (o > len || len - o < 110 || memcmp(a + o, "070701", 6))
        return -XE_INVAL;
    for (int i = 0; i < 13; i++)
        if (!hex8(a + o + 6 + 8 * i, &f[i]))
            return -XE_INVAL;
    uint32_t mode = f[1], filesize = f[6], namesize = f[11];
    size_t name_at = o + 110;
    if (namesize < 2 || namesize > len - name_at || a[name_at + namesize - 1] != '\0')
        return -XE_INVAL;
    size_t data_at = ALIGN_UP(name_at + namesize, 4);
    if (data_at > len || filesize > len - data_at)
        return -XE_INVAL;
    e->name = a + name_at;
    e->namelen = namesize - 1;
    if (strnlen(e->name, e->namelen) != e->namelen)
        return -XE_INVAL;
    e->mode = mode;
    e->data = a + data_at;
    e->size = filesize;
    *off = ALIGN_UP(data_at + filesize, 4);
    if (*off > len)
        *off = len;
    return strcmp(e->name, "TRAILER!!!") ? 1 : 0;
}
