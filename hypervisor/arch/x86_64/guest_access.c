/* Checked guest-memory copies. The copy instruction has an exception-table entry, so a
 * page fault inside it resumes at the fixup with RCX = bytes left instead of being a
 * hypervisor fault. With SMAP, STAC/CLAC open user access for just this instruction. */
#include <x86/cpu.h>
#include <asm/guest_access.h>
#include <x86/layout.h>
#include <hv/lib.h>
#include <xlite/errno.h>

#define GUEST_LOW_END   0x0000800000000000ul

bool guest_range_ok(uint64_t va, size_t len)
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

/* Returns the number of bytes NOT copied. */
static size_t raw_copy(void *dst, const void *src, size_t n)
{
    if (cpu_has_smap)
        __asm__ volatile("stac" ::: "memory");
    __asm__ volatile("1: rep movsb\n"
                     "2:\n"
                     ".pushsection .ex_table, \"a\"\n"
                     ".balign 8\n"
                     ".quad 1b, 2b\n"
                     ".popsection"
                     : "+D"(dst), "+S"(src), "+c"(n) :: "memory");
    if (cpu_has_smap)
        __asm__ volatile("clac" ::: "memory");
    return n;
}

static size_t raw_zero(void *dst, size_t n)
{
    if (cpu_has_smap)
        __asm__ volatile("stac" ::: "memory");
    __asm__ volatile("1: rep stosb\n"
                     "2:\n"
                     ".pushsection .ex_table, \"a\"\n"
                     ".balign 8\n"
                     ".quad 1b, 2b\n"
                     ".popsection"
                     : "+D"(dst), "+c"(n) : "a"(0) : "memory");
    if (cpu_has_smap)
        __asm__ volatile("clac" ::: "memory");
    return n;
}

int copy_from_guest(void *dst, uint64_t guest_src, size_t len)
{
    if (!guest_range_ok(guest_src, len))
        return -XEN_EFAULT;
    return raw_copy(dst, (const void *)guest_src, len) ? -XEN_EFAULT : 0;
}

int copy_to_guest(uint64_t guest_dst, const void *src, size_t len)
{
    if (!guest_range_ok(guest_dst, len))
        return -XEN_EFAULT;
    return raw_copy((void *)guest_dst, src, len) ? -XEN_EFAULT : 0;
}

int clear_guest(uint64_t guest_dst, size_t len)
{
    if (!guest_range_ok(guest_dst, len))
        return -XEN_EFAULT;
    return raw_zero((void *)guest_dst, len) ? -XEN_EFAULT : 0;
}
