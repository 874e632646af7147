# shellcheck shell=bash
# Boot test harness, sourced by tests/boot/scenarios/*.sh. A scenario is a
# script that builds an ISO, boots it in QEMU and checks the serial console:
#
#   . "$(dirname "$0")/../lib.sh"
#   boot_build_iso banner -c "exit_on_shutdown"   # -k defaults to $XLITE_ELF
#   boot_iso banner "$BOOT_ISO"
#   expect '^xlite [0-9]+\.[0-9]+\.[0-9]+'
#   expect_exit 1
#
# When the script ends it prints exactly one line, "PASS <scenario>" or
# "FAIL <scenario>: <reason>" (details such as the log tail go to stderr), and
# QEMU is always stopped. Environment knobs (defaults in brackets):
#   XLITE_ELF       hypervisor to boot [build/hypervisor/xlite.elf]
#   BOOT_LOG_DIR    logs, ISOs [build/tests/boot]
#   BOOT_TIMEOUT    hard limit for the whole scenario, seconds [60]
#   EXPECT_TIMEOUT  default wait of one expect/expect_exit, seconds [30]
#   MEM             guest RAM given to qemu -m [512]
#   XLITE_ACCEL     tcg or kvm [tcg]
#   SEND_EOL        what `send` appends to a line [\r]
#   BOOT_VERBOSE=1  trace each step on stderr

shopt -s extglob
set -eEuo pipefail
export LC_ALL=C   # byte semantics for regexes and string lengths

XLITE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
XLITE_ELF=${XLITE_ELF:-$XLITE_ROOT/build/hypervisor/xlite.elf}
BOOT_LOG_DIR=${BOOT_LOG_DIR:-$XLITE_ROOT/build/tests/boot}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-60}
EXPECT_TIMEOUT=${EXPECT_TIMEOUT:-30}
SEND_EOL=${SEND_EOL:-$'\r'}
QEMU=${QEMU:-qemu-system-x86_64}
SCENARIO=${SCENARIO:-$(basename "$0" .sh)}

BOOT_ISO=""     # set by boot_build_iso
BOOT_LOG=""     # serial log of the current boot
MATCH=""        # line matched by the last expect (BASH_REMATCH holds its groups)

_boot_deadline=$((SECONDS + BOOT_TIMEOUT))
_boot_reason=""     # why the scenario failed; empty while it has not
_boot_details=""    # extra lines printed after the FAIL line
_boot_qemu_pid=""
_boot_exit_status=""  # QEMU's, once reaped
_boot_stderr=""       # QEMU's stderr, kept if not empty
_boot_tmp=""        # per-boot temp dir holding the serial input FIFO
_boot_in_fd=""      # write end of that FIFO
_boot_tick_fd=""    # a FIFO nobody writes: reading it with a timeout = sleep
_boot_log_fd=""     # read position in the serial log
_boot_lines=()      # serial lines read so far, cleaned of \r and escapes
_boot_next=0        # index of the first line the next expect looks at
_boot_partial=""    # trailing text not yet terminated by a newline

_boot_trace() { [[ ${BOOT_VERBOSE:-0} != 1 ]] || echo "[$SCENARIO +${SECONDS}s] $*" >&2; }

# Fail the scenario: record REASON (and optional detail text) and exit.
fail() {
    _boot_reason=${_boot_reason:-$1}
    _boot_details=${2:-}
    exit 1
}

# log_lines: the serial log so far, without \r and terminal escapes.
log_lines() { tr -d '\r' < "$BOOT_LOG" | sed 's/\x1b\[[0-9;?]*[@-~]//g'; }

