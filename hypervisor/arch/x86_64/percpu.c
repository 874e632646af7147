/* The boot CPU's per-CPU state. */
#include <stddef.h>

#include <x86/percpu.h>

struct percpu cpu0;

/* entry.S reaches these fields by fixed offsets. */
_Static_assert(offsetof(struct percpu, stack_top) == 0, "PERCPU_STACK_TOP");
_Static_assert(offsetof(struct percpu, syscall_scratch) == 8, "PERCPU_SYSCALL_SCRATCH");
_Static_assert(offsetof(struct percpu, sysret_ok) == 24, "PERCPU_SYSRET_OK");
