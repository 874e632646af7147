#!/usr/bin/env bash
# For `make test`: boot every bench guest once with tiny iteration counts (iters=4
# rounds=3) on a hypervisor booted with `bench`, to prove the benchmarks and the
# hypervisor's bench output still work. Never looks at the figures themselves.
#
#   tests/bench/smoke.sh [GUESTDIR]      (default build/tests/bench)
#
# One line per guest: "PASS bench/<name>" or "FAIL bench/<name>: why", where <name>
# is the file name without bench_ and .elf; then "bench smoke: N passed, M failed".
# A guest passes when it finished cleanly (tests/bench/boot-one.sh), every
# "(d0) bench" line has the form "bench <name> <number> <unit>", the baselines and
# the operations its scenario lists (figures=...) have a median, and the hypervisor
# printed boot-to-first-guest-entry, dom-overhead and a hypercall profile.
# Two-domain guests (evtchn, gnttab) boot their peer domU from the scenario's modules.
# A guest is booted with the modules and options of the first scenario that uses it.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dir=${1:-$root/build/tests/bench}
export BOOT_LOG_DIR=$root/build/tests/boot/bench-smoke
export BENCH_RUN_TIMEOUT=${BENCH_RUN_TIMEOUT:-60}

passed=0 failed=0
result() {
    echo "$1"
    if [[ $1 == PASS* ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

# The first scenario that boots guest $1: sets hv_opts, modules, figures.
scenario_for() {
    local f
    hv_opts="" modules=() figures=()
    for f in "$here"/scenarios/*.sh; do
        local guest=""
        # shellcheck source=/dev/null
        guest=$(. "$f"; echo "$guest")
        if [[ $guest == "$1" ]]; then
            # shellcheck source=/dev/null
            . "$f"
            return 0
        fi
    done
    return 1
}

# Problems in a passed boot's log, one line, or nothing.
check_log() {
    local log=$1 line op missing=()
    local -a serial
    mapfile -t serial < <(tr -d '\r' < "$log")
    local form='^\(d0\) bench [A-Za-z0-9-]+ [0-9]+(\.[0-9]+)? [A-Za-z]+$'
    for line in "${serial[@]}"; do
        if [[ $line =~ ^\(d0\)\ bench\  && ! $line =~ $form ]]; then
            echo "malformed line '$line'"
            return
        fi
    done
    for op in empty-call rdtsc "${figures[@]}"; do
        printf '%s\n' "${serial[@]}" | grep -Eq "^\(d0\) bench $op-median [0-9.]+ cycles$" \
            || missing+=("$op-median")
    done
    printf '%s\n' "${serial[@]}" | grep -Eq '^bench boot-to-first-guest-entry [0-9]+ cycles$' \
        || missing+=("hypervisor boot-to-first-guest-entry")
    printf '%s\n' "${serial[@]}" | grep -Eq '^bench dom-overhead [0-9]+ B$' \
        || missing+=("hypervisor dom-overhead")
    printf '%s\n' "${serial[@]}" | grep -Eq '^bench-hcall nr=[0-9]+ name=[a-z_]+ calls=[1-9]' \
        || missing+=("hypervisor profile line")
    (( ${#missing[@]} == 0 )) || echo "no ${missing[*]} in $log"
}

shopt -s nullglob
elfs=("$dir"/bench_*.elf)
(( ${#elfs[@]} )) || result "FAIL bench/guests: no bench_*.elf in $dir (run 'make bench-guests')"
for elf in "${elfs[@]}"; do
    guest=$(basename "$elf" .elf)
    name=${guest#bench_}
    scenario_for "$guest" || { hv_opts="" modules=() figures=(); }
    line=$(BENCH_HV_OPTS="$hv_opts bench" BENCH_CMDLINE="iters=4 rounds=3" \
           BENCH_MODULES="$(printf '%s\n' "${modules[@]}")" \
           bash "$here/boot-one.sh" "$name" "$elf" 2> /dev/null | tail -n 1)
    if [[ $line != PASS* ]]; then
        result "${line:-FAIL bench/$name: no verdict from boot-one.sh}"
        continue
    fi
    why=$(check_log "$BOOT_LOG_DIR/$name.log")
    if [[ -n $why ]]; then result "FAIL bench/$name: $why"; else result "PASS bench/$name"; fi
done
echo "bench smoke: $passed passed, $failed failed"
(( failed == 0 ))
