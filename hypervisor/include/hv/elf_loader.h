/* PV kernel ELF images: validation and the parsed view the domain builder works from
 * (common/elf_loader.c). No hardware access: host tests feed it crafted and corrupted
 * images, and guest memory is reached only through the caller's callbacks.
 *
 * Address model (Xen's libelf, followed exactly): p_vaddr is ignored; a PT_LOAD's guest
 * VA is  va = p_paddr + virt_base - paddr_offset  computed modulo 2^64 (a "negative"
 * offset is legitimate), where virt_base is the VIRT_BASE note (absent: 0) and
 * paddr_offset the PADDR_OFFSET note (absent: 0, since xlite only reads ELF notes, never
 * the legacy __xen_guest section). ENTRY and HYPERCALL_PAGE are VAs, not translated.
 * Images are x86-64, hence little-endian like the CPU that parses them. */
#ifndef XLITE_ELF_LOADER_H
#define XLITE_ELF_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PV_ELF_MAX_SEGMENTS     16              /* PT_LOADs */
#define PV_ELF_MAX_SPAN         (1ull << 30)    /* virt_kend - virt_kstart */
#define PV_ELF_PAGE_SIZE        4096ull
#define PV_ELF_STR_MAX          32              /* stored note strings, with the NUL */
#define PV_ELF_FEATURES_MAX     128

/* Guest-controlled VA space (the rest is non-canonical or the hypervisor's range,
 * 0xFFFF800000000000-0xFFFF87FFFFFFFFFF). */
#define PV_GUEST_LOW_END        0x0000800000000000ull   /* exclusive */
#define PV_HYPERVISOR_START     0xFFFF800000000000ull
#define PV_GUEST_HIGH_START     0xFFFF880000000000ull

/* p_flags bits, as in the ELF file. */
#define PV_ELF_PF_X             1u
#define PV_ELF_PF_W             2u
#define PV_ELF_PF_R             4u

struct pv_elf_segment {
    uint64_t offset;        /* p_offset: the file bytes start here in the image */
    uint64_t filesz;        /* bytes copied from the image */
    uint64_t memsz;         /* bytes of guest memory; memsz - filesz are zeroed */
    uint64_t paddr;         /* p_paddr as written in the file */
    uint64_t va;            /* guest VA: paddr + virt_base - paddr_offset (mod 2^64) */
    uint32_t flags;         /* PV_ELF_PF_* */
};

struct pv_elf_info {
    uint64_t entry;             /* virtual entry: ENTRY note, else e_entry */
    uint64_t virt_base;         /* VIRT_BASE note, else 0 (page-aligned) */
    uint64_t paddr_offset;      /* PADDR_OFFSET note, else 0 */
    uint64_t virt_kstart;       /* lowest segment VA, rounded down to a page */
    uint64_t virt_kend;         /* highest segment VA end, rounded up to a page */
    uint64_t hypercall_page;    /* page-aligned VA inside a segment, or 0 */
    bool has_hypercall_page;
    bool notes_from_sections;   /* Xen notes came from the SHT_NOTE fallback */
    /* Note strings, NUL-terminated; longer ones are truncated here (every check is
     * made on the full string in the image). Empty when the note is absent. */
    char guest_os[PV_ELF_STR_MAX];
    char guest_version[PV_ELF_STR_MAX];
    char xen_version[PV_ELF_STR_MAX];
    char loader[PV_ELF_STR_MAX];
    char features[PV_ELF_FEATURES_MAX];
    unsigned nr_segments;       /* loadable PT_LOADs, in program-header order */
    struct pv_elf_segment seg[PV_ELF_MAX_SEGMENTS];
};

