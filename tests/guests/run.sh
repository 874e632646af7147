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

passed=0 failed=0
POOL_JOBS=$jobs POOL_LIMIT=$limit
# shellcheck source=../lib/pool.sh
. "$here/../lib/pool.sh"

# One guest ended: show its lines and count them.
pool_done() {
    local name=$1 status=$2 file=$3 p f
    cat "$file"
    p=$(grep -c '^PASS ' "$file")
    f=$(grep -c '^FAIL ' "$file")
    if ! grep -q "^\(PASS\|FAIL\) guest/$name\(:\|$\)" "$file"; then
        echo "FAIL guest/$name: killed after ${limit}s or died (status $status)"
        f=$((f + 1))
    fi
    passed=$((passed + p))
    failed=$((failed + f))
}

pool_summary() { echo "guests: $passed passed, $failed failed$1"; }

for e in "${elfs[@]}"; do
    name=$(basename "$e" .elf)
    name=${name#test_}
    if [[ ! -f $e ]]; then
        echo "FAIL guest/$name: no guest image $e (run 'make guests')"
        failed=$((failed + 1))
        continue
    fi
    pool_start "$name" bash "$here/boot-guest.sh" "$e"
done
pool_finish
(( failed == 0 ))
