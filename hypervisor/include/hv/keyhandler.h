/* Debug keys on the serial console (like Xen's): one character, one diagnostic. */
#ifndef XLITE_KEYHANDLER_H
#define XLITE_KEYHANDLER_H

void handle_debug_key(int key);

#endif
