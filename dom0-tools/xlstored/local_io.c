/* dom0 clients of the store, through files (the dom0 kernel has no sockets): a client
 * writes framed requests to /run/xlite/xs/<ID>.req, then creates <ID>.go; the daemon
 * answers every request of the file, writes the framed replies to <ID>.rsp, creates
 * <ID>.done and removes the request files. Without <ID>.keep each file gets a fresh
 * dom0 connection. With it the connection is a session that lasts until <ID>.keep is
 * removed or its client (ID "c<pid>") is gone: its watches and transactions span
 * request files, and its watch events are appended to <ID>.ev as they fire. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wire.h"
#include "xlite.h"
#include "xlstored_io.h"

#define HDR sizeof(struct xsd_sockmsg)
#define REQ_FILE_MAX (16u * STORE_MSG_MAX)

static const struct store_conn_id admin_conn = { 0, 0 };
static uint32_t next_local_id = 1000;

void xs_log(const char *fmt, ...)
{
    va_list ap;

    fputs("xlstored: ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

int admin_request(uint32_t type, const char *const *args, size_t nargs, const char *tail)
{
    static char msg[STORE_MSG_MAX];
    size_t len = store_msg_build(msg, sizeof(msg), type, 1, 0, args, nargs, tail,
                                 tail ? strlen(tail) : 0);
    int rc = 0;

    if (!len || store_handle_message(xs_engine, admin_conn, msg, len, NULL) != STORE_OK)
        return -1;
    const void *out;
    size_t olen;
    while ((out = store_output_peek(xs_engine, admin_conn, &olen)) != NULL) {
        struct xsd_sockmsg h;
        memcpy(&h, out, HDR);
        if (h.type == XS_ERROR)
            rc = -1;
        store_output_pop(xs_engine, admin_conn);
    }
    return rc;
}

/* Sessions: clients that keep their connection (<ID>.keep). */
#define MAX_SESSIONS 16
static struct session {
    bool used;
    char id[48];
    struct store_conn_id c;
} sessions[MAX_SESSIONS];

static struct session *session_of(const char *dir, const char *id)
{
    char path[128];
    struct stat st;

    snprintf(path, sizeof(path), "%s/%s.keep", dir, id);
    if (stat(path, &st))
        return NULL;
    for (int i = 0; i < MAX_SESSIONS; i++)
        if (sessions[i].used && !strcmp(sessions[i].id, id))
            return &sessions[i];
    for (int i = 0; i < MAX_SESSIONS; i++)
        if (!sessions[i].used) {
            struct store_conn_id c = { 0, next_local_id++ };
            if (store_conn_open(xs_engine, c))
                return NULL;
            sessions[i] = (struct session){ .used = true, .c = c };
            snprintf(sessions[i].id, sizeof(sessions[i].id), "%s", id);
            return &sessions[i];
        }
    return NULL;                     /* full: the client gets one-file connections */
}

/* Moves what the session's queue holds to its files: watch events to <ID>.ev, replies
 * to out (NULL: there is no request file being answered). */
static void session_output(const struct session *s, FILE *out)
{
    char path[128];
    const void *m;
    size_t len;
    FILE *ev = NULL;

    while ((m = store_output_peek(xs_engine, s->c, &len)) != NULL) {
        struct xsd_sockmsg h;
        memcpy(&h, m, HDR);
        if (h.type == XS_WATCH_EVENT) {
            if (!ev) {
                snprintf(path, sizeof(path), "%s/%s.ev", LOCAL_DIR, s->id);
                ev = fopen(path, "a");
            }
            if (ev)
                fwrite(m, 1, len, ev);
        } else if (out) {
            fwrite(m, 1, len, out);
        }
        store_output_pop(xs_engine, s->c);
    }
    if (ev)
        fclose(ev);
}

