/* PV kernel ELF loader, parsing and validation half: every header, table and note is
 * bounds-checked against the image size with arithmetic that cannot wrap, and copied
 * out with memcpy (the image may be unaligned). Rules and address model: elf_loader.h. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/elf_loader.h>
#include <hv/lib.h>
#include <xlite/elfnote.h>
#include <xlite/errno.h>

/* ---- the ELF64 subset we read (System V gABI; little-endian like x86) --------------- */

#define EI_NIDENT       16
#define EI_CLASS        4
#define EI_DATA         5
#define EI_VERSION      6
#define ELFCLASS64      2
#define ELFDATA2LSB     1
#define EV_CURRENT      1
#define ET_EXEC         2
#define EM_X86_64       62
#define PT_LOAD         1
#define PT_NOTE         4
#define SHT_NOTE        7

struct elf64_ehdr {
    uint8_t e_ident[EI_NIDENT];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};

struct elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
};

struct elf64_shdr {
    uint32_t sh_name;
    uint32_t sh_type;
    uint64_t sh_flags;
    uint64_t sh_addr;
    uint64_t sh_offset;
    uint64_t sh_size;
    uint32_t sh_link;
    uint32_t sh_info;
    uint64_t sh_addralign;
    uint64_t sh_entsize;
};

struct elf64_nhdr {
    uint32_t n_namesz;
    uint32_t n_descsz;
    uint32_t n_type;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "Elf64_Ehdr is 64 bytes");
_Static_assert(sizeof(struct elf64_phdr) == 56, "Elf64_Phdr is 56 bytes");
_Static_assert(sizeof(struct elf64_shdr) == 64, "Elf64_Shdr is 64 bytes");
_Static_assert(sizeof(struct elf64_nhdr) == 12, "Elf64_Nhdr is 12 bytes");

#define PF_RWX          (PV_ELF_PF_R | PV_ELF_PF_W | PV_ELF_PF_X)
#define NOTE_ALIGN      4u
#define XEN_NOTE_NAMESZ 4u                  /* "Xen\0" */
#define PAGE_MASK_LOW   (PV_ELF_PAGE_SIZE - 1)
#define TOP_PAGE        (UINT64_MAX - PAGE_MASK_LOW)    /* 0xFFFFFFFFFFFFF000 */

/* Segment sizes are passed to the callbacks as size_t. */
_Static_assert(SIZE_MAX >= UINT64_MAX, "size_t holds any 64-bit length");

/* ---- parse state ------------------------------------------------------------------- */

struct parse {
    const uint8_t *img;
    size_t size;
    char *err;
    size_t errlen;
    struct pv_elf_info *info;
    struct elf64_ehdr eh;
    unsigned xen_notes;                     /* "Xen" notes seen */
    bool has_entry, has_virt_base, has_paddr_offset;
    /* Full note strings inside the image, or NULL, each with its length: a string ends
     * at its NUL or at the end of its note (Linux emits FEATURES without a NUL). */
    const char *xen_version, *guest_os, *loader, *features;
    size_t xen_version_len, guest_os_len, loader_len, features_len;
};

/* Writes "elf: <reason>" to err (if there is room) and returns rc. */
__attribute__((format(printf, 3, 4)))
static int elf_fail(struct parse *p, int rc, const char *fmt, ...)
{
    if (p->err != NULL && p->errlen > 0) {
        size_t n = xl_strlcpy(p->err, "elf: ", p->errlen);
        va_list ap;

        if (n < p->errlen) {
            va_start(ap, fmt);
            xl_vsnprintf(p->err + n, p->errlen - n, fmt, ap);
            va_end(ap);
        }
    }
    return rc;
}

/* True when [off, off + len) lies inside [0, limit); never wraps. */
static bool range_ok(uint64_t off, uint64_t len, uint64_t limit)
{
    return off <= limit && len <= limit - off;
}

static uint32_t rd32(const uint8_t *q)
{
    uint32_t v;

    memcpy(&v, q, sizeof(v));
    return v;
}

static uint64_t rd64(const uint8_t *q)
{
    uint64_t v;

    memcpy(&v, q, sizeof(v));
    return v;
}

static void read_phdr(const struct parse *p, unsigned i, struct elf64_phdr *ph)
{
    memcpy(ph, p->img + p->eh.e_phoff + (uint64_t)i * sizeof(*ph), sizeof(*ph));
}

