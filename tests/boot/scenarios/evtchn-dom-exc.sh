#!/usr/bin/env bash
# dom0 and a boot-time domain over an event channel dom0 sets up for it: dom0
# (privileged) allocates port 2 in d1's table offered to itself, binds it, and the two
# play 1000 rounds of ping-pong; d1 then powers off with the channel still bound, and
# dom0 learns it through VIRQ_DOM_EXC: its end is unbound, d1 is unknown (-ESRCH).
# Roles: tests/guests/domu_evtchn_pingpong.c. Every frame comes back (exit status 1).
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

guests=${XLITE_GUESTS:-$XLITE_ROOT/build/tests/guests}   # domu_*.elf, test_*.elf
pp=$guests/domu_evtchn_pingpong.elf
[[ -f $pp ]] || fail "no $pp (make guests, with tests/guests/domu.mk included)"

boot_build_iso evtchn-dom-exc -c "exit_on_shutdown dom0_mem=32M" \
    -m "$pp dom0 peer=1 port=2 rounds=1000" \
    -m "$pp domU name=answer memory=16 cmdline=\"answer peer=0 port=2 rounds=1000\""
boot_iso evtchn-dom-exc "$BOOT_ISO"

expect '^d0: privileged kernel '
expect "^domU module 1: d1 'answer': 16 MiB"
expect_exit 1 50
says d0 '^PASS dom0_connect$' '^pingpong dom0: sent 1000 received 1000$' \
    '^PASS pingpong_dom0$' '^PASS dom_exc$' '^DONE 3 passed, 0 failed$'
says answer '^PASS answer_connect$' '^pingpong answer: sent 1000 received 1000$' \
    '^PASS pingpong_answer$' '^DONE 2 passed, 0 failed$'
has '^d1 \(answer\): shut down: poweroff$'
has '^d0 \(dom0\): shut down: poweroff$'
has '^frames: [0-9]+ free, as before any domain was built$'
reject 'LEAK|HYPERVISOR FAULT|crashed|^\((d0|answer)\) FAIL|^\(d1\) '
