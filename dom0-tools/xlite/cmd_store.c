/* store: read, write, rm and ls nodes of xlstored's tree as dom0 (xenstore-read,
 * -write, -rm and -ls in one subcommand). */
#include <stdio.h>
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

static int ls(const char *path, int depth)
{
    static char reply[REPLY_MAX];
    char names[REPLY_MAX], child[XENSTORE_ABS_PATH_MAX], value[REPLY_MAX];
    const char *args[] = { path };
    long n = store_client_request(XS_DIRECTORY, args, 1, NULL, reply, sizeof(reply));

    if (n < 0)
        return fail("ls", path, n, reply);
    memcpy(names, reply, (size_t)n + 1);
    for (long off = 0; off < n; off += (long)strlen(names + off) + 1) {
        snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", names + off);
        const char *cargs[] = { child };
        long v = store_client_request(XS_READ, cargs, 1, NULL, value, sizeof(value));
        printf("%*s%s = \"%s\"\n", depth * 1, "", names + off, v >= 0 ? value : "");
        if (depth < 16)
            ls(child, depth + 1);
    }
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
    return usage("store");
}