static void read_shdr(const struct parse *p, unsigned i, struct elf64_shdr *sh)
{
    memcpy(sh, p->img + p->eh.e_shoff + (uint64_t)i * sizeof(*sh), sizeof(*sh));
}

/* ---- headers ----------------------------------------------------------------------- */

/* ELF header: refuses a short image and any identification this loader cannot run. */
static int check_ehdr(struct parse *p)
{
    const struct elf64_ehdr *eh = &p->eh;

    if (p->size < sizeof(*eh))
        return elf_fail(p, -XEN_EINVAL, "image is %zu bytes, smaller than an ELF header",
                        p->size);
    memcpy(&p->eh, p->img, sizeof(p->eh));
    if (memcmp(eh->e_ident, "\177ELF", 4) != 0)
        return elf_fail(p, -XEN_EINVAL, "bad ELF magic");
    if (eh->e_ident[EI_CLASS] != ELFCLASS64)
        return elf_fail(p, -XEN_EINVAL, "not ELFCLASS64 (EI_CLASS %u)",
                        eh->e_ident[EI_CLASS]);
    if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
        return elf_fail(p, -XEN_EINVAL, "not ELFDATA2LSB (EI_DATA %u)",
                        eh->e_ident[EI_DATA]);
    if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
        return elf_fail(p, -XEN_EINVAL, "ELF version %u/%u is not EV_CURRENT",
                        eh->e_ident[EI_VERSION], eh->e_version);
    if (eh->e_machine != EM_X86_64)
        return elf_fail(p, -XEN_EINVAL, "e_machine %u is not EM_X86_64", eh->e_machine);
    if (eh->e_type != ET_EXEC)
        return elf_fail(p, -XEN_EINVAL, "e_type %u is not ET_EXEC", eh->e_type);
    return 0;
}

/* Program- and section-header tables: entry sizes and bounds. The section table is
 * ignored when e_shnum is 0 (a stripped image). */
static int check_tables(struct parse *p)
{
    const struct elf64_ehdr *eh = &p->eh;

    if (eh->e_phentsize != sizeof(struct elf64_phdr))
        return elf_fail(p, -XEN_EINVAL, "e_phentsize %u is not %zu", eh->e_phentsize,
                        sizeof(struct elf64_phdr));
    /* e_phnum <= 65535, so the product cannot wrap. */
    if (!range_ok(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr), p->size))
        return elf_fail(p, -XEN_EINVAL,
                        "program headers (%u at %#lx) run past the %zu-byte image",
                        eh->e_phnum, eh->e_phoff, p->size);
    if (eh->e_shnum == 0)
        return 0;
    if (eh->e_shentsize != sizeof(struct elf64_shdr))
        return elf_fail(p, -XEN_EINVAL, "e_shentsize %u is not %zu", eh->e_shentsize,
                        sizeof(struct elf64_shdr));
    if (!range_ok(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(struct elf64_shdr), p->size))
        return elf_fail(p, -XEN_EINVAL,
                        "section headers (%u at %#lx) run past the %zu-byte image",
                        eh->e_shnum, eh->e_shoff, p->size);
    return 0;
}

/* Collects the loadable PT_LOADs (any of PF_R/W/X set, as libelf's
 * elf_phdr_is_loadable): refuses too many, filesz > memsz and a file range outside the
 * image. Addresses are checked later, once the notes are known. */
static int collect_loads(struct parse *p)
{
    struct pv_elf_info *info = p->info;
    unsigned i;

    for (i = 0; i < p->eh.e_phnum; i++) {
        struct pv_elf_segment *s;
        struct elf64_phdr ph;

        read_phdr(p, i, &ph);
        if (ph.p_type != PT_LOAD || (ph.p_flags & PF_RWX) == 0)
            continue;
        if (info->nr_segments >= PV_ELF_MAX_SEGMENTS)
            return elf_fail(p, -XEN_E2BIG, "more than %u PT_LOAD segments",
                            PV_ELF_MAX_SEGMENTS);
        if (ph.p_filesz > ph.p_memsz)
            return elf_fail(p, -XEN_EINVAL, "PT_LOAD %u: filesz %#lx > memsz %#lx", i,
                            ph.p_filesz, ph.p_memsz);
        if (!range_ok(ph.p_offset, ph.p_filesz, p->size))
            return elf_fail(p, -XEN_EINVAL,
                            "PT_LOAD %u: file range %#lx+%#lx runs past the %zu-byte image",
                            i, ph.p_offset, ph.p_filesz, p->size);
        s = &info->seg[info->nr_segments++];
        s->offset = ph.p_offset;
        s->filesz = ph.p_filesz;
        s->memsz = ph.p_memsz;
        s->paddr = ph.p_paddr;
        s->flags = ph.p_flags & PF_RWX;
    }
    if (info->nr_segments == 0)
        return elf_fail(p, -XEN_EINVAL, "no loadable PT_LOAD segment");
    return 0;
}

