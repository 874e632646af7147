#!/usr/bin/env bash
# Run boot scenarios and report: tests/boot/run.sh [SCENARIO...]
# A SCENARIO is a name (banner) or a path; none means every scenario in
# BOOT_SCENARIO_DIR (default tests/boot/scenarios).
# Each runs as its own bash process, BOOT_JOBS (default 2) at a time, and prints
# its PASS/FAIL line (plus failure details); the last line is the count, and
# the exit status is non-zero if any failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
jobs=${BOOT_JOBS:-2}
# Backstop beyond the scenarios' own hard timeout, in case one wedges.
limit=$(( ${BOOT_TIMEOUT:-60} + 30 ))

sdir=${BOOT_SCENARIO_DIR:-$here/scenarios}
scenarios=()
if (( $# )); then
    for s in "$@"; do
        [[ -f $s ]] || s=$sdir/${s%.sh}.sh
        scenarios+=("$s")
    done
else
    scenarios=("$sdir"/*.sh)
fi

passed=0 failed=0
POOL_JOBS=$jobs POOL_LIMIT=$limit
# shellcheck source=../lib/pool.sh
. "$here/../lib/pool.sh"

# One scenario ended: show its output and count it.
pool_done() {
    local name=$1 status=$2 file=$3
    cat "$file"
    if (( status == 0 )) && grep -qx "PASS $name" "$file"; then
        passed=$((passed + 1))
    else
        grep -q "^FAIL $name" "$file" \
            || echo "FAIL $name: killed after ${limit}s or died (status $status)"
        failed=$((failed + 1))
    fi
}

pool_summary() { echo "boot: $passed passed, $failed failed$1"; }

for s in "${scenarios[@]}"; do
    name=$(basename "$s" .sh)
    if [[ ! -f $s ]]; then
        echo "FAIL $name: no such scenario ($s)"
        failed=$((failed + 1))
        continue
    fi
    pool_start "$name" env SCENARIO="$name" bash "$s"
done
pool_finish
(( failed == 0 ))
