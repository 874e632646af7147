#!/usr/bin/env bash
# A job pool for the test runners (tests/boot/run.sh, tests/guests/run.sh): at most
# POOL_JOBS jobs at once, each killed after POOL_LIMIT seconds, its output kept in a
# file and handed to the runner when it ends. Source it, define
#   pool_done NAME STATUS FILE   called once per finished job (prints and counts)
#   pool_summary SUFFIX          prints the runner's last line (SUFFIX: "" or
#                                " (interrupted)")
# then call pool_start NAME CMD... for each job and pool_finish at the end.
# Ctrl-C or TERM stops every running job, still reports each, and exits 130.
# shellcheck disable=SC2034  # POOL_* are set by the runner
POOL_JOBS=${POOL_JOBS:-2}
POOL_LIMIT=${POOL_LIMIT:-180}
_pool_out=$(mktemp -d "${TMPDIR:-/tmp}/xlite-pool.XXXXXX")
declare -A _pool_name=()   # pid -> job name

_pool_reap() {
    local pid status name
    wait -n -p pid "${!_pool_name[@]}"
    status=$?
    name=${_pool_name[$pid]}
    unset "_pool_name[$pid]"
    pool_done "$name" "$status" "$_pool_out/$name"
}

_pool_stop() {
    local pid
    trap - INT TERM
    for pid in "${!_pool_name[@]}"; do kill -TERM "$pid" 2> /dev/null; done
    while (( ${#_pool_name[@]} )); do _pool_reap; done
    pool_summary " (interrupted)"
    exit 130
}
trap _pool_stop INT TERM
trap 'rm -rf "$_pool_out"' EXIT

# pool_start NAME CMD...: run CMD (stdin from /dev/null) once a slot is free.
pool_start() {
    local name=$1
    shift
    while (( ${#_pool_name[@]} >= POOL_JOBS )); do _pool_reap; done
    timeout -k 5 "$POOL_LIMIT" "$@" < /dev/null > "$_pool_out/$name" 2>&1 &
    _pool_name[$!]=$name
}

# pool_finish: wait for every job, then print the summary line.
pool_finish() {
    while (( ${#_pool_name[@]} )); do _pool_reap; done
    pool_summary ""
}
