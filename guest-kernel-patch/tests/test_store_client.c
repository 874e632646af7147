/* The store client (drivers/store.c) against a fake store on the other end of a ring
 * page: requests and replies, error names, watches, and a transaction that conflicts
 * once (EAGAIN) and is retried. The fake answers inside evtchn_notify and the "upcall"
 * runs whenever the client would sleep (tests/stubs.c), so the client runs unchanged. */
#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "arch.h"
#include "ktests.h"
#include "proc.h"
#include "ring.h"
#include "store.h"
#include "store_wire.h"

static _Alignas(4096) char ring_page[4096];

/* ------------------------------------------------------------------ the fake store */
static struct { char key[64], val[64]; } kv[16];
static int nkv, conflicts_left, commits;
static struct { char key[64], val[64]; } pending[4];   /* writes inside the transaction */
static int npending;

static void put(const char *k, const char *val, size_t vlen)
{
    char *v = NULL;
    for (int i = 0; i < nkv; i++)
        if (!strcmp(kv[i].key, k))
            v = kv[i].val;
    if (!v) {
        strcpy(kv[nkv].key, k);
        v = kv[nkv++].val;
    }
    memcpy(v, val, vlen);
    v[vlen] = '\0';
}

static void reply(uint32_t type, uint32_t req, const char *payload, size_t len)
{
    struct xenstore_domain_interface *in = (void *)ring_page;
    struct xsd_sockmsg h = { type, req, 0, (uint32_t)len };
    uint32_t prod = in->rsp_prod;

    ring_put(in->rsp, XENSTORE_RING_SIZE, in->rsp_cons, &prod, (char *)&h, sizeof(h));
    ring_put(in->rsp, XENSTORE_RING_SIZE, in->rsp_cons, &prod, payload, len);
    in->rsp_prod = prod;
}

static char *lookup(const char *k)
{
    for (int i = 0; i < nkv; i++)
        if (!strcmp(kv[i].key, k))
            return kv[i].val;
    return NULL;
}

/* The store: answers each request as soon as the client notifies. */
static void store_notify(unsigned int port)
{
    struct xenstore_domain_interface *in = (void *)ring_page;
    char msg[4200];
    uint32_t cons = in->req_cons;
    size_t n = ring_get(in->req, XENSTORE_RING_SIZE, &cons, in->req_prod, msg, sizeof(msg));
    struct xsd_sockmsg h;

    (void)port;
    in->req_cons = cons;
    if (!n || xsw_header(msg, n, &h))
        return;
    const char *p = msg + sizeof(h), *f[4];
    char *v;
    switch (h.type) {
    case XS_READ:
        xsw_fields(p, h.len, f, 4);
        if ((v = lookup(f[0])))
            reply(XS_READ, h.req_id, v, strlen(v));
        else
            reply(XS_ERROR, h.req_id, "ENOENT", 7);
        break;
    case XS_WRITE: {
        const char *val = p + strlen(p) + 1;
        size_t vlen = h.len - (size_t)(val - p);
        if (h.tx_id) {                 /* kept aside until the commit */
            strcpy(pending[npending].key, p);
            memcpy(pending[npending].val, val, vlen);
            pending[npending++].val[vlen] = '\0';
        } else {
            put(p, val, vlen);
        }
        reply(XS_WRITE, h.req_id, "OK", 3);
        break;
    }
    case XS_DIRECTORY:
        reply(XS_DIRECTORY, h.req_id, "a\0b\0", 4);
        break;
    case XS_WATCH:
        reply(XS_WATCH, h.req_id, "OK", 3);
        reply(XS_WATCH_EVENT, 0, "control/shutdown\0ctl\0", 21);
        break;
    case XS_TRANSACTION_START:
        reply(XS_TRANSACTION_START, h.req_id, "7", 2);
        break;
    case XS_TRANSACTION_END:
        if (conflicts_left-- > 0) {
            reply(XS_ERROR, h.req_id, "EAGAIN", 7);
        } else {
            commits++;
            for (int i = 0; i < npending; i++)
                put(pending[i].key, pending[i].val, strlen(pending[i].val));
            reply(XS_TRANSACTION_END, h.req_id, "OK", 3);
        }
        npending = 0;
        break;
    default:
        reply(XS_ERROR, h.req_id, "ENOSYS", 7);
    }
}

static void connect(void)
{
    memset(ring_page, 0, sizeof(ring_page));
    fake = (struct fake_hv){ .page = ring_page, .on_notify = store_notify };
    nkv = 0;
    boot.store_mfn = 1;
    boot.store_evtchn = 1;
    store_init();
}

/* ------------------------------------------------------------------ tests */
START_TEST(store_client_read_write)
{
    char buf[64];

    connect();
    ck_assert(store_present());
    ck_assert_int_eq(store_write(0, "name", "hello"), 0);
    ck_assert_int_eq(store_read(0, "name", buf, sizeof(buf)), 5);
    ck_assert_str_eq(buf, "hello");
    ck_assert_int_eq(store_read(0, "missing", buf, sizeof(buf)), -XE_NOENT);
    ck_assert_int_eq(store_directory(0, "x", buf, sizeof(buf)), 4);
    ck_assert_int_eq(memcmp(buf, "a\0b\0", 4), 0);
    ck_assert_int_eq(store_mkdir(0, "d"), -XE_NOSYS);
}
END_TEST

START_TEST(store_client_watch_and_transaction)
{
    char path[64], what[16];

    connect();
    ck_assert_int_eq(store_watch("control/shutdown", "ctl"), 0);
    ck_assert_int_eq(store_wait_watch(path, sizeof(path)), 0);
    ck_assert_str_eq(path, "control/shutdown");
    store_write(0, "control/shutdown", "reboot");
    conflicts_left = 2;
    commits = 0;
    ck_assert_int_eq(store_control_take(what, sizeof(what)), 6);
    ck_assert_str_eq(what, "reboot");
    ck_assert_int_eq(commits, 1);
    ck_assert_int_eq(store_read(0, "control/shutdown", what, sizeof(what)), 0);
}
END_TEST

START_TEST(store_client_without_store)
{
    char buf[8];

    memset(&boot, 0, sizeof(boot));    /* store_evtchn 0: a boot-time domU today */
    store_init();
    ck_assert(!store_present());
    ck_assert_int_eq(store_read(0, "x", buf, sizeof(buf)), -XE_NODEV);
    ck_assert_int_eq(store_write(0, "x", "y"), -XE_NODEV);
    ck_assert_int_eq(store_wait_watch(buf, sizeof(buf)), -XE_NODEV);
}
END_TEST

Suite *store_client_suite(void)
{
    Suite *s = suite_create("store_client");
    ADD_TEST(s, store_client_without_store);
    ADD_TEST(s, store_client_read_write);
    ADD_TEST(s, store_client_watch_and_transaction);
    return s;
}
