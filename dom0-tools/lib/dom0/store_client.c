/* store_client_request: write the request file, mark it ready, wait for the reply;
 * sessions and their watch events (store_client.h). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domrec.h"
#include "doorbell.h"
#include "store_client.h"
#include "wire.h"
#include "xlite.h"
#include <xlite/io/store.h>

#define DIR_XS DOMREC_DIR "/xs"
#define HDR sizeof(struct xsd_sockmsg)

static void path_of(char *buf, size_t n, const char *ext)
{
    snprintf(buf, n, "%s/c%d.%s", DIR_XS, getpid(), ext);
}

static long read_reply(char *reply, size_t size)
{
    char path[64], msg[HDR + XENSTORE_PAYLOAD_MAX];
    long n = 0, k;

    path_of(path, sizeof(path), "rsp");
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    while (n < (long)sizeof(msg) && (k = read(fd, msg + n, sizeof(msg) - (size_t)n)) > 0)
        n += k;
    close(fd);
    unlink(path);
    path_of(path, sizeof(path), "done");
    unlink(path);
    struct xsd_sockmsg h;
    if (n < (long)HDR)
        return -1;
    memcpy(&h, msg, HDR);
    if (h.len > (uint32_t)(n - (long)HDR))
        return -1;
    size_t keep = h.len < size ? h.len : size - 1;
    memcpy(reply, msg + HDR, keep);
    reply[keep] = '\0';
    return h.type == XS_ERROR ? -2 : (long)h.len;
}

long store_client_request(uint32_t type, const char *const *args, size_t nargs,
                          const char *tail, char *reply, size_t size)
{
    char msg[HDR + XENSTORE_PAYLOAD_MAX], path[64];
    struct stat st;
    size_t len = store_msg_build(msg, sizeof(msg), type, 1, 0, args, nargs, tail,
                                 tail ? strlen(tail) : 0);

    if (!len || stat(XLSTORED_PIDFILE, &st))
        return -1;
    path_of(path, sizeof(path), "req");
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fwrite(msg, 1, len, f);
    fclose(f);
    path_of(path, sizeof(path), "go");
    f = fopen(path, "w");
    if (!f)
        return -1;
    fclose(f);
    doorbell_ring(XLSTORED_DOORBELL);
    path_of(path, sizeof(path), "done");
    for (int t = 0; t < 2500; t++) {          /* 2 ms steps, 5 s in all */
        if (!stat(path, &st))
            return read_reply(reply, size);
        xl_sleep_ns(2000000ull);
    }
    return -1;
}

int store_client_session(bool on)
{
    char path[64];

    path_of(path, sizeof(path), "keep");
    if (!on) {
        unlink(path);
        path_of(path, sizeof(path), "ev");
        unlink(path);
        doorbell_ring(XLSTORED_DOORBELL);
        return 0;
    }
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fclose(f);
    return 0;
}

long store_client_event(char *path, size_t size, char *token, size_t tsize, int timeout_ms)
{
    static long off;                  /* how far the events file has been read */
    char name[64], msg[HDR + XENSTORE_PAYLOAD_MAX];

    path_of(name, sizeof(name), "ev");
    for (int waited = 0;; waited += 5) {
        int fd = open(name, O_RDONLY);
        long n = 0, k;
        if (fd >= 0) {
            lseek(fd, off, SEEK_SET);
            while (n < (long)HDR && (k = read(fd, msg + n, HDR - (size_t)n)) > 0)
                n += k;
            struct xsd_sockmsg h;
            memcpy(&h, msg, HDR);
            if (n == (long)HDR && h.len <= XENSTORE_PAYLOAD_MAX) {
                while (n < (long)(HDR + h.len) &&
                       (k = read(fd, msg + n, HDR + h.len - (size_t)n)) > 0)
                    n += k;
            }
            close(fd);
            if (n == (long)HDR + (long)h.len && n >= (long)HDR) {
                off += n;
                const char *p = msg + HDR, *end = msg + n;
                size_t plen = strnlen(p, (size_t)(end - p));
                const char *t = p + plen + 1 < end ? p + plen + 1 : end;
                snprintf(path, size, "%.*s", (int)plen, p);
                snprintf(token, tsize, "%.*s", (int)strnlen(t, (size_t)(end - t)), t);
                return (long)plen;
            }
        }
        if (waited >= timeout_ms)
            return -1;
        xl_sleep_ns(5000000ull);
    }
}
