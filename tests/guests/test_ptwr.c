/* Writable page tables (VMASST_TYPE_writable_pagetables): the guest kernel writes its
 * own L1 entries with ordinary instructions and the hypervisor emulates the faulting
 * write after validating the entry (issue "Linux as a PV domU", item 7).
 *
 * Checks: without the assist a write to an L1 page faults (#PF, write, present); with
 * it, each accepted form works on the entry mapping a scratch page and has exactly the
 * hardware's effect: MOV of a register and of an immediate, XCHG (old value in the
 * register), LOCK CMPXCHG that succeeds (ZF=1) and one that fails (ZF=0, RAX = the
 * entry, nothing written), LOCK OR/AND with a register, LOCK ANDB $0xFD on the low byte
 * (Linux's clear_bit of _PAGE_RW), LOCK BTS/BTR with an immediate (CF = the old bit);
 * the mapping really changes (read-only after RW is cleared: a write #PFs; writable
 * again after it is set). Refused with the original #PF and the entry unchanged: an
 * entry that would map an L1 page table writable (the page-type rules), an instruction
 * outside the set (ADD), and a write to an L2 page (only L1s are emulated).
 * Without it: Linux cannot run at all (it writes PTEs directly everywhere).
 *
 * EXPECT-LOG: ^frames: [0-9]+ free, as before any domain was built$
 */
#include "ptutil.h"

static uint8_t scratch[4096] BSS_PAGE;
static volatile uint64_t *l1e;          /* the (read-only) L1 entry that maps scratch */
static uint64_t rw_entry;

