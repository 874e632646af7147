/* Boot entry: GRUB's Multiboot2 header, the 32-bit entry, early page tables, the switch
 * to long mode and the jump to the higher half, then start_xlite(mbi_phys).
 *
 * GRUB enters in 32-bit protected mode without paging: EAX = magic, EBX = physical
 * address of the boot information. This file's boot sections are linked at their
 * physical address (GRUB wants an ELF64 entry point below 4 GiB inside a segment); the
 * rest of the image is linked at HV_IMAGE_BASE + physical, so until paging is on its
 * symbols are used as PHYS(sym).
 *
 * Early page tables (all 2 MiB pages over the first 4 GiB, shared by three views):
 *   identity        L4[0]   -> boot_l3_ident[0..3] -> boot_l2[0..3]  (dropped in C)
 *   image window    L4[261] -> boot_l3_image[321..324] -> boot_l2[0..3]
 *   direct map      L4[262] -> boot_l3_dmap[0..3]      -> boot_l2[0..3]
 */
#include <x86/layout.h>

#define MB2_HEADER_MAGIC        0xE85250D6
#define MB2_BOOTLOADER_MAGIC    0x36D76289

#define PHYS(sym)   ((sym) - HV_IMAGE_BASE)
#define PTE_P       0x001
#define PTE_RW      0x002
#define PTE_PS      0x080

    .section .multiboot2, "a"
    .balign 8
mb2_header:
    .long MB2_HEADER_MAGIC
    .long 0                                 /* architecture: i386 protected mode */
    .long mb2_header_end - mb2_header
    .long -(MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))
    .balign 8                               /* entry address tag: 32-bit entry point */
    .short 3, 0
    .long 12
    .long start32
    .balign 8                               /* end tag */
    .short 0, 0
    .long 8
mb2_header_end:

    .section .text.boot32, "ax"
    .code32
    .global start32
start32:
    cli
    cld
    mov     %eax, %edi                      /* keep magic and info pointer */
    mov     %ebx, %esi
    mov     $PHYS(boot_stack_top), %esp

    mov     $PHYS(msg_not_mb2), %ebx
    cmp     $MB2_BOOTLOADER_MAGIC, %edi
    jne     early_fail

    mov     $PHYS(msg_no_lm), %ebx
    mov     $0x80000000, %eax
    cpuid
    cmp     $0x80000001, %eax
    jb      early_fail
    mov     $0x80000001, %eax
    cpuid
    bt      $29, %edx                       /* long mode */
    jnc     early_fail
    mov     %edx, %ebp                      /* remember NX support (bit 20) */

    /* Zero .bss (page tables and stacks live there). */
    push    %edi
    mov     $PHYS(__bss_start), %edi
    mov     $PHYS(__bss_end), %ecx
    sub     %edi, %ecx
    shr     $2, %ecx
    xor     %eax, %eax
    rep stosl
    pop     %edi

    /* boot_l2: 2048 entries of 2 MiB covering 0..4 GiB. */
    mov     $PHYS(boot_l2), %ebx
    xor     %ecx, %ecx
1:  mov     %ecx, %eax
    shl     $21, %eax
    or      $(PTE_P | PTE_RW | PTE_PS), %eax
    mov     %eax, (%ebx, %ecx, 8)
    mov     %ecx, %eax
    shr     $11, %eax                       /* bits 32+ of (ecx << 21) */
    mov     %eax, 4(%ebx, %ecx, 8)
    inc     %ecx
    cmp     $2048, %ecx
    jb      1b

    /* Each L3 view gets four entries pointing at the four L2 pages. */
    xor     %ecx, %ecx
2:  mov     %ecx, %eax
    shl     $12, %eax
    add     $(PHYS(boot_l2) + PTE_P + PTE_RW), %eax
    mov     %eax, PHYS(boot_l3_ident)(, %ecx, 8)
    mov     %eax, PHYS(boot_l3_dmap)(, %ecx, 8)
    mov     %eax, PHYS(boot_l3_image) + 8 * L3_SLOT(HV_IMAGE_BASE)(, %ecx, 8)
    inc     %ecx
    cmp     $4, %ecx
    jb      2b

    mov     $(PHYS(boot_l3_ident) + PTE_P + PTE_RW), %eax
    mov     %eax, PHYS(boot_l4)
    mov     $(PHYS(boot_l3_image) + PTE_P + PTE_RW), %eax
    mov     %eax, PHYS(boot_l4) + 8 * L4_SLOT(HV_IMAGE_BASE)
    mov     $(PHYS(boot_l3_dmap) + PTE_P + PTE_RW), %eax
    mov     %eax, PHYS(boot_l4) + 8 * L4_SLOT(DIRECTMAP_BASE)

    mov     %cr4, %eax
    or      $0xA0, %eax                     /* PAE | PGE */
    mov     %eax, %cr4
    mov     $PHYS(boot_l4), %eax
    mov     %eax, %cr3
    mov     $0xC0000080, %ecx               /* EFER: long mode, SYSCALL, NX if present */
    rdmsr
    or      $0x101, %eax
    bt      $20, %ebp
    jnc     3f
    or      $0x800, %eax
3:  wrmsr
    mov     %cr0, %eax
    or      $0x80010001, %eax               /* PG | WP | PE */
    mov     %eax, %cr0

    lgdt    PHYS(boot_gdtr)
    ljmp    $0x08, $start64_low

/* Print the NUL-terminated string at physical EBX on COM1 and stop: without long mode
 * or Multiboot2 there is nothing else we can do. */
early_fail:
    mov     $0x3FD, %dx
4:  in      %dx, %al
    test    $0x20, %al
    jz      4b
    mov     (%ebx), %al
    test    %al, %al
    jz      5f
    mov     $0x3F8, %dx
    out     %al, %dx
    inc     %ebx
    jmp     early_fail
5:  cli
    hlt
    jmp     5b

    .code64
start64_low:
    movabs  $start64_high, %rax
    jmp     *%rax

    .text
start64_high:
    lgdt    boot_gdtr64(%rip)               /* GDT by its high address: the identity */
    mov     $0x10, %eax                     /* map goes away with the final tables */
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    mov     %eax, %fs
    mov     %eax, %gs
    movabs  $boot_stack_top, %rsp
    xor     %ebp, %ebp                      /* terminates stack traces */
    mov     %esi, %edi                      /* Multiboot2 info, physical */
    call    start_xlite
6:  cli
    hlt
    jmp     6b

    .section .rodata
msg_not_mb2:
    .asciz  "xlite: not started by a Multiboot2 loader; halting\r\n"
msg_no_lm:
    .asciz  "xlite: this CPU has no long mode (x86-64); halting\r\n"

    .balign 8
boot_gdt:
    .quad   0
    .quad   0x00AF9A000000FFFF              /* 0x08: 64-bit code, ring 0 */
    .quad   0x00CF92000000FFFF              /* 0x10: data, ring 0 */
boot_gdt_end:
boot_gdtr:
    .short  boot_gdt_end - boot_gdt - 1
    .long   PHYS(boot_gdt)
boot_gdtr64:
    .short  boot_gdt_end - boot_gdt - 1
    .quad   boot_gdt

    .section .bss.page_aligned, "aw", @nobits
    .balign 4096
    .global boot_l4
boot_l4:        .skip 4096
boot_l3_ident:  .skip 4096
boot_l3_image:  .skip 4096
boot_l3_dmap:   .skip 4096
boot_l2:        .skip 4096 * 4
    .global boot_stack, boot_stack_top
boot_stack:     .skip STACK_SIZE
boot_stack_top:
