#!/usr/bin/env bash
# Boot every test guest and report: tests/guests/run.sh [GUESTDIR|GUEST.elf...]
# GUESTDIR defaults to build/tests/guests (built by `make guests`). Each guest is
# booted as dom0 by boot-guest.sh (GUEST_JOBS at a time, default 2); its lines
# (PASS/FAIL guest/<name>/<test>, then PASS/FAIL guest/<name>) are printed as each
# guest finishes, and the last line is "guests: N passed, M failed". Exit status is
# non-zero if anything failed. Serial logs: build/tests/boot/guest-<name>.log.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jobs=${GUEST_JOBS:-2}
limit=$(( ${GUEST_TIMEOUT:-60} + 120 ))   # backstop beyond boot-guest.sh's own limits

elfs=()
if (( $# == 0 )); then
    set -- "$root/build/tests/guests"
fi
for a in "$@"; do
    if [[ -d $a ]]; then
        elfs+=("$a"/test_*.elf)
    else
        elfs+=("$a")
    fi
done

out=$(mktemp -d "${TMPDIR:-/tmp}/xlite-guests.XXXXXX")
declare -A name_of=()   # pid -> guest name
passed=0 failed=0

stop_all() {
    local pid
    trap - INT TERM
    for pid in "${!name_of[@]}"; do kill -TERM "$pid" 2> /dev/null; done
    while (( ${#name_of[@]} )); do reap; done
    echo "guests: $passed passed, $failed failed (interrupted)"
    exit 130
}
trap stop_all INT TERM
trap 'rm -rf "$out"' EXIT

start() {
    local elf=$1 name
    name=$(basename "$elf" .elf)
    name=${name#test_}
    if [[ ! -f $elf ]]; then
        echo "FAIL guest/$name: no guest image $elf (run 'make guests')"
        failed=$((failed + 1))
        return
    fi
    timeout -k 5 "$limit" bash "$here/boot-guest.sh" "$elf" < /dev/null > "$out/$name" 2>&1 &
    name_of[$!]=$name
}

reap() {
    local pid status name p f
    wait -n -p pid "${!name_of[@]}"
    status=$?
    name=${name_of[$pid]}
    unset "name_of[$pid]"
    cat "$out/$name"
    p=$(grep -c '^PASS ' "$out/$name")
    f=$(grep -c '^FAIL ' "$out/$name")
    if ! grep -q "^\(PASS\|FAIL\) guest/$name\(:\|$\)" "$out/$name"; then
        echo "FAIL guest/$name: killed after ${limit}s or died (status $status)"
        f=$((f + 1))
    fi
    passed=$((passed + p))
    failed=$((failed + f))
}

for e in "${elfs[@]}"; do
    while (( ${#name_of[@]} >= jobs )); do reap; done
    start "$e"
done
while (( ${#name_of[@]} )); do reap; done

echo "guests: $passed passed, $failed failed"
(( failed == 0 ))
