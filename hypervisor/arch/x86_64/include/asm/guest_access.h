/* The only way hypervisor code touches guest memory: checked copies that refuse
 * anything outside guest address space and turn a fault into -XEN_EFAULT. */
#ifndef XLITE_GUEST_ACCESS_H
#define XLITE_GUEST_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <x86/guest_words.h>

/* The general copies (arch/x86_64/guest_access.c): any length, through the current
 * page tables. Return 0 or -XEN_EFAULT (range refused or a page not mapped/writable);
 * on a fault part of the data may have been copied. */
int copy_from_guest_bytes(void *dst, uint64_t guest_src, size_t len);
int copy_to_guest_bytes(uint64_t guest_dst, const void *src, size_t len);
int clear_guest(uint64_t guest_dst, size_t len);

/* copy_from_guest/copy_to_guest: the same contract. A length known at compile time
 * (a hypercall's fixed-size argument) is copied inline by x86/guest_words.h. */
static inline __attribute__((always_inline)) int copy_from_guest(void *dst, uint64_t guest_src,
                                                                 size_t len)
{
    if (__builtin_constant_p(len) && len % 8 == 0 && len && len <= GUEST_WORDS_MAX * 8)
        return guest_read_words(dst, guest_src, (unsigned int)(len / 8));
    return copy_from_guest_bytes(dst, guest_src, len);
}

static inline __attribute__((always_inline)) int copy_to_guest(uint64_t guest_dst,
                                                               const void *src, size_t len)
{
    if (__builtin_constant_p(len) && len % 8 == 0 && len && len <= GUEST_WORDS_MAX * 8)
        return guest_write_words(guest_dst, src, (unsigned int)(len / 8));
    if (__builtin_constant_p(len) && len == 2)
        return guest_write_u16(guest_dst, src);
    return copy_to_guest_bytes(guest_dst, src, len);
}

#endif
