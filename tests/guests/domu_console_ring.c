/* A boot-time domU's console ring with a real event channel (issue "Linux as a PV
 * domU" item 9): booted by tests/boot/scenarios/bootdom-console-ring.sh.
 *
 * Checks: start_info gives a console event channel (not 0) that is unbound with dom0
 * as its remote (where a console backend will bind it); text written to the ring's
 * out[] and announced with EVTCHNOP_send appears on the console at once; after that,
 * lines written to both the ring and console_io (as Xen's test framework does) appear
 * once each, not twice.
 * Without it: Linux's hvc console gives up on event channel 0 and userspace output is
 * lost; a guest writing both ways shows every line twice.
 */
#include <stdbool.h>

#include "rt.h"
#include <xlite/event_channel.h>
#include <xlite/io/console.h>

static struct xencons_interface *ring;

static void ring_write(const char *s)
{
    uint32_t prod = ring->out_prod;

    for (size_t i = 0; s[i]; i++)
        ring->out[MASK_XENCONS_IDX(prod++, ring->out)] = s[i];
    __atomic_store_n(&ring->out_prod, prod, __ATOMIC_RELEASE);
}

static long notify(void)
{
    struct evtchn_send snd = { .port = start_info->console.domU.evtchn };
    return HYPERVISOR_event_channel_op(EVTCHNOP_send, &snd);
}

void test_main(void)
{
    rt_console_ring_off();      /* this test writes the ring itself */
    ring = mfn_to_virt(start_info->console.domU.mfn);
    t_begin("console_port");
    t_check(start_info->console.domU.evtchn != 0, "console evtchn is 0");
    struct evtchn_status st = { .dom = DOMID_SELF, .port = start_info->console.domU.evtchn };
    t_eq("status", HYPERVISOR_event_channel_op(EVTCHNOP_status, &st), 0);
    t_eq("unbound", st.status, EVTCHNSTAT_unbound);
    t_eq("for dom0", st.u.unbound.dom, 0);
    t_end();

    /* From here on the ring is this domain's console: results go there too. */
    ring_write("ring: first line\n");
    long rc = notify();
    bool drained = ring->out_cons == ring->out_prod;
    if (rc == 0 && drained)
        ring_write("PASS ring_notify\n");
    else
        ring_write(rc ? "FAIL ring_notify: send failed\n" : "FAIL ring_notify: not drained\n");
    notify();
    for (int i = 0; i < 3; i++) {
        char line[32];
        snprintf(line, sizeof(line), "both ways %d\n", i);
        ring_write(line);
        notify();
        console_write(line, strlen(line));
    }
    ring_write(rc == 0 && drained ? "DONE 2 passed, 0 failed\n" : "DONE 1 passed, 1 failed\n");
    notify();
    rt_shutdown(SHUTDOWN_poweroff);
}
