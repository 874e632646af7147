/* Symbol lookup for stack traces. The table is generated from the first link of the
 * image (scripts/gen-ksyms.sh) and linked into the second. */
#ifndef XLITE_SYMBOLS_H
#define XLITE_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

struct ksym_table {
    uint64_t nr;
    const uint64_t *addr;       /* sorted ascending */
    const uint32_t *name_off;   /* offsets into names */
    const char *names;
    uint64_t text_end;          /* addresses at or past this are not code */
};

/* Find the symbol containing addr: returns its name and sets *offset (addr - start)
 * and *size (distance to the next symbol), or returns NULL if addr is below the first
 * symbol or at/after text_end. */
const char *ksym_find(const struct ksym_table *t, uint64_t addr, uint64_t *offset,
                      uint64_t *size);

/* The hypervisor's own table. */
const char *symbol_lookup(uint64_t addr, uint64_t *offset, uint64_t *size);

/* Format "name+0xoff/0xsize" (or "?") into buf. */
void symbol_format(uint64_t addr, char *buf, size_t len);

#endif
