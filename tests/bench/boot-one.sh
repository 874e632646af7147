#!/usr/bin/env bash
# Boot one bench guest as dom0 once and check it finished:
#   tests/bench/boot-one.sh NAME GUEST.elf
# prints "PASS bench/NAME" or "FAIL bench/NAME: why" (tests/boot/lib.sh's verdict);
# the serial log is $BOOT_LOG_DIR/NAME.log (default build/tests/boot/bench/NAME.log).
# A boot passes when QEMU exits with status 1 (every domain shut down cleanly), the
# guest printed "bench-done", and there was no "bench-error" and no hypervisor fault.
#
# Environment (all optional):
#   BENCH_HV_OPTS   extra hypervisor options (always: exit_on_shutdown)
#   BENCH_CMDLINE   the guest's command line (start_info.cmd_line), e.g. "iters=8"
#   BENCH_MODULES   more Multiboot2 modules, one mkiso -m argument per line
#                   ("FILE domU name=peer"), for benchmarks with several domains
#   BENCH_ISO       ISO to build (or reuse); default $BOOT_LOG_DIR/NAME.iso
#   BENCH_REUSE_ISO=1  boot $BENCH_ISO as it is if it exists (repeated runs)
#   BENCH_RUN_TIMEOUT  seconds the guest may run [90]
#   BENCH_QEMU_ARGS    extra QEMU arguments, split on blanks (run.sh: -mem-prealloc)
set -uo pipefail
name=$1
elf=$2
here=$(cd "$(dirname "$0")" && pwd)
run_timeout=${BENCH_RUN_TIMEOUT:-90}

export SCENARIO=bench/$name
export BOOT_LOG_DIR=${BOOT_LOG_DIR:-$here/../../build/tests/boot/bench}
export BOOT_TIMEOUT=$((run_timeout + 60))
# shellcheck source-path=SCRIPTDIR source=../boot/lib.sh
. "$here/../boot/lib.sh"

iso=${BENCH_ISO:-$BOOT_LOG_DIR/$name.iso}
[[ -f $elf ]] || fail "no guest image $elf (run 'make bench-guests')"
if [[ ${BENCH_REUSE_ISO:-0} != 1 || ! -f $iso ]]; then
    mods=(-m "$elf ${BENCH_CMDLINE:-}")
    while IFS= read -r m; do
        [[ -z $m ]] || mods+=(-m "$m")
    done <<< "${BENCH_MODULES:-}"
    boot_build_iso "$(basename "$iso" .iso)" -c "exit_on_shutdown ${BENCH_HV_OPTS:-}" "${mods[@]}"
    iso=$BOOT_ISO
fi
# shellcheck disable=SC2086  # word splitting wanted
boot_iso "$name" "$iso" ${BENCH_QEMU_ARGS:-}
expect 'bench-done|bench-error|HYPERVISOR FAULT|crashed:' "$run_timeout"
[[ $MATCH != *bench-error* ]] || fail "${MATCH#*bench-error }"
[[ $MATCH == *bench-done* ]] || fail "$MATCH"
expect_exit 1 30
reject 'HYPERVISOR FAULT'
