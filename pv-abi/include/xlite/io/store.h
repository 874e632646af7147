/* xlite PV ABI: the XenStore ring page and wire messages (start_info.store_mfn / store_evtchn). */
#ifndef XLITE_PV_ABI_IO_STORE_H
#define XLITE_PV_ABI_IO_STORE_H

#include "../xen.h"

/*
 * Two 1 KiB byte rings with free-running 32-bit indices masked by
 * MASK_XENSTORE_IDX. A producer writes bytes, write barrier, bumps *_prod,
 * then sends an event on the store port. Each message is a struct
 * xsd_sockmsg header followed by len payload bytes (len <=
 * XENSTORE_PAYLOAD_MAX), usually NUL-separated strings. A reply echoes type,
 * req_id and tx_id; a failure is type XS_ERROR with an error name such as
 * "ENOENT\0" as payload. Paths without a leading '/' are relative to
 * /local/domain/<domid>/.
 *
 * xlite runs no store daemon of its own: a boot-time domain gets a zeroed
 * store page and store_evtchn 0, meaning "no store".
 */
#define XENSTORE_RING_SIZE     1024
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))
#define XENSTORE_PAYLOAD_MAX   4096  /* larger messages are a protocol error */
#define XENSTORE_ABS_PATH_MAX  3072
#define XENSTORE_REL_PATH_MAX  2048

/* xenstore_domain_interface.server_features */
#define XENSTORE_SERVER_FEATURE_RECONNECTION 1  /* connection field is honoured */
#define XENSTORE_SERVER_FEATURE_ERROR        2  /* error field is present */

/* xenstore_domain_interface.connection */
#define XENSTORE_CONNECTED  0
#define XENSTORE_RECONNECT  1  /* guest asked to reset the rings */

/* xenstore_domain_interface.error */
#define XENSTORE_ERROR_NONE     0
#define XENSTORE_ERROR_COMM     1  /* communication problem */
#define XENSTORE_ERROR_RINGIDX  2  /* impossible ring index */
#define XENSTORE_ERROR_PROTO    3  /* protocol violation (e.g. payload too long) */

/*
 * Error names carried in XS_ERROR payloads (the wire has names, not
 * numbers; each end maps them to its own errno values).
 */
#define XSD_ERRSTR_EINVAL     "EINVAL"
#define XSD_ERRSTR_EACCES     "EACCES"
#define XSD_ERRSTR_EEXIST     "EEXIST"
#define XSD_ERRSTR_EISDIR     "EISDIR"
#define XSD_ERRSTR_ENOENT     "ENOENT"
#define XSD_ERRSTR_ENOMEM     "ENOMEM"
#define XSD_ERRSTR_ENOSPC     "ENOSPC"
#define XSD_ERRSTR_EIO        "EIO"
#define XSD_ERRSTR_ENOTEMPTY  "ENOTEMPTY"
#define XSD_ERRSTR_ENOSYS     "ENOSYS"
#define XSD_ERRSTR_EROFS      "EROFS"
#define XSD_ERRSTR_EBUSY      "EBUSY"
#define XSD_ERRSTR_EAGAIN     "EAGAIN"  /* transaction conflict: retry it */
#define XSD_ERRSTR_EISCONN    "EISCONN"
#define XSD_ERRSTR_E2BIG      "E2BIG"
#define XSD_ERRSTR_EPERM      "EPERM"

