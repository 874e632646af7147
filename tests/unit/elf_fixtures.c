/* In-memory PV kernel ELF images for unit tests: see elf_fixtures.h. */
#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "elf_fixtures.h"
#include <xlite/elfnote.h>

#define FX_SHSTRTAB     "\0.note.Xen\0.shstrtab\0"
#define FX_SHSTR_NOTE   1       /* offsets of the names in FX_SHSTRTAB */
#define FX_SHSTR_SELF   11

void fx_init(struct fx_spec *s)
{
    memset(s, 0, sizeof(*s));
    s->pt_note = true;
    s->sections = true;
}

struct fx_phdr *fx_add_phdr(struct fx_spec *s, uint32_t type, uint32_t flags,
                            uint64_t vaddr, uint64_t filesz, uint64_t memsz)
{
    struct fx_phdr *p;

    if (s->nr_phdrs >= FX_MAX_PHDRS)
        return NULL;
    p = &s->ph[s->nr_phdrs++];
    p->type = type;
    p->flags = flags;
    p->vaddr = vaddr;
    p->paddr = vaddr;
    p->filesz = filesz;
    p->memsz = memsz;
    return p;
}

void fx_note_name(struct fx_note *n, const char *name, uint32_t namesz)
{
    size_t len = 0;

    while (len < sizeof(n->name) && name[len] != '\0')
        len++;
    memset(n->name, 0, sizeof(n->name));
    memcpy(n->name, name, len);
    n->namesz = namesz;
}

struct fx_note *fx_add_note(struct fx_spec *s, uint32_t type, const void *desc,
                            uint32_t descsz)
{
    struct fx_note *n;

    if (s->nr_notes >= FX_MAX_NOTES || descsz > FX_DESC_MAX)
        return NULL;
    n = &s->note[s->nr_notes++];
    memset(n, 0, sizeof(*n));
    fx_note_name(n, XEN_ELFNOTE_NAME, 4);
    n->type = type;
    memcpy(n->desc, desc, descsz);
    n->descsz = descsz;
    n->areas = FX_AREA_PHDR | FX_AREA_SECT;
    return n;
}

struct fx_note *fx_add_note_str(struct fx_spec *s, uint32_t type, const char *str)
{
    return fx_add_note(s, type, str, (uint32_t)strlen(str) + 1);
}

struct fx_note *fx_add_note_u32(struct fx_spec *s, uint32_t type, uint32_t v)
{
    return fx_add_note(s, type, &v, 4);
}

struct fx_note *fx_add_note_u64(struct fx_spec *s, uint32_t type, uint64_t v)
{
    return fx_add_note(s, type, &v, 8);
}

static bool is_xen(const struct fx_note *n)
{
    return n->namesz == 4 && memcmp(n->name, "Xen", 4) == 0;
}

struct fx_note *fx_find_note(struct fx_spec *s, uint32_t type)
{
    unsigned i;

    for (i = 0; i < s->nr_notes; i++)
        if (is_xen(&s->note[i]) && s->note[i].type == type)
            return &s->note[i];
    return NULL;
}

unsigned fx_del_note(struct fx_spec *s, uint32_t type)
{
    unsigned i, j = 0, removed = 0;

    for (i = 0; i < s->nr_notes; i++) {
        if (is_xen(&s->note[i]) && s->note[i].type == type) {
            removed++;
            continue;
        }
        if (j != i)
            s->note[j] = s->note[i];
        j++;
    }
    s->nr_notes = j;
    return removed;
}

