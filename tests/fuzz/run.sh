#!/usr/bin/env bash
# Hypercall fuzzing campaigns: for each seed, boot xlite (dom0=none) with the victim
# (d1, domu_fuzz_victim.elf) and the fuzzer (d2, domu_fuzz.elf) as boot-time domUs,
# watch the serial console, and judge the hypervisor (see tests/fuzz/README.md).
#
#   tests/fuzz/run.sh [SEED...]         environment knobs, defaults in brackets:
#     SEEDS      seeds when none are given as arguments ["1 2 3"]
#     ITERS      iterations per seed [20000]
#     TRACE      1: the fuzzer prints every call (slow; for reproducing) [0]
#     TRACE_FROM trace (TRACE=1 or 2) only from this iteration on []
#     START      first iteration [0]
#     AVOID      known-bug switches for the fuzzer, e.g. "timer,hvcs" [none]
#     PROGRESS   iterations between progress lines [1000]
#     HANG       seconds without a new progress line that count as a hang [20]
#     JOBS       seeds booted at once [1]
#     RESTARTS   restarts of a seed whose fuzzer domain was crashed [100000]
#     REPRO      1: after a failure, boot the seed again with trace=1 up to the failing
#                chunk and show the last calls [0]
#     FUZZ_OUT   logs and ISOs [build/tests/fuzz]
#     FUZZ_ARGS  more words for the fuzzer's command line []
#     VCPUS      vCPUs of the fuzzer domain (vCPU 1 is initialised/brought up to park) [2]
#     XLITE_ELF, XLITE_GUESTS, MEM [512], QEMU, QEMU_EXTRA (more QEMU options, unquoted)
#
# Failures (per boot): QEMU exiting by reset/triple fault (status 0), a fault report
# ("HYPERVISOR FAULT", status 3), no progress for HANG s (then QEMU is killed), the
# victim damaged or crashed, or the hypervisor's frame accounting not exact at exit.
# The fuzzer domain being crashed by the hypervisor is legitimate: the seed restarts at
# the next progress chunk. Prints "PASS fuzz/seed-S ..." or "FAIL fuzz/seed-S: why" per
# seed and, last, "K calls, F hypervisor faults, H hangs"; exits non-zero on any F or H
# (victim damage and accounting errors count as F).
set -uo pipefail
export LC_ALL=C
ROOT=${XLITE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
XLITE_ELF=${XLITE_ELF:-$ROOT/build/hypervisor/xlite.elf}
GUESTS=${XLITE_GUESTS:-$ROOT/build/tests/guests}
OUT=${FUZZ_OUT:-$ROOT/build/tests/fuzz}
QEMU=${QEMU:-qemu-system-x86_64}
ITERS=${ITERS:-20000}
TRACE=${TRACE:-0}
START=${START:-0}
AVOID=${AVOID:-}
PROGRESS=${PROGRESS:-1000}
HANG=${HANG:-20}
JOBS=${JOBS:-1}
RESTARTS=${RESTARTS:-100000}
REPRO=${REPRO:-0}
FUZZ=$GUESTS/domu_fuzz.elf
VICTIM=$GUESTS/domu_fuzz_victim.elf
if (( $# )); then seeds=("$@"); else read -r -a seeds <<< "${SEEDS:-1 2 3}"; fi

for f in "$XLITE_ELF" "$FUZZ" "$VICTIM"; do
    [[ -f $f ]] || { echo "FAIL fuzz: no $f (make hypervisor guests)"; exit 1; }
done
mkdir -p "$OUT"
# Run from private copies of this script, the hypervisor and the guests: any of them
# may be edited or rebuilt while a campaign runs.
if [[ -z ${FUZZ_SNAP:-} ]]; then
    FUZZ_SNAP=$(mktemp -d "$OUT/.snap.XXXXXX") || exit 1
    cp "$0" "$FUZZ_SNAP/run.sh" && cp "$XLITE_ELF" "$FUZZ_SNAP/xlite.elf" &&
        cp "$FUZZ" "$VICTIM" "$FUZZ_SNAP/" || { rm -rf "$FUZZ_SNAP"; exit 1; }
    export FUZZ_SNAP XLITE_ROOT=$ROOT
    bash "$FUZZ_SNAP/run.sh" "$@"
    status=$?
    for f in "$FUZZ_SNAP"/qemu.*; do     # QEMUs left by an interrupted run
        [[ -e $f ]] && kill -KILL "$(cat "$f")" 2> /dev/null
    done
    rm -rf "$FUZZ_SNAP"
    exit $status
fi
XLITE_ELF_ORIG=$XLITE_ELF
XLITE_ELF=$FUZZ_SNAP/xlite.elf
FUZZ=$FUZZ_SNAP/domu_fuzz.elf
VICTIM=$FUZZ_SNAP/domu_fuzz_victim.elf
trap 'for f in "$FUZZ_SNAP"/qemu.*; do [[ -e $f ]] && kill -KILL "$(cat "$f")" 2> /dev/null; done; exit 130' INT TERM
cpu=max
major=$("$QEMU" --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p;q')
(( ${major:-0} >= 8 )) || cpu=max,-smap     # QEMU 7.2 mis-emulates IRET under SMAP

clean() { tr -d '\r' < "$1" | sed 's/\x1b\[[0-9;?]*[@-~]//g'; }

# stall_verdict LOG KEYFD: the fuzzer made no progress. Types the 'v' debug key and reads
# the fuzzer's vCPU states. If the hypervisor answers, the victim is alive, and every
# fuzzer vCPU is down, blocked with no timer armed and no event pending, or polling with
# no timeout ports none of which is pending (every port: none raised since the poll
# began; events pending before it do not wake it, as in Xen), it put itself to sleep for
# good (as it would on Xen): a legitimate end, treated like a crash (B_VERDICT=crashed).
# Anything else (a vCPU asleep with a timer or an event pending is a lost wake-up, one
# that runs is a spin) stays a hang.
stall_verdict() {
    local log=$1 fd=$2 before dump alive
    before=$(grep -ac '^vcpu d' "$log")
    printf v >&"$fd"
    for _ in 1 2 3 4 5 6; do
        sleep 0.5
        (( $(grep -ac '^vcpu d' "$log") > before )) && break
    done
    sleep 0.5
    dump=$(clean "$log" | grep -a '^vcpu d2 ' | tail -n "${VCPUS:-2}")
    B_WHY+="; 'v': ${dump:-no answer}"
    [[ -n $dump ]] || return
    alive=$(clean "$log" | awk '/^\(fuzz\) fuzz: /{n=0} /^\(victim\) victim: alive/{n++} END{print n+0}')
    (( alive > 0 )) || return
    while read -r l; do
        if [[ $l =~ :\ down ]]; then
            continue
        elif [[ $l =~ \ blocked\ polling\ 0\ ports ]]; then
            # Polling every port: any port raised since it began would have woken it.
            [[ $l =~ ,\ 0\ raised\ since\)\ timeout\ none ]] || return
        elif [[ $l =~ \ blocked\ polling ]]; then
            # SCHEDOP_poll wakes only for its ports or its timeout, as in Xen.
            [[ $l =~ \(0\ pending,\ [0-9]+\ raised\ since\)\ timeout\ none ]] || return
        elif [[ $l =~ \ blocked ]]; then
            [[ $l =~ pending\ 0 && $l =~ singleshot\ off && $l =~ periodic\ off ]] || return
        else
            return
        fi
    done <<< "$dump"
    B_VERDICT=crashed B_WHY="crashed: stalled itself (victim alive; ${dump//$'\n'/; })"
}

# boot NAME START END TRACE: one boot of the current seed over iterations [START, END).
# Sets B_VERDICT (ok, crashed, fault, reset, hang, victim, frames, boot), B_WHY,
# B_CALLS, B_LAST (last progress iteration), B_LOG.
boot() {
    local name=$1 start=$2 end=$3 trace=$4
    local iso=$OUT/$name.iso log=$OUT/$name.log
    local fcmd="seed=$seed start=$start iters=$end trace=$trace progress=$PROGRESS self=2 victim=1"
    [[ -z $AVOID ]] || fcmd+=" avoid=$AVOID"
    [[ -z ${TRACE_FROM:-} ]] || fcmd+=" trace_from=$TRACE_FROM"
    [[ -z ${FUZZ_ARGS:-} ]] || fcmd+=" $FUZZ_ARGS"
    B_LOG=$log B_VERDICT="" B_WHY="" B_CALLS=0 B_LAST=$start B_EXACT=-1
    if ! "$ROOT/scripts/mkiso.sh" -o "$iso" -k "$XLITE_ELF" \
            -c "exit_on_shutdown dom0=none loglvl=info" \
            -m "$VICTIM domU name=victim memory=8 cmdline=\"watch=2 max=100000\"" \
            -m "$FUZZ domU name=fuzz memory=8 vcpus=${VCPUS:-2} cmdline=\"$fcmd\"" > "$OUT/$name.mkiso" 2>&1; then
        B_VERDICT=boot B_WHY="cannot build ISO: $(head -n 1 "$OUT/$name.mkiso")"
        return
    fi
    : > "$log"
    # Serial input through a FIFO kept open here: on a stall we type the 'v' debug key.
    local keys=$OUT/$name.keys keyfd
    rm -f "$keys" && mkfifo "$keys" && exec {keyfd}<> "$keys"
    "$QEMU" -M pc -accel tcg -cpu "$cpu" -m "${MEM:-512}" -display none -no-reboot \
        -nodefaults -chardev "file,id=ser0,path=$log,input-path=$keys" -serial chardev:ser0 \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -cdrom "$iso" -boot d ${QEMU_EXTRA:-} < /dev/null > /dev/null 2> "$OUT/$name.stderr" &
    local pid=$! status="" last_line="" line t_prog=$SECONDS started=0 done_at=0
    echo "$pid" > "$FUZZ_SNAP/qemu.$name"
    while kill -0 "$pid" 2> /dev/null; do
        sleep 0.5
        if grep -q 'HYPERVISOR FAULT' "$log"; then
            sleep 2; break                   # let the report finish; QEMU exits by itself
        fi
        line=$(grep -a -E '^\(fuzz\) fuzz: ' "$log" | tail -n 1)
        if [[ $line != "$last_line" ]]; then
            last_line=$line t_prog=$SECONDS started=1
        fi
        if grep -aq '^(fuzz) fuzz: done' "$log" || grep -aqE '^d2 \(fuzz\): (crashed|shut down)' "$log"; then
            (( done_at )) || done_at=$SECONDS
            # The fuzzer is gone: the victim notices within 20 ms, QEMU exits soon after.
            if (( SECONDS - done_at > 30 )); then
                B_VERDICT=hang B_WHY="fuzzer finished but QEMU still runs after 30 s"
                break
            fi
            continue
        fi
        if grep -aq "^error: \|Failed to boot" "$log"; then
            B_VERDICT=boot B_WHY="GRUB could not boot the ISO: $(grep -a -m1 '^error: ' "$log")"
            break
        fi
        local limit=$HANG
        (( started )) || limit=$((HANG + 60))      # GRUB and the boot come first
        if (( SECONDS - t_prog > limit )); then
            B_VERDICT=hang B_WHY="no progress for ${limit} s after: ${last_line:-<no fuzzer output>}"
            (( started )) && stall_verdict "$log" "$keyfd"
            break
        fi
    done
    exec {keyfd}>&-
    rm -f "$keys"
    if kill -0 "$pid" 2> /dev/null; then
        kill -TERM "$pid" 2> /dev/null
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2> /dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2> /dev/null
    fi
    wait "$pid" 2> /dev/null
    status=$?
    rm -f "$FUZZ_SNAP/qemu.$name"
    rm -f "$iso" "$OUT/$name.mkiso"             # rebuilt in a second from the same inputs
    [[ -s $OUT/$name.stderr ]] || rm -f "$OUT/$name.stderr"
    local text
    text=$(clean "$log")
    line=$(grep -a -E '^\(fuzz\) fuzz: .*calls [0-9]+' <<< "$text" | tail -n 1)
    [[ $line =~ calls\ ([0-9]+) ]] && B_CALLS=${BASH_REMATCH[1]}
    line=$(grep -a -E '^\(fuzz\) fuzz: (seed [0-9]+ iter|done)' <<< "$text" | tail -n 1)
    [[ $line =~ iter\ ([0-9]+) ]] && B_LAST=${BASH_REMATCH[1]}
    [[ $line =~ ^\(fuzz\)\ fuzz:\ done ]] && B_LAST=$end
    # The last call the fuzzer named (a "risky" one, or any with trace=1).
    B_EXACT=-1
    line=$(grep -a -E '^\(fuzz\) fuzz: \[[0-9]+:[0-9]+\]' <<< "$text" | tail -n 1)
    [[ $line =~ ^\(fuzz\)\ fuzz:\ \[[0-9]+:([0-9]+)\] ]] && B_EXACT=${BASH_REMATCH[1]}
    [[ -z $B_VERDICT ]] || return
    if grep -q 'HYPERVISOR FAULT' <<< "$text"; then
        B_VERDICT=fault B_WHY="hypervisor fault report (QEMU status $status)"
    elif (( status == 0 )); then
        B_VERDICT=reset B_WHY="QEMU exited by reset/triple fault (status 0)"
    elif grep -aqE '^d1 \(victim\): crashed' <<< "$text"; then
        B_VERDICT=victim B_WHY="victim crashed: $(grep -aE '^d1 \(victim\): crashed' <<< "$text" | head -n 1)"
    elif grep -aqE '^\(victim\) FAIL' <<< "$text"; then
        B_VERDICT=victim B_WHY="victim: $(grep -aE '^\(victim\) FAIL' <<< "$text" | head -n 1)"
    elif ! grep -aqE '^\(victim\) PASS victim_intact' <<< "$text"; then
        B_VERDICT=victim B_WHY="victim never reported victim_intact (QEMU status $status)"
    elif grep -aqE 'LEAK|still referenced' <<< "$text"; then
        B_VERDICT=frames B_WHY="frame accounting: $(grep -aE 'LEAK|still referenced' <<< "$text" | head -n 1)"
    elif ! grep -aqE '^frames: [0-9]+ free, as before any domain was built' <<< "$text"; then
        B_VERDICT=frames B_WHY="no 'frames: N free, as before any domain was built' line (QEMU status $status)"
    elif grep -aqE '^\(fuzz\) .*fuzz: \[[0-9]+:[0-9]+\] WRONG' <<< "$text"; then
        line=$(grep -aE '^\(fuzz\) .*fuzz: \[[0-9]+:[0-9]+\] WRONG' <<< "$text" | head -n 1 | sed 's/.*fuzz: \[/[/')
        B_VERDICT=wrong B_WHY="a hypercall broke its contract: $line"
        [[ $line =~ ^\[[0-9]+:([0-9]+)\] ]] && B_EXACT=${BASH_REMATCH[1]} B_LAST=$(( BASH_REMATCH[1] / PROGRESS * PROGRESS ))
    elif grep -aqE '^d2 \(fuzz\): crashed' <<< "$text"; then
        B_VERDICT=crashed B_WHY=$(grep -aE '^d2 \(fuzz\): crashed' <<< "$text" | head -n 1)
    elif grep -aqE '^d2 \(fuzz\): shut down: crash' <<< "$text" &&
         ! grep -aqE '^\(fuzz\) .*FAIL runtime_' <<< "$text"; then
        # SCHEDOP_shutdown(crash) with no message: the fuzzer's runtime panicked with its
        # console output lost (a scribbled console ring makes the hypervisor treat the ring
        # as its console), or a fuzzed call asked for it. The hypervisor prints "crashed:"
        # for every crash of its own making, so this one is the guest's. Noted.
        B_VERDICT=crashed
        B_WHY="crashed: the fuzzer shut itself down (crash) without a message"
    elif grep -aqE '^\(fuzz\) .*FAIL runtime_' <<< "$text"; then
        # The fuzzer's runtime gave up (a trap outside any call, or an event inside a
        # trap handler after a fuzzed trap table): a fuzzer bug, or its memory or
        # callbacks changed under it. Not a hypervisor failure by itself; noted. The
        # line may begin with random bytes the fuzzer wrote to its console.
        B_VERDICT=crashed
        B_WHY="crashed: fuzzer runtime: $(grep -aoE 'FAIL runtime_.*' <<< "$text" | head -n 1 | cut -c 6-)"
    elif (( status != 1 )); then
        B_VERDICT=boot B_WHY="QEMU exit status $status, expected 1"
    elif ! grep -aq '^(fuzz) fuzz: done' <<< "$text"; then
        B_VERDICT=boot B_WHY="the fuzzer never reported done"
    else
        B_VERDICT=ok
    fi
}

# One seed, with restarts after legitimate fuzzer crashes. Writes its summary to
# $OUT/seed-S.result: "calls faults hangs" and PASS/FAIL line(s).
run_seed() {
    seed=$1
    local start=$START n=0 calls=0 crashes=0 faults=0 hangs=0 t0=$SECONDS notes=""
    local res=$OUT/seed-$seed.result
    rm -f "$OUT/seed-$seed".log "$OUT/seed-$seed"-r*.* "$OUT/seed-$seed"-trace.*
    while (( start < ITERS )); do
        local name=seed-$seed
        (( n == 0 )) || name=seed-$seed-r$n
        boot "$name" "$start" "$ITERS" "$TRACE"
        calls=$((calls + B_CALLS))
        case $B_VERDICT in
        ok) break ;;
        crashed)
            crashes=$((crashes + 1))
            if (( B_EXACT >= B_LAST )); then
                # It named the call it was making: restart right after it.
                notes+=" [fuzzer crashed at iter $B_EXACT: ${B_WHY#*crashed: }]"
                start=$((B_EXACT + 1))
            else
                notes+=" [fuzzer crashed in iters $B_LAST..$((B_LAST + PROGRESS)): ${B_WHY#*crashed: }]"
                start=$(( (B_LAST / PROGRESS + 1) * PROGRESS ))
            fi
            n=$((n + 1))
            if (( n > RESTARTS )); then
                notes+=" [gave up after $RESTARTS restarts]"
                break
            fi
            continue ;;
        hang) hangs=$((hangs + 1)) ;;
        *) faults=$((faults + 1)) ;;
        esac
        # A failure: say where, how to reproduce, and stop this seed.
        local chunk_end=$(( (B_LAST / PROGRESS + 1) * PROGRESS ))
        (( chunk_end <= ITERS )) || chunk_end=$ITERS
        (( B_EXACT < B_LAST )) || B_WHY+=" (last call named: iteration $B_EXACT)"
        {
            echo "FAIL fuzz/seed-$seed: $B_VERDICT: $B_WHY (iterations $B_LAST..$chunk_end; log $B_LOG)"
            local env=""
            [[ -z $AVOID ]] || env+="AVOID=$AVOID "
            [[ -z ${VCPUS:-} ]] || env+="VCPUS=$VCPUS "
            [[ -z ${FUZZ_ARGS:-} ]] || env+="FUZZ_ARGS='$FUZZ_ARGS' "
            [[ $XLITE_ELF_ORIG == "$ROOT/build/hypervisor/xlite.elf" ]] || env+="XLITE_ELF=$XLITE_ELF_ORIG "
            (( PROGRESS == 1000 )) || env+="PROGRESS=$PROGRESS "
            echo "    reproduce: ${env}TRACE=1 TRACE_FROM=$(( B_EXACT >= B_LAST ? B_EXACT : B_LAST )) START=$start ITERS=$chunk_end tests/fuzz/run.sh $seed"
            clean "$B_LOG" | grep -av '^(victim) victim: alive' | tail -n 15 | sed 's/^/    | /'
        } >> "$res.fail"
        if (( REPRO && ! TRACE )); then
            boot "seed-$seed-trace" "$start" "$chunk_end" 1
            {
                echo "    traced rerun (iterations $start..$chunk_end, trace=1): $B_VERDICT ${B_WHY:+($B_WHY)}; log $B_LOG"
                clean "$B_LOG" | grep -aE '^\(fuzz\) fuzz: \[' | tail -n 8 | sed 's/^/    | /'
            } >> "$res.fail"
        fi
        break
    done
    local t=$((SECONDS - t0))
    [[ -z $notes ]] || sed 's/ \[/\n[/g' <<< "$notes" | sed '/^$/d' > "$OUT/seed-$seed.notes"
    {
        echo "$calls $faults $hangs"
        if (( faults + hangs == 0 )); then
            echo "PASS fuzz/seed-$seed: $calls calls in ${t}s, $crashes fuzzer crashes (legitimate${notes:+, see $OUT/seed-$seed.notes})"
        else
            cat "$res.fail"
            [[ -z $notes ]] || echo "    $crashes fuzzer crashes before (legitimate): $OUT/seed-$seed.notes"
        fi
    } > "$res"
    rm -f "$res.fail"
}

pids=()
for s in "${seeds[@]}"; do
    rm -f "$OUT/seed-$s.result" "$OUT/seed-$s.result.fail"
    run_seed "$s" &
    pids+=($!)
    while (( $(jobs -rp | wc -l) >= JOBS )); do sleep 0.5; done
done
wait "${pids[@]}" 2> /dev/null

K=0 F=0 H=0
for s in "${seeds[@]}"; do
    res=$OUT/seed-$s.result
    if [[ ! -f $res ]]; then
        echo "FAIL fuzz/seed-$s: runner produced no result"
        F=$((F + 1))
        continue
    fi
    read -r k f h < "$res"
    K=$((K + k)) F=$((F + f)) H=$((H + h))
    tail -n +2 "$res"
done
echo "$K calls, $F hypervisor faults, $H hangs"
(( F == 0 && H == 0 ))
