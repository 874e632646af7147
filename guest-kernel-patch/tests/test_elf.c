/* ELF executable validation: a good image is accepted with its segments; truncated
 * headers and segments, overlapping segments, kernel or hypervisor addresses, dynamic
 * images and an entry outside every segment are refused. */
#include <elf.h>
#include <string.h>

#include "kernel.h"
#include "elf_check.h"
#include "ktests.h"

#define LO XU_BASE
#define HI (XU_STACK_TOP - XU_STACK_SIZE)

static unsigned char img[8192];

/* Two PT_LOADs: text at 0x400000 (file 0x1000, 0x100 bytes), data at 0x401000. */
static size_t build(void)
{
    Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
    Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(*eh));

    memset(img, 0, sizeof(img));
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_X86_64;
    eh->e_entry = 0x400010;
    eh->e_phoff = sizeof(*eh);
    eh->e_phentsize = sizeof(*ph);
    eh->e_phnum = 2;
    ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0x1000,
                          .p_vaddr = 0x400000, .p_filesz = 0x100, .p_memsz = 0x100 };
    ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = 0x1100,
                          .p_vaddr = 0x401000, .p_filesz = 0x80, .p_memsz = 0x3000 };
    return sizeof(img);
}

static Elf64_Phdr *phdr(int i)
{
    return (Elf64_Phdr *)(img + sizeof(Elf64_Ehdr)) + i;
}

START_TEST(accepts_good_image)
{
    struct elf_info ei;
    size_t len = build();

    ck_assert_int_eq(elf_check(img, len, LO, HI, &ei), 0);
    ck_assert_uint_eq(ei.nsegs, 2);
    ck_assert_uint_eq(ei.entry, 0x400010);
    ck_assert_uint_eq(ei.end, 0x404000);
    ck_assert(ei.segs[1].writable);
}
END_TEST

START_TEST(refuses_truncated)
{
    struct elf_info ei;
    size_t len = build();

    for (size_t cut = 0; cut < sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr); cut++)
        ck_assert_int_eq(elf_check(img, cut, LO, HI, &ei), -XE_NOEXEC);
    ck_assert_int_eq(elf_check(img, 0x1100 + 0x7F, LO, HI, &ei), -XE_NOEXEC);
    (void)len;
}
END_TEST

START_TEST(refuses_overlap)
{
    struct elf_info ei;
    size_t len = build();

    phdr(1)->p_vaddr = 0x4000F0;       /* starts inside the text segment */
    ck_assert_int_eq(elf_check(img, len, LO, HI, &ei), -XE_NOEXEC);
}
END_TEST

START_TEST(refuses_kernel_and_hypervisor_addresses)
{
    struct elf_info ei;
    size_t len = build();
    static const uint64_t bad[] = { 0x100000, 0, LO - 0x1000, HI, 0xFFFF800000000000ull,
                                    0xFFFFFFFF80000000ull };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        build();
        phdr(1)->p_vaddr = bad[i];
        ck_assert_int_eq(elf_check(img, len, LO, HI, &ei), -XE_NOEXEC);
    }
    build();
    phdr(1)->p_memsz = 0xFFFFFFFFFFFFF000ull;   /* wraps */
    ck_assert_int_eq(elf_check(img, len, LO, HI, &ei), -XE_NOEXEC);
    build();
    phdr(1)->p_vaddr = HI - 0x1000;              /* runs past the top */
    ck_assert_int_eq(elf_check(img, len, LO, HI, &ei), -XE_NOEXEC);
}
END_TEST

START_TEST(refuses_bad_headers)
{
    struct elf_info ei;
    size_t len = build();

    ((Elf64_Ehdr *)img)->e_type = ET_DYN;
    ck_assert_int_eq(elf_check(img, len, LO, HI, &ei), -XE_NOEXEC);
    build();
    ((Elf64_Ehdr *)img)->e_machine = EM_386;
    ck_assert_int_eq(elf_check(img, len, LO, HI, &ei), -XE_NOEXEC);
    build();
    ((Elf64_Ehdr *)img)->e_phnum = 60000;        /* table past the end */
    ck_assert_int_eq(elf_check(img, len, LO, HI, &ei), -XE_NOEXEC);
    build();
    phdr(0)->p_type = PT_INTERP;
    ck_assert_int_eq(elf_check(img, len, LO, HI, &ei), -XE_NOEXEC);
    build();
    ((Elf64_Ehdr *)img)->e_entry = 0x500000;     /* outside every segment */
    ck_assert_int_eq(elf_check(img, len, LO, HI, &ei), -XE_NOEXEC);
    build();
    phdr(1)->p_filesz = 0x4000;                  /* filesz > memsz */
    ck_assert_int_eq(elf_check(img, len, LO, HI, &ei), -XE_NOEXEC);
    build();
    phdr(1)->p_offset = 0xFFFFFFFFFFFFFF00ull;   /* offset past the end */
    ck_assert_int_eq(elf_check(img, len, LO, HI, &ei), -XE_NOEXEC);
}
END_TEST

Suite *elf_suite(void)
{
    Suite *s = suite_create("elf");
    ADD_TEST(s, accepts_good_image);
    ADD_TEST(s, refuses_truncated);
    ADD_TEST(s, refuses_overlap);
    ADD_TEST(s, refuses_kernel_and_hypervisor_addresses);
    ADD_TEST(s, refuses_bad_headers);
    return s;
}
