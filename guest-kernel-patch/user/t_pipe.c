/* t_pipe: 1 MiB of a known pattern through a pipe to a child that checks every byte,
 * in odd-sized pieces, so the ring wraps at every offset; then EOF when the writer
 * closes. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xlite.h"

#define TOTAL (1 << 20)

static unsigned char pattern(unsigned long i)
{
    return (unsigned char)(i * 131 + (i >> 9));
}

int main(int argc, char **argv)
{
    static unsigned char buf[3001];

    (void)argv;

    if (argc > 1) {                        /* the reader: stdin is the pipe */
        unsigned long got = 0;
        int n;
        while ((n = read(0, buf, 777)) > 0)
            for (int i = 0; i < n; i++, got++)
                if (buf[i] != pattern(got)) {
                    printf("t_pipe: byte %lu wrong\n", got);
                    return 1;
                }
        printf("t_pipe: reader got %lu bytes%s\n", got, got == TOTAL ? ", all correct" : "");
        return got != TOTAL;
    }
    int p[2];
    if (pipe(p) < 0)
        return 1;
    char *cargv[] = { "t_pipe", "reader", NULL };
    int fds[3] = { p[0], 1, 2 };
    int pid = xl_spawn("/bin/t_pipe", cargv, fds);
    close(p[0]);
    for (unsigned long off = 0; off < TOTAL;) {
        unsigned long n = TOTAL - off < sizeof(buf) ? TOTAL - off : sizeof(buf);
        for (unsigned long i = 0; i < n; i++)
            buf[i] = pattern(off + i);
        if (write(p[1], buf, n) != (long)n) {
            printf("t_pipe: write failed at %lu\n", off);
            return 1;
        }
        off += n;
    }
    close(p[1]);
    int st = -1;
    xl_wait(pid, &st);
    printf("t_pipe: %s\n", st == 0 ? "ok" : "FAILED");
    return st != 0;
}
