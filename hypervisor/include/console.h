/* Console input for the debug keys (and later the dom0 console). */
#ifndef XLITE_CONSOLE_H
#define XLITE_CONSOLE_H

int console_getc(void);    /* a received byte, or -1 if none is waiting */

#endif
