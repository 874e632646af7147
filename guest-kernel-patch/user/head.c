/* head: the first bytes (-c N) or lines (-n N, default 10) of a file or standard input.
 * Also how the dom0 scenarios make a truncated guest image: head -c 4096 IMG > /tmp/t. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int usage(void)
{
    fprintf(stderr, "Usage: head [-c BYTES | -n LINES] [FILE]\n");
    return 2;
}

int main(int argc, char **argv)
{
    long limit = 10;
    int bytes = 0, i = 1;

    if (i + 1 < argc && (!strcmp(argv[i], "-c") || !strcmp(argv[i], "-n"))) {
        char *end;
        bytes = argv[i][1] == 'c';
        errno = 0;
        limit = strtol(argv[i + 1], &end, 10);
        if (errno || *end || end == argv[i + 1] || limit < 0)
            return usage();
        i += 2;
    } else if (i < argc && argv[i][0] == '-' && argv[i][1]) {
        return usage();
    }
    if (argc - i > 1)
        return usage();
    int fd = 0;
    if (i < argc && (fd = open(argv[i], O_RDONLY)) < 0) {
        fprintf(stderr, "head: %s: %s\n", argv[i], strerror(errno));
        return 1;
    }
    char buf[512];
    long seen = 0;
    int n;
    while (seen < limit && (n = read(fd, buf, sizeof(buf))) > 0) {
        int k = 0;
        if (bytes) {
            k = n < limit - seen ? n : (int)(limit - seen);
            seen += k;
        } else {
            while (k < n && seen < limit)
                if (buf[k++] == '\n')
                    seen++;
        }
        if (write(1, buf, (size_t)k) != k)
            return 1;
    }
    return 0;
}
