/* An instruction that starts at the end of an executable page and runs into a
 * not-present one: the guest gets #PF with CR2 = the second page, RIP = the start of
 * the instruction (in the first page) and an error code saying instruction fetch of a
 * not-present page, from kernel mode. The code page holds zeros (`addb %al, (%rax)`, two
 * bytes each), entered at an odd offset so that the last one starts at offset 0xFFF.
 *
 * With "ptexec" on the command line (GUEST_CMDLINE=ptexec tests/guests/boot-guest.sh
 * build/tests/guests/test_cross_page_fetch.elf) the code page is the guest's own L2
 * table, mapped read-only: a PV guest may do that, and the L2's entries there are
 * zero. Debian's QEMU 10.0.2 (TCG) then never finishes the instruction and stops
 * answering altogether, while QEMU 7.2 delivers the #PF; docs/SECURITY.md (seed 1507)
 * has the story. It is therefore not part of `make test`.
 */
#include "rt.h"
#include "ptutil.h"

#define PFEC_I 0x10

static uint8_t code[2][4096] BSS_PAGE;
static uint8_t data[4096] BSS_PAGE;

/* Runs the zeros from start; each adds AL to a byte of data. Never returns. */
static long run_zeros(void *start)
{
    __asm__ volatile("call *%1" :: "a"(data + 0xC60), "r"(start) : "memory", "cc");
    return 0;
}

void test_main(void)
{
    bool ptexec = cmdline_has("ptexec");
    uint64_t frame = virt_to_mfn(code[0]) << 12;
    long ret;

    if (ptexec)
        pt_l2_of((uint64_t)(uintptr_t)code[0], &frame);

    t_begin(ptexec ? "cross_page_fetch_from_own_l2" : "cross_page_fetch_fault");
    t_eq("map the code page read-only, executable",
         pt_uvm(code[0], (frame & PTE_ADDR) | PTE_P | PTE_U | PTE_A | PTE_D), 0);
    t_eq("unmap the page after it", pt_uvm(code[1], 0), 0);
    t_eq("the zeros returned", rt_catch(run_zeros, code[0] + 0xEA3, &ret), false);
    t_eq("vector", rt_last_trap.vector, X86_EXC_PF);
    t_eq("CR2 is the second page", rt_last_trap.cr2, (uint64_t)(uintptr_t)code[1]);
    t_eq("RIP is the instruction's first byte", rt_last_trap.rip,
         (uint64_t)(uintptr_t)code[0] + 0xFFF);
    /* Guest kernel mode: U clear although the CPU ran it in ring 3 (the ABI's rewrite). */
    t_eq("error code", rt_last_trap.ec, PFEC_I);
    t_eq("byte of data added to", data[0xC60] != 0, true);
    t_eq("code page back", pt_restore(code[0]), 0);
    t_eq("second page back", pt_restore(code[1]), 0);
    t_end();
}