/* Validates the `size`-byte PV kernel image at `image` and fills *info. Returns 0, or a
 * negative errno with a one-line reason (starting "elf: ") in err when errlen > 0; on
 * failure *info is zeroed. Nothing outside [image, image + size) is ever read, and the
 * image needs no particular alignment.
 *
 * -XEN_EINVAL refuses: NULL image or info; an image shorter than the ELF header; a bad
 * magic, class (not ELFCLASS64), data encoding (not ELFDATA2LSB), version (e_ident or
 * e_version not EV_CURRENT), e_machine (not EM_X86_64) or e_type (not ET_EXEC);
 * e_phentsize != 56; a program-header table not wholly inside the image; no loadable
 * PT_LOAD (a PT_LOAD with none of PF_R/W/X is not loadable and is skipped, as in libelf);
 * a PT_LOAD with filesz > memsz, a file range outside the image, a VA range that wraps
 * past 2^64, touches the non-canonical hole or the hypervisor range, or overlaps
 * another PT_LOAD; a PT_NOTE whose file range lies outside the image; when e_shnum != 0,
 * e_shentsize != 64 or a section-header table outside the image; a scanned note area
 * holding a truncated note header, name or descriptor; no "Xen" note at all (notes
 * are read from PT_NOTE segments, or from SHT_NOTE sections if no PT_NOTE yields one;
 * like libelf, a PT_NOTE with p_offset 0, left by old binutils, is skipped);
 * an ENTRY, HYPERCALL_PAGE, VIRT_BASE or PADDR_OFFSET note whose descriptor is not 4 or
 * 8 bytes (string notes end at their NUL or at the end of their descriptor, as Xen
 * reads them: Linux's FEATURES has no NUL); XEN_VERSION absent or not starting with "xen-3.0"; LOADER not
 * starting with "generic" unless GUEST_OS starts with "linux" (libelf's prefix rule);
 * PADDR_OFFSET without VIRT_BASE (libelf); VIRT_BASE not page-aligned (the builder maps
 * whole pages from it) or above the lowest segment VA (libelf); a highest segment end
 * inside the last page of the address space (it cannot be rounded up); an entry outside
 * [lowest segment VA, highest segment end); a HYPERCALL_PAGE that is not page-aligned or
 * not inside a PT_LOAD's VA range (the builder fills that page after pv_elf_load).
 * -XEN_E2BIG refuses more than PV_ELF_MAX_SEGMENTS PT_LOADs and an image spanning more
 * than PV_ELF_MAX_SPAN bytes of VA (page-rounded).
 * -XEN_EOPNOTSUPP refuses a FEATURES note requiring ("!name") a feature xlite lacks:
 * every feature except writable_page_tables and pae_pgdir_above_4gb, which Xen ignores
 * for 64-bit PV. Unprefixed (optional) features are only recorded.
 * Only notes named "Xen\0" (namesz 4) count; other notes are stepped over. Notes this
 * loader does not use (PAE_MODE, INIT_P2M, L1_MFN_VALID, ...) are not validated. A
 * later note of a type replaces an earlier one. */
int pv_elf_parse(const void *image, size_t size, struct pv_elf_info *info,
                 char *err, size_t errlen);

/* Copies a parsed image into guest memory: for each segment in order,
 * write(ctx, va, image + offset, filesz) then zero(ctx, va + filesz, memsz - filesz);
 * zero-length calls are skipped. Memory of [virt_kstart, virt_kend) outside the
 * segments is not touched (the builder provides zeroed pages). `info` must come from
 * pv_elf_parse() of the same image; as a safeguard a NULL argument, nr_segments above
 * the limit or a segment outside the image is refused with -XEN_EINVAL before any
 * callback runs. A callback's negative return stops the load and is returned as is; a
 * positive one is treated as failure and becomes -XEN_EIO. Returns 0 on success. */
int pv_elf_load(const void *image, size_t size, const struct pv_elf_info *info,
                int (*write)(void *ctx, uint64_t va, const void *src, size_t len),
                int (*zero)(void *ctx, uint64_t va, size_t len), void *ctx);

#endif
