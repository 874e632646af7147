/* The console frontend (drivers/console.c) on a domU console ring: output goes to
 * out[] with a notification, input from in[] goes through the line discipline
 * (backspace, Ctrl-U, history, Ctrl-C to the foreground process, Ctrl-D), each
 * completed line is echoed once, and a stuck back end does not lose output. */
#include <stdio.h>
#include <string.h>

#include <xlite/io/console.h>

#include "kernel.h"
#include "arch.h"
#include "console.h"
#include "ktests.h"
#include "proc.h"
#include "ring.h"

static _Alignas(4096) struct xencons_interface cons_page;
static int notifies, killed_pid, killed_sig;
static char io_out[4096];
static size_t io_len;


void arch_console_write(const char *s, size_t n)
{
    if (io_len + n <= sizeof(io_out))
        memcpy(io_out + io_len, s, n);
    io_len += n;
}
long arch_console_read(char *buf, size_t n) { (void)buf, (void)n; return 0; }
int evtchn_bind_virq(unsigned int virq, evtchn_handler_t h, void *arg)
{
    (void)virq, (void)h, (void)arg;
    return 3;
}
uint64_t arch_now_ns(void) { return 0; }
void timer_add(struct ktimer *t, uint64_t deadline) { (void)t, (void)deadline; }
int proc_kill(int pid, int sig)
{
    killed_pid = pid;
    killed_sig = sig;
    return 0;
}

static void count_notify(unsigned int port)
{
    (void)port;
    notifies++;
}

static void type(const char *s)
{
    uint32_t prod = cons_page.in_prod;
    ring_put(cons_page.in, sizeof(cons_page.in), cons_page.in_cons, &prod, s, strlen(s));
    cons_page.in_prod = prod;
    fake.handler(fake.port, NULL);
}

static size_t out_text(char *buf, size_t n)
{
    uint32_t cons = cons_page.out_cons;
    size_t k = ring_get(cons_page.out, sizeof(cons_page.out), &cons, cons_page.out_prod, buf,
                        n - 1);
    cons_page.out_cons = cons;
    buf[k] = '\0';
    return k;
}

static void setup(void)
{
    memset(&cons_page, 0, sizeof(cons_page));
    fake = (struct fake_hv){ .page = &cons_page, .on_notify = count_notify };
    boot.console_mfn = 7;
    boot.console_evtchn = 2;
    console_init();
}

START_TEST(console_ring_output)
{
    char buf[64];

    setup();
    console_write("hello\n", 6);
    ck_assert_uint_eq(out_text(buf, sizeof(buf)), 6);
    ck_assert_str_eq(buf, "hello\n");
    ck_assert_int_gt(notifies, 0);
    /* A back end that never drains: the rest goes to console_io, nothing is lost. */
    static char big[3000];
    memset(big, 'x', sizeof(big));
    io_len = 0;
    console_write(big, sizeof(big));
    ck_assert_uint_eq(ring_used(cons_page.out_cons, cons_page.out_prod), sizeof(cons_page.out));
    ck_assert_uint_eq(io_len, sizeof(big) - sizeof(cons_page.out));
}
END_TEST

START_TEST(console_line_editing)
{
    char buf[64];

    setup();
    type("ab\x7f" "c\r");                          /* backspace */
    ck_assert_int_eq(console_read(buf, sizeof(buf)), 3);
    ck_assert_int_eq(memcmp(buf, "ac\n", 3), 0);
    out_text(buf, sizeof(buf));
    ck_assert_str_eq(buf, "ac\n");                 /* echoed once, complete */
    type("junk\x15" "ok\r");                       /* Ctrl-U */
    ck_assert_int_eq(console_read(buf, sizeof(buf)), 3);
    ck_assert_int_eq(memcmp(buf, "ok\n", 3), 0);
    type("\x1b[A\x1b[A\r");                        /* up twice: "ac" */
    ck_assert_int_eq(console_read(buf, sizeof(buf)), 3);
    ck_assert_int_eq(memcmp(buf, "ac\n", 3), 0);
    type("one\rtwo\r");                            /* one line per read */
    ck_assert_int_eq(console_read(buf, sizeof(buf)), 4);
    ck_assert_int_eq(console_read(buf, sizeof(buf)), 4);
    ck_assert_int_eq(memcmp(buf, "two\n", 4), 0);
}
END_TEST

START_TEST(console_ctrl_c_and_eof)
{
    char buf[16];

    setup();
    console_set_foreground(42);
    type("sleep\x03");
    ck_assert_int_eq(killed_pid, 42);
    ck_assert_int_eq(killed_sig, XSIG_INT);
    type("\x04");
    ck_assert(console_readable());
    ck_assert_int_eq(console_read(buf, sizeof(buf)), 0);      /* EOF */
    ck_assert(!console_readable());
}
END_TEST

/* Lines typed ahead beyond the line buffer wait in the console ring, not lost: 70
 * lines (560 bytes, more than `ready` holds) come out whole and in order. */
START_TEST(console_typeahead_held_back)
{
    char buf[32], want[32], text[600];
    size_t len = 0;

    setup();
    for (int i = 0; i < 70; i++)
        len += (size_t)snprintf(text + len, sizeof(text) - len, "line %02d\r", i);
    type(text);
    ck_assert_uint_ne(cons_page.in_cons, cons_page.in_prod);    /* some held back */
    for (int i = 0; i < 70; i++) {
        snprintf(want, sizeof(want), "line %02d\n", i);
        ck_assert_int_eq(console_read(buf, sizeof(buf)), 8);
        ck_assert_int_eq(memcmp(buf, want, 8), 0);
    }
    ck_assert(!console_readable());
}
END_TEST

Suite *console_suite(void)
{
    Suite *s = suite_create("console");
    ADD_TEST(s, console_ring_output);
    ADD_TEST(s, console_line_editing);
    ADD_TEST(s, console_ctrl_c_and_eof);
    ADD_TEST(s, console_typeahead_held_back);
    return s;
}
