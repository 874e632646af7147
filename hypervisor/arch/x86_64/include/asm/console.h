/* Arch interface: the machine's console port (COM1 on x86). */
#ifndef XLITE_ASM_CONSOLE_H
#define XLITE_ASM_CONSOLE_H

/* Start the port; it registers its writer with printk. */
void console_port_init(void);
/* A received byte, or -1 if none is waiting (debug keys, dom0's console input). */
int console_getc(void);

#endif
