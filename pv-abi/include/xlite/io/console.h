/* xlite PV ABI: the PV console ring page (start_info.console.domU.mfn / .evtchn). */
#ifndef XLITE_PV_ABI_IO_CONSOLE_H
#define XLITE_PV_ABI_IO_CONSOLE_H

#include "../xen.h"

/*
 * Two byte rings with free-running 32-bit indices. Output: the guest writes
 * out[out_prod++ & 2047], write barrier, stores out_prod, then sends an event
 * on the console port; the back end copies out[out_cons .. out_prod) and
 * advances out_cons (guests may wait for out_cons == out_prod, so a back end
 * must keep draining). Input goes the other way through in[] / in_prod, with
 * an event to the guest.
 *
 * On xlite today the hypervisor drains out[] of every domain itself (on a
 * send to a boot-time domU's console port, on yield, block, poll, console_io
 * writes and shutdown, and at most once per ms on the way back to a guest),
 * never writes in[], and leaves connection at 0. A boot-time domU's console
 * port is an unbound port offered to dom0; dom0's console.domU.evtchn is 0.
 */
#define XENCONSOLE_CONNECTED     0  /* back end is servicing the rings */
#define XENCONSOLE_DISCONNECTED  1

#define XLITE_XENCONS_IN_SIZE    1024
#define XLITE_XENCONS_OUT_SIZE   2048

/* Slot of index idx in ring (in or out, both power-of-two sized). */
#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t XENCONS_RING_IDX;

struct xencons_interface {
    char in[XLITE_XENCONS_IN_SIZE];   /* back end -> guest */
    char out[XLITE_XENCONS_OUT_SIZE]; /* guest -> back end */
    XENCONS_RING_IDX in_cons, in_prod;   /* guest consumes, back end produces */
    XENCONS_RING_IDX out_cons, out_prod; /* back end consumes, guest produces */
    uint8_t connection;               /* XENCONSOLE_*; written by the back end */
};
typedef struct xencons_interface xencons_interface_t;

XLITE_ABI_SIZE(struct xencons_interface, 3092, xencons_interface_size);
XLITE_ABI_OFFSET(struct xencons_interface, in, 0, xencons_interface_in);
XLITE_ABI_OFFSET(struct xencons_interface, out, 1024, xencons_interface_out);
XLITE_ABI_OFFSET(struct xencons_interface, in_cons, 3072, xencons_interface_in_cons);
XLITE_ABI_OFFSET(struct xencons_interface, in_prod, 3076, xencons_interface_in_prod);
XLITE_ABI_OFFSET(struct xencons_interface, out_cons, 3080, xencons_interface_out_cons);
XLITE_ABI_OFFSET(struct xencons_interface, out_prod, 3084, xencons_interface_out_prod);
XLITE_ABI_OFFSET(struct xencons_interface, connection, 3088, xencons_interface_connection);
XLITE_ABI_ASSERT(sizeof(struct xencons_interface) <= XLITE_PAGE_SIZE, xencons_fits_page);

#ifdef __cplusplus
}
#endif

#endif /* XLITE_PV_ABI_IO_CONSOLE_H */
