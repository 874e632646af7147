/* Pipes: a 4 KiB ring between a read end and a write end, each a struct file.
 * Readers sleep while it is empty and a writer exists; writers while it is full. */
#include "proc.h"
#include "ring.h"

struct pipe {
    char *buf;                         /* one page */
    uint32_t rd, wr;                   /* free-running indices (ring.h) */
    int readers, writers;
    struct waitq wq;
};

struct waitq poll_waitq = WAITQ_INIT(poll_waitq);

int pipe_create(struct file **r, struct file **w)
{
    struct pipe *p = kzalloc(sizeof(*p));
    struct file *fr = kzalloc(sizeof(*fr)), *fw = kzalloc(sizeof(*fw));
    char *buf = kmalloc(PIPE_BUF_SIZE);

    if (!p || !fr || !fw || !buf) {
        kfree(buf);
        kfree(p);
        kfree(fr);
        kfree(fw);
        return -XE_NOMEM;
    }
    waitq_init(&p->wq);
    p->buf = buf;
    p->readers = p->writers = 1;
    *fr = (struct file){ .refs = 1, .kind = F_PIPE_R, .pipe = p };
    *fw = (struct file){ .refs = 1, .kind = F_PIPE_W, .flags = XO_WRONLY, .pipe = p };
    *r = fr;
    *w = fw;
    return 0;
}

static void pipe_wake(struct pipe *p)
{
    waitq_wake_all(&p->wq);
    waitq_wake_all(&poll_waitq);
}

long pipe_read(struct file *f, char *kbuf, size_t n)
{
    struct pipe *p = f->pipe;

    while (ring_used(p->rd, p->wr) == 0) {
        if (!p->writers)
            return 0;
        if (f->flags & XO_NONBLOCK)
            return -XE_AGAIN;
        waitq_wait(&p->wq, 0);
        if (cur_proc() && cur_proc()->killed)
            return -XE_INTR;
    }
    size_t k = ring_get(p->buf, PIPE_BUF_SIZE, &p->rd, p->wr, kbuf, n);
    pipe_wake(p);
    return (long)k;
}

long pipe_write(struct file *f, const char *kbuf, size_t n)
{
    struct pipe *p = f->pipe;
    size_t done = 0;

    while (done < n) {
        if (!p->readers)
            return done ? (long)done : -XE_PIPE;
        size_t k = ring_put(p->buf, PIPE_BUF_SIZE, p->rd, &p->wr, kbuf + done, n - done);
        done += k;
        if (k)
            pipe_wake(p);
        if (done < n) {
            if (f->flags & XO_NONBLOCK)
                return done ? (long)done : -XE_AGAIN;
            waitq_wait(&p->wq, 0);
            if (cur_proc() && cur_proc()->killed)
                return done ? (long)done : -XE_INTR;
        }
    }
    return (long)done;
}

int pipe_poll(struct file *f)
{
    struct pipe *p = f->pipe;

    if (f->kind == F_PIPE_R)
        return (ring_used(p->rd, p->wr) ? XPOLLIN : 0) | (p->writers ? 0 : XPOLLHUP | XPOLLIN);
    return (ring_used(p->rd, p->wr) < PIPE_BUF_SIZE ? XPOLLOUT : 0) |
           (p->readers ? 0 : XPOLLHUP);
}

void pipe_close(struct file *f)
{
    struct pipe *p = f->pipe;

    if (f->kind == F_PIPE_R)
        p->readers--;
    else
        p->writers--;
    pipe_wake(p);
    if (!p->readers && !p->writers) {
        kfree(p->buf);
        kfree(p);
    }
}
