/* replaces a boot loader's initrd for domains built without a module (boot-time
 * domUs): the ramdisk linked into the image, used when start_info has none. */
    .section .ramdisk, "a"
    .balign 16
    .globl embedded_ramdisk, embedded_ramdisk_end
embedded_ramdisk:
#ifdef RAMDISK_FILE
    .incbin RAMDISK_FILE
#endif
embedded_ramdisk_end:
    .section .note.GNU-stack, "", @progbits
