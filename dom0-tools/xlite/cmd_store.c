/* store: read, write, rm and ls nodes of xlstored's tree as dom0 (xenstore-read,
 * -write, -rm and -ls in one subcommand). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_client.h"
#include "xlcmd.h"
#include <xlite/io/store.h>

#define REPLY_MAX (XENSTORE_PAYLOAD_MAX + 1)

static int fail(const char *op, const char *path, long rc, const char *reply)
{
    if (rc == -1)
        return err("store: xlstored does not answer (is it running?)");
    return err("store %s %s: %s", op, path, reply);
}

/* Recursive, so the per-level buffers (names and the child's path, which the level
 * below still reads) live on the heap: 64 KiB of user stack held only five levels. */
static int ls(const char *path, int depth)
{
    static char reply[REPLY_MAX], value[REPLY_MAX];
    const char *args[] = { path };
    long n = store_client_request(XS_DIRECTORY, args, 1, NULL, reply, sizeof(reply));

    if (n < 0)
        return fail("ls", path, n, reply);
    char *names = malloc((size_t)n + 1 + XENSTORE_ABS_PATH_MAX);
    if (!names)
        return err("store ls: out of memory");
    char *child = names + n + 1;
    memcpy(names, reply, (size_t)n + 1);
    for (long off = 0; off < n; off += (long)strlen(names + off) + 1) {
        snprintf(child, XENSTORE_ABS_PATH_MAX, "%s/%s", strcmp(path, "/") ? path : "",
                 names + off);
        const char *cargs[] = { child };
        long v = store_client_request(XS_READ, cargs, 1, NULL, value, sizeof(value));
        printf("%*s%s = \"%s\"\n", depth * 1, "", names + off, v >= 0 ? value : "");
        if (depth < 16)
            ls(child, depth + 1);
    }
    free(names);
    return 0;
}

/* watch [-n N] PATH: prints the path of every watch event (the first fires at once,
 * as in xenstore) until N have come, or for ever (Ctrl-C) without -n. */
static int watch(int argc, char **argv)
{
    static char reply[REPLY_MAX];
    char fired[XENSTORE_ABS_PATH_MAX + 1], token[64];
    long limit = -1;

    if (argc == 3 && !strcmp(argv[0], "-n")) {
        char *end;
        limit = strtol(argv[1], &end, 10);
        if (*end || limit <= 0)
            return usage("store");
        argv += 2;
        argc -= 2;
    }
    if (argc != 1)
        return usage("store");
    const char *args[] = { argv[0], "xlite-watch" };
    if (store_client_session(true))
        return err("store watch: cannot start a session: %s", strerror(errno));
    long rc = store_client_request(XS_WATCH, args, 2, NULL, reply, sizeof(reply));
    if (rc < 0) {
        store_client_session(false);
        return fail("watch", argv[0], rc, reply);
    }
    for (long seen = 0; limit < 0 || seen < limit;) {
        if (store_client_event(fired, sizeof(fired), token, sizeof(token), 1000) < 0)
            continue;
        printf("%s\n", fired);
        fflush(stdout);
        seen++;
    }
    store_client_session(false);
    return 0;
}

int cmd_store(int argc, char **argv)
{
    static char reply[REPLY_MAX];

    if (argc < 3)
        return usage("store");
    const char *op = argv[1], *path = argv[2];
    const char *args[] = { path };
    long rc;
    if (!strcmp(op, "read") && argc == 3) {
        rc = store_client_request(XS_READ, args, 1, NULL, reply, sizeof(reply));
        if (rc < 0)
            return fail(op, path, rc, reply);
        printf("%s\n", reply);
        return 0;
    }
    if (!strcmp(op, "write") && argc == 4) {
        rc = store_client_request(XS_WRITE, args, 1, argv[3], reply, sizeof(reply));
        return rc < 0 ? fail(op, path, rc, reply) : 0;
    }
    if (!strcmp(op, "rm") && argc == 3) {
        rc = store_client_request(XS_RM, args, 1, NULL, reply, sizeof(reply));
        return rc < 0 ? fail(op, path, rc, reply) : 0;
    }
    if (!strcmp(op, "ls") && argc == 3)
        return ls(path, 0);
    if (!strcmp(op, "watch"))
        return watch(argc - 2, argv + 2);
    return usage("store");
}
