/* Serial input waiting for the privileged domain (CONSOLEIO_read): a small byte ring
 * filled by the serial receive path while dom0 owns the console and drained by the
 * hypercall. One producer (serial interrupt) and one consumer (hypercall); no locks.
 * Free of hardware access, so host unit tests link it as it is. */
#ifndef XLITE_CONSOLE_INPUT_H
#define XLITE_CONSOLE_INPUT_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes the ring holds; further input is dropped until the reader catches up. */
#define CONSOLE_INPUT_SIZE 256

/* Queue one received byte; dropped (and counted) when the ring is full. */
void console_input_put(char c);

/* Copy up to max pending bytes, oldest first, without consuming them; returns how
 * many were copied (0 if none). */
size_t console_input_peek(char *buf, size_t max);
/* Consume the n oldest pending bytes (at most what is pending). */
void console_input_consume(size_t n);
/* peek + consume: move up to max pending bytes into buf; returns the count. */
size_t console_input_get(char *buf, size_t max);

/* Move what the console port received into the ring while it has room; the rest
 * waits in the port (QEMU holds it back) instead of being dropped. True if any byte
 * came. Defined with the port access in console_io.c, not in the host-tested ring. */
bool console_input_pull(void);

/* Bytes waiting, and bytes dropped because the ring was full (since boot). */
size_t console_input_pending(void);
unsigned long console_input_dropped(void);

#endif
