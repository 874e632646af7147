#!/usr/bin/env bash
# make bench: boot every scenario in tests/bench/scenarios/ (or the ones named) its
# number of times, one QEMU after another, then print the table and write
# build/bench.json. See docs/PERFORMANCE.md.
#
#   tests/bench/run.sh [SCENARIO...]
#
# Environment: BENCH_BOOTS (boots per scenario, overrides the scenarios' own),
# BENCH_JSON (output file), XLITE_ACCEL (tcg by default, or kvm), XLITE_ELF (the
# hypervisor to boot), MEM (QEMU RAM in MiB, default 512), BENCH_QEMU_ARGS (extra QEMU
# arguments, default -mem-prealloc).
# Exit status 1 if any boot failed (its figures are left out, the others are kept).
#
# A scenario file is bash that sets:
#   guest=bench_NAME        the bench guest (build/tests/bench/bench_NAME.elf), booted as dom0
#   boots=N                 how many times to boot it
#   hv_opts="..."           hypervisor options besides exit_on_shutdown
#   cmdline="..."           the guest's command line (rounds=N, batch=CYCLES or iters=N)
#   figures=(op ...)        the operations the guest measures (smoke.sh checks them)
#   modules=("FILE STRING") optional: more Multiboot2 modules (domUs)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1
export LC_ALL=C

json=${BENCH_JSON:-$root/build/bench.json}
guests=$root/build/tests/bench
export BOOT_LOG_DIR=$root/build/tests/boot/bench
accel=${XLITE_ACCEL:-tcg}
[[ $accel == kvm ]] || accel=tcg
# Guest RAM allocated before the guest runs: first touches of host memory (page faults
# in the host, several times slower than the zeroing itself) stay out of the figures.
export BENCH_QEMU_ARGS=${BENCH_QEMU_ARGS--mem-prealloc}

scenario_files=()
if (( $# == 0 )); then
    scenario_files=("$here"/scenarios/*.sh)
else
    for s in "$@"; do scenario_files+=("$here/scenarios/${s%.sh}.sh"); done
fi

mkdir -p "$BOOT_LOG_DIR" "$guests" "$(dirname "$json")"
# What the logs said, kept for a look or to re-run aggregate.awk on.
records=$guests/records.tsv
: > "$records"
trap 'rm -f "$records.err"' EXIT

# The records aggregate.awk reads, from one boot's serial log.
extract() {
    local scen=$1 boot=$2 log=$3
    tr -d '\r' < "$log" | awk -v s="$scen" -v b="$boot" '
        BEGIN { OFS = "\t" }
        /^bench [^ ]+ [0-9.]+ [^ ]+$/ { print s, b, "hv", $2, $3, $4; next }
        /^\([^)]*\) bench [^ ]+ [0-9.]+ [^ ]+$/ { print s, b, "guest", $3, $4, $5; next }
        /^\([^)]*\) bench-samples / {
            for (i = 4; i <= NF; i++) print s, b, "sample", $3, $i, "cycles"
            next
        }
        /^bench-hcall / {
            for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
            print s, b, "hcall", f["nr"] ":" f["name"], f["calls"], f["cycles"], f["max"]
        }'
}

# Load every scenario first: boots then alternate between scenarios (A B A B ...), so
# a slow drift of the machine does not land on one scenario only.
names=() s_guest=() s_boots=() s_hv=() s_cmdline=() s_mods=()
failed=0
for file in "${scenario_files[@]}"; do
    scen=$(basename "$file" .sh)
    if [[ ! -f $file ]]; then
        echo "FAIL bench/$scen: no scenario $file"
        failed=$((failed + 1))
        continue
    fi
    # shellcheck disable=SC2034  # figures: for smoke.sh
    guest="" boots=1 hv_opts="" cmdline="" figures=() modules=()
    # shellcheck source=/dev/null
    . "$file"
    names+=("$scen") s_guest+=("$guest") s_boots+=("${BENCH_BOOTS:-$boots}")
    s_hv+=("$hv_opts") s_cmdline+=("$cmdline") s_mods+=("$(printf '%s\n' "${modules[@]}")")
    printf '%s\t0\tmeta\t%s\t%s\n' "$scen" guest "$guest" "$scen" boots "${BENCH_BOOTS:-$boots}" \
        "$scen" hv_cmdline "exit_on_shutdown${hv_opts:+ $hv_opts}" "$scen" cmdline "$cmdline" \
        >> "$records"
done

start=$SECONDS
busy=0          # most other QEMU processes seen when a boot started
max_boots=0
for n in "${s_boots[@]}"; do (( n > max_boots )) && max_boots=$n; done
for ((b = 1; b <= max_boots; b++)); do
    for i in "${!names[@]}"; do
        (( b <= s_boots[i] )) || continue
        scen=${names[i]}
        others=$(pgrep -c -x qemu-system-x86 || true)
        (( others > busy )) && busy=$others
        t0=$SECONDS
        line=$(BENCH_HV_OPTS="${s_hv[i]}" BENCH_CMDLINE="${s_cmdline[i]}" \
               BENCH_MODULES="${s_mods[i]}" \
               BENCH_ISO="$BOOT_LOG_DIR/$scen.iso" BENCH_REUSE_ISO=$((b > 1)) \
               bash "$here/boot-one.sh" "$scen-$b" "$guests/${s_guest[i]}.elf" 2> "$records.err" \
               | tail -n 1)
        if [[ $line == PASS* ]]; then
            note=""
            (( others == 0 )) || note=", $others other QEMU running"
            echo "  $scen boot $b/${s_boots[i]}: ok ($((SECONDS - t0)) s$note)"
            extract "$scen" "$b" "$BOOT_LOG_DIR/$scen-$b.log" >> "$records"
        else
            echo "${line:-FAIL bench/$scen-$b: no verdict}"
            sed 's/^/    /' "$records.err"
            failed=$((failed + 1))
        fi
    done
done

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
qemu_version=$(qemu-system-x86_64 --version | sed -n 's/.*version \([^ ]*\).*/\1/p;q')
qemu_cpu=max
[[ ${qemu_version%%.*} -ge 8 ]] || qemu_cpu=max,-smap     # as tests/boot/lib.sh does
git_rev=$(git rev-parse --short HEAD 2> /dev/null || echo unknown)
[[ -z $(git status --porcelain 2> /dev/null) ]] || git_rev+=" (uncommitted changes)"
echo
awk -f "$here/aggregate.awk" -v json="$json" -v cpu="$cpu" -v cores="$(nproc)" \
    -v kernel="$(uname -r)" -v qemu="$qemu_version" -v accel="$accel" -v qemu_cpu="$qemu_cpu" \
    -v mem="${MEM:-512}" -v qemu_args="$BENCH_QEMU_ARGS" -v busy="$busy" -v git="$git_rev" \
    -v date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    "$records"
echo
echo "bench: $((SECONDS - start)) s, $failed failed boot(s); figures in ${json#"$root"/}"
(( busy == 0 )) ||
    echo "bench: WARNING: up to $busy other QEMU process(es) ran during the boots; figures are noisy"
(( failed == 0 ))
