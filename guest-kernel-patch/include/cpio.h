/* cpio "newc" archive reader (portable, host-tested). */
#ifndef CPIO_H
#define CPIO_H

#include <stddef.h>
#include <stdint.h>

struct cpio_entry {
    const char *name;                  /* NUL-terminated inside the archive */
    size_t namelen;                    /* without the NUL */
    uint32_t mode;
    const void *data;
    size_t size;
};

/* Read the entry at *off and advance *off past it. 1: an entry; 0: the TRAILER!!!
 * (end); -XE_INVAL: a malformed archive (bad magic, bad hex, name or data past the
 * end, name not NUL-terminated, empty name). */
int cpio_next(const void *archive, size_t len, size_t *off, struct cpio_entry *e);

#define CPIO_S_IFMT  0170000
#define CPIO_S_IFDIR 0040000
#define CPIO_S_IFREG 0100000

#endif
