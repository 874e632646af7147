/* Path names (portable, host-tested). */
#ifndef PATH_H
#define PATH_H

#include <stddef.h>

/* Make path absolute against cwd and canonical ("/a/b": no ".", "..", "//" or
 * trailing "/"; ".." of the root is the root). 0, -XE_NAMETOOLONG (a component over
 * 55 bytes or a result over outlen - 1) or -XE_NOENT (empty path). */
int path_resolve(const char *cwd, const char *path, char *out, size_t outlen);
/* The next component of a canonical path at *p: copies it to name (size 56), advances
 * *p; returns 0 at the end. */
int path_next(const char **p, char *name);

#endif
