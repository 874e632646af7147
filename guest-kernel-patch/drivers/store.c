/* Store client: the xenstore wire protocol (xen-pv-abi.md §6.3) over the store ring
 * page and its event channel: read, write, mkdir, rm, directory, watch and
 * transactions (retried on EAGAIN). One request is in flight at a time; replies and
 * watch events are picked out of the response ring by the event handler. A domain
 * without a store (store_evtchn 0) runs on without one: every call is -XE_NODEV. */
#include "arch.h"
#include "devices.h"
#include "proc.h"
#include "ring.h"
#include "store.h"
#include "store_wire.h"

#define MSG_MAX (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX)
#define NWATCH_EVENTS 8

static struct xenstore_domain_interface *intf;
static unsigned int port;
static struct waitq wq = WAITQ_INIT(wq);
static bool busy;                      /* a request is in flight */
static uint32_t next_req = 1, want_req;
static bool reply_ready;
static struct xsd_sockmsg reply_hdr;
static char *reply_buf;                /* one page: reply payload */
static char *in_buf;                   /* one page + header: message being assembled */
static size_t in_len;
static struct { char path[128], token[32]; } events[NWATCH_EVENTS];
static unsigned int ev_rd, ev_wr;

bool store_present(void)
{
    return intf != NULL;
}

/* Take complete messages out of the response ring. */
static void store_event(unsigned int p, void *arg)
{
    (void)p, (void)arg;
    for (;;) {
        uint32_t cons = intf->rsp_cons, prod = intf->rsp_prod;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        size_t k = ring_get(intf->rsp, XENSTORE_RING_SIZE, &cons, prod, in_buf + in_len,
                            MSG_MAX - in_len);
        __atomic_thread_fence(__ATOMIC_RELEASE);
        intf->rsp_cons = cons;
        if (k)
            evtchn_notify(port);
        in_len += k;
        struct xsd_sockmsg h;
        int rc = xsw_header(in_buf, in_len, &h);
        if (rc == -XE_INVAL) {
            printk("store: bad message from the store (len %u type %u), dropped\n", h.len,
                   h.type);
            in_len = 0;
            continue;
        }
        if (rc || in_len < sizeof(h) + h.len) {
            if (!k)
                return;
            continue;
        }
        const char *payload = in_buf + sizeof(h);
        if (h.type == XS_WATCH_EVENT) {
            const char *f[2];
            if (xsw_fields(payload, h.len, f, 2) == 2 && ev_wr - ev_rd < NWATCH_EVENTS) {
                strlcpy(events[ev_wr % NWATCH_EVENTS].path, f[0], 128);
                strlcpy(events[ev_wr % NWATCH_EVENTS].token, f[1], 32);
                ev_wr++;
            }
        } else if (busy && h.req_id == want_req) {
            reply_hdr = h;
            memcpy(reply_buf, payload, h.len);
            reply_ready = true;
        }
        size_t used = sizeof(h) + h.len;
        memmove(in_buf, in_buf + used, in_len - used);
        in_len -= used;
        waitq_wake_all(&wq);
    }
}

/* Send one request and wait for its reply; the reply payload is left in reply_buf
 * (NUL-terminated for the caller's convenience). Returns its length or -errno. */
static long request(uint32_t type, uint32_t tx, const char *const f[], unsigned int nf,
                    int last_raw)
{
    static char msg[MSG_MAX];

    if (!intf)
        return -XE_NODEV;
    while (busy)
        waitq_wait(&wq, 0);
    busy = true;
    want_req = next_req++;
    reply_ready = false;
    long n = xsw_encode(msg, sizeof(msg), type, want_req, tx, f, nf, last_raw);
    for (long off = 0; n > 0 && off < n;) {
        uint32_t prod = intf->req_prod;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        size_t k = ring_put(intf->req, XENSTORE_RING_SIZE, intf->req_cons, &prod, msg + off,
                            (size_t)(n - off));
        __atomic_thread_fence(__ATOMIC_RELEASE);
        intf->req_prod = prod;
        evtchn_notify(port);
        off += (long)k;
        if (off < n)
            waitq_wait(&wq, 0);
    }
    while (n > 0 && !reply_ready)
        waitq_wait(&wq, 0);
    busy = false;
    waitq_wake_all(&wq);
    if (n < 0)
        return n;
    reply_buf[reply_hdr.len < PAGE_SIZE ? reply_hdr.len : PAGE_SIZE - 1] = '\0';
    if (reply_hdr.type == XS_ERROR)
        return xsw_error(reply_buf, reply_hdr.len);
    return reply_hdr.len;
}

long store_read(uint32_t tx, const char *path, char *buf, size_t n)
{
    const char *f[] = { path };
    long r = request(XS_READ, tx, f, 1, 0);

    if (r >= 0 && n) {
        size_t k = MIN((size_t)r, n - 1);
        memcpy(buf, reply_buf, k);
        buf[k] = '\0';
    }
    return r;
}

