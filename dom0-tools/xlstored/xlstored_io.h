/* xlstored's I/O around the engine (store.h): guests' store rings and dom0's local
 * request files. dom0-only (newlib, privileged devices). */
#ifndef XLITE_TOOLS_XLSTORED_IO_H
#define XLITE_TOOLS_XLSTORED_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctrl.h"
#include "domrec.h"
#include "store.h"
#include <xlite/io/store.h>

#define STORE_MSG_MAX (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX)
#define LOCAL_DIR DOMREC_DIR "/xs"    /* dom0 clients' request and reply files */

struct store_dom {
    bool used;
    uint32_t domid;
    volatile struct xenstore_domain_interface *ring;
    uint32_t port;                  /* our end of its store channel (0: none) */
    char in[STORE_MSG_MAX];         /* request being assembled */
    size_t in_len;
    size_t out_off;                 /* bytes of the oldest reply already in the ring */
    bool dead;                      /* the engine dropped it: ignore its ring */
};

extern struct ctrl xs_ctrl;
extern int xs_evtchn_fd;
extern struct store_engine *xs_engine;

/* ring_io.c: introduce a domain (map, bind, write its nodes); 0 or -1. */
int ring_attach(struct store_dom *d, const struct domrec *r);
/* Release it: its nodes removed, the engine told, ring unmapped, port unbound. */
void ring_detach(struct store_dom *d);
/* Requests in, replies and watch events out. */
void ring_pump(struct store_dom *d);

/* local_io.c: handles every complete request file of dom0 clients. */
unsigned int local_pump(void);   /* returns the requests it answered */
/* A request from the daemon itself as dom0 (replies dropped); 0 or -1 on XS_ERROR. */
int admin_request(uint32_t type, const char *const *args, size_t nargs, const char *tail);

void xs_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
