/* VIRQ_CONSOLE: serial input for dom0 arrives as an event, so a dom0 waiting for a key
 * can sleep in SCHEDOP_block instead of polling console_io.
 *
 * Checks: dom0 can bind VIRQ_CONSOLE (a global VIRQ, on vCPU 0); with nothing typed
 * no event arrives in 50 ms of sleep. With `wait_input` on its command line
 * (tests/boot/scenarios/console-virq.sh types a line) it sleeps until the event, then
 * reads the line with console_io and prints it: the event came although dom0 made no
 * hypercall while it slept.
 * Without it: VIRQ_CONSOLE was never raised and dom0 kernels had to poll.
 */
#include "rt.h"
#include "pvtime.h"
#include <xlite/event_channel.h>

void test_main(void)
{
    struct evtchn_bind_virq b = { .virq = VIRQ_CONSOLE, .vcpu = 0 };
    volatile shared_info_t *s = shared;

    t_begin("bind_virq_console");
    t_eq("bind", HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &b), 0);
    unsigned int p = b.port;
    s->evtchn_mask[p / 64] |= 1ull << (p % 64);   /* watch the pending bit only */
    s->evtchn_pending[p / 64] &= ~(1ull << (p % 64));
    sleep_until(pvclock_now() + 50ull * 1000 * 1000);
    t_eq("no event without input", (s->evtchn_pending[p / 64] >> (p % 64)) & 1, 0);
    t_end();
    if (!cmdline_has("wait_input"))
        return;

    printk("console-virq: waiting for input\n");
    uint64_t end = pvclock_now() + 20ull * 1000 * 1000 * 1000;
    while (!((s->evtchn_pending[p / 64] >> (p % 64)) & 1) && pvclock_now() < end) {
        s->vcpu_info[0].evtchn_upcall_pending = 0;
        HYPERVISOR_set_timer_op(end);
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);
    }
    t_begin("event_on_input");
    t_eq("VIRQ_CONSOLE pending", (s->evtchn_pending[p / 64] >> (p % 64)) & 1, 1);
    char buf[64];
    long n = 0, got;
    uint64_t until = pvclock_now() + 2ull * 1000 * 1000 * 1000;
    while (pvclock_now() < until && (n == 0 || buf[n - 1] != '\r') && n < 63) {
        got = HYPERVISOR_console_io(CONSOLEIO_read, (unsigned)(63 - n), buf + n);
        n += got > 0 ? got : 0;
    }
    while (n && (buf[n - 1] == '\r' || buf[n - 1] == '\n'))
        n--;
    buf[n] = '\0';
    printk("console-virq: got '%s'\n", buf);
    t_check(n > 0, "nothing read");
    t_end();
}
