/* store_msg_build: one framed request. */
#include "wire.h"

#include <string.h>

#include <xlite/io/store.h>

size_t store_msg_build(void *buf, size_t size, uint32_t type, uint32_t req_id,
                       uint32_t tx_id, const char *const *args, size_t nargs,
                       const void *tail, size_t tail_len)
{
    struct xsd_sockmsg h = { type, req_id, tx_id, 0 };
    unsigned char *p = buf;
    size_t len = 0;

    for (size_t i = 0; i < nargs; i++)
        len += strlen(args[i]) + 1;
    len += tail_len;
    if (len > XENSTORE_PAYLOAD_MAX || sizeof(h) + len > size)
        return 0;
    h.len = (uint32_t)len;
    memcpy(p, &h, sizeof(h));
    p += sizeof(h);
    for (size_t i = 0; i < nargs; i++) {
        size_t n = strlen(args[i]) + 1;

        memcpy(p, args[i], n);
        p += n;
    }
    if (tail_len != 0)
        memcpy(p, tail, tail_len);
    return sizeof(h) + len;
}