static bool client_alive(const char *id)
{
    static struct xproc procs[128];
    char *end;
    long pid = id[0] == 'c' ? strtol(id + 1, &end, 10) : -1;

    if (pid <= 0 || *end)
        return false;
    int n = xl_procs(procs, 128);
    for (int i = 0; i < n; i++)
        if (procs[i].pid == pid && procs[i].state != 'Z')
            return true;
    return n < 0;                    /* cannot tell: keep it */
}

/* Each pass: sessions whose marker or client is gone end (their watches with them);
 * the others get the watch events that fired since. */
static void sessions_pump(void)
{
    char path[128];
    struct stat st;

    for (int i = 0; i < MAX_SESSIONS; i++) {
        struct session *s = &sessions[i];
        if (!s->used)
            continue;
        snprintf(path, sizeof(path), "%s/%s.keep", LOCAL_DIR, s->id);
        if (stat(path, &st) || !client_alive(s->id)) {
            store_conn_close(xs_engine, s->c);
            unlink(path);
            snprintf(path, sizeof(path), "%s/%s.ev", LOCAL_DIR, s->id);
            unlink(path);
            s->used = false;
            continue;
        }
        session_output(s, NULL);
    }
}

/* Answers one request file; refuses (no reply file) one over 16 messages' worth. */
static void serve(const char *dir, const char *id)
{
    char path[128];
    static char buf[REQ_FILE_MAX];
    long n = 0;

    snprintf(path, sizeof(path), "%s/%s.req", dir, id);
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        long k;
        while (n < (long)sizeof(buf) && (k = read(fd, buf + n, sizeof(buf) - (size_t)n)) > 0)
            n += k;
        close(fd);
    }
    unlink(path);
    snprintf(path, sizeof(path), "%s/%s.rsp", dir, id);
    FILE *out = fopen(path, "w");
    const struct session *sess = session_of(dir, id);
    struct store_conn_id c = sess ? sess->c : (struct store_conn_id){ 0, next_local_id++ };
    if (!out || (!sess && store_conn_open(xs_engine, c))) {
        if (out)
            fclose(out);
        return;
    }
    for (long off = 0; off + (long)HDR <= n;) {
        struct xsd_sockmsg h;
        memcpy(&h, buf + off, HDR);
        if (h.len > XENSTORE_PAYLOAD_MAX || off + (long)HDR + h.len > n)
            break;
        if (store_handle_message(xs_engine, c, buf + off, HDR + h.len, NULL) != STORE_OK)
            break;
        off += (long)(HDR + h.len);
        if (sess) {
            session_output(sess, out);
            continue;
        }
        const void *m;
        size_t len;
        while ((m = store_output_peek(xs_engine, c, &len)) != NULL) {
            fwrite(m, 1, len, out);
            store_output_pop(xs_engine, c);
        }
    }
    if (!sess)
        store_conn_close(xs_engine, c);
    fclose(out);
    snprintf(path, sizeof(path), "%s/%s.done", dir, id);
    fclose(fopen(path, "w"));
}

unsigned int local_pump(void)
{
    struct xdirent de;
    char path[128];
    unsigned int served = 0;

    int fd = open(LOCAL_DIR, O_RDONLY);
    if (fd < 0)
        return 0;
    for (unsigned long i = 0; xl_readdir(fd, &de, i) > 0; i++) {
        size_t len = strnlen(de.name, sizeof(de.name));
        if (len < 4 || len > 40 || strcmp(de.name + len - 3, ".go"))
            continue;
        char id[48];
        memcpy(id, de.name, len - 3);
        id[len - 3] = '\0';
        /* The marker goes before the reply is announced: once <id>.done exists the
         * client may send its next request, whose new <id>.go must survive. */
        snprintf(path, sizeof(path), "%s/%s.go", LOCAL_DIR, id);
        unlink(path);
        serve(LOCAL_DIR, id);
        served++;
        i = (unsigned long)-1;       /* the directory changed: start over */
    }
    close(fd);
    sessions_pump();
    return served;
}
