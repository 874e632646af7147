#!/usr/bin/env bash
# Debug keys while domains run (dom0=none: no dom0 owns the serial input): 'v' dumps
# every vCPU's scheduling state. 'spinner' (domu_spin.elf, 4 s of spinning) is up and
# not blocked; 'sleeper' sleeps 3 s on its single-shot timer first, so it shows as
# blocked with the timer armed and nothing pending. This is what the fuzz runner reads
# to tell a fuzzer that put itself to sleep from a lost wake-up (tests/fuzz/run.sh).
# Without keys being read while guests run, nothing answers until all domains are gone.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"
guests=${XLITE_GUESTS:-$XLITE_ROOT/build/tests/guests}
spin=$guests/domu_spin.elf
[[ -f $spin ]] || fail "no $spin (make guests)"
boot_build_iso debug-keys-running -c "exit_on_shutdown dom0=none loglvl=info" \
    -m "$spin domU name=spinner memory=8 cmdline=\"span_ms=4000\"" \
    -m "$spin domU name=sleeper memory=8 cmdline=\"sleep_ms=3000 span_ms=100\""
boot_iso debug-keys-running "$BOOT_ISO"
expect "^domU module 1: d2 'sleeper'"
sleep 1
send_raw v
expect '^vcpu d1 v0: up runstate [01] '
expect '^vcpu d2 v0: up blocked runstate 2 upcall mask [01] pending 0 sel 0 singleshot in [0-9]+ us periodic off '
send_raw h
expect "^Debug keys:.*'v' vCPU states"
expect_exit 1 30
has '^\(spinner\) DONE [0-9]+ passed, 0 failed'
has '^\(sleeper\) DONE [0-9]+ passed, 0 failed'
reject 'HYPERVISOR FAULT'
