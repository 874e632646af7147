/* Ending the machine's run: halt, or (exit_on_shutdown) leave QEMU with a status. */
#ifndef XLITE_MACHINE_H
#define XLITE_MACHINE_H

/* isa-debug-exit values: QEMU exits with (value << 1) | 1. */
#define EXIT_CLEAN  0       /* everything ran and shut down: QEMU status 1 */
#define EXIT_FAULT  1       /* hypervisor fault or panic: QEMU status 3 */
#define EXIT_DOMAIN_CRASH 2 /* all domains gone, at least one crashed: QEMU status 5 */

/* With exit_on_shutdown, write `status` to the isa-debug-exit port; then halt forever. */
__attribute__((noreturn)) void machine_halt(int status);

/* Print the message and halt with EXIT_FAULT. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/* Debug option crash_test=<kind>: fault on purpose to prove the fault report works. */
void crash_test_trigger(const char *kind);

#endif