/* ---- notes ------------------------------------------------------------------------- */

/* Integer note: 4 or 8 bytes, little-endian. */
static int note_int(struct parse *p, uint32_t type, const uint8_t *desc, uint32_t descsz,
                    uint64_t *out)
{
    if (descsz == 4)
        *out = rd32(desc);
    else if (descsz == 8)
        *out = rd64(desc);
    else
        return elf_fail(p, -XEN_EINVAL, "Xen note %u: integer of %u bytes (want 4 or 8)",
                        type, descsz);
    return 0;
}

/* String note: the string ends at its NUL or at the end of the descriptor, as Xen
 * reads it (Linux's FEATURES note has no NUL). Keeps a pointer to the full string and
 * its length, and a (possibly truncated) NUL-terminated copy in dst. Refuses nothing. */
static int note_str(struct parse *p, const uint8_t *desc, uint32_t descsz,
                    const char **full, size_t *full_len, char *dst, size_t cap)
{
    const char *s = (const char *)desc;
    size_t len = strnlen(s, descsz);

    (void)p;
    if (full != NULL) {
        *full = s;
        *full_len = len;
    }
    size_t n = len < cap ? len : cap - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return 0;
}

/* One "Xen" note. Types this loader does not use are accepted unexamined. */
static int xen_note(struct parse *p, uint32_t type, const uint8_t *desc, uint32_t descsz)
{
    struct pv_elf_info *info = p->info;
    int rc;

    switch (type) {
    case XEN_ELFNOTE_ENTRY:
        rc = note_int(p, type, desc, descsz, &info->entry);
        p->has_entry = true;
        return rc;
    case XEN_ELFNOTE_HYPERCALL_PAGE:
        rc = note_int(p, type, desc, descsz, &info->hypercall_page);
        info->has_hypercall_page = true;
        return rc;
    case XEN_ELFNOTE_VIRT_BASE:
        rc = note_int(p, type, desc, descsz, &info->virt_base);
        p->has_virt_base = true;
        return rc;
    case XEN_ELFNOTE_PADDR_OFFSET:
        rc = note_int(p, type, desc, descsz, &info->paddr_offset);
        p->has_paddr_offset = true;
        return rc;
    case XEN_ELFNOTE_XEN_VERSION:
        return note_str(p, desc, descsz, &p->xen_version, &p->xen_version_len,
                        info->xen_version, sizeof(info->xen_version));
    case XEN_ELFNOTE_GUEST_OS:
        return note_str(p, desc, descsz, &p->guest_os, &p->guest_os_len, info->guest_os,
                        sizeof(info->guest_os));
    case XEN_ELFNOTE_GUEST_VERSION:
        return note_str(p, desc, descsz, NULL, NULL, info->guest_version,
                        sizeof(info->guest_version));
    case XEN_ELFNOTE_LOADER:
        return note_str(p, desc, descsz, &p->loader, &p->loader_len, info->loader,
                        sizeof(info->loader));
    case XEN_ELFNOTE_FEATURES:
        return note_str(p, desc, descsz, &p->features, &p->features_len, info->features,
                        sizeof(info->features));
    default:
        return 0;
    }
}

/* Walks the notes in image bytes [off, off + len) (already inside the image): refuses
 * a header, name or descriptor that runs past the area. The padding after the last
 * descriptor may be missing. `what`/`idx` name the area in messages. */
