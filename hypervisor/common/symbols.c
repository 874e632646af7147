/* Address-to-symbol lookup by binary search over the generated table. */
#include <hv/lib.h>
#include <hv/symbols.h>

const char *ksym_find(const struct ksym_table *t, uint64_t addr, uint64_t *offset,
                      uint64_t *size)
{
    if (t->nr == 0 || addr < t->addr[0] || addr >= t->text_end)
        return NULL;

    uint64_t lo = 0, hi = t->nr;        /* invariant: addr[lo] <= addr < addr[hi] */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (t->addr[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    uint64_t next = lo + 1 < t->nr ? t->addr[lo + 1] : t->text_end;
    *offset = addr - t->addr[lo];
    *size = next - t->addr[lo];
    return t->names + t->name_off[lo];
}

#ifndef XLITE_HOST_TEST
extern const uint64_t ksyms_nr;
extern const uint64_t ksyms_addr[];
extern const uint32_t ksyms_name_off[];
extern const char ksyms_names[];
extern char __text_end[];

const char *symbol_lookup(uint64_t addr, uint64_t *offset, uint64_t *size)
{
    const struct ksym_table t = {
        ksyms_nr, ksyms_addr, ksyms_name_off, ksyms_names, (uint64_t)__text_end
    };
    return ksym_find(&t, addr, offset, size);
}

void symbol_format(uint64_t addr, char *buf, size_t len)
{
    uint64_t off, size;
    const char *name = symbol_lookup(addr, &off, &size);

    if (name)
        xl_snprintf(buf, len, "%s+%#lx/%#lx", name, off, size);
    else
        xl_snprintf(buf, len, "?");
}
#endif
