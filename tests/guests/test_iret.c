/* HYPERVISOR_iret (hypercall 23) from kernel to kernel (ABI notes §3.5).
 *
 * Checks: with an iret frame whose CS has RPL 0 the vCPU stays in kernel mode and
 * resumes at the frame's RIP and RSP with CS/SS forced to RPL 3, RAX/RCX/R11 are
 * the values the stub pushed, every other register is untouched, the arithmetic
 * flags come from the frame; the frame's IF sets the event mask (IF=1 unmasks,
 * IF=0 masks); with VGCF_in_syscall the return is SYSRET-style: RCX/R11 of the
 * frame are discarded and hold what SYSRET leaves (RCX = the RIP returned to, R11 =
 * the RFLAGS returned with), as on Xen; Linux's x86 selftests check exactly that
 * after every user SYSCALL.
 * Without it: every trap handler of every PV kernel returns through here.
 */
#include "rt.h"

/* Read and filled in by do_iret's asm, by name (every register is in use there). */
uint64_t iret_out[16], iret_in_rflags, iret_in_flags;
uint16_t iret_cs, iret_ss;

enum { O_RAX, O_RBX, O_RCX, O_RDX, O_RSI, O_RDI, O_R8, O_R9, O_R10, O_R11, O_R12, O_R13,
       O_R14, O_R15, O_RSP, O_RFLAGS };

uint64_t target_rsp;    /* written by do_iret's asm, by name */
extern char iret_landing[];

/* iret with frame {flags, RIP = iret_landing, CS 0xE030, rflags, RSP = own - 512,
 * SS 0xE02B} and known values in every register; record them all on landing. */
static void do_iret(uint64_t rflags, uint64_t flags, uint16_t *cs, uint16_t *ss)
{
    iret_in_rflags = rflags;
    iret_in_flags = flags;
    __asm__ volatile(
        "push %%rbp\n"
        "mov %%rsp, %%rbp\n"
        "lea -512(%%rsp), %%rax\n"
        "and $-16, %%rax\n"
        "mov %%rax, target_rsp\n"
        "pushq $0xE02B\n"
        "push %%rax\n"
        "pushq iret_in_rflags\n"
        "pushq $0xE030\n"
        "pushq $iret_landing\n"
        "pushq iret_in_flags\n"
        "movabs $0xAAAA00000000AAAA, %%rax\n"
        "movabs $0xBBBB00000000BBBB, %%rbx\n"
        "movabs $0xCCCC00000000CCCC, %%rcx\n"
        "movabs $0xDDDD00000000DDDD, %%rdx\n"
        "movabs $0x5151000000005151, %%rsi\n"
        "movabs $0xD1D10000000D1D10, %%rdi\n"
        "movabs $0x0808000000000808, %%r8\n"
        "movabs $0x0909000000000909, %%r9\n"
        "movabs $0x1010000000001010, %%r10\n"
        "movabs $0x1111000000001111, %%r11\n"
        "movabs $0x1212000000001212, %%r12\n"
        "movabs $0x1313000000001313, %%r13\n"
        "movabs $0x1414000000001414, %%r14\n"
        "movabs $0x1515000000001515, %%r15\n"
        "jmp hypercall_page + %c[iret]\n"
        ".globl iret_landing\n"
        "iret_landing:\n"
        "mov %%rax, iret_out + 8 * 0\n"
        "mov %%rbx, iret_out + 8 * 1\n"
        "mov %%rcx, iret_out + 8 * 2\n"
        "mov %%rdx, iret_out + 8 * 3\n"
        "mov %%rsi, iret_out + 8 * 4\n"
        "mov %%rdi, iret_out + 8 * 5\n"
        "mov %%r8, iret_out + 8 * 6\n"
        "mov %%r9, iret_out + 8 * 7\n"
        "mov %%r10, iret_out + 8 * 8\n"
        "mov %%r11, iret_out + 8 * 9\n"
        "mov %%r12, iret_out + 8 * 10\n"
        "mov %%r13, iret_out + 8 * 11\n"
        "mov %%r14, iret_out + 8 * 12\n"
        "mov %%r15, iret_out + 8 * 13\n"
        "mov %%rsp, iret_out + 8 * 14\n"
        "pushfq\n"
        "popq iret_out + 8 * 15\n"
        "mov %%cs, iret_cs\n"
        "mov %%ss, iret_ss\n"
        "mov %%rbp, %%rsp\n"
        "pop %%rbp\n"
        :
        : [iret] "i"(XLITE_HYPERCALL_STUB_OFFSET(__HYPERVISOR_iret))
        : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13",
          "r14", "r15", "memory", "cc");
    *cs = iret_cs;
    *ss = iret_ss;
}