static int scan_notes(struct parse *p, uint64_t off, uint64_t len, const char *what,
                      unsigned idx)
{
    uint64_t pos = 0;

    while (pos < len) {
        struct elf64_nhdr nh;
        uint64_t name_off, desc_off;
        int rc;

        if (len - pos < sizeof(nh))
            return elf_fail(p, -XEN_EINVAL, "%s %u: note header at +%#lx is truncated",
                            what, idx, pos);
        memcpy(&nh, p->img + off + pos, sizeof(nh));
        /* 32-bit sizes in 64-bit arithmetic: nothing below can wrap. */
        name_off = pos + sizeof(nh);
        desc_off = name_off + ALIGN_UP((uint64_t)nh.n_namesz, NOTE_ALIGN);
        if (!range_ok(name_off, nh.n_namesz, len) || !range_ok(desc_off, nh.n_descsz, len))
            return elf_fail(p, -XEN_EINVAL,
                            "%s %u: note at +%#lx (namesz %u, descsz %u) runs past the area",
                            what, idx, pos, nh.n_namesz, nh.n_descsz);
        if (nh.n_namesz == XEN_NOTE_NAMESZ &&
            memcmp(p->img + off + name_off, XEN_ELFNOTE_NAME, XEN_NOTE_NAMESZ) == 0) {
            p->xen_notes++;
            rc = xen_note(p, nh.n_type, p->img + off + desc_off, nh.n_descsz);
            if (rc != 0)
                return rc;
        }
        pos = desc_off + ALIGN_UP((uint64_t)nh.n_descsz, NOTE_ALIGN);
    }
    return 0;
}

/* Notes from the PT_NOTE segments; if none yields a Xen note, from SHT_NOTE sections
 * (Mini-OS keeps its notes in a non-alloc section). Refuses an area outside the image
 * and an image without any Xen note. */
static int parse_notes(struct parse *p)
{
    unsigned i;
    int rc;

    for (i = 0; i < p->eh.e_phnum; i++) {
        struct elf64_phdr ph;

        read_phdr(p, i, &ph);
        if (ph.p_type != PT_NOTE || ph.p_offset == 0)
            continue;
        if (!range_ok(ph.p_offset, ph.p_filesz, p->size))
            return elf_fail(p, -XEN_EINVAL,
                            "PT_NOTE %u: file range %#lx+%#lx runs past the %zu-byte image",
                            i, ph.p_offset, ph.p_filesz, p->size);
        rc = scan_notes(p, ph.p_offset, ph.p_filesz, "PT_NOTE", i);
        if (rc != 0)
            return rc;
    }
    if (p->xen_notes != 0)
        return 0;
    p->info->notes_from_sections = true;
    /* Section 0 is the reserved null entry; e_shnum == 0 leaves the loop empty. */
    for (i = 1; i < p->eh.e_shnum; i++) {
        struct elf64_shdr sh;

        read_shdr(p, i, &sh);
        if (sh.sh_type != SHT_NOTE)
            continue;
        if (!range_ok(sh.sh_offset, sh.sh_size, p->size))
            return elf_fail(p, -XEN_EINVAL,
                            "SHT_NOTE section %u: range %#lx+%#lx runs past the %zu-byte "
                            "image",
                            i, sh.sh_offset, sh.sh_size, p->size);
        rc = scan_notes(p, sh.sh_offset, sh.sh_size, "SHT_NOTE section", i);
        if (rc != 0)
            return rc;
    }
    if (p->xen_notes == 0)
        return elf_fail(p, -XEN_EINVAL, "no Xen ELF notes in any PT_NOTE segment or SHT_NOTE "
                        "section: not a Xen PV kernel");
    return 0;
}

/* Copies at most len bytes of the image string s into buf[cap] for a message, with
 * anything but printable ASCII shown as '?' (the reason stays one readable line). */
static const char *printable(const char *s, size_t len, char *buf, size_t cap)
{
    size_t i;

    for (i = 0; i < len && i + 1 < cap && s[i] != '\0'; i++)
        buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
    buf[i] = '\0';
    return buf;
}

/* Required features ("!name") xlite accepts: Xen ignores both for 64-bit PV. */
static bool feature_supported(const char *name, size_t len)
{
    static const char *const ok[] = { "writable_page_tables", "pae_pgdir_above_4gb" };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(ok); i++)
        if (strlen(ok[i]) == len && memcmp(ok[i], name, len) == 0)
            return true;
    return false;
}

/* True when the note string s (len bytes) starts with prefix. */
static bool starts_with(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);

    return s != NULL && len >= n && memcmp(s, prefix, n) == 0;
}

