/* xlstored's core: the store tree and the xenstore wire protocol, with no I/O.
 *
 * The daemon (ring and socket I/O, later) owns the connections' transports; this
 * engine owns everything else: the node tree, permissions, watches, transactions,
 * domains and quotas. It takes one complete request message at a time (16-byte
 * struct xsd_sockmsg header + payload, pv-abi/include/xlite/io/store.h) and leaves
 * replies and watch events, already framed, in per-connection output queues.
 *
 * A connection is (domid, conn id): a guest's ring is one connection of its domid;
 * dom0's tools each get one connection of domid 0. domid 0 is privileged.
 * Plain C11, no global state: every engine is independent. */
#ifndef XLITE_TOOLS_STORE_H
#define XLITE_TOOLS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store_engine;

struct store_conn_id {
    uint16_t domid;
    uint32_t id;
};

/* Limits for unprivileged domains (dom0 has none); Xen's defaults where Xen has one. */
struct store_limits {
    uint32_t nodes;             /* nodes a domain owns: 1000 */
    uint32_t watches;           /* per connection: 128 */
    uint32_t outstanding;       /* replies not yet taken from the queue: 20 */
    uint32_t transactions;      /* open at once per connection: 10 */
    uint32_t value_bytes;       /* one node's value: 2048 */
    uint32_t perms;             /* entries in one permission list: 5 */
    uint32_t queue_bytes;       /* output queue before the connection is dropped: 256 KiB */
    uint32_t tx_nodes;          /* nodes one transaction may look at: 4096 (xlite's) */
};

void store_default_limits(struct store_limits *l);

enum store_verdict {
    STORE_OK,       /* handled; replies/events are queued */
    STORE_STALL,    /* not taken: too many replies outstanding; retry after popping */
    STORE_DROP,     /* close this connection (malformed framing, flooding, released) */
};

/* Told which connections got new output after a call (to kick their event channel). */
struct store_sink {
    void (*notify)(void *opaque, struct store_conn_id conn);
    void *opaque;
};

/* NULL limits = the defaults. Returns NULL when out of memory. */
struct store_engine *store_engine_create(const struct store_limits *limits);
void store_engine_destroy(struct store_engine *e);

/* Opens a connection; 0, -1 if it exists already or memory is short. */
int store_conn_open(struct store_engine *e, struct store_conn_id conn);
/* Closes it: its watches, transactions and queued output are dropped. */
void store_conn_close(struct store_engine *e, struct store_conn_id conn);
/* True if the engine wants this connection closed (flooded, domain released). */
bool store_conn_dead(const struct store_engine *e, struct store_conn_id conn);

/* Handles one message of len bytes (header + payload). Refuses (STORE_DROP) a
 * message shorter than the header, with a payload over XENSTORE_PAYLOAD_MAX or a
 * length that disagrees with its header, and any message on an unknown or dead
 * connection; everything else gets a reply (an XS_ERROR one if it is invalid). */
enum store_verdict store_handle_message(struct store_engine *e, struct store_conn_id conn,
                                        const void *msg, size_t len,
                                        const struct store_sink *sink);

/* The oldest queued output message of a connection (header + payload), or NULL. */
const void *store_output_peek(const struct store_engine *e, struct store_conn_id conn,
                              size_t *len);
/* Drops that message (it has been written to the transport). */
void store_output_pop(struct store_engine *e, struct store_conn_id conn);

/* What XS_INTRODUCE recorded for a domain: 0, or -1 if it is not introduced. */
int store_domain_ring(const struct store_engine *e, uint16_t domid, uint64_t *mfn,
                      uint32_t *port);

/* Nodes currently owned by domid (for tests and diagnostics). */
uint32_t store_domain_nodes(const struct store_engine *e, uint16_t domid);

#endif
