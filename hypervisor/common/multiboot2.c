/* Multiboot2 boot-information parser: every field is bounds-checked against the blob's
 * total_size (itself checked against the readable length) and copied out. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/lib.h>
#include <hv/multiboot2.h>
#include <xlite/errno.h>

#define MB2_FIXED_SIZE      8u   /* u32 total_size, u32 reserved */
#define MB2_TAG_HDR_SIZE    8u   /* u32 type, u32 size */
#define MB2_TAG_ALIGN       8u
#define MB2_MODULE_MIN      17u  /* header, mod_start, mod_end, at least the NUL */
#define MB2_MEMINFO_MIN     16u  /* header, mem_lower, mem_upper */
#define MB2_MMAP_HDR_SIZE   16u  /* header, entry_size, entry_version */
#define MB2_MMAP_ENTRY_MIN  24u  /* u64 addr, u64 len, u32 type, u32 reserved */

/* Writes a one-line reason to err (if there is room) and returns -XEN_EINVAL. */
__attribute__((format(printf, 3, 4)))
static int mb2_fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err != NULL && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        xl_vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -XEN_EINVAL;
}

/* Reads a native (little-endian) u32 at p; the caller guarantees 4 readable bytes. */
static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

/* Reads a native (little-endian) u64 at p; the caller guarantees 8 readable bytes. */
static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

/* Copies the NUL-terminated string in s[0..n) into dst[cap]; refuses a string with no
 * NUL inside the n bytes or one that does not fit (with its NUL) in cap. */
static int copy_string(const uint8_t *s, uint32_t n, char *dst, size_t cap,
                       const char *what, char *err, size_t errlen)
{
    size_t len = strnlen((const char *)s, n);

    if (len == n)
        return mb2_fail(err, errlen, "mb2: %s string is not NUL-terminated inside its tag",
                        what);
    if (len >= cap)
        return mb2_fail(err, errlen, "mb2: %s string is %zu bytes, limit is %zu",
                        what, len, cap - 1);
    memcpy(dst, s, len + 1);
    return 0;
}

/* Module tag: refuses a short tag, end < start, a bad string and one module too many. */
static int parse_module(struct boot_info *out, const uint8_t *tag, uint32_t size,
                        char *err, size_t errlen)
{
    struct mb2_module *m;
    uint32_t start, end;

    if (size < MB2_MODULE_MIN)
        return mb2_fail(err, errlen, "mb2: module tag size %u < %u", size, MB2_MODULE_MIN);
    start = rd32(tag + 8);
    end = rd32(tag + 12);
    if (end < start)
        return mb2_fail(err, errlen, "mb2: module end %#x < start %#x", end, start);
    if (out->nr_modules >= MB2_MAX_MODULES)
        return mb2_fail(err, errlen, "mb2: more than %u modules", MB2_MAX_MODULES);
    m = &out->modules[out->nr_modules];
    if (copy_string(tag + 16, size - 16, m->string, sizeof(m->string), "module",
                    err, errlen) != 0)
        return -XEN_EINVAL;
    m->start = start;
    m->end = end;
    out->nr_modules++;
    return 0;
}

/* Memory-map tag: refuses a short tag, entry_size < 24 or not a multiple of 8, a body
 * that is not a whole number of entries, too many entries, and an entry that wraps. */
static int parse_mmap(struct boot_info *out, const uint8_t *tag, uint32_t size,
                      char *err, size_t errlen)
{
    uint32_t esize, body, n, i;

    if (size < MB2_MMAP_HDR_SIZE)
        return mb2_fail(err, errlen, "mb2: mmap tag size %u < %u", size, MB2_MMAP_HDR_SIZE);
    esize = rd32(tag + 8);
    if (esize < MB2_MMAP_ENTRY_MIN || esize % 8 != 0)
        return mb2_fail(err, errlen, "mb2: bad mmap entry_size %u", esize);
    body = size - MB2_MMAP_HDR_SIZE;
    if (body % esize != 0)
        return mb2_fail(err, errlen, "mb2: mmap body %u is not a multiple of entry_size %u",
                        body, esize);
    n = body / esize;
    if (n > MB2_MAX_MMAP - out->nr_mmap)
        return mb2_fail(err, errlen, "mb2: more than %u mmap entries", MB2_MAX_MMAP);
    for (i = 0; i < n; i++) {
        const uint8_t *e = tag + MB2_MMAP_HDR_SIZE + (size_t)i * esize;
        struct mb2_mmap_entry *d = &out->mmap[out->nr_mmap + i];

        d->addr = rd64(e);
        d->len = rd64(e + 8);
        d->type = rd32(e + 16);
        if (d->len > UINT64_MAX - d->addr)
            return mb2_fail(err, errlen, "mb2: mmap entry %u wraps past 2^64", i);
    }
    out->nr_mmap += n;
    return 0;
}

/* Dispatches one non-end tag (size already checked to be >= 8 and inside the blob);
 * unknown and uninteresting types are skipped. */
