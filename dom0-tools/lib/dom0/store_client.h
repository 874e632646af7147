/* dom0's client of xlstored through its request files (xlstored/local_io.c). */
#ifndef XLITE_TOOLS_STORE_CLIENT_H
#define XLITE_TOOLS_STORE_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One request: its reply payload (NUL-terminated, at most size-1 bytes kept) in reply.
 * Returns the payload length, -2 with the error name in reply (e.g. "ENOENT") for an
 * XS_ERROR reply, or -1 if xlstored does not answer within 5 s. */
long store_client_request(uint32_t type, const char *const *args, size_t nargs,
                          const char *tail, char *reply, size_t size);

/* A session (xlstored/local_io.c): from store_client_session(true) on, this process's
 * requests share one connection, so watches and transactions span them; false ends it
 * (xlstored also ends it once the process is gone). 0, or -1. */
int store_client_session(bool on);
/* The next watch event of the session: its path (NUL-terminated, at most size-1 bytes
 * kept) in path and its token in token. Returns the path's length, or -1 if none came
 * within timeout_ms (or on an error). */
long store_client_event(char *path, size_t size, char *token, size_t tsize, int timeout_ms);

#endif
