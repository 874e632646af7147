/* The only way hypervisor code touches guest memory: checked copies that refuse
 * anything outside guest address space and turn a fault into -XEN_EFAULT. */
#ifndef XLITE_GUEST_ACCESS_H
#define XLITE_GUEST_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <x86/layout.h>

#define GUEST_LOW_END   0x0000800000000000ul

/* [va, va + len) lies wholly in guest space: below 0x0000800000000000 or at or above
 * 0xFFFF880000000000 (never the hypervisor's range, never wrapping). Inline: every
 * guest copy asks it. */
static inline bool guest_range_ok(uint64_t va, size_t len)
{
    if (len == 0)
        return va < GUEST_LOW_END || va >= HV_VIRT_END;
    uint64_t last = va + len - 1;
    if (last < va)
        return false;                        /* wraps */
    if (last < GUEST_LOW_END)
        return true;
    return va >= HV_VIRT_END;
}

/* Copy through the current page tables. Return 0 or -XEN_EFAULT (range refused or a
 * page not mapped/writable); on a fault part of the data may have been copied. */
int copy_from_guest(void *dst, uint64_t guest_src, size_t len);
int copy_to_guest(uint64_t guest_dst, const void *src, size_t len);
int clear_guest(uint64_t guest_dst, size_t len);

#endif
