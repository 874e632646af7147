/* Building xenstore request messages (for store clients and tests). */
#ifndef XLITE_TOOLS_STORE_WIRE_H
#define XLITE_TOOLS_STORE_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* Writes header + args (each with its NUL) + tail (raw, for WRITE's value) into buf.
 * Returns the message length, or 0 if it does not fit size or XENSTORE_PAYLOAD_MAX. */
size_t store_msg_build(void *buf, size_t size, uint32_t type, uint32_t req_id,
                       uint32_t tx_id, const char *const *args, size_t nargs,
                       const void *tail, size_t tail_len);

#endif