static int parse_tag(struct boot_info *out, uint32_t type, const uint8_t *tag,
                     uint32_t size, char *err, size_t errlen)
{
    switch (type) {
    case MB2_TAG_CMDLINE:
        return copy_string(tag + 8, size - 8, out->cmdline, sizeof(out->cmdline),
                           "cmdline", err, errlen);
    case MB2_TAG_LOADER_NAME:
        return copy_string(tag + 8, size - 8, out->loader, sizeof(out->loader),
                           "loader name", err, errlen);
    case MB2_TAG_MODULE:
        return parse_module(out, tag, size, err, errlen);
    case MB2_TAG_BASIC_MEMINFO:
        if (size < MB2_MEMINFO_MIN)
            return mb2_fail(err, errlen, "mb2: meminfo tag size %u < %u",
                            size, MB2_MEMINFO_MIN);
        out->has_meminfo = true;
        out->mem_lower_kib = rd32(tag + 8);
        out->mem_upper_kib = rd32(tag + 12);
        return 0;
    case MB2_TAG_MMAP:
        return parse_mmap(out, tag, size, err, errlen);
    default:
        return 0;
    }
}

/* Walks the tag list of a blob whose fixed part is already validated; refuses a tag
 * shorter than 8, a tag running past total_size and a list without an end tag. */
static int parse_tags(const uint8_t *p, uint32_t total, struct boot_info *out,
                      char *err, size_t errlen)
{
    uint32_t off = MB2_FIXED_SIZE;

    for (;;) {
        uint32_t type, size;
        int rc;

        if (off > total || total - off < MB2_TAG_HDR_SIZE)
            return mb2_fail(err, errlen, "mb2: no end tag before total_size %u", total);
        type = rd32(p + off);
        size = rd32(p + off + 4);
        if (size < MB2_TAG_HDR_SIZE)
            return mb2_fail(err, errlen, "mb2: tag type %u at %#x has size %u < 8",
                            type, off, size);
        if (size > total - off)
            return mb2_fail(err, errlen, "mb2: tag type %u at %#x (size %u) runs past %u",
                            type, off, size, total);
        if (type == MB2_TAG_END)
            return 0;
        rc = parse_tag(out, type, p + off, size, err, errlen);
        if (rc != 0)
            return rc;
        /* off + size <= total <= MB2_INFO_MAX_SIZE, so rounding up cannot overflow. */
        off += (size + (MB2_TAG_ALIGN - 1)) & ~(MB2_TAG_ALIGN - 1);
    }
}

/* Parses the blob per multiboot2.h; also refuses a NULL or non-8-byte-aligned blob and
 * avail < 8. On failure *out is left zeroed. */
int mb2_parse(const void *blob, size_t avail, struct boot_info *out,
              char *err, size_t errlen)
{
    const uint8_t *p = blob;
    uint32_t total;
    int rc;

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (out == NULL)
        return mb2_fail(err, errlen, "mb2: no output buffer");
    memset(out, 0, sizeof(*out));
    if (p == NULL)
        return mb2_fail(err, errlen, "mb2: no boot information");
    if ((uintptr_t)p % MB2_TAG_ALIGN != 0)
        return mb2_fail(err, errlen, "mb2: boot information at %p is not 8-byte aligned",
                        blob);
    if (avail < MB2_FIXED_SIZE)
        return mb2_fail(err, errlen, "mb2: only %zu readable bytes", avail);
    total = rd32(p);
    if (total < MB2_FIXED_SIZE + MB2_TAG_HDR_SIZE)
        return mb2_fail(err, errlen, "mb2: total_size %u < 16", total);
    if (total > avail)
        return mb2_fail(err, errlen, "mb2: total_size %u > %zu readable bytes", total, avail);
    if (total > MB2_INFO_MAX_SIZE)
        return mb2_fail(err, errlen, "mb2: total_size %u > %u", total, MB2_INFO_MAX_SIZE);
    rc = parse_tags(p, total, out, err, errlen);
    if (rc != 0) {
        memset(out, 0, sizeof(*out));
        return rc;
    }
    out->info_size = total;
    return 0;
}

/* Sums the union of the available entries (at most MB2_MAX_MMAP are looked at); empty
 * entries are ignored and an end past 2^64 is clamped. */
uint64_t mb2_usable_bytes(const struct boot_info *bi)
{
    struct { uint64_t s, e; } r[MB2_MAX_MMAP];
    uint32_t n = 0, i, j, nr;
    uint64_t total = 0, cur_s = 0, cur_e = 0;

    if (bi == NULL)
        return 0;
    nr = MIN(bi->nr_mmap, (uint32_t)MB2_MAX_MMAP);
    for (i = 0; i < nr; i++) {
        const struct mb2_mmap_entry *m = &bi->mmap[i];

        if (m->type != MB2_MEM_AVAILABLE || m->len == 0)
            continue;
        /* Insertion sort by start: n <= 128. */
        for (j = n; j > 0 && r[j - 1].s > m->addr; j--)
            r[j] = r[j - 1];
        r[j].s = m->addr;
        r[j].e = m->len > UINT64_MAX - m->addr ? UINT64_MAX : m->addr + m->len;
        n++;
    }
    for (i = 0; i < n; i++) {
        if (i == 0 || r[i].s > cur_e) {
            total += cur_e - cur_s;
            cur_s = r[i].s;
            cur_e = r[i].e;
        } else if (r[i].e > cur_e) {
            cur_e = r[i].e;
        }
    }
    return total + (cur_e - cur_s);
}
