#!/usr/bin/env bash
# Boot one test guest as dom0 and report: tests/guests/boot-guest.sh GUEST.elf
# (run.sh calls this once per guest; it can also be run alone).
#
# The guest's "(d0) PASS x" / "(d0) FAIL x: why" / "(d0) SKIP x: why" lines become
# "PASS guest/<name>/x" / "FAIL guest/<name>/x: why" / "SKIP guest/<name>/x: why",
# where <name> is the file name without "test_" and ".c". The last line, printed by
# tests/boot/lib.sh, is about the boot as a whole: "PASS guest/<name>" when QEMU
# exited with the expected status, the guest finished (its "DONE" line) and every
# EXPECT-LOG regex matched in order; otherwise "FAIL guest/<name>: <reason>".
#
# Directives, read from the guest source's first comment block, one per line:
#   EXPECT-EXIT: N      QEMU exit status expected (default 1: every domain shut down
#                       cleanly; 5: a domain crashed; 3: hypervisor fault). With a
#                       status other than 1 the guest need not print DONE.
#   EXPECT-LOG: REGEX   an extended regex a serial line must match; several are
#                       matched in the order given.
#   XLITE-OPTS: WORDS   extra hypervisor command-line options.
#   GUEST-CMDLINE: ...  the guest's command line (start_info.cmd_line).
#   TIMEOUT: SECONDS    how long the guest may run (default $GUEST_TIMEOUT or 60).
# GUEST_CMDLINE in the environment replaces GUEST-CMDLINE (for a guest's opt-in modes).
set -uo pipefail
elf=$1
here=$(cd "$(dirname "$0")" && pwd)
name=$(basename "$elf" .elf)
short=${name#test_}
src=${GUEST_SRC_DIR:-$here}/$name.c

want_exit=1 opts="" cmdline="" run_timeout=${GUEST_TIMEOUT:-60}
logs=()
if [[ -f $src ]]; then
    while IFS= read -r line; do
        line=${line%$'\r'}
        if [[ $line =~ (EXPECT-EXIT|EXPECT-LOG|XLITE-OPTS|GUEST-CMDLINE|TIMEOUT):[[:space:]]*(.*[^[:space:]])[[:space:]]*$ ]]; then
            value=${BASH_REMATCH[2]}
            case ${BASH_REMATCH[1]} in
                EXPECT-EXIT) want_exit=$value ;;
                EXPECT-LOG) logs+=("$value") ;;
                XLITE-OPTS) opts+=" $value" ;;
                GUEST-CMDLINE) cmdline=$value ;;
                TIMEOUT) run_timeout=$value ;;
            esac
        fi
        [[ $line != *'*/'* ]] || break
    done < "$src"
fi
cmdline=${GUEST_CMDLINE-$cmdline}

export SCENARIO=guest/$short
# Whole-scenario limit: ISO build plus the run, with slack.
export BOOT_TIMEOUT=$((run_timeout + 60))
# shellcheck source-path=SCRIPTDIR source=../boot/lib.sh
. "$here/../boot/lib.sh"

[[ -f $elf ]] || fail "no guest image $elf"
boot_build_iso "guest-$short" -c "exit_on_shutdown loglvl=info$opts" -m "$elf $cmdline"
boot_iso "guest-$short" "$BOOT_ISO"

# Wait for QEMU to exit on its own (exit_on_shutdown), at most run_timeout seconds.
end=$((SECONDS + run_timeout))
while qemu_running && (( SECONDS < end )); do sleep 0.2; done
hung=0
qemu_running && hung=1

# The serial log, cleaned of \r and terminal escapes.
mapfile -t serial < <(tr -d '\r' < "$BOOT_LOG" | sed 's/\x1b\[[0-9;?]*[@-~]//g')
tail_lines() {
    local n=${1:-4} out="" l
    for l in "${serial[@]: -$n}"; do out+="${out:+ | }$l"; done
    echo "${out:-<no serial output>}"
}

guest_lines=0 done_seen=0
for l in "${serial[@]}"; do
    if [[ $l =~ ^\(d0\)\ (PASS|FAIL|SKIP)\ ([^:[:space:]]+)(:\ ?(.*))?$ ]]; then
        kind=${BASH_REMATCH[1]} sub=${BASH_REMATCH[2]} why=${BASH_REMATCH[4]}
        if [[ $kind == PASS ]]; then
            echo "PASS guest/$short/$sub"
        else
            echo "$kind guest/$short/$sub: ${why:-no reason given}"
        fi
    fi
    [[ ! $l =~ ^\(d0\)\  ]] || guest_lines=$((guest_lines + 1))
    [[ ! $l =~ ^\(d0\)\ DONE\  ]] || done_seen=1
done

# The hypervisor's own verdict on the domain, if it crashed or faulted.
crash=""
for l in "${serial[@]}"; do
    if [[ $l =~ (crashed:|HYPERVISOR\ FAULT) ]]; then crash=$l; break; fi
done
if (( hung )); then
    fail "did not exit within ${run_timeout}s; last lines: $(tail_lines 4)"
fi
if (( guest_lines == 0 )); then
    fail "the guest printed nothing${crash:+ ($crash)}; last lines: $(tail_lines 4)"
fi
reject 'HYPERVISOR FAULT'
if [[ $want_exit == 1 && -n $crash ]]; then
    fail "$crash; last lines: $(tail_lines 4)"
fi
expect_exit "$want_exit" 1
if (( want_exit == 1 && ! done_seen )); then
    fail "the guest did not finish (no DONE line); last lines: $(tail_lines 4)"
fi
for re in "${logs[@]}"; do
    expect "$re" 1
done
