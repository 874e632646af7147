/* Validation of static ELF64 x86-64 executables for user processes (portable,
 * host-tested): every segment inside the file and inside [XU_BASE, XU_TOP). */
#ifndef ELF_CHECK_H
#define ELF_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGS 8

struct elf_seg {
    uint64_t vaddr, memsz, offset, filesz;
    bool writable, executable;
};
struct elf_info {
    uint64_t entry;
    unsigned int nsegs;
    struct elf_seg segs[ELF_MAX_SEGS];
    uint64_t end;                      /* highest segment end (heap starts above) */
};

/* 0, or -XE_NOEXEC for anything that is not a loadable user executable. */
int elf_check(const void *img, size_t len, uint64_t lo, uint64_t hi, struct elf_info *out);

#endif
