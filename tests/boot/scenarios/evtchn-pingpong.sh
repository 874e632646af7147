#!/usr/bin/env bash
# Two boot-time domains (dom0=none) play 1000 rounds of ping-pong over an interdomain
# event channel: d1 offers ports 2 and 3 to d2 (alloc_unbound; port 1 of a domU is its
# console), d2 binds them (bind_interdomain), d1 pings and sleeps in SCHEDOP_poll, d2
# pongs from its event upcall; both count 1000 sent and 1000 received. Then d1 closes
# port 2 (d2's end turns unbound), powers off with port 3 still bound (d2's end turns
# unbound, d1 is unknown), and d2 gets a timer as an event on its VIRQ_TIMER port.
# Convention and roles:
# tests/guests/domu_evtchn_pingpong.c. Every frame comes back (exit status 1).
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

guests=${XLITE_GUESTS:-$XLITE_ROOT/build/tests/guests}   # domu_*.elf, test_*.elf
pp=$guests/domu_evtchn_pingpong.elf
[[ -f $pp ]] || fail "no $pp (make guests, with tests/guests/domu.mk included)"

boot_build_iso evtchn-pingpong -c "exit_on_shutdown dom0=none" \
    -m "$pp domU name=ping memory=16 cmdline=\"offer peer=2 port=2 rounds=1000\"" \
    -m "$pp domU name=pong memory=16 cmdline=\"bind peer=1 port=2 rounds=1000\""
boot_iso evtchn-pingpong "$BOOT_ISO"

expect "^domU module 0: d1 'ping': 16 MiB"
expect "^domU module 1: d2 'pong': 16 MiB"
expect_exit 1 50
says ping '^PASS offer_and_connect$' '^pingpong offer: sent 1000 received 1000$' \
    '^PASS pingpong_offer$' '^PASS close_and_die$' '^DONE 3 passed, 0 failed$'
says pong '^PASS bind$' '^pingpong bind: sent 1000 received 1000$' '^PASS pingpong_bind$' \
    '^PASS peer_closed$' '^PASS peer_died$' '^PASS poll_timeout$' '^PASS virq_timer_port$' \
    '^DONE 6 passed, 0 failed$'
has '^d1 \(ping\): shut down: poweroff$'
has '^d2 \(pong\): shut down: poweroff$'
has '^frames: [0-9]+ free, as before any domain was built$'
reject 'LEAK|HYPERVISOR FAULT|crashed|^\(d[0-9]+\) |^\((ping|pong)\) FAIL'
