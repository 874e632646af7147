/* The xenstore wire format (portable, host-tested): a 16-byte header (type, req_id,
 * tx_id, len) and len payload bytes of NUL-separated fields. */
#ifndef STORE_WIRE_H
#define STORE_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <xlite/io/store.h>

/* Build a message whose payload is the fields, each followed by a NUL except the last
 * when last_raw (XS_WRITE's value). Returns its total size or -XE_2BIG (payload over
 * XENSTORE_PAYLOAD_MAX or over outlen). */
long xsw_encode(char *out, size_t outlen, uint32_t type, uint32_t req_id, uint32_t tx_id,
                const char *const fields[], unsigned int nfields, int last_raw);
/* A header at the start of buf: 0 (and *h) when all 16 bytes are there, -XE_AGAIN when
 * fewer, -XE_INVAL for a payload over XENSTORE_PAYLOAD_MAX or an unknown type. */
int xsw_header(const char *buf, size_t n, struct xsd_sockmsg *h);
/* Split a payload into NUL-terminated fields (pointers into it); the count, or
 * -XE_INVAL if the last field is not terminated or there are more than max. */
int xsw_fields(const char *payload, size_t len, const char **fields, int max);
/* The errno (negative) an XS_ERROR payload names; -XE_IO for an unknown name. */
int xsw_error(const char *payload, size_t len);

#endif
