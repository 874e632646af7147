/* User-program entry: the kernel starts us with RSP -> argc, argv[0..argc-1], NULL. */
    .text
    .globl _start
_start:
    xor %ebp, %ebp
    mov (%rsp), %rdi
    lea 8(%rsp), %rsi
    and $-16, %rsp
    call __libc_start
    ud2
    .section .note.GNU-stack, "", @progbits
