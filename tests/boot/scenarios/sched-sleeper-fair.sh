#!/usr/bin/env bash
# A vCPU that wakes up gets its share even if another vCPU has been running alone, and
# the one that ran alone is not punished for it: two equal-weight domains
# (domu_spin.elf) first sleep on their timers while the CPU idles ('late' 3500 ms,
# 'early' 1000 ms; 'early' blocks last, so it is the vCPU left on the CPU while both
# sleep), then spin ('early' 6 s, 'late' 3 s). 'early' runs alone from 1 s to 3.5 s;
# from 3.5 s both want the CPU and must share it: each spinner saw the other run
# (runnable time > 0, and it was put back on the CPU: its vcpu_time_info was rewritten
# at a switch, clock_updates > 0); 'late' got the CPU within 2 s of its timer and
# neither was kept off the CPU for 2 s at a time (slices are 10 ms; 2 s is a liveness
# bound with room for a loaded host).
# A scheduler that lets the vCPU left on the CPU run on without a time slice starves
# 'late' until 'early' is done (3.5 s, no sharing at all); one that charges 'early'
# for its sleep, or places the woken 'late' by a virtual runtime of 'early' that has
# not been brought up to date, starves 'early' for about as long as it ran alone (and
# 'late' is never taken off the CPU: no sharing either).
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

guests=${XLITE_GUESTS:-$XLITE_ROOT/build/tests/guests}   # domu_*.elf
spin=$guests/domu_spin.elf
[[ -f $spin ]] || fail "no $spin (make guests, with tests/guests/domu.mk included)"

# spin_line NAME: RUNNABLE, UPDATES, GAP_US, LATE_US from NAME's "spin ..." line.
spin_line() {
    local l re
    l=$(log_lines | grep -E -m1 "^\($1\) spin running_ns ") || true
    re='running_ns ([0-9]+) runnable_ns ([0-9]+) .*span_ns ([0-9]+) clock_updates ([0-9]+) '
    re+='max_gap_us ([0-9]+) wake_late_us ([0-9]+)'
    [[ $l =~ $re ]] \
        || fail "($1) printed no complete 'spin running_ns ...' line" "$(_boot_context)"
    RUNNABLE=${BASH_REMATCH[2]} UPDATES=${BASH_REMATCH[4]} GAP_US=${BASH_REMATCH[5]}
    LATE_US=${BASH_REMATCH[6]} LINE=$l
}

boot_build_iso sched-sleeper-fair -c "exit_on_shutdown dom0=none" \
    -m "$spin domU name=late memory=8 cmdline=\"sleep_ms=3500 span_ms=3000\"" \
    -m "$spin domU name=early memory=8 cmdline=\"sleep_ms=1000 span_ms=6000\""
boot_iso sched-sleeper-fair "$BOOT_ISO"

expect "^domU module 0: d1 'late': 8 MiB, 1 vCPU, weight 256"
expect "^domU module 1: d2 'early': 8 MiB, 1 vCPU, weight 256"
expect_exit 1 50
reject 'LEAK|HYPERVISOR FAULT|crashed'

for d in late early; do
    spin_line "$d"
    (( RUNNABLE > 0 && UPDATES > 0 )) \
        || fail "($d) never waited for the CPU or was never put back on it: the two did not share it: $LINE" \
            "$(_boot_context)"
done
for d in late early; do
    spin_line "$d"
    (( LATE_US <= 2000000 )) \
        || fail "($d) got the CPU $((LATE_US / 1000)) ms after its timer: $LINE" \
            "$(_boot_context)"
    (( GAP_US <= 2000000 )) \
        || fail "($d) was kept off the CPU for $((GAP_US / 1000)) ms at a time: $LINE" \
            "$(_boot_context)"
done
reject '^\((late|early)\) FAIL'
has '^frames: [0-9]+ free, as before any domain was built$'
