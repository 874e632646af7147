/* Per-connection output queues: framed replies and watch events waiting for the
 * transport. */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const err_names[] = {
    [XE_OK] = "OK",           [XE_EINVAL] = XSD_ERRSTR_EINVAL,
    [XE_EACCES] = XSD_ERRSTR_EACCES, [XE_EEXIST] = XSD_ERRSTR_EEXIST,
    [XE_EISDIR] = XSD_ERRSTR_EISDIR, [XE_ENOENT] = XSD_ERRSTR_ENOENT,
    [XE_ENOMEM] = XSD_ERRSTR_ENOMEM, [XE_ENOSPC] = XSD_ERRSTR_ENOSPC,
    [XE_EIO] = XSD_ERRSTR_EIO,       [XE_ENOTEMPTY] = XSD_ERRSTR_ENOTEMPTY,
    [XE_ENOSYS] = XSD_ERRSTR_ENOSYS, [XE_EROFS] = XSD_ERRSTR_EROFS,
    [XE_EBUSY] = XSD_ERRSTR_EBUSY,   [XE_EAGAIN] = XSD_ERRSTR_EAGAIN,
    [XE_EISCONN] = XSD_ERRSTR_EISCONN, [XE_E2BIG] = XSD_ERRSTR_E2BIG,
    [XE_EPERM] = XSD_ERRSTR_EPERM,
};

const char *xs_err_name(enum xs_err err)
{
    if ((size_t)err >= sizeof(err_names) / sizeof(err_names[0]))
        return XSD_ERRSTR_EIO;
    return err_names[err];
}

void out_free_all(struct conn *c)
{
    struct omsg *m, *next;

    for (m = c->out_head; m != NULL; m = next) {
        next = m->next;
        free(m);
    }
    c->out_head = c->out_tail = NULL;
    c->out_replies = 0;
    c->out_bytes = 0;
}

/* Marks c for closing: a reader that falls this far behind, or an event that could
 * not be queued, would leave it with a wrong picture of the store. */
static void kill(struct conn *c)
{
    c->dead = true;
    c->kick = true;
    out_free_all(c);
}

void out_push(struct store_engine *e, struct conn *c, uint32_t type, uint32_t req_id,
              uint32_t tx_id, const void *payload, size_t len, bool reply)
{
    struct xsd_sockmsg h = { type, req_id, tx_id, (uint32_t)len };
    size_t size = sizeof(h) + len;
    struct omsg *m;

    if (c->dead)
        return;
    if (c->cid.domid != 0 && c->out_bytes + size > e->lim.queue_bytes) {
        kill(c);
        return;
    }
    m = malloc(sizeof(*m) + size);
    if (m == NULL) {
        kill(c);
        return;
    }
    m->next = NULL;
    m->reply = reply;
    m->len = (uint32_t)size;
    memcpy(m->data, &h, sizeof(h));
    if (len != 0)
        memcpy(m->data + sizeof(h), payload, len);
    if (c->out_tail != NULL)
        c->out_tail->next = m;
    else
        c->out_head = m;
    c->out_tail = m;
    c->out_bytes += size;
    c->out_replies += reply;
    c->kick = true;
}

void out_error(struct store_engine *e, struct conn *c, const struct xsd_sockmsg *req,
               enum xs_err err)
{
    const char *name = xs_err_name(err);

    out_push(e, c, XS_ERROR, req->req_id, req->tx_id, name, strlen(name) + 1, true);
}

const void *store_output_peek(const struct store_engine *e, struct store_conn_id cid,
                              size_t *len)
{
    struct conn *c = conn_find(e, cid);

    if (c == NULL || c->out_head == NULL)
        return NULL;
    *len = c->out_head->len;
    return c->out_head->data;
}

void store_output_pop(struct store_engine *e, struct store_conn_id cid)
{
    struct conn *c = conn_find(e, cid);
    struct omsg *m;

    if (c == NULL || c->out_head == NULL)
        return;
    m = c->out_head;
    c->out_head = m->next;
    if (c->out_head == NULL)
        c->out_tail = NULL;
    c->out_bytes -= m->len;
    c->out_replies -= m->reply;
    free(m);
}
