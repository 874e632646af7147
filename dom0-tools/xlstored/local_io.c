/* dom0 clients of the store, through files (the dom0 kernel has no sockets): a client
 * writes framed requests to /run/xlite/xs/<ID>.req, then creates <ID>.go; the daemon
 * answers every request of the file on a fresh dom0 connection, writes the framed
 * replies to <ID>.rsp, creates <ID>.done and removes the request files. A connection
 * lasts one file, so watches and transactions do not span files. */
#include <fcntl.h>
#include <stdarg.h>
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
    struct store_conn_id c = { 0, next_local_id++ };
    if (!out || store_conn_open(xs_engine, c)) {
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
        const void *m;
        size_t len;
        while ((m = store_output_peek(xs_engine, c, &len)) != NULL) {
            fwrite(m, 1, len, out);
            store_output_pop(xs_engine, c);
        }
    }
    store_conn_close(xs_engine, c);
    fclose(out);
    snprintf(path, sizeof(path), "%s/%s.done", dir, id);
    fclose(fopen(path, "w"));
}

void local_pump(void)
{
    struct xdirent de;
    char path[128];

    int fd = open(LOCAL_DIR, O_RDONLY);
    if (fd < 0)
        return;
    for (unsigned long i = 0; xl_readdir(fd, &de, i) > 0; i++) {
        size_t len = strnlen(de.name, sizeof(de.name));
        if (len < 4 || len > 40 || strcmp(de.name + len - 3, ".go"))
            continue;
        char id[48];
        memcpy(id, de.name, len - 3);
        id[len - 3] = '\0';
        serve(LOCAL_DIR, id);
        snprintf(path, sizeof(path), "%s/%s.go", LOCAL_DIR, id);
        unlink(path);
        i = (unsigned long)-1;       /* the directory changed: start over */
    }
    close(fd);
}
