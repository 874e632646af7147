/* cat: copy files (or standard input) to standard output. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>

static int copy(int fd)
{
    char buf[512];
    int n;

    while ((n = read(fd, buf, sizeof(buf))) > 0)
        if (write(1, buf, (size_t)n) != n)
            return 1;
    return n < 0;
}

int main(int argc, char **argv)
{
    int rc = 0;

    if (argc < 2)
        return copy(0);
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
            rc = 1;
            continue;
        }
        rc |= copy(fd);
        close(fd);
    }
    return rc;
}