/* What the notes say: Xen version, loader and required features. */
static int check_note_values(struct parse *p)
{
    char b1[PV_ELF_STR_MAX], b2[PV_ELF_STR_MAX];
    const char *os = p->guest_os != NULL ? p->guest_os : "";
    size_t os_len = p->guest_os != NULL ? p->guest_os_len : 0;

    if (p->xen_version == NULL)
        return elf_fail(p, -XEN_EINVAL, "no XEN_VERSION note");
    if (!starts_with(p->xen_version, p->xen_version_len, "xen-3.0"))
        return elf_fail(p, -XEN_EINVAL, "XEN_VERSION '%s' does not start with 'xen-3.0'",
                        printable(p->xen_version, p->xen_version_len, b1, sizeof(b1)));
    if (!starts_with(p->loader, p->loader_len, "generic") &&
        !starts_with(os, os_len, "linux")) {
        if (p->loader == NULL)
            return elf_fail(p, -XEN_EINVAL, "no LOADER note and GUEST_OS '%s' is not 'linux'",
                            printable(os, os_len, b2, sizeof(b2)));
        return elf_fail(p, -XEN_EINVAL, "LOADER '%s' is not 'generic' and GUEST_OS '%s' is "
                        "not 'linux'", printable(p->loader, p->loader_len, b1, sizeof(b1)),
                        printable(os, os_len, b2, sizeof(b2)));
    }
    const char *f = p->features, *end = f != NULL ? f + p->features_len : NULL;
    while (f != NULL && f < end) {
        size_t len = 0;

        while (f + len < end && f[len] != '|')
            len++;
        if (len > 0 && f[0] == '!' && !feature_supported(f + 1, len - 1)) {
            char name[64];

            printable(f + 1, len - 1, name, sizeof(name));
            return elf_fail(p, -XEN_EOPNOTSUPP, "kernel requires feature '%s', which xlite "
                            "does not support", name);
        }
        f += len + 1;                               /* past the '|' (or the end) */
    }
    return 0;
}

/* ---- addresses --------------------------------------------------------------------- */

/* True when [first, last] meets [lo, hi). */
static bool meets(uint64_t first, uint64_t last, uint64_t lo, uint64_t hi)
{
    return first < hi && last >= lo;
}

/* Translates each segment to its guest VA and checks it: no wrap, canonical, outside
 * the hypervisor range, no overlap with an earlier segment. Returns the exact bounds of
 * all segments in *lo / *hi (check_layout rounds them to pages). */
static int place_segments(struct parse *p, uint64_t *lo, uint64_t *hi)
{
    struct pv_elf_info *info = p->info;
    uint64_t delta = info->virt_base - info->paddr_offset;   /* mod 2^64, like libelf */
    unsigned i, j;

    *lo = UINT64_MAX;
    *hi = 0;
    for (i = 0; i < info->nr_segments; i++) {
        struct pv_elf_segment *s = &info->seg[i];
        uint64_t last;

        s->va = s->paddr + delta;
        if (s->memsz > UINT64_MAX - s->va)
            return elf_fail(p, -XEN_EINVAL, "segment %u: VA range %#lx+%#lx wraps past "
                            "2^64", i, s->va, s->memsz);
        last = s->memsz != 0 ? s->va + s->memsz - 1 : s->va;
        if (meets(s->va, last, PV_GUEST_LOW_END, PV_HYPERVISOR_START))
            return elf_fail(p, -XEN_EINVAL, "segment %u: VA range %#lx-%#lx is not "
                            "canonical", i, s->va, last);
        if (meets(s->va, last, PV_HYPERVISOR_START, PV_GUEST_HIGH_START))
            return elf_fail(p, -XEN_EINVAL, "segment %u: VA range %#lx-%#lx overlaps the "
                            "hypervisor range", i, s->va, last);
        for (j = 0; j < i && s->memsz != 0; j++) {
            const struct pv_elf_segment *o = &info->seg[j];

            if (o->memsz != 0 && meets(s->va, last, o->va, o->va + o->memsz))
                return elf_fail(p, -XEN_EINVAL, "segments %u and %u overlap in VA "
                                "(%#lx+%#lx, %#lx+%#lx)", j, i, o->va, o->memsz, s->va,
                                s->memsz);
        }
        *lo = MIN(*lo, s->va);
        *hi = MAX(*hi, s->va + s->memsz);
    }
    return 0;
}

/* libelf's address checks plus xlite's: VIRT_BASE/PADDR_OFFSET consistency, virt_base
 * <= kstart, span, entry and hypercall page. */
