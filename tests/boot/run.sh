#!/usr/bin/env bash
# Run boot scenarios and report: tests/boot/run.sh [SCENARIO...]
# A SCENARIO is a name (banner) or a path; none means tests/boot/scenarios/*.sh.
# Each runs as its own bash process, BOOT_JOBS (default 2) at a time, and prints
# its PASS/FAIL line (plus failure details); the last line is the count, and
# the exit status is non-zero if any failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
jobs=${BOOT_JOBS:-2}
# Backstop beyond the scenarios' own hard timeout, in case one wedges.
limit=$(( ${BOOT_TIMEOUT:-60} + 30 ))

scenarios=()
if (( $# )); then
    for s in "$@"; do
        [[ -f $s ]] || s=$here/scenarios/${s%.sh}.sh
        scenarios+=("$s")
    done
else
    scenarios=("$here"/scenarios/*.sh)
fi

out=$(mktemp -d "${TMPDIR:-/tmp}/xlite-boot-run.XXXXXX")
declare -A name_of=()   # pid -> scenario name
passed=0 failed=0

# On interruption stop the running scenarios (each then stops its QEMU and
# reports FAIL) and show what they said.
stop_all() {
    local pid
    trap - INT TERM
    for pid in "${!name_of[@]}"; do kill -TERM "$pid" 2> /dev/null; done
    while (( ${#name_of[@]} )); do reap; done
    echo "boot: $passed passed, $failed failed (interrupted)"
    exit 130
}
trap stop_all INT TERM
trap 'rm -rf "$out"' EXIT

start() {
    local s=$1 name
    name=$(basename "$s" .sh)
    if [[ ! -f $s ]]; then
        echo "FAIL $name: no such scenario ($s)"
        failed=$((failed + 1))
        return
    fi
    SCENARIO=$name timeout -k 5 "$limit" bash "$s" < /dev/null > "$out/$name" 2>&1 &
    name_of[$!]=$name
}

# Wait for any one scenario, show its output and count it.
reap() {
    local pid status name
    wait -n -p pid "${!name_of[@]}"
    status=$?
    name=${name_of[$pid]}
    unset "name_of[$pid]"
    cat "$out/$name"
    if (( status == 0 )) && grep -qx "PASS $name" "$out/$name"; then
        passed=$((passed + 1))
    else
        grep -q "^FAIL $name" "$out/$name" \
            || echo "FAIL $name: killed after ${limit}s or died (status $status)"
        failed=$((failed + 1))
    fi
}

for s in "${scenarios[@]}"; do
    while (( ${#name_of[@]} >= jobs )); do reap; done
    start "$s"
done
while (( ${#name_of[@]} )); do reap; done

echo "boot: $passed passed, $failed failed"
(( failed == 0 ))
