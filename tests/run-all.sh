#!/usr/bin/env bash
# Run every test suite and end with the plain line "N passed, N failed".
# Each suite prints "PASS <name>" / "FAIL <name>: <why>" lines; a suite that exits
# non-zero without a FAIL line (it crashed or could not start) counts as one failure.
# Exit status 0 only when nothing failed. Expects `make all` to have run.
set -u
cd "$(dirname "$0")/.."
OUT=build/tests
mkdir -p "$OUT"

passed=0
failed=0

run_suite() {
    local name=$1
    shift
    local log="$OUT/$name.out"
    echo "== $name"
    "$@" > "$log" 2>&1
    local status=$?
    grep -E '^(PASS|FAIL) ' "$log"
    local p f
    p=$(grep -c '^PASS ' "$log")
    f=$(grep -c '^FAIL ' "$log")
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL $name: exited with status $status (log: $log)"
        tail -n 20 "$log" | sed 's/^/    /'
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
}

run_suite unit build/tests/unit/run-unit
run_suite kernel-unit build/tests/kernel/run-kernel-unit
run_suite tools build/tests/tools/run-tools-unit
run_suite layering bash tests/layering/run.sh
run_suite abi bash tests/abi/run.sh "$OUT/abi"
run_suite newlib bash tests/newlib/run.sh build/newlib "$OUT/newlib"
run_suite boot bash tests/boot/run.sh
run_suite linux bash tests/linux/run.sh          # Debian's own kernel as a domU
run_suite guests bash tests/guests/run.sh build/tests/guests
run_suite bench bash tests/bench/smoke.sh build/tests/bench
run_suite fuzz env SEEDS="1 2 3" ITERS=5000 JOBS=2 REPRO=0 TRACE=0 bash tests/fuzz/run.sh

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
