/* A test client for the xlstored engine: sends framed requests on one connection and
 * returns the reply as text, keeping watch events aside. */
#ifndef XLITE_TESTS_TOOLS_STORE_CLIENT_H
#define XLITE_TESTS_TOOLS_STORE_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define SC_EVENTS_MAX 256

struct sc {
    struct store_engine *e;
    struct store_conn_id id;
    uint32_t next_req;
    char reply[4200];               /* last reply, NULs shown as '|' */
    char events[SC_EVENTS_MAX][128];  /* "path|token|" */
    int nevents;
};

/* Opens connection (domid, id) on e. */
void sc_open(struct sc *c, struct store_engine *e, uint16_t domid, uint32_t id);

/* Sends type with NULL-terminated string args (each sent with its NUL) under tx.
 * Returns the reply text: the payload with NULs as '|', or "E:<name>" (no bar) for an error.
 * Checks that exactly one reply came, echoing req_id and tx_id. */
const char *sc_req(struct sc *c, uint32_t type, uint32_t tx, ...);

/* WRITE path = value (value without NUL, like the real clients). */
const char *sc_write(struct sc *c, uint32_t tx, const char *path, const char *value);

/* Takes queued events out of the engine into c->events (returns how many). */
int sc_drain(struct sc *c);

/* Pops and compares the oldest kept event; 0 if none. */
int sc_event(struct sc *c, const char *want);
void sc_clear_events(struct sc *c);

#endif
