/* The nodes a toolstack writes for a new PV domain under /local/domain/<N>
 * (Xen's xenstore-paths names), with their permissions. */
#ifndef XLITE_TOOLS_STORE_DOMAIN_NODES_H
#define XLITE_TOOLS_STORE_DOMAIN_NODES_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct domain_nodes_info {
    uint16_t domid;
    const char *name;
    const char *uuid;               /* "xxxxxxxx-...", or NULL: no vm node */
    uint64_t memory_kib;            /* memory/target */
    uint64_t maxmem_kib;            /* memory/static-max */
    uint32_t vcpus, maxvcpus;       /* cpu/<n>/availability online / offline */
    uint64_t console_mfn;
    uint32_t console_port;
    uint64_t store_mfn;
    uint32_t store_port;
};

enum domain_node_access {
    NODE_GUEST_READ,                /* "n0" "r<N>": dom0's, the guest reads */
    NODE_GUEST_WRITE,               /* "n0" "b<N>": the guest also writes */
    NODE_GUEST_OWNS,                /* "n<N>": the guest's own (data/, device/) */
};

struct domain_node {
    char path[64];
    char value[64];
    enum domain_node_access access;
};

#define DOMAIN_NODES_MAX (24 + 128)  /* fixed nodes + one per vCPU */

/* Fills out[max] parents first; returns the count, or 0 if max is too small or the
 * info is invalid (domid 0 or >= 0x7FF0, vcpus 0 or > maxvcpus or > 128). */
size_t domain_nodes_build(const struct domain_nodes_info *info, struct domain_node *out,
                          size_t max);

/* Writes them through the engine as dom0 connection `conn` would (one transaction
 * of WRITE + SET_PERMS messages, retried on EAGAIN), consuming the replies. Returns 0,
 * or -1 if any request failed. */
int domain_nodes_write(struct store_engine *e, struct store_conn_id conn,
                       const struct domain_nodes_info *info);

#endif
