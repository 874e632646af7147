/* COM1 console. */
#ifndef XLITE_SERIAL_H
#define XLITE_SERIAL_H

#include <asm/console.h>

int serial_getc(void);      /* a received byte, or -1 if none is waiting */

#endif