#ifdef __cplusplus
extern "C" {
#endif

/* Message types (xsd_sockmsg.type). */
enum xsd_sockmsg_type {
    XS_CONTROL              = 0,  /* also known as XS_DEBUG: "print\0msg\0" etc. */
    XS_DEBUG                = 0,
    XS_DIRECTORY            = 1,  /* reply: child names, each NUL-terminated */
    XS_READ                 = 2,
    XS_GET_PERMS            = 3,
    XS_WATCH                = 4,  /* "path\0token\0" */
    XS_UNWATCH              = 5,
    XS_TRANSACTION_START    = 6,  /* "\0"; reply: "<tx_id>\0" */
    XS_TRANSACTION_END      = 7,  /* "T\0" commit / "F\0" abort */
    XS_INTRODUCE            = 8,
    XS_RELEASE              = 9,
    XS_GET_DOMAIN_PATH      = 10,
    XS_WRITE                = 11, /* "path\0" followed by the value (no NUL) */
    XS_MKDIR                = 12,
    XS_RM                   = 13,
    XS_SET_PERMS            = 14,
    XS_WATCH_EVENT          = 15, /* unsolicited: "path\0token\0", req_id 0 */
    XS_ERROR                = 16, /* reply payload: error name, NUL-terminated */
    XS_IS_DOMAIN_INTRODUCED = 17,
    XS_RESUME               = 18,
    XS_SET_TARGET           = 19,
    /* 20 was XS_RESTRICT, removed */
    XS_RESET_WATCHES        = 21,
    XS_DIRECTORY_PART       = 22,
    XS_GET_FEATURE          = 23,
    XS_SET_FEATURE          = 24,
    XS_GET_QUOTA            = 25,
    XS_SET_QUOTA            = 26,
    XS_TYPE_COUNT           = 27, /* one past the last valid type */
    XS_INVALID              = 0xffff
};

/* Fields of an XS_WATCH_EVENT payload, in order. */
enum xs_watch_type {
    XS_WATCH_PATH  = 0,
    XS_WATCH_TOKEN = 1
};

/* Header of every message in either direction. */
struct xsd_sockmsg {
    uint32_t type;    /* enum xsd_sockmsg_type */
    uint32_t req_id;  /* chosen by the requester, echoed in the reply */
    uint32_t tx_id;   /* transaction id, 0 = none */
    uint32_t len;     /* payload bytes that follow */
};

typedef uint32_t XENSTORE_RING_IDX;

/* At offset 0 of the store page. */
struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE];  /* guest -> xenstored */
    char rsp[XENSTORE_RING_SIZE];  /* xenstored -> guest: replies and watch events */
    XENSTORE_RING_IDX req_cons, req_prod;
    XENSTORE_RING_IDX rsp_cons, rsp_prod;
    uint32_t server_features;      /* XENSTORE_SERVER_FEATURE_*; set by the server */
    uint32_t connection;           /* XENSTORE_CONNECTED / _RECONNECT */
    uint32_t error;                /* XENSTORE_ERROR_*; set by the server */
};

XLITE_ABI_SIZE(struct xsd_sockmsg, 16, xsd_sockmsg_size);
XLITE_ABI_OFFSET(struct xsd_sockmsg, type, 0, xsd_sockmsg_type);
XLITE_ABI_OFFSET(struct xsd_sockmsg, req_id, 4, xsd_sockmsg_req_id);
XLITE_ABI_OFFSET(struct xsd_sockmsg, tx_id, 8, xsd_sockmsg_tx_id);
XLITE_ABI_OFFSET(struct xsd_sockmsg, len, 12, xsd_sockmsg_len);

XLITE_ABI_SIZE(struct xenstore_domain_interface, 2076, xenstore_domain_interface_size);
XLITE_ABI_OFFSET(struct xenstore_domain_interface, req, 0, xenstore_req);
XLITE_ABI_OFFSET(struct xenstore_domain_interface, rsp, 1024, xenstore_rsp);
XLITE_ABI_OFFSET(struct xenstore_domain_interface, req_cons, 2048, xenstore_req_cons);
XLITE_ABI_OFFSET(struct xenstore_domain_interface, req_prod, 2052, xenstore_req_prod);
XLITE_ABI_OFFSET(struct xenstore_domain_interface, rsp_cons, 2056, xenstore_rsp_cons);
XLITE_ABI_OFFSET(struct xenstore_domain_interface, rsp_prod, 2060, xenstore_rsp_prod);
XLITE_ABI_OFFSET(struct xenstore_domain_interface, server_features, 2064,
                 xenstore_server_features);
XLITE_ABI_OFFSET(struct xenstore_domain_interface, connection, 2068, xenstore_connection);
XLITE_ABI_OFFSET(struct xenstore_domain_interface, error, 2072, xenstore_error);

#ifdef __cplusplus
}
#endif

#endif /* XLITE_PV_ABI_IO_STORE_H */
