/* ELF executable validation for user processes (portable; tests/ drives it on the
 * host). Nothing here maps or copies: exec.c loads what this accepted. */
#include "kernel.h"
#include "elf_check.h"

struct ehdr {
    unsigned char ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define PT_LOAD 1
#define PT_INTERP 3
#define PT_DYNAMIC 2
#define PF_X 1
#define PF_W 2

/* Refuses: short or non-ELF64/x86-64/ET_EXEC headers, program headers outside the
 * file, dynamic/interpreter segments, segments whose file bytes leave the file,
 * filesz > memsz, wrapping or outside [lo, hi), overlapping each other, more than
 * ELF_MAX_SEGS of them or none, and an entry point outside every segment. */
int elf_check(const void *img, size_t len, uint64_t lo, uint64_t hi, struct elf_info *out)
{
    struct ehdr eh;

    if (!img || len < sizeof(eh))
        return -XE_NOEXEC;
    memcpy(&eh, img, sizeof(eh));
    if (memcmp(eh.ident, "\177ELF", 4) || eh.ident[4] != 2 || eh.ident[5] != 1 ||
        eh.type != 2 || eh.machine != 62 || eh.phentsize != sizeof(struct phdr))
        return -XE_NOEXEC;
    if (eh.phoff > len || eh.phnum > (len - eh.phoff) / sizeof(struct phdr))
        return -XE_NOEXEC;
    memset(out, 0, sizeof(*out));
    out->entry = eh.entry;
    bool entry_ok = false;
    for (unsigned int i = 0; i < eh.phnum; i++) {
        struct phdr ph;
        memcpy(&ph, (const char *)img + eh.phoff + i * sizeof(ph), sizeof(ph));
        if (ph.type == PT_INTERP || ph.type == PT_DYNAMIC)
            return -XE_NOEXEC;
        if (ph.type != PT_LOAD || ph.memsz == 0)
            continue;
        if (out->nsegs == ELF_MAX_SEGS || ph.filesz > ph.memsz || ph.offset > len ||
            ph.filesz > len - ph.offset)
            return -XE_NOEXEC;
        if (ph.vaddr < lo || ph.vaddr >= hi || ph.memsz > hi - ph.vaddr)
            return -XE_NOEXEC;
        for (unsigned int j = 0; j < out->nsegs; j++) {
            const struct elf_seg *s = &out->segs[j];
            if (ph.vaddr < s->vaddr + s->memsz && s->vaddr < ph.vaddr + ph.memsz)
                return -XE_NOEXEC;
        }
        out->segs[out->nsegs++] = (struct elf_seg){ ph.vaddr, ph.memsz, ph.offset,
                                                    ph.filesz, (ph.flags & PF_W) != 0,
                                                    (ph.flags & PF_X) != 0 };
        if (eh.entry >= ph.vaddr && eh.entry < ph.vaddr + ph.memsz)
            entry_ok = true;
        if (ph.vaddr + ph.memsz > out->end)
            out->end = ph.vaddr + ph.memsz;
    }
    return out->nsegs && entry_ok ? 0 : -XE_NOEXEC;
}