#define ARITH 0x8D5ul   /* CF PF AF ZF SF OF */

static void t_restore(void)
{
    uint16_t cs = 0, ss = 0;

    t_begin("kernel_to_kernel_restores_state");
    do_iret(XLITE_RFLAGS_FIXED | 0x0C1 /* CF ZF SF */, 0, &cs, &ss);
    t_eq("RIP reached", 1, 1);
    t_eq("RSP", iret_out[O_RSP], target_rsp);
    t_eq("CS (RPL forced to 3)", cs, FLAT_KERNEL_CS);
    t_eq("SS", ss, FLAT_KERNEL_SS);
    t_eq("RAX (pushed by the stub)", iret_out[O_RAX], 0xAAAA00000000AAAAul);
    t_eq("RCX (pushed by the stub)", iret_out[O_RCX], 0xCCCC00000000CCCCul);
    t_eq("R11 (pushed by the stub)", iret_out[O_R11], 0x1111000000001111ul);
    t_eq("RBX", iret_out[O_RBX], 0xBBBB00000000BBBBul);
    t_eq("RDX", iret_out[O_RDX], 0xDDDD00000000DDDDul);
    t_eq("RSI", iret_out[O_RSI], 0x5151000000005151ul);
    t_eq("RDI", iret_out[O_RDI], 0xD1D10000000D1D10ul);
    t_eq("R8", iret_out[O_R8], 0x0808000000000808ul);
    t_eq("R9", iret_out[O_R9], 0x0909000000000909ul);
    t_eq("R10", iret_out[O_R10], 0x1010000000001010ul);
    t_eq("R12", iret_out[O_R12], 0x1212000000001212ul);
    t_eq("R13", iret_out[O_R13], 0x1313000000001313ul);
    t_eq("R14", iret_out[O_R14], 0x1414000000001414ul);
    t_eq("R15", iret_out[O_R15], 0x1515000000001515ul);
    t_eq("arithmetic flags from the frame", iret_out[O_RFLAGS] & ARITH, 0x0C1);
    t_eq("hardware IF", iret_out[O_RFLAGS] & XLITE_RFLAGS_IF, XLITE_RFLAGS_IF);
    if (shared)
        t_eq("upcall mask (frame IF=0)", shared->vcpu_info[0].evtchn_upcall_mask, 1);
    t_end();
}

static void t_mask(void)
{
    uint16_t cs, ss;

    t_begin("frame_if_sets_event_mask");
    if (!t_check(shared != NULL, "shared_info not mapped") ||
        !t_eq("event callbacks rc", rt_register_event_callbacks(), 0)) {
        t_end();
        return;
    }
    do_iret(XLITE_RFLAGS_FIXED | XLITE_RFLAGS_IF, 0, &cs, &ss);
    uint8_t after_if1 = shared->vcpu_info[0].evtchn_upcall_mask;
    do_iret(XLITE_RFLAGS_FIXED, 0, &cs, &ss);
    uint8_t after_if0 = shared->vcpu_info[0].evtchn_upcall_mask;
    shared->vcpu_info[0].evtchn_upcall_mask = 1;
    t_eq("mask after iret with IF=1", after_if1, 0);
    t_eq("mask after iret with IF=0", after_if0, 1);
    t_end();
}

static void t_in_syscall(void)
{
    uint16_t cs = 0, ss = 0;

    t_begin("vgcf_in_syscall_sysret_style");
    do_iret(XLITE_RFLAGS_FIXED | 0x041 /* CF ZF */, VGCF_in_syscall, &cs, &ss);
    t_eq("RSP", iret_out[O_RSP], target_rsp);
    t_eq("CS", cs, FLAT_KERNEL_CS);
    t_eq("RAX (pushed by the stub)", iret_out[O_RAX], 0xAAAA00000000AAAAul);
    t_eq("RCX (= the RIP returned to)", iret_out[O_RCX], (uint64_t)iret_landing);
    t_eq("R11 (= the RFLAGS returned with)", iret_out[O_R11], iret_out[O_RFLAGS]);
    t_eq("arithmetic flags from the frame", iret_out[O_RFLAGS] & ARITH, 0x041);
    t_eq("RBX", iret_out[O_RBX], 0xBBBB00000000BBBBul);
    t_eq("R15", iret_out[O_R15], 0x1515000000001515ul);
    t_end();
}

void test_main(void)
{
    t_restore();
    t_mask();
    t_in_syscall();
}