static void invlpg_scratch(void)
{
    mmuext_op_t op = { .cmd = MMUEXT_INVLPG_LOCAL, .arg1.linear_addr = (uint64_t)scratch };
    HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* 1 if the store of v to *p trapped. */
static unsigned long mov_traps(volatile uint64_t *p, uint64_t v)
{
    unsigned long n = rt_trap_count;
    __asm__ volatile(SITE("movq %%rbx, (%%rax)") :: "a"(p), "b"(v) : "memory");
    return rt_trap_count - n;
}

static unsigned long scratch_write_traps(void)
{
    unsigned long n = rt_trap_count;
    __asm__ volatile(SITE("movb $1, (%%rax)") :: "a"(scratch) : "memory");
    return rt_trap_count - n;
}

static void t_without_assist(void)
{
    t_begin("write_faults_without_assist");
    t_eq("store to the L1 entry traps", mov_traps(l1e, rw_entry), 1);
    t_eq("#PF", rt_last_trap.vector, X86_EXC_PF);
    t_eq("error code (present, write)", rt_last_trap.ec & 3, 3);
    t_eq("entry unchanged", *l1e, rw_entry);
    t_eq("enable the assist",
         HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0);
    t_end();
}

static void t_mov_xchg(void)
{
    uint64_t ro = rw_entry & ~PTE_RW, got;

    t_begin("mov_and_xchg");
    t_eq("mov reg: no trap", mov_traps(l1e, ro), 0);
    t_eq("entry read-only", *l1e, ro);
    invlpg_scratch();
    t_eq("write to the page now traps", scratch_write_traps(), 1);
    got = rw_entry;
    __asm__ volatile("xchgq %0, (%1)" : "+r"(got) : "r"(l1e) : "memory");
    t_eq("xchg: old value", got, ro);
    t_eq("xchg: entry", *l1e, rw_entry);
    invlpg_scratch();
    t_eq("writable again", scratch_write_traps(), 0);
    __asm__ volatile("movq $0, (%0)" :: "r"(l1e) : "memory");
    t_eq("mov imm 0", *l1e, 0);
    t_eq("restore", mov_traps(l1e, rw_entry), 0);
    t_end();
}

static void t_cmpxchg(void)
{
    uint64_t ro = rw_entry & ~PTE_RW, rax = rw_entry;
    uint8_t zf;

    t_begin("lock_cmpxchg");
    __asm__ volatile("lock cmpxchgq %3, (%2); setz %1"
                     : "+a"(rax), "=q"(zf) : "r"(l1e), "r"(ro) : "memory", "cc");
    t_eq("success: ZF", zf, 1);
    t_eq("success: entry", *l1e, ro);
    rax = 0x1234000;                              /* not the entry */
    __asm__ volatile("lock cmpxchgq %3, (%2); setz %1"
                     : "+a"(rax), "=q"(zf) : "r"(l1e), "r"(rw_entry) : "memory", "cc");
    t_eq("failure: ZF", zf, 0);
    t_eq("failure: RAX = entry", rax, ro);
    t_eq("failure: entry unchanged", *l1e, ro);
    t_eq("restore", mov_traps(l1e, rw_entry), 0);
    t_end();
}

static void t_bit_ops(void)
{
    uint64_t rw = PTE_RW, notrw = ~PTE_RW;
    uint8_t cf;

    t_begin("lock_or_and_bts_btr");
    __asm__ volatile("lock andq %1, (%0)" :: "r"(l1e), "r"(notrw) : "memory", "cc");
    t_eq("and: RW cleared", *l1e, rw_entry & ~PTE_RW);
    __asm__ volatile("lock orq %1, (%0)" :: "r"(l1e), "r"(rw) : "memory", "cc");
    t_eq("or: RW set", *l1e, rw_entry);
    __asm__ volatile("lock andb $0xfd, (%0)" :: "r"(l1e) : "memory", "cc");
    t_eq("andb $0xfd: RW cleared", *l1e, rw_entry & ~PTE_RW);
    __asm__ volatile("lock btsq $1, (%1); setc %0" : "=q"(cf) : "r"(l1e) : "memory", "cc");
    t_eq("bts: CF (old bit)", cf, 0);
    t_eq("bts: RW set", *l1e, rw_entry);
    __asm__ volatile("lock btrq $1, (%1); setc %0" : "=q"(cf) : "r"(l1e) : "memory", "cc");
    t_eq("btr: CF (old bit)", cf, 1);
    t_eq("btr: RW cleared", *l1e, rw_entry & ~PTE_RW);
    t_eq("restore", mov_traps(l1e, rw_entry), 0);
    invlpg_scratch();
    t_eq("scratch writable", scratch_write_traps(), 0);
    t_end();
}

static void t_refused(void)
{
    uint64_t l1_ma = pt_ma((const void *)((uint64_t)l1e & ~0xFFFull));
    unsigned long n;

    t_begin("refused_writes_fault");
    t_eq("map the L1 itself writable", mov_traps(l1e, l1_ma | PT_RW_FLAGS), 1);
    t_eq("... #PF", rt_last_trap.vector, X86_EXC_PF);
    t_eq("... entry unchanged", *l1e, rw_entry);
    n = rt_trap_count;
    __asm__ volatile(SITE("addq $0, (%%rax)") :: "a"(l1e) : "memory", "cc");
    t_eq("add (not emulated) traps", rt_trap_count - n, 1);
    uint64_t l2_ma;
    volatile uint64_t *l2 = pt_l2_of((uint64_t)scratch, &l2_ma);
    uint64_t slot = ((uint64_t)scratch >> 21) & 511, before = l2[slot];
    t_eq("store to an L2 entry traps", mov_traps(&l2[slot], before), 1);
    t_eq("... L2 unchanged", l2[slot], before);
    t_end();
}

void test_main(void)
{
    uint64_t l2_ma, *l2 = pt_l2_of((uint64_t)scratch, &l2_ma);
    uint64_t *l1 = pt_table(l2[((uint64_t)scratch >> 21) & 511]);

    l1e = &l1[((uint64_t)scratch >> 12) & 511];
    scratch[0] = 1;                               /* A and D set */
    rw_entry = *l1e;
    t_without_assist();
    t_mov_xchg();
    t_cmpxchg();
    t_bit_ops();
    t_refused();
}
