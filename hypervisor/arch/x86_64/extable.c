/* Exception fixups: instructions allowed to fault (guest-memory copies) list where to
 * resume. The table is built by the linker from .ex_table entries (.quad insn, fixup). */
#include <x86/extable.h>

struct ex_entry {
    uint64_t insn;
    uint64_t fixup;
};

extern const struct ex_entry __ex_table_start[], __ex_table_end[];

bool extable_fixup(struct cpu_regs *regs)
{
    for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++) {
        if (e->insn == regs->rip) {
            regs->rip = e->fixup;
            return true;
        }
    }
    return false;
}
