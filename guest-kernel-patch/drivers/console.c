/* Console frontend: output to the console ring (a domU with one) or console_io;
 * input from console_io in dom0 (polled on a timer; VIRQ_CONSOLE also wakes it) or
 * from the ring's in[] on its event channel. The line discipline edits in the kernel:
 * backspace, Ctrl-U, Ctrl-C (SIGINT to the foreground process), Ctrl-D (EOF), and
 * up/down arrows over a small history. The hypervisor prints guest output by whole
 * lines, so a line is echoed once complete, and a pending prompt is ended with a
 * newline when a reader starts waiting. */
#include <xlite/io/console.h>

#include "arch.h"
#include "console.h"
#include "proc.h"
#include "ring.h"

#define LINE_MAX 256
#define HIST 16
#define POLL_WAITING_NS 20000000ull    /* 20 ms while a reader waits */
#define POLL_IDLE_NS 100000000ull      /* 100 ms otherwise (for Ctrl-C) */

static struct xencons_interface *ring;
static unsigned int ring_port;
static bool partial;                   /* output ends inside a line */
static bool can_read;                  /* this domain has an input source */

static char line[LINE_MAX];
static size_t line_len;
static char ready[LINE_MAX * 2];
static uint32_t ready_rd, ready_wr;
static bool eof_pending;
static char hist[HIST][LINE_MAX];
static unsigned int hist_n, hist_pos;
static int esc_state;
static int foreground;
static int readers;
static struct waitq input_wq = WAITQ_INIT(input_wq);
static struct ktimer poll_timer;

static void out_raw(const char *s, size_t n)
{
    if (!n)
        return;
    partial = s[n - 1] != '\n';
    if (!ring) {
        arch_console_write(s, n);
        return;
    }
    while (n) {
        uint32_t prod = ring->out_prod;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        size_t k = ring_put(ring->out, sizeof(ring->out), ring->out_cons, &prod, s, n);
        __atomic_thread_fence(__ATOMIC_RELEASE);
        ring->out_prod = prod;
        evtchn_notify(ring_port);
        s += k;
        n -= k;
        if (n && !k)
            arch_console_write(s, n);   /* back end stuck: do not lose the text */
        if (!k)
            break;
    }
}

void console_write(const char *s, size_t n)
{
    out_raw(s, n);
}

void console_set_foreground(int pid)
{
    foreground = pid;
}

static void line_done(void)
{
    line[line_len++] = '\n';
    out_raw(line, line_len);            /* the echo, as one whole line */
    ring_put(ready, sizeof(ready), ready_rd, &ready_wr, line, line_len);
    if (line_len > 1) {
        memcpy(hist[hist_n % HIST], line, line_len - 1);
        hist[hist_n % HIST][line_len - 1] = '\0';
        hist_n++;
    }
    hist_pos = hist_n;
    line_len = 0;
}

static void history(int dir)
{
    unsigned int oldest = hist_n > HIST ? hist_n - HIST : 0;

    if (dir < 0 && hist_pos > oldest)
        hist_pos--;
    else if (dir > 0 && hist_pos < hist_n)
        hist_pos++;
    else
        return;
    const char *h = hist_pos < hist_n ? hist[hist_pos % HIST] : "";
    line_len = strlcpy(line, h, LINE_MAX - 1);
    if (line_len > LINE_MAX - 2)
        line_len = LINE_MAX - 2;
}