void fx_xtf(struct fx_spec *s)
{
    fx_init(s);
    s->entry = 0x100000;
    fx_add_phdr(s, PT_LOAD, PF_R | PF_W | PF_X, 0x100000, 0x3000, 0x11000);
    fx_add_note_str(s, XEN_ELFNOTE_GUEST_OS, "XTF");
    fx_add_note_str(s, XEN_ELFNOTE_GUEST_VERSION, "0");
    fx_add_note_str(s, XEN_ELFNOTE_LOADER, "generic");
    fx_add_note_u64(s, XEN_ELFNOTE_HYPERCALL_PAGE, 0x106000);
    fx_add_note_str(s, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    fx_add_note_str(s, XEN_ELFNOTE_PAE_MODE, "yes");
    fx_add_note_str(s, XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb");
    s->sht_note = true;
    s->sht_note_shares = true;
}

void fx_minios(struct fx_spec *s)
{
    unsigned i;

    fx_init(s);
    s->entry = 0;
    fx_add_phdr(s, PT_LOAD, PF_R | PF_X, 0, 0x3000, 0x3000);
    fx_add_phdr(s, PT_LOAD, PF_R | PF_W, 0x3000, 0x800, 0x65e24);
    fx_add_phdr(s, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0);
    fx_add_note_str(s, XEN_ELFNOTE_GUEST_OS, "Mini-OS");
    fx_add_note_str(s, XEN_ELFNOTE_LOADER, "generic");
    fx_add_note_u64(s, XEN_ELFNOTE_HYPERCALL_PAGE, 0x2000);
    fx_add_note_str(s, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    for (i = 0; i < s->nr_notes; i++)
        s->note[i].areas = FX_AREA_SECT;
    s->pt_note = false;
    s->sht_note = true;
}

uint8_t fx_pattern(unsigned i, uint64_t j)
{
    return (uint8_t)(((i + 1) * 0x9d + j * 0x3b + (j >> 8)) | 1);
}

void fx_set(uint8_t *buf, size_t off, uint64_t v, size_t width)
{
    memcpy(buf + off, &v, width);       /* little-endian host */
}

/* ---- the writer ------------------------------------------------------------------- */

struct fxw {
    uint8_t *b;
    size_t cap, len;
    bool overflow;
};

static void w_align(struct fxw *w, size_t a)
{
    w->len = (w->len + a - 1) & ~(a - 1);
    if (w->len > w->cap)
        w->overflow = true;
}

/* Appends n bytes (src NULL: zeroes, already there). */
static void w_raw(struct fxw *w, const void *src, size_t n)
{
    if (w->overflow || n > w->cap - w->len) {
        w->overflow = true;
        return;
    }
    if (src != NULL)
        memcpy(w->b + w->len, src, n);
    w->len += n;
}

/* Writes the notes whose areas include `area`; records their offsets if unset. */
static void w_notes(struct fxw *w, const struct fx_spec *s, unsigned area,
                    struct fx_layout *lay)
{
    unsigned i;

    for (i = 0; i < s->nr_notes; i++) {
        const struct fx_note *n = &s->note[i];
        Elf64_Nhdr nh = { n->namesz, n->descsz, n->type };

        if (!(n->areas & area))
            continue;
        if (lay->note_off[i] == 0)
            lay->note_off[i] = w->len;
        w_raw(w, &nh, sizeof(nh));
        w_raw(w, n->name, n->namesz < FX_NAME_MAX ? n->namesz : FX_NAME_MAX);
        if (n->namesz > FX_NAME_MAX)
            w_raw(w, NULL, n->namesz - FX_NAME_MAX);
        w_align(w, 4);
        w_raw(w, n->desc, n->descsz);
        w_align(w, 4);
    }
}

size_t fx_build(const struct fx_spec *s, uint8_t *buf, size_t cap, struct fx_layout *lay)
{
    struct fx_layout local;
    struct fxw w = { buf, cap, 0, false };
    Elf64_Ehdr eh;
    unsigned i, k;
    bool parea = s->pt_note || (s->sht_note && s->sht_note_shares);
    bool sarea = s->sht_note && !s->sht_note_shares;

    if (lay == NULL)
        lay = &local;
    memset(lay, 0, sizeof(*lay));
    memset(buf, 0, cap);
    lay->pt_note_idx = -1;
    lay->note_sh_idx = -1;
    lay->phoff = sizeof(Elf64_Ehdr);
    lay->phnum = s->nr_phdrs + (s->pt_note ? 1 : 0);
    w.len = lay->phoff + lay->phnum * sizeof(Elf64_Phdr);
    if (w.len > cap)
        return 0;

    w_align(&w, 8);
    lay->parea_off = w.len;
    if (parea)
        w_notes(&w, s, FX_AREA_PHDR, lay);
    lay->parea_len = w.len - lay->parea_off;
    w_align(&w, 8);
    lay->sarea_off = w.len;
    if (sarea)
        w_notes(&w, s, FX_AREA_SECT, lay);
    lay->sarea_len = w.len - lay->sarea_off;

    for (i = 0; i < s->nr_phdrs; i++) {
        const struct fx_phdr *p = &s->ph[i];
        Elf64_Phdr ph;

        if (p->filesz != 0) {
            w_align(&w, 16);
            lay->data_off[i] = w.len;
            if (w.overflow || p->filesz > w.cap - w.len)
                return 0;
            for (uint64_t j = 0; j < p->filesz; j++)
                w.b[w.len + j] = fx_pattern(i, j);
            w.len += p->filesz;
        } else if (p->type == PT_LOAD) {
            lay->data_off[i] = w.len;
        }
        memset(&ph, 0, sizeof(ph));
        ph.p_type = p->type;
        ph.p_flags = p->flags;
        ph.p_offset = lay->data_off[i];
        ph.p_vaddr = p->vaddr;
        ph.p_paddr = p->paddr;
        ph.p_filesz = p->filesz;
        ph.p_memsz = p->memsz;
        ph.p_align = p->type == PT_LOAD ? 0x1000 : 0x10;
        memcpy(buf + lay->phoff + i * sizeof(ph), &ph, sizeof(ph));
    }
    if (s->pt_note) {
        Elf64_Phdr ph;

        memset(&ph, 0, sizeof(ph));
        ph.p_type = PT_NOTE;
        ph.p_flags = PF_R;
        ph.p_offset = lay->parea_off;
        ph.p_filesz = lay->parea_len;
        ph.p_memsz = lay->parea_len;
        ph.p_align = 4;
        lay->pt_note_idx = (int)s->nr_phdrs;
        memcpy(buf + lay->phoff + s->nr_phdrs * sizeof(ph), &ph, sizeof(ph));
    }

    if (s->sections) {
        size_t shstr_off = w.len;
        Elf64_Shdr sh[3];

        w_raw(&w, FX_SHSTRTAB, sizeof(FX_SHSTRTAB));
        w_align(&w, 8);
        memset(sh, 0, sizeof(sh));
        k = 1;
        if (s->sht_note) {
            sh[k].sh_name = FX_SHSTR_NOTE;
            sh[k].sh_type = SHT_NOTE;
            sh[k].sh_offset = s->sht_note_shares ? lay->parea_off : lay->sarea_off;
            sh[k].sh_size = s->sht_note_shares ? lay->parea_len : lay->sarea_len;
            sh[k].sh_addralign = 4;
            lay->note_sh_idx = (int)k;
            k++;
        }
        sh[k].sh_name = FX_SHSTR_SELF;
        sh[k].sh_type = SHT_STRTAB;
        sh[k].sh_offset = shstr_off;
        sh[k].sh_size = sizeof(FX_SHSTRTAB);
        sh[k].sh_addralign = 1;
        k++;
        lay->shoff = w.len;
        lay->shnum = k;
        w_raw(&w, sh, k * sizeof(sh[0]));
    }
    if (w.overflow)
        return 0;

    memset(&eh, 0, sizeof(eh));
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_ident[EI_OSABI] = ELFOSABI_SYSV;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_entry = s->entry;
    eh.e_phoff = lay->phoff;
    eh.e_shoff = lay->shoff;
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = (Elf64_Half)lay->phnum;
    eh.e_shentsize = sizeof(Elf64_Shdr);
    eh.e_shnum = (Elf64_Half)lay->shnum;
    eh.e_shstrndx = (Elf64_Half)(lay->shnum ? lay->shnum - 1 : SHN_UNDEF);
    memcpy(buf, &eh, sizeof(eh));
    lay->size = w.len;
    return w.len;
}
