/* Hypercall numbers nobody implements, and the calling convention around them.
 *
 * Checks: unassigned or retired numbers (11, tmem 38, argo 39, 43-47, 56-63) and
 * every number from 64 to 127 (through their hypercall-page stubs) return -ENOSYS;
 * numbers beyond the page (128, 255, 2^31, 2^32 + 17 -- a number whose low bits
 * name xen_version --, ~0) issued with a bare SYSCALL return -ENOSYS; a bare
 * SYSCALL with a valid number works like the stub; a hypercall preserves RBX, RBP,
 * R12-R15 and, through the stub, RCX and R11.
 * Without it: a guest probing an optional interface (argo, XTF's SKIP paths) would
 * crash or misbehave, and truncating RAX to 32 bits would turn junk into real calls.
 */
#include "rt.h"
#include <xlite/version.h>

static void t_unassigned(void)
{
    static const unsigned int nrs[] = { 11, 38, 39, 43, 44, 45, 46, 47, 56, 57, 58, 59, 60,
                                        61, 62, 63 };
    char what[32];

    t_begin("unassigned_enosys");
    for (size_t i = 0; i < ARRAY_SIZE(nrs); i++) {
        snprintf(what, sizeof(what), "hypercall %u", nrs[i]);
        t_eq(what, hypercall_nr(nrs[i], 0, 0, 0, 0, 0), -XEN_ENOSYS);
    }
    t_end();

    t_begin("numbers_64_to_127_enosys");
    for (unsigned int nr = 64; nr < XLITE_HYPERCALL_NR_STUBS; nr++) {
        snprintf(what, sizeof(what), "hypercall %u", nr);
        t_eq(what, hypercall_nr(nr, 1, 2, 3, 4, 5), -XEN_ENOSYS);
    }
    t_end();
}

static void t_raw(void)
{
    static const uint64_t nrs[] = { 128, 255, 0x80000000ul, 0x100000000ul + 17,
                                    0xFFFFFFFFul, ~0ul };
    char what[48];

    t_begin("beyond_page_enosys");
    for (size_t i = 0; i < ARRAY_SIZE(nrs); i++) {
        snprintf(what, sizeof(what), "raw syscall %#lx", (unsigned long)nrs[i]);
        t_eq(what, hypercall_raw(nrs[i], XENVER_version, 0, 0, 0, 0), -XEN_ENOSYS);
    }
    t_end();

    t_begin("raw_syscall_works");
    t_eq("xen_version via bare SYSCALL",
         hypercall_raw(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0),
         HYPERVISOR_xen_version(XENVER_version, NULL));
    t_eq("XENVER_pagesize via bare SYSCALL",
         hypercall_raw(__HYPERVISOR_xen_version, XENVER_pagesize, 0, 0, 0, 0), 4096);
    t_end();
}

static void t_preserved(void)
{
    uint64_t out[8];

    /* Load known values, call xen_version(version) through its stub, store them back. */
    __asm__ volatile(
        "push %%rbp\n"
        "push %[o]\n"
        "mov $0x1111111111111111, %%rbx\n"
        "mov $0x2222222222222222, %%rbp\n"
        "mov $0x3333333333333333, %%r12\n"
        "mov $0x4444444444444444, %%r13\n"
        "mov $0x5555555555555555, %%r14\n"
        "mov $0x6666666666666666, %%r15\n"
        "mov $0x7777777777777777, %%rcx\n"
        "mov $0x8888888888888888, %%r11\n"
        "xor %%edi, %%edi\n"
        "xor %%eax, %%eax\n"
        "xor %%esi, %%esi\n"
        "call hypercall_page + %c[off]\n"
        "pop %%rax\n"
        "mov %%rbx, 0(%%rax)\n"
        "mov %%rbp, 8(%%rax)\n"
        "mov %%r12, 16(%%rax)\n"
        "mov %%r13, 24(%%rax)\n"
        "mov %%r14, 32(%%rax)\n"
        "mov %%r15, 40(%%rax)\n"
        "mov %%rcx, 48(%%rax)\n"
        "mov %%r11, 56(%%rax)\n"
        "pop %%rbp\n"
        :
        : [o] "r"(out), [off] "i"(XLITE_HYPERCALL_STUB_OFFSET(__HYPERVISOR_xen_version))
        : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r10", "r11", "r12", "r13", "r14",
          "r15", "memory");

    t_begin("registers_preserved");
    t_eq("RBX", out[0], 0x1111111111111111ul);
    t_eq("RBP", out[1], 0x2222222222222222ul);
    t_eq("R12", out[2], 0x3333333333333333ul);
    t_eq("R13", out[3], 0x4444444444444444ul);
    t_eq("R14", out[4], 0x5555555555555555ul);
    t_eq("R15", out[5], 0x6666666666666666ul);
    t_eq("RCX (saved by the stub)", out[6], 0x7777777777777777ul);
    t_eq("R11 (saved by the stub)", out[7], 0x8888888888888888ul);
    t_end();
}

void test_main(void)
{
    t_unassigned();
    t_raw();
    t_preserved();
}
