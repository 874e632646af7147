/* Boot-time domains (like Xen's dom0less): every Multiboot2 module whose string's first
 * word is `domU` (syntax in domu_config.h) is built at boot as an unprivileged domain,
 * with ids 1, 2, ... in module order. With dom0 (no dom0=none), module 0 is dom0's
 * kernel and module 1 its ramdisk unless module 1 is a domU; every later module that
 * is not a domU is ignored with a warning. */
#ifndef XLITE_BOOT_DOMAINS_H
#define XLITE_BOOT_DOMAINS_H

#include <stdint.h>

#include <hv/multiboot2.h>

/* How many leading modules are dom0's: 0 with dom0=none or no module, 1 (its kernel)
 * or 2 (kernel and ramdisk). */
uint32_t boot_domains_dom0_modules(const struct boot_info *bi);

/* Build a domain from each domU module. A module that cannot be built (bad string,
 * duplicate name, more memory than is free, bad ELF) gets one line "domU module N:
 * ..." naming the key or the image and the problem, and leaves nothing allocated; its
 * id stays unused and the others are still built. Returns the number built. */
unsigned int boot_domains_build(const struct boot_info *bi);

#endif
