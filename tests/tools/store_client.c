/* Test client for the xlstored engine (see store_client.h). */
#include "store_client.h"

#include <check.h>
#include <stdarg.h>
#include <string.h>

#include <xlite/io/store.h>

#include "wire.h"

void sc_open(struct sc *c, struct store_engine *e, uint16_t domid, uint32_t id)
{
    memset(c, 0, sizeof(*c));
    c->e = e;
    c->id = (struct store_conn_id){ domid, id };
    c->next_req = 100;
    ck_assert_int_eq(store_conn_open(e, c->id), 0);
}

static void show(char *dst, size_t size, const unsigned char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n && i + 1 < size; i++)
        dst[i] = p[i] == '\0' ? '|' : (char)p[i];
    dst[i] = '\0';
}

/* Takes every queued message; events go to c->events, the rest are replies. */
static int take(struct sc *c, uint32_t req_id, uint32_t tx)
{
    const unsigned char *m;
    size_t len;
    int replies = 0;

    while ((m = store_output_peek(c->e, c->id, &len)) != NULL) {
        struct xsd_sockmsg h;

        memcpy(&h, m, sizeof(h));
        ck_assert_uint_eq(len, sizeof(h) + h.len);
        if (h.type == XS_WATCH_EVENT) {
            ck_assert_uint_eq(h.req_id, 0);
            ck_assert_int_lt(c->nevents, SC_EVENTS_MAX);
            show(c->events[c->nevents++], sizeof(c->events[0]), m + sizeof(h), h.len);
        } else {
            ck_assert_uint_eq(h.req_id, req_id);
            ck_assert_uint_eq(h.tx_id, tx);
            if (h.type == XS_ERROR) {
                strcpy(c->reply, "E:");
                ck_assert_msg(h.len > 0 && m[sizeof(h) + h.len - 1] == '\0',
                              "error reply without NUL");
                memcpy(c->reply + 2, m + sizeof(h), h.len);
            } else {
                show(c->reply, sizeof(c->reply), m + sizeof(h), h.len);
            }
            replies++;
        }
        store_output_pop(c->e, c->id);
    }
    return replies;
}

static const char *send(struct sc *c, const void *msg, size_t len, uint32_t req_id,
                        uint32_t tx)
{
    ck_assert_uint_gt(len, 0);
    ck_assert_int_eq(store_handle_message(c->e, c->id, msg, len, NULL), STORE_OK);
    ck_assert_int_eq(take(c, req_id, tx), 1);
    return c->reply;
}

const char *sc_req(struct sc *c, uint32_t type, uint32_t tx, ...)
{
    unsigned char msg[16 + XENSTORE_PAYLOAD_MAX];
    const char *args[16];
    size_t n = 0, len;
    uint32_t req = c->next_req++;
    va_list ap;

    va_start(ap, tx);
    while (n < 16 && (args[n] = va_arg(ap, const char *)) != NULL)
        n++;
    va_end(ap);
    len = store_msg_build(msg, sizeof(msg), type, req, tx, args, n, NULL, 0);
    return send(c, msg, len, req, tx);
}

const char *sc_write(struct sc *c, uint32_t tx, const char *path, const char *value)
{
    unsigned char msg[16 + XENSTORE_PAYLOAD_MAX];
    uint32_t req = c->next_req++;
    size_t len = store_msg_build(msg, sizeof(msg), XS_WRITE, req, tx, &path, 1, value,
                                 strlen(value));

    return send(c, msg, len, req, tx);
}

int sc_drain(struct sc *c)
{
    int before = c->nevents;

    ck_assert_int_eq(take(c, 0, 0), 0);
    return c->nevents - before;
}

int sc_event(struct sc *c, const char *want)
{
    if (c->nevents == 0)
        return 0;
    ck_assert_str_eq(c->events[0], want);
    memmove(c->events[0], c->events[1], (size_t)(c->nevents - 1) * sizeof(c->events[0]));
    c->nevents--;
    return 1;
}

void sc_clear_events(struct sc *c)
{
    c->nevents = 0;
}