static void input_char(char c)
{
    if (esc_state == 1) {
        esc_state = c == '[' ? 2 : 0;
        return;
    }
    if (esc_state == 2) {
        esc_state = 0;
        if (c == 'A')
            history(-1);
        else if (c == 'B')
            history(1);
        return;                         /* left/right: not supported, ignored */
    }
    switch (c) {
    case 0x1b:
        esc_state = 1;
        break;
    case '\r':
    case '\n':
        line_done();
        break;
    case 0x7f:
    case 0x08:
        if (line_len)
            line_len--;
        break;
    case 0x15:                          /* Ctrl-U */
        line_len = 0;
        break;
    case 0x03:                          /* Ctrl-C */
        line_len = 0;
        out_raw("^C\n", 3);
        if (foreground > 1)
            proc_kill(foreground, XSIG_INT);
        break;
    case 0x04:                          /* Ctrl-D */
        if (!line_len)
            eof_pending = true;
        break;
    default:
        /* Ctrl-] is kept: `xlite console` detaches on it. */
        if (((unsigned char)c >= 0x20 || c == 0x1d) && line_len < LINE_MAX - 2)
            line[line_len++] = c;
        break;
    }
}

static void input_bytes(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        input_char(s[i]);
    if (n) {
        waitq_wake_all(&input_wq);
        waitq_wake_all(&poll_waitq);
    }
}

#define PULL_CHUNK 64

/* Input is taken only while the typed-ahead lines leave room for the line being
 * edited and one more chunk: the rest waits in the console ring or the hypervisor
 * (which then leaves it in the UART) instead of being dropped when `ready` is full.
 * console_read pulls again once the reader has emptied it. */
static bool input_room(void)
{
    return sizeof(ready) - ring_used(ready_rd, ready_wr) >= LINE_MAX + PULL_CHUNK;
}

static void pull_input(void)
{
    char buf[PULL_CHUNK];

    if (ring) {
        uint32_t cons = ring->in_cons;
        size_t k;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        while (input_room() && (k = ring_get(ring->in, sizeof(ring->in), &cons,
                                             ring->in_prod, buf, sizeof(buf)))) {
            ring->in_cons = cons;
            input_bytes(buf, k);
        }
        return;
    }
    long n;
    while (input_room() && (n = arch_console_read(buf, sizeof(buf))) > 0)
        input_bytes(buf, (size_t)n);
}

static void poll_tick(void *arg)
{
    (void)arg;
    pull_input();
    timer_add(&poll_timer, arch_now_ns() + (readers ? POLL_WAITING_NS : POLL_IDLE_NS));
}

static void console_event(unsigned int port, void *arg)
{
    (void)port, (void)arg;
    pull_input();
}

bool console_readable(void)
{
    return ring_used(ready_rd, ready_wr) || eof_pending;
}

long console_read(char *buf, size_t n)
{
    if (!can_read)
        return 0;
    while (!console_readable()) {
        pull_input();                   /* what was held back while `ready` was full */
        if (console_readable())
            break;
        if (partial)
            out_raw("\n", 1);
        readers++;
        if (!ring)
            timer_add(&poll_timer, arch_now_ns() + POLL_WAITING_NS);
        waitq_wait(&input_wq, 0);
        readers--;
        if (cur_proc() && cur_proc()->killed)
            return -XE_INTR;
    }
    if (!ring_used(ready_rd, ready_wr)) {
        eof_pending = false;
        return 0;
    }
    /* One line at most per read, like a terminal in canonical mode. */
    size_t k = 0;
    while (k < n && ring_used(ready_rd, ready_wr)) {
        char c = ready[ready_rd % sizeof(ready)];
        ready_rd++;
        buf[k++] = c;
        if (c == '\n')
            break;
    }
    return (long)k;
}

void console_init(void)
{
    if (boot.console_evtchn && boot.console_mfn) {
        ring = arch_mfn_to_va(boot.console_mfn);
        ring_port = boot.console_evtchn;
        evtchn_set_handler(ring_port, console_event, NULL);
        evtchn_unmask(ring_port);
        can_read = true;
        return;
    }
    if (boot.privileged) {
        can_read = true;
        evtchn_bind_virq(VIRQ_CONSOLE_NR, console_event, NULL);
        poll_timer.fn = poll_tick;
        timer_add(&poll_timer, arch_now_ns() + POLL_IDLE_NS);
    }
}
