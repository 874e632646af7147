/* Resuming after a fault in an instruction that is allowed to fault. */
#ifndef XLITE_EXTABLE_H
#define XLITE_EXTABLE_H

#include <stdbool.h>

#include <asm/regs.h>

/* If regs->rip has a fixup, move it there and return true. */
bool extable_fixup(struct cpu_regs *regs);

#endif
