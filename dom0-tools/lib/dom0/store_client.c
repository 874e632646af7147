/* store_client_request: write the request file, mark it ready, wait for the reply. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domrec.h"
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
    path_of(path, sizeof(path), "done");
    for (int t = 0; t < 200; t++) {
        if (!stat(path, &st))
            return read_reply(reply, size);
        xl_sleep_ns(10000000ull);
    }
    return -1;
}
