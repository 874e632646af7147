/* COM1 console. */
#ifndef XLITE_SERIAL_H
#define XLITE_SERIAL_H

void serial_init(void);
int serial_getc(void);      /* a received byte, or -1 if none is waiting */

#endif
