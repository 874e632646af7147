/* Event channels between two domains: this guest as the measuring domain (dom0 in
 * `make bench`) and a second copy of it as the peer (a boot-time domU, command line
 * `serve=0`). Rendezvous convention: tests/bench/lib/bench.h (the peer grants a
 * control page at gref=G, default 8, holding the port it allocated for us; we bind it).
 * Command line: `peer=D` (the peer's domid, default 1), `gref=G`, and the runtime's.
 *
 *   evtchn-one-way  half a round trip: send on the channel, sleep in SCHEDOP_poll
 *                   until the peer's answer is pending; the peer, asleep in
 *                   SCHEDOP_poll, wakes, clears its pending bit and sends back. The
 *                   figure is the round trip / 2 (two wake-ups and two domain switches
 *                   per round trip on one CPU).
 *   evtchn-notify   one notification into a receiver asleep in SCHEDOP_poll: n sends
 *                   back to back, then one acknowledged event (the peer answers it
 *                   once it has seen the request), so every sample ends with the
 *                   receiver having caught up. Events per second = TSC Hz / figure
 *                   (run.sh prints it). The peer counts its wakes: a 2-level event
 *                   channel is one pending bit, so sends made before the receiver ran
 *                   coalesce; `evtchn-notify-wakes-pct` is wakes per 100 sends.
 * Every answer is checked (the ack carries the request's number). */
#include "bench.h"

static struct bench_peer peer;
static uint64_t notify_sent, notify_wakes;

static long round_trip(void)
{
    bench_port_clear(peer.port);
    long rc = bench_port_send(peer.port);
    if (rc == 0)
        rc = bench_port_wait(peer.port);
    return rc;
}

static long run_one_way(uint64_t n)
{
    peer.ctrl->echo = 1;
    for (uint64_t i = 0; i < n; i++) {
        long rc = round_trip();
        if (rc)
            return rc;
    }
    peer.ctrl->echo = 0;
    return 0;
}

static long run_notify(uint64_t n)
{
    uint64_t w0 = peer.ctrl->wakes;

    for (uint64_t i = 0; i < n; i++) {
        long rc = bench_port_send(peer.port);
        if (rc)
            return rc;
    }
    uint64_t req = peer.ctrl->ack_req + 1;
    __atomic_store_n(&peer.ctrl->ack_req, req, __ATOMIC_RELEASE);
    while (__atomic_load_n(&peer.ctrl->acked, __ATOMIC_ACQUIRE) != req) {
        long rc = round_trip();     /* (re)notify and sleep until an answer */
        if (rc)
            return rc;
    }
    notify_sent += n;
    notify_wakes += peer.ctrl->wakes - w0 - 1;     /* less the acknowledged one */
    return 0;
}

static const struct bench_op ops[] = {
    { "evtchn-one-way", run_one_way, .per = 2 },
    { "evtchn-notify", run_notify, 0, 0 },
};

void bench_main(void)
{
    bench_peer_connect(&peer);
    bench_measure(ops, ARRAY_SIZE(ops));
    bench_figure("evtchn-notify-wakes-pct", notify_sent ? notify_wakes * 100 / notify_sent : 0,
                 "pct");
    bench_peer_disconnect(&peer);
}
