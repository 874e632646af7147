/* The console driver (drivers/console.c): output for printk and /dev/console, input
 * with line editing for readers of /dev/console. */
#ifndef CONSOLE_H
#define CONSOLE_H

#include "kernel.h"

void console_write(const char *s, size_t n);
void console_init(void);
/* Read one edited line (or what is left of it) into buf; blocks. -XE_INTR if killed. */
long console_read(char *buf, size_t n);
bool console_readable(void);
/* Ctrl-C goes to this process group leader (the shell's foreground child). */
void console_set_foreground(int pid);

#endif
