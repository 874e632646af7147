/* The xlite shell: pipelines (|), redirection (<, >, >>), background jobs (&), $? and
 * a clear message for unknown commands. Line editing happens in the kernel's console
 * line discipline, so the shell reads whole lines. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xlite.h"

#define MAXW 32
#define MAXCMD 8

struct cmd {
    char *argv[MAXW + 1];
    int argc;
    char *in, *out;
    bool append;
};

static int last_status;

/* Split into words; | < > >> & are words of their own; '...' is taken as it is (blanks,
 * operators and double quotes kept, the single quotes dropped), as in sh: what
 * `xlite create cfg 'cmdline="a b"'` needs. Returns the count. */
static int tokenize(char *s, char **w, int max)
{
    int n = 0;

    while (*s && n < max) {
        while (*s == ' ' || *s == '\t' || *s == '\n')
            *s++ = '\0';
        if (!*s)
            break;
        if (strchr("|<>&", *s)) {
            static char ops[MAXW][3];
            char *op = ops[n];
            op[0] = *s;
            op[1] = op[2] = '\0';
            if (s[0] == '>' && s[1] == '>') {
                op[1] = '>';
                *s++ = '\0';
            }
            *s++ = '\0';
            w[n++] = op;
            continue;
        }
        w[n++] = s;
        char *d = s;                       /* the word is compacted in place */
        while (*s && !strchr(" \t\n|<>&", *s)) {
            if (*s == '\'') {
                char *e = strchr(s + 1, '\'');
                if (!e)
                    e = s + strlen(s);     /* unterminated: to the end of the line */
                memmove(d, s + 1, (size_t)(e - s - 1));
                d += e - s - 1;
                s = *e ? e + 1 : e;
                continue;
            }
            *d++ = *s++;
        }
        if (d < s)
            *d = '\0';                    /* s's separator (if any) is ended above */
    }
    return n;
}

static char *expand(char *w)
{
    static char buf[MAXW][16];
    static int next;

    if (strcmp(w, "$?"))
        return w;
    char *b = buf[next++ % MAXW];
    snprintf(b, 16, "%d", last_status);
    return b;
}

static int open_redirect(const char *path, int flags)
{
    int fd = open(path, flags, 0644);
    if (fd < 0)
        fprintf(stderr, "sh: %s: %s\n", path, strerror(errno));
    return fd;
}

static int status_of(int st)
{
    return XW_EXITED(st) ? XW_STATUS(st) : 128 + XW_SIGNAL(st);
}

static void run_line(char *line)
{
    char *w[MAXW * 2];
    struct cmd cmds[MAXCMD];
    int nw = tokenize(line, w, MAXW * 2), nc = 0;
    bool bg = false;

    if (nw == 0)
        return;
    memset(cmds, 0, sizeof(cmds));
    for (int i = 0; i < nw; i++) {
        struct cmd *c = &cmds[nc];
        if (!strcmp(w[i], "|")) {
            if (!c->argc || ++nc == MAXCMD)
                goto syntax;
        } else if (!strcmp(w[i], "&")) {
            bg = true;
        } else if (!strcmp(w[i], "<") || !strcmp(w[i], ">") || !strcmp(w[i], ">>")) {
            if (i + 1 >= nw || strchr("|<>&", w[i + 1][0]))
                goto syntax;
            if (w[i][0] == '<')
                c->in = w[++i];
            else {
                c->append = w[i][1] == '>';
                c->out = w[++i];
            }
        } else if (c->argc < MAXW) {
            c->argv[c->argc++] = expand(w[i]);
        }
    }
    if (!cmds[nc].argc)
        goto syntax;
    nc++;

    if (!strcmp(cmds[0].argv[0], "exit"))
        exit(cmds[0].argc > 1 ? atoi(cmds[0].argv[1]) : last_status);
    if (!strcmp(cmds[0].argv[0], "cd") && nc == 1) {
        const char *dir = cmds[0].argc > 1 ? cmds[0].argv[1] : "/";
        last_status = chdir(dir) < 0;
        if (last_status)
            fprintf(stderr, "sh: cd: %s: %s\n", dir, strerror(errno));
        return;
    }
    if (!strcmp(cmds[0].argv[0], "pwd") && nc == 1) {
        char cwd[256];
        printf("%s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
        last_status = 0;
        return;
    }
    if (!strcmp(cmds[0].argv[0], "exec") && cmds[0].argc > 1 && nc == 1) {
        char path[128];
        fflush(stdout);
        xl_exec(xl_which(cmds[0].argv[1], path, sizeof(path)), cmds[0].argv + 1);
        fprintf(stderr, "sh: exec %s: %s\n", cmds[0].argv[1], strerror(errno));
        last_status = 126;
        return;
    }

    int pids[MAXCMD], prev_read = -1;
    for (int i = 0; i < nc; i++) {
        struct cmd *c = &cmds[i];
        int fds[3] = { 0, 1, 2 }, p[2] = { -1, -1 }, in = -1, out = -1;
        char path[128];
        struct stat st;
        pids[i] = -1;
        if (prev_read >= 0)
            fds[0] = prev_read;
        if (i + 1 < nc) {
            if (pipe(p) < 0) {
                fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
                break;
            }
            fds[1] = p[1];
        }
        if (c->in && (in = open_redirect(c->in, O_RDONLY)) >= 0)
            fds[0] = in;
        if (c->out && (out = open_redirect(c->out, O_WRONLY | O_CREAT |
                                           (c->append ? O_APPEND : O_TRUNC))) >= 0)
            fds[1] = out;
        const char *prog = xl_which(c->argv[0], path, sizeof(path));
        if ((c->in && in < 0) || (c->out && out < 0)) {
            last_status = 1;
        } else if (stat(prog, &st) < 0) {
            fprintf(stderr, "sh: %s: command not found\n", c->argv[0]);
            last_status = 127;
        } else if ((pids[i] = xl_spawn(prog, c->argv, fds)) < 0) {
            fprintf(stderr, "sh: %s: %s\n", c->argv[0], strerror(errno));
            last_status = 126;
        }
        if (prev_read >= 0)
            close(prev_read);
        if (p[1] >= 0)
            close(p[1]);
        if (in >= 0)
            close(in);
        if (out >= 0)
            close(out);
        prev_read = p[0];
    }
    if (prev_read >= 0)
        close(prev_read);
    if (bg) {
        for (int i = 0; i < nc; i++)
            if (pids[i] > 0)
                printf("[%d]\n", pids[i]);
        last_status = 0;
        return;
    }
    if (pids[nc - 1] > 0)
        xl_set_foreground(pids[nc - 1]);
    for (int i = 0; i < nc; i++) {
        int st;
        if (pids[i] > 0 && xl_wait(pids[i], &st) == pids[i] && i == nc - 1)
            last_status = status_of(st);
    }
    xl_set_foreground(0);
    return;
syntax:
    fprintf(stderr, "sh: syntax error\n");
    last_status = 2;
}

/* Reap finished background jobs without blocking. */
static void reap(void)
{
    int st, pid;

    while ((pid = xl_wait(-2, &st)) > 0)
        printf("[%d] done, status %d\n", pid, status_of(st));
}

int main(void)
{
    char line[256];

    printf("xlite shell; type 'help' for commands\n");
    for (;;) {
        reap();
        printf("xlite# ");
        fflush(stdout);
        if (!fgets(line, sizeof(line), stdin)) {
            if (feof(stdin))
                break;
            clearerr(stdin);
            continue;
        }
        run_line(line);
    }
    return last_status;
}
