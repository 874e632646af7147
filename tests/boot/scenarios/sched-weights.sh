#!/usr/bin/env bash
# The scheduler shares the CPU by weight: with dom0=none, three boot-time domains spin
# for the same 3 s of system time (domu_spin.elf, weights 256, 512, 256) and the 512
# one gets about twice the running time of each 256 one (ratio 1.5..2.6; the two 256
# ones within 0.75..1.33 of each other); meanwhile a domain sleeping on its timer (20
# sleeps of 10 ms, domu_sleep.elf) finishes before the spinners with every wake-up in
# time, a domain that crashes at once (ud2 with no trap table, domu_crash.elf) takes
# nobody down (QEMU exit status 5), and every frame comes back at the end.
# A fairness check, not a speed target: the bounds leave room for TCG's jitter.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

guests=${XLITE_GUESTS:-$XLITE_ROOT/build/tests/guests}   # domu_*.elf
spin=$guests/domu_spin.elf
sleeper=$guests/domu_sleep.elf
crash=$guests/domu_crash.elf
for f in "$spin" "$sleeper" "$crash"; do
    [[ -f $f ]] || fail "no $f (make guests, with tests/guests/domu.mk included)"
done

# running NAME: RUNNING = the running_ns that NAME's spinner reported.
running() {
    local l
    l=$(log_lines | grep -E -m1 "^\($1\) spin running_ns [0-9]+ ") || true
    [[ $l =~ running_ns\ ([0-9]+)\ runnable_ns\ ([0-9]+) ]] \
        || fail "($1) printed no 'spin running_ns N runnable_ns N' line" "$(_boot_context)"
    RUNNING=${BASH_REMATCH[1]}
}
# ratio_in NUM DEN LO HI WHAT: LO <= NUM/DEN <= HI (LO, HI in hundredths).
ratio_in() {
    local r=$(( $1 * 100 / $2 ))
    (( r >= $3 && r <= $4 )) \
        || fail "$5: ratio $((r / 100)).$(printf %02d $((r % 100))) not in $(($3 / 100)).$(printf %02d $(($3 % 100)))..$(($4 / 100)).$(printf %02d $(($4 % 100))) ($1 / $2 ns)" "$(_boot_context)"
}

boot_build_iso sched-weights -c "exit_on_shutdown dom0=none" \
    -m "$spin domU name=a memory=8 weight=256" \
    -m "$spin domU name=b memory=8 weight=512" \
    -m "$spin domU name=c memory=8 weight=256" \
    -m "$sleeper domU name=sleeper memory=8" \
    -m "$crash domU name=boom memory=8"
boot_iso sched-weights "$BOOT_ISO"

expect "^domU module 0: d1 'a': 8 MiB, 1 vCPU, weight 256"
expect "^domU module 1: d2 'b': 8 MiB, 1 vCPU, weight 512"
expect "^domU module 2: d3 'c': 8 MiB, 1 vCPU, weight 256"
expect "^domU module 3: d4 'sleeper': 8 MiB"
expect "^domU module 4: d5 'boom': 8 MiB"
expect_exit 5 45

# The crash was the crasher's alone, and everybody else finished cleanly.
line_of '^d5 \(boom\): crashed: '
for d in a b c sleeper; do
    line_of "^\($d\) DONE [0-9]+ passed, 0 failed$"
    line_of "^d[0-9] \($d\): shut down: poweroff$"
done
reject '^\((a|b|c|sleeper)\) FAIL|^d[1-4] \([a-z]+\): crashed|LEAK|HYPERVISOR FAULT'

# The sleeper's 20 wake-ups all happened while the spinners still competed.
line_of '^\(sleeper\) DONE '
slept=$LINE
for d in a b c; do
    line_of "^\($d\) spin running_ns "
    (( slept < LINE )) || fail "the sleeper finished (line $slept) after ($d) (line $LINE)"
done

running a; ra=$RUNNING
running b; rb=$RUNNING
running c; rc=$RUNNING
ratio_in "$rb" "$ra" 150 260 "b (weight 512) / a (weight 256)"
ratio_in "$rb" "$rc" 150 260 "b (weight 512) / c (weight 256)"
ratio_in "$ra" "$rc" 75 133 "a / c (both weight 256)"

line_of '^frames: [0-9]+ free, as before any domain was built$'