static int check_layout(struct parse *p)
{
    struct pv_elf_info *info = p->info;
    uint64_t lo, hi;
    unsigned i;
    int rc;

    if (p->has_paddr_offset && !p->has_virt_base)
        return elf_fail(p, -XEN_EINVAL, "PADDR_OFFSET note without VIRT_BASE note");
    if (info->virt_base & PAGE_MASK_LOW)
        return elf_fail(p, -XEN_EINVAL, "VIRT_BASE %#lx is not page-aligned",
                        info->virt_base);
    rc = place_segments(p, &lo, &hi);
    if (rc != 0)
        return rc;
    if (info->virt_base > lo)
        return elf_fail(p, -XEN_EINVAL, "VIRT_BASE %#lx is above the lowest segment VA %#lx",
                        info->virt_base, lo);
    if (hi > TOP_PAGE)
        return elf_fail(p, -XEN_EINVAL, "image end %#lx lies in the last page of the address "
                        "space", hi);
    info->virt_kstart = ALIGN_DOWN(lo, PV_ELF_PAGE_SIZE);
    info->virt_kend = ALIGN_UP(hi, PV_ELF_PAGE_SIZE);
    if (info->virt_kend - info->virt_kstart > PV_ELF_MAX_SPAN)
        return elf_fail(p, -XEN_E2BIG, "image spans %#lx-%#lx, more than %llu MiB",
                        info->virt_kstart, info->virt_kend, PV_ELF_MAX_SPAN >> 20);
    if (!p->has_entry)
        info->entry = p->eh.e_entry;
    if (info->entry < lo || info->entry >= hi)
        return elf_fail(p, -XEN_EINVAL, "entry %#lx is outside the image %#lx-%#lx",
                        info->entry, lo, hi);
    if (info->has_hypercall_page) {
        if (info->hypercall_page & PAGE_MASK_LOW)
            return elf_fail(p, -XEN_EINVAL, "HYPERCALL_PAGE %#lx is not page-aligned",
                            info->hypercall_page);
        for (i = 0; i < info->nr_segments; i++) {
            const struct pv_elf_segment *s = &info->seg[i];

            if (info->hypercall_page >= s->va && info->hypercall_page - s->va < s->memsz)
                break;
        }
        if (i == info->nr_segments)
            return elf_fail(p, -XEN_EINVAL, "HYPERCALL_PAGE %#lx is not inside a PT_LOAD "
                            "segment", info->hypercall_page);
    }
    return 0;
}

/* ---- entry points ------------------------------------------------------------------ */

int pv_elf_parse(const void *image, size_t size, struct pv_elf_info *info,
                 char *err, size_t errlen)
{
    struct parse p;
    int rc;

    memset(&p, 0, sizeof(p));
    p.img = image;
    p.size = size;
    p.err = err;
    p.errlen = errlen;
    p.info = info;
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (info == NULL)
        return elf_fail(&p, -XEN_EINVAL, "no output buffer");
    memset(info, 0, sizeof(*info));
    if (image == NULL)
        return elf_fail(&p, -XEN_EINVAL, "no image");
    rc = check_ehdr(&p);
    if (rc == 0)
        rc = check_tables(&p);
    if (rc == 0)
        rc = collect_loads(&p);
    if (rc == 0)
        rc = parse_notes(&p);
    if (rc == 0)
        rc = check_note_values(&p);
    if (rc == 0)
        rc = check_layout(&p);
    if (rc != 0)
        memset(info, 0, sizeof(*info));
    return rc;
}

/* A callback's result: 0 continues, negative is returned, positive becomes -EIO. */
static int cb_result(int rc)
{
    return rc > 0 ? -XEN_EIO : rc;
}

int pv_elf_load(const void *image, size_t size, const struct pv_elf_info *info,
                int (*write)(void *ctx, uint64_t va, const void *src, size_t len),
                int (*zero)(void *ctx, uint64_t va, size_t len), void *ctx)
{
    const uint8_t *img = image;
    unsigned i;
    int rc;

    if (img == NULL || info == NULL || write == NULL || zero == NULL ||
        info->nr_segments > PV_ELF_MAX_SEGMENTS)
        return -XEN_EINVAL;
    for (i = 0; i < info->nr_segments; i++) {
        const struct pv_elf_segment *s = &info->seg[i];

        if (s->filesz > s->memsz || !range_ok(s->offset, s->filesz, size) ||
            s->memsz > UINT64_MAX - s->va)
            return -XEN_EINVAL;
    }
    for (i = 0; i < info->nr_segments; i++) {
        const struct pv_elf_segment *s = &info->seg[i];

        if (s->filesz != 0) {
            rc = cb_result(write(ctx, s->va, img + s->offset, (size_t)s->filesz));
            if (rc != 0)
                return rc;
        }
        if (s->memsz != s->filesz) {
            rc = cb_result(zero(ctx, s->va + s->filesz, (size_t)(s->memsz - s->filesz)));
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}
