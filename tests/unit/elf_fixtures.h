/* Builds Xen PV kernel ELF images in memory for unit tests: an ELF header, program
 * headers, note areas (for a PT_NOTE and/or a SHT_NOTE section), PT_LOAD file data and
 * an optional section-header table, described by a `struct fx_spec` that tests edit
 * before calling fx_build(). Host only: uses the host's <elf.h>, so the layouts are
 * independent of the loader's private definitions. */
#ifndef XLITE_TESTS_UNIT_ELF_FIXTURES_H
#define XLITE_TESTS_UNIT_ELF_FIXTURES_H

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FX_MAX_PHDRS    24      /* more than the loader's 16 PT_LOADs */
#define FX_MAX_NOTES    24
#define FX_NAME_MAX     16
#define FX_DESC_MAX     256

/* Which note area a note goes to (a bitmask). */
#define FX_AREA_PHDR    1u      /* the area a PT_NOTE covers */
#define FX_AREA_SECT    2u      /* the area a separate SHT_NOTE section covers */

struct fx_note {
    char name[FX_NAME_MAX];     /* the first namesz bytes (at most 16) are written */
    uint32_t namesz;
    uint32_t type;
    uint8_t desc[FX_DESC_MAX];
    uint32_t descsz;            /* at most FX_DESC_MAX */
    unsigned areas;             /* FX_AREA_* */
};

struct fx_phdr {
    uint32_t type, flags;       /* PT_*, PF_* */
    uint64_t vaddr, paddr;
    uint64_t filesz, memsz;     /* filesz bytes of fx_pattern() data are written */
};

struct fx_spec {
    uint64_t entry;             /* e_entry */
    unsigned nr_phdrs;
    struct fx_phdr ph[FX_MAX_PHDRS];
    unsigned nr_notes;
    struct fx_note note[FX_MAX_NOTES];
    bool pt_note;               /* append a PT_NOTE over the FX_AREA_PHDR area */
    bool sht_note;              /* emit a SHT_NOTE section (needs `sections`) */
    bool sht_note_shares;       /* ... covering the FX_AREA_PHDR area (XTF) instead */
    bool sections;              /* emit section headers at the end of the file */
};

/* Where fx_build() put things, for tests that patch the image afterwards. */
struct fx_layout {
    size_t size;                /* image bytes */
    size_t phoff;
    unsigned phnum;
    int pt_note_idx;            /* program-header index of the PT_NOTE, or -1 */
    size_t parea_off, parea_len;    /* FX_AREA_PHDR notes */
    size_t sarea_off, sarea_len;    /* FX_AREA_SECT notes (when not shared) */
    size_t note_off[FX_MAX_NOTES];  /* each note's header: in the PHDR area if it is
                                     * there, else in the SECT area; 0 if in neither */
    size_t data_off[FX_MAX_PHDRS];  /* p_offset of each spec phdr */
    size_t shoff;
    unsigned shnum;
    int note_sh_idx;            /* section index of the SHT_NOTE, or -1 */
};

/* Zeroes *s and sets pt_note and sections. */
void fx_init(struct fx_spec *s);
/* Appends a program header with paddr = vaddr; returns it for further edits. */
struct fx_phdr *fx_add_phdr(struct fx_spec *s, uint32_t type, uint32_t flags,
                            uint64_t vaddr, uint64_t filesz, uint64_t memsz);
/* Appends a "Xen" note (namesz 4) in both areas; returns it for further edits. */
struct fx_note *fx_add_note(struct fx_spec *s, uint32_t type, const void *desc,
                            uint32_t descsz);
struct fx_note *fx_add_note_str(struct fx_spec *s, uint32_t type, const char *str);
struct fx_note *fx_add_note_u32(struct fx_spec *s, uint32_t type, uint32_t v);
struct fx_note *fx_add_note_u64(struct fx_spec *s, uint32_t type, uint64_t v);
/* Sets a note's name and namesz (name bytes beyond strlen are zero). */
void fx_note_name(struct fx_note *n, const char *name, uint32_t namesz);
/* The first note named "Xen" with that type, or NULL. */
struct fx_note *fx_find_note(struct fx_spec *s, uint32_t type);
/* Removes every "Xen" note of that type; returns how many. */
unsigned fx_del_note(struct fx_spec *s, uint32_t type);

/* XTF-like: one RWX PT_LOAD at 0x100000 (filesz 0x3000, memsz 0x11000), entry 0x100000,
 * GUEST_OS "XTF", GUEST_VERSION "0", LOADER "generic", XEN_VERSION "xen-3.0", PAE_MODE
 * "yes", FEATURES "!writable_page_tables|pae_pgdir_above_4gb", HYPERCALL_PAGE 0x106000
 * (8 bytes); PT_NOTE plus a SHT_NOTE section over the same notes. */
void fx_xtf(struct fx_spec *s);
/* Mini-OS-like: PT_LOAD R-X at VA 0 (0x3000 bytes), PT_LOAD RW- at 0x3000 (filesz 0x800,
 * memsz 0x65e24, ending at 0x68e24), PT_GNU_STACK, entry 0; GUEST_OS "Mini-OS", LOADER
 * "generic", XEN_VERSION "xen-3.0", HYPERCALL_PAGE 0x2000; no PT_NOTE, the notes only
 * in a non-alloc SHT_NOTE section. */
void fx_minios(struct fx_spec *s);

/* Writes the image into buf[cap] (zeroing it first) and describes it in *lay (may be
 * NULL). Returns the image size, or 0 if it does not fit in cap. */
size_t fx_build(const struct fx_spec *s, uint8_t *buf, size_t cap, struct fx_layout *lay);

/* Byte j of the file data of program header i (never zero). */
uint8_t fx_pattern(unsigned i, uint64_t j);

/* Stores the low `width` bytes of v little-endian at buf + off. */
void fx_set(uint8_t *buf, size_t off, uint64_t v, size_t width);

#define FX_SET_FIELD(buf, base, type, field, v) \
    fx_set((buf), (base) + offsetof(type, field), (v), sizeof(((type *)0)->field))
/* Patches one field of the ELF header, of program header i, or of section header i. */
#define FX_SET_EH(buf, field, v) FX_SET_FIELD(buf, 0, Elf64_Ehdr, field, v)
#define FX_SET_PH(buf, lay, i, field, v) \
    FX_SET_FIELD(buf, (lay)->phoff + (size_t)(i) * sizeof(Elf64_Phdr), Elf64_Phdr, field, v)
#define FX_SET_SH(buf, lay, i, field, v) \
    FX_SET_FIELD(buf, (lay)->shoff + (size_t)(i) * sizeof(Elf64_Shdr), Elf64_Shdr, field, v)
/* Patches the header of note n (fields n_namesz, n_descsz, n_type). */
#define FX_SET_NH(buf, lay, n, field, v) \
    FX_SET_FIELD(buf, (lay)->note_off[n], Elf64_Nhdr, field, v)

#endif
