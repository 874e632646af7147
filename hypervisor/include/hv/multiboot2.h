/* Multiboot2 boot information: on-wire constants and the parsed, bounds-checked view.
 * The parser (common/multiboot2.c) has no hardware access so host tests can feed it
 * crafted and malformed blobs. */
#ifndef XLITE_MULTIBOOT2_H
#define XLITE_MULTIBOOT2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MB2_BOOTLOADER_MAGIC    0x36d76289u   /* in EAX at entry */
#define MB2_HEADER_MAGIC        0xe85250d6u   /* in the image header */

/* Information tag types (after the 8-byte fixed part: u32 total_size, u32 reserved). */
#define MB2_TAG_END             0
#define MB2_TAG_CMDLINE         1
#define MB2_TAG_LOADER_NAME     2
#define MB2_TAG_MODULE          3
#define MB2_TAG_BASIC_MEMINFO   4
#define MB2_TAG_BOOTDEV         5
#define MB2_TAG_MMAP            6
#define MB2_TAG_ELF_SECTIONS    9
#define MB2_TAG_ACPI_OLD        14
#define MB2_TAG_ACPI_NEW        15

/* Memory map entry types. */
#define MB2_MEM_AVAILABLE       1
#define MB2_MEM_RESERVED        2
#define MB2_MEM_ACPI_RECLAIM    3
#define MB2_MEM_NVS             4
#define MB2_MEM_BAD             5

#define MB2_MAX_MMAP            128
#define MB2_MAX_MODULES         16
#define MB2_CMDLINE_MAX         1024
#define MB2_MODSTRING_MAX       1024
#define MB2_LOADER_MAX          64
#define MB2_INFO_MAX_SIZE       (1u << 20)  /* refuse anything bigger as corrupt */

struct mb2_mmap_entry {
    uint64_t addr;
    uint64_t len;
    uint32_t type;
};

struct mb2_module {
    uint64_t start;                 /* physical, inclusive */
    uint64_t end;                   /* physical, exclusive */
    char string[MB2_MODSTRING_MAX]; /* the module's command line, NUL-terminated */
};

struct boot_info {
    uint64_t info_size;             /* total_size of the blob (to reserve it) */
    char cmdline[MB2_CMDLINE_MAX];
    char loader[MB2_LOADER_MAX];
    bool has_meminfo;
    uint32_t mem_lower_kib, mem_upper_kib;
    uint32_t nr_mmap;
    struct mb2_mmap_entry mmap[MB2_MAX_MMAP];
    uint32_t nr_modules;
    struct mb2_module modules[MB2_MAX_MODULES];
};

/* Parse a Multiboot2 information blob of which `avail` bytes are readable.
 * Refuses (returns -XEN_EINVAL and writes a one-line reason to err) a blob whose
 * total_size is < 16, > avail or > MB2_INFO_MAX_SIZE, a tag that is misaligned, runs
 * past total_size or is shorter than its type requires, a string tag without a NUL
 * inside the tag, a module with end < start, an mmap tag with entry_size < 24 or not a
 * multiple of 8, and a missing end tag. Too many mmap entries or modules is an error
 * too (nothing is silently dropped). Unknown tag types are skipped. Strings longer than
 * the buffers are refused as well. Returns 0 on success. */
int mb2_parse(const void *blob, size_t avail, struct boot_info *out,
              char *err, size_t errlen);

/* Total usable RAM (type MB2_MEM_AVAILABLE) in bytes, overlaps counted once. */
uint64_t mb2_usable_bytes(const struct boot_info *bi);

#endif
