/* ls: list directories (one entry per line: type, size, name). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xlite.h"

static int list(const char *path)
{
    struct xstat st;

    if (xl_stat(path, &st) < 0) {
        fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (st.type != XST_DIR) {
        printf("%s\n", path);
        return 0;
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
        return 1;
    }
    struct xdirent de;
    for (unsigned long i = 0; xl_readdir(fd, &de, i) > 0; i++) {
        char t = de.type == XST_DIR ? 'd' : de.type == XST_CHR ? 'c' : '-';
        printf("%c %8lu %s%s\n", t, (unsigned long)de.size, de.name,
               de.type == XST_DIR ? "/" : "");
    }
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    int rc = 0;

    if (argc < 2)
        return list(".");
    for (int i = 1; i < argc; i++) {
        if (argc > 2)
            printf("%s:\n", argv[i]);
        rc |= list(argv[i]);
    }
    return rc;
}