int store_write(uint32_t tx, const char *path, const char *value)
{
    const char *f[] = { path, value };
    long r = request(XS_WRITE, tx, f, 2, 1);
    return r < 0 ? (int)r : 0;
}

int store_mkdir(uint32_t tx, const char *path)
{
    const char *f[] = { path };
    long r = request(XS_MKDIR, tx, f, 1, 0);
    return r < 0 ? (int)r : 0;
}

int store_rm(uint32_t tx, const char *path)
{
    const char *f[] = { path };
    long r = request(XS_RM, tx, f, 1, 0);
    return r < 0 ? (int)r : 0;
}

long store_directory(uint32_t tx, const char *path, char *buf, size_t n)
{
    const char *f[] = { path };
    long r = request(XS_DIRECTORY, tx, f, 1, 0);
    if (r >= 0) {
        if ((size_t)r > n)
            return -XE_RANGE;
        memcpy(buf, reply_buf, (size_t)r);
    }
    return r;                          /* NUL-separated names */
}

int store_watch(const char *path, const char *token)
{
    const char *f[] = { path, token };
    long r = request(XS_WATCH, 0, f, 2, 0);
    return r < 0 ? (int)r : 0;
}

int store_tx_start(uint32_t *tx)
{
    const char *f[] = { "" };
    long r = request(XS_TRANSACTION_START, 0, f, 1, 0);
    if (r < 0)
        return (int)r;
    uint32_t v = 0;
    for (const char *p = reply_buf; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (uint32_t)(*p - '0');
    *tx = v;
    return 0;
}

int store_tx_end(uint32_t tx, bool commit)
{
    const char *f[] = { commit ? "T" : "F" };
    long r = request(XS_TRANSACTION_END, tx, f, 1, 0);
    return r < 0 ? (int)r : 0;
}

int store_wait_watch(char *path, size_t n)
{
    if (!intf)
        return -XE_NODEV;
    while (ev_rd == ev_wr)
        waitq_wait(&wq, 0);
    strlcpy(path, events[ev_rd % NWATCH_EVENTS].path, n);
    ev_rd++;
    return 0;
}

void store_init(void)
{
    if (!boot.store_evtchn || !boot.store_mfn) {
        printk("store: none (start_info has no store ring)\n");
        return;
    }
    reply_buf = kmalloc(PAGE_SIZE);
    in_buf = kmalloc(PAGE_SIZE);                 /* header + payload fit: see below */
    char *big = (char *)pfn_to_va(page_alloc_n(2));
    if (!reply_buf || !big) {
        printk("store: out of memory, running without\n");
        return;
    }
    kfree(in_buf);
    in_buf = big;                                /* MSG_MAX > one page */
    intf = arch_mfn_to_va(boot.store_mfn);
    port = boot.store_evtchn;
    evtchn_set_handler(port, store_event, NULL);
    evtchn_unmask(port);
    printk("store: connected (port %u)\n", port);
}

/* ------------------------------------------------------------------ control */

/* Read and clear control/shutdown in one transaction, retried while it conflicts;
 * the value's length, or -errno. */
int store_control_take(char *what, size_t n)
{
    for (int tries = 0; tries < 16; tries++) {
        uint32_t tx;
        int rc = store_tx_start(&tx);
        if (rc)
            return rc;
        long r = store_read(tx, "control/shutdown", what, n);
        if (r > 0)
            store_write(tx, "control/shutdown", "");
        rc = store_tx_end(tx, true);
        if (rc == -XE_AGAIN)
            continue;
        return rc ? rc : (int)r;
    }
    return -XE_AGAIN;
}

static void control_thread(void *arg)
{
    (void)arg;
    char path[128], what[32];

    if (store_watch("control/shutdown", "ctl")) {
        printk("control: cannot watch control/shutdown\n");
        for (;;)
            waitq_wait(&wq, 0);
    }
    for (;;) {
        store_wait_watch(path, sizeof(path));
        if (store_control_take(what, sizeof(what)) <= 0)
            continue;
        if (!strcmp(what, "poweroff") || !strcmp(what, "halt")) {
            printk("control: shutdown requested: powering off\n");
            arch_shutdown(ARCH_POWEROFF);
        } else if (!strcmp(what, "reboot")) {
            printk("control: reboot requested\n");
            arch_shutdown(ARCH_REBOOT);
        } else if (what[0]) {
            printk("control: unknown request '%s' ignored\n", what);
        }
    }
}

void control_init(void)
{
    char buf[16];

    kernel_domid = arch_domid();
    if (!store_present())
        return;
    if (store_read(0, "domid", buf, sizeof(buf)) > 0) {
        int v = 0;
        for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
            v = v * 10 + (*p - '0');
        kernel_domid = v;
    }
    if (!boot.privileged && !thread_create("control", control_thread, NULL))
        printk("control: cannot start the control thread\n");
}
