/* dom0's client of xlstored through its request files (xlstored/local_io.c). */
#ifndef XLITE_TOOLS_STORE_CLIENT_H
#define XLITE_TOOLS_STORE_CLIENT_H

#include <stddef.h>
#include <stdint.h>

/* One request: its reply payload (NUL-terminated, at most size-1 bytes kept) in reply.
 * Returns the payload length, -2 with the error name in reply (e.g. "ENOENT") for an
 * XS_ERROR reply, or -1 if xlstored does not answer within 2 s. */
long store_client_request(uint32_t type, const char *const *args, size_t nargs,
                          const char *tail, char *reply, size_t size);

#endif