# says NAME REGEX...: the console lines of domain NAME ("(NAME) text") match the REGEXes
# in this order. Domains may interleave, so only each one's own order is checked.
says() {
    local name=$1 re i=0 lines
    shift
    mapfile -t lines < <(log_lines | sed -n "s/^($name) //p")
    for re in "$@"; do
        while (( i < ${#lines[@]} )) && [[ ! ${lines[i]} =~ $re ]]; do i=$((i + 1)); done
        (( i < ${#lines[@]} )) || fail "($name) printed no line matching /$re/ (in order)" \
            "$(printf "  ($name) %s\n" "${lines[@]}")"
        i=$((i + 1))
    done
}

# line_of REGEX: LINE = number of the first log line matching REGEX (fails if none).
line_of() {
    LINE=$(log_lines | grep -nE -m1 -- "$1" | cut -d: -f1) || true
    [[ -n $LINE ]] || fail "no log line matches /$1/" "$(_boot_context)"
}

# one_line TEXT: exactly one log line contains TEXT (a fixed string).
one_line() {
    local n
    n=$(log_lines | grep -c -F -- "$1" || true)
    (( n == 1 )) || fail "$n lines hold '$1', want 1" "$(log_lines | grep -F -- "$1")"
}

# has REGEX: some line of the whole log so far matches.
# (grep reads a process substitution: in a pipe, grep -q stopping at the first match can
# kill log_lines with SIGPIPE, and pipefail then reports a line that is there as missing.)
has() { grep -qE -- "$1" < <(log_lines) || fail "no log line matches /$1/" "$(_boot_context)"; }

# Detail text for a failure: the end of the serial log and QEMU's stderr.
_boot_context() {
    local n=${BOOT_TAIL:-15}
    [[ -n $BOOT_LOG ]] || return 0
    if [[ -s $BOOT_LOG ]]; then
        echo "last $n lines of $BOOT_LOG:"
        log_lines | tail -n "$n" | sed 's/^/  | /'
    else
        echo "no serial output in $BOOT_LOG"
    fi
    if [[ -s $_boot_stderr ]]; then
        echo "qemu stderr:"
        sed 's/^/  ! /' "$_boot_stderr"
    fi
}

_boot_on_exit() {
    local status=$?
    set +eE
    trap - ERR
    trap '' TERM INT   # a second signal (timeout sends two) must not cut cleanup
    boot_stop
    if [[ -z $_boot_reason && $status -ne 0 ]]; then
        _boot_reason="scenario script exited with status $status"
    fi
    if [[ -n $_boot_reason ]]; then
        echo "FAIL $SCENARIO: $_boot_reason"
        [[ -z $_boot_details ]] || printf '%s\n' "$_boot_details" >&2
        exit 1
    fi
    echo "PASS $SCENARIO"
    exit 0
}
# A command of the scenario failing (set -e) names itself in the reason.
_boot_on_err() {
    _boot_reason=${_boot_reason:-"line $1: command failed (status $2): $3"}
}
trap '_boot_on_exit' EXIT
trap '_boot_on_err "$LINENO" "$?" "$BASH_COMMAND"' ERR
trap 'fail "stopped by SIGTERM (interrupted, or past the time limit of run.sh)"' TERM
trap 'fail "interrupted by SIGINT"' INT

# Seconds an operation may wait: its own TIMEOUT, capped by the hard deadline
# (at least 1: a `timeout 0` would mean no limit at all).
_boot_budget() {
    local t=$1 left=$((_boot_deadline - SECONDS))
    (( t < left )) || t=$left
    (( t >= 1 )) || t=1
    echo "$t"
}

# _boot_sleep SECONDS: a sleep without a child process, so that a signal is
# handled at once (and bash prints no "Terminated" for a killed sleep).
_boot_sleep() {
    read -r -t "$1" -u "$_boot_tick_fd" _ || true
}

# Whether QEMU is still running (a zombie counts as exited).
qemu_running() {
    local stat
    [[ -n $_boot_qemu_pid ]] || return 1
    { read -r stat < "/proc/$_boot_qemu_pid/stat"; } 2> /dev/null || return 1
    [[ $stat != *") Z "* ]]
}

# boot_build_iso NAME [mkiso options]: build $BOOT_LOG_DIR/NAME.iso with
# scripts/mkiso.sh and set BOOT_ISO. -k defaults to $XLITE_ELF.
boot_build_iso() {
    local name=$1 err a has_k=0
    shift
    BOOT_ISO=$BOOT_LOG_DIR/$name.iso
    for a in "$@"; do [[ $a != -k* ]] || has_k=1; done
    if (( ! has_k )); then
        [[ -f $XLITE_ELF ]] || fail "hypervisor not built: $XLITE_ELF (run 'make hypervisor')"
        set -- -k "$XLITE_ELF" "$@"
    fi
    mkdir -p "$BOOT_LOG_DIR"
    _boot_trace "mkiso $BOOT_ISO $*"
    err=$(timeout "$(_boot_budget 60)" "$XLITE_ROOT/scripts/mkiso.sh" -o "$BOOT_ISO" "$@" 2>&1) \
        || fail "cannot build ISO $name: $(head -n 1 <<< "$err")" "$(tail -n +2 <<< "$err")"
}

# boot_dom0_shell NAME [RAMDISK]: boot the guest kernel as dom0 (96 MiB) with its
# ramdisk (build/dom0-ramdisk.cpio unless given) and wait for its shell prompt; the
# toolstack scenarios (xlite-*.sh) start here. Then `out REGEX [TIMEOUT]` waits for a
# dom0 console line (after any prompts the line carries).
boot_dom0_shell() {
    local name=$1 k=$XLITE_ROOT/build/guest/dom0.elf rd=${2:-$XLITE_ROOT/build/dom0-ramdisk.cpio}
    [[ -f $k && -f $rd ]] || fail "no $k or $rd (make guest-kernel)"
    boot_build_iso "$name" -c "exit_on_shutdown loglvl=info dom0_mem=96M" \
        -m "$k dom0" -m "$rd dom0-ramdisk"
    boot_iso "$name" "$BOOT_ISO"
    expect '^\(d0\) xlite# ' 40
}
out() { expect "^\\(d0\\) (xlite# )*$1" "${2:-30}"; }
# status N: the last dom0 command exited with status N.
status() { send 'echo status $?'; out "status $1\$"; }

# boot_iso NAME ISO [extra qemu args...]: start QEMU in the background, serial
# output logged to $BOOT_LOG_DIR/NAME.log, serial input fed by `send`.
boot_iso() {
    local name=$1 iso=$2 cpu=max accel=${XLITE_ACCEL:-tcg} major
    shift 2
    [[ -f $iso ]] || fail "no ISO '$iso'"
    boot_stop   # one QEMU at a time
    # Debian 12's QEMU 7.2 mis-emulates IRET stack reads under SMAP.
    major=$("$QEMU" --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p;q')
    (( ${major:-0} >= 8 )) || cpu=max,-smap
    [[ $accel == kvm ]] || accel=tcg   # KVM only on explicit request

    mkdir -p "$BOOT_LOG_DIR"
    BOOT_LOG=$BOOT_LOG_DIR/$name.log
    : > "$BOOT_LOG"
    _boot_stderr=$BOOT_LOG_DIR/$name.stderr
    # Serial port = pipe chardev: QEMU reads $tmp/serial.in (a FIFO we write),
    # writes $tmp/serial.out (/dev/null) and copies all output to the log.
    _boot_tmp=$(mktemp -d "${TMPDIR:-/tmp}/xlite-boot.XXXXXX")
    mkfifo "$_boot_tmp/serial.in" "$_boot_tmp/tick"
    ln -s /dev/null "$_boot_tmp/serial.out"
    exec {_boot_in_fd}<> "$_boot_tmp/serial.in"   # read-write: never blocks
    exec {_boot_tick_fd}<> "$_boot_tmp/tick"
    exec {_boot_log_fd}< "$BOOT_LOG"
    _boot_lines=() _boot_next=0 _boot_partial="" _boot_exit_status=""

    _boot_trace "qemu $iso (cpu $cpu, accel $accel, -m ${MEM:-512}) $*"
    "$QEMU" -M pc -accel "$accel" -cpu "$cpu" -m "${MEM:-512}" \
        -display none -no-reboot -nodefaults \
        -chardev "pipe,id=ser0,path=$_boot_tmp/serial,logfile=$BOOT_LOG" \
        -serial chardev:ser0 \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -cdrom "$iso" -boot d "$@" \
        < /dev/null > /dev/null 2> "$_boot_stderr" &
    _boot_qemu_pid=$!
}

# boot_stop: stop QEMU if it runs (TERM, then KILL) and release its files.
boot_stop() {
    local tries=20
    if [[ -n $_boot_qemu_pid ]]; then
        if qemu_running; then
            _boot_trace "stopping qemu"
            kill -TERM "$_boot_qemu_pid" 2> /dev/null || true
            while qemu_running && (( tries-- > 0 )); do _boot_sleep 0.1; done
            ! qemu_running || kill -KILL "$_boot_qemu_pid" 2> /dev/null || true
            # Its "terminating on signal" note is no news: we sent it.
            sed -i '/terminating on signal/d' "$_boot_stderr"
        fi
        _boot_reap
    fi
    [[ -z $_boot_in_fd ]] || exec {_boot_in_fd}>&-
    [[ -z $_boot_log_fd ]] || exec {_boot_log_fd}<&-
    [[ -z $_boot_tick_fd ]] || exec {_boot_tick_fd}<&-
    _boot_in_fd="" _boot_log_fd="" _boot_tick_fd=""
    [[ -z $_boot_tmp ]] || rm -rf "$_boot_tmp"
    [[ -z $_boot_stderr || -s $_boot_stderr ]] || rm -f "$_boot_stderr"
    _boot_tmp=""
}

# Append newly logged complete lines to _boot_lines, without \r and ANSI escape
# sequences (GRUB's terminal codes). With "flush", a trailing unterminated line
# counts too (QEMU has exited, nothing will complete it).
_boot_read_lines() {
    local line
    while IFS= read -r -u "$_boot_log_fd" line; do
        _boot_add_line "$_boot_partial$line"
        _boot_partial=""
    done
    _boot_partial+=$line
    if [[ ${1:-} == flush && -n $_boot_partial ]]; then
        _boot_add_line "$_boot_partial"
        _boot_partial=""
    fi
}
_boot_add_line() {
    local line=${1//$'\r'/}
    _boot_lines+=("${line//$'\e['*([0-9;?])[@-~]/}")
}

# Where the search of an expect started, for messages, unless at the top.
_boot_from() {
    (( _boot_start == 0 )) || echo " after line $_boot_start ('${_boot_lines[_boot_start - 1]}')"
}

# expect REGEX [TIMEOUT]: wait for a serial line matching the extended REGEX,
# looking only after the line the previous expect matched (so successive
# expects check an order). Sets MATCH and BASH_REMATCH.
expect() {
    local re=$1 t end exited=0 _boot_start=$_boot_next rc=0
    t=$(_boot_budget "${2:-$EXPECT_TIMEOUT}")
    end=$((SECONDS + t))
    # shellcheck disable=SC2319  # the status of [[ =~ ]] is 2 for a bad regex
    [[ "" =~ $re ]] || rc=$?
    (( rc != 2 )) || fail "expect: invalid regex /$re/"
    [[ -n $_boot_log_fd ]] || fail "expect /$re/: nothing booted"
    while :; do
        while (( _boot_next < ${#_boot_lines[@]} )); do
            MATCH=${_boot_lines[_boot_next]}
            _boot_next=$((_boot_next + 1))
            if [[ $MATCH =~ $re ]]; then
                _boot_trace "matched /$re/: $MATCH"
                return 0
            fi
        done
        if (( exited )); then
            _boot_reap
            fail "QEMU exited with status $_boot_exit_status ($(_boot_explain "$_boot_exit_status")) before a line matched /$re/$(_boot_from)" "$(_boot_context)"
        fi
        if ! qemu_running; then
            exited=1   # one last read, then give up
            _boot_read_lines flush
            continue
        fi
        if (( SECONDS >= end )); then
            if (( SECONDS >= _boot_deadline )); then
                fail "hard timeout (${BOOT_TIMEOUT}s) waiting for /$re/" "$(_boot_context)"
            fi
            fail "no line matched /$re/$(_boot_from) within ${t}s" "$(_boot_context)"
        fi
        _boot_sleep 0.1
        _boot_read_lines
    done
}

# reject REGEX: fail if any serial line logged so far matches REGEX.
reject() {
    local line
    if [[ -n $_boot_log_fd ]]; then
        if qemu_running; then _boot_read_lines; else _boot_read_lines flush; fi
    fi
    for line in "${_boot_lines[@]}"; do
        [[ ! $line =~ $1 ]] || fail "log has a line matching /$1/: $line" "$(_boot_context)"
    done
}

# Collect QEMU's exit status into _boot_exit_status (QEMU must have exited or
# been killed). Runs in this shell: $(...) could not wait for our child.
_boot_reap() {
    [[ -n $_boot_qemu_pid ]] || return 0
    _boot_exit_status=0
    wait "$_boot_qemu_pid" 2> /dev/null || _boot_exit_status=$?
    _boot_qemu_pid=""
}

# What an exit status means, for messages.
_boot_explain() {
    if (( $1 == 0 )); then echo "guest shutdown, reset or triple fault"
    elif (( $1 > 128 )); then echo "killed by signal $(($1 - 128))"
    elif (( $1 == 1 )); then echo "guest wrote 0 to isa-debug-exit, or QEMU error"
    elif (( $1 & 1 )); then echo "guest wrote $(($1 >> 1)) to isa-debug-exit"
    else echo "QEMU error?"
    fi
}

# expect_exit STATUS [TIMEOUT]: wait for QEMU to exit with STATUS. A guest
# write of v to port 0xf4 gives status (v<<1)|1: 1 for v=0, 3 for v=1.
expect_exit() {
    local want=$1 t end status
    t=$(_boot_budget "${2:-$EXPECT_TIMEOUT}")
    end=$((SECONDS + t))
    [[ -n $_boot_qemu_pid || -n $_boot_exit_status ]] || fail "expect_exit: nothing booted"
    while qemu_running; do
        (( SECONDS < end )) || fail "QEMU still running after ${t}s, expected exit status $want" "$(_boot_context)"
        _boot_sleep 0.1
    done
    _boot_reap
    status=$_boot_exit_status
    _boot_trace "qemu exited with status $status"
    (( status == want )) \
        || fail "QEMU exit status $status ($(_boot_explain "$status")), expected $want ($(_boot_explain "$want"))" "$(_boot_context)"
}

# send LINE: type LINE and $SEND_EOL on the serial console.
send() { send_raw "$1$SEND_EOL"; }

# send_raw STRING: type STRING exactly (e.g. a single debug key).
send_raw() {
    qemu_running || fail "send '$1': QEMU is not running" "$(_boot_context)"
    _boot_trace "send $(printf '%q' "$1")"
    printf '%s' "$1" >&"$_boot_in_fd"
}

# --- Helpers for xlite's own console contract --------------------------------

# expect_memory RAM_MIB: expect the memory summary line and check it for a
# guest given RAM_MIB MiB (qemu -m). The Multiboot2 map's usable RAM is RAM less
# the 640K-1M legacy hole and the few hundred KiB SeaBIOS reserves at the top,
# so it rounds down to RAM-1 MiB; RAM-4..RAM-1 leaves slack for other firmware
# while no two -m sizes that differ by 4 MiB or more can pass each other's check.
expect_memory() {
    local ram=$1 usable free
    expect 'Memory: ([0-9]+) MiB usable RAM, ([0-9]+) MiB free'
    usable=${BASH_REMATCH[1]} free=${BASH_REMATCH[2]}
    (( usable >= ram - 4 && usable <= ram - 1 )) \
        || fail "usable RAM $usable MiB, expected $((ram - 4))..$((ram - 1)) for ${ram} MiB: '$MATCH'"
    (( free > 0 && free <= usable )) \
        || fail "free RAM $free MiB not in 1..$usable: '$MATCH'"
}
