#!/usr/bin/env bash
# A boot-time domain with vcpus=2 starts with vCPU 1 down, brings it up with
# VCPUOP_initialise + VCPUOP_up (exact return codes for every refusal), downs and ups
# it again (also from vCPU 1 itself), and powers off with vCPU 1 still running; the
# other domain finishes untouched and every frame comes back (domu_vcpus.elf).
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

guests=${XLITE_GUESTS:-$XLITE_ROOT/build/tests/guests}   # domu_*.elf
smp=$guests/domu_vcpus.elf
info=$guests/domu_info.elf
for f in "$smp" "$info"; do
    [[ -f $f ]] || fail "no $f (make guests, with tests/guests/domu.mk included)"
done

boot_build_iso sched-vcpus -c "exit_on_shutdown dom0=none" \
    -m "$smp domU name=smp memory=16 vcpus=2" \
    -m "$info domU name=other memory=8 cmdline=\"next to smp\""
boot_iso sched-vcpus "$BOOT_ISO"

expect "^domU module 0: d1 'smp': 16 MiB, 2 vCPUs, weight 256"
expect "^domU module 1: d2 'other': 8 MiB, 1 vCPU"
expect_exit 1 40

says smp '^PASS vcpu_ids$' '^PASS up_uninitialised_einval$' '^PASS initialise_refusals$' \
    '^vcpus: vCPU 1 context: ' '^vcpu1: running$' '^PASS initialise_then_up$' \
    '^PASS down_stops_up_resumes$' '^PASS self_down$' \
    '^vcpus: powering off with vCPU 1 up \(is_up 1\)$' '^DONE 6 passed, 0 failed$'
says other "^domu-info flags 0x0 nr_pages 2048 cmdline 'next to smp'$" '^PASS unprivileged$' \
    '^DONE 1 passed, 0 failed$'
has '^d1 \(smp\): shut down: poweroff$'
has '^d2 \(other\): shut down: poweroff$'
has '^frames: [0-9]+ free, as before any domain was built$'
reject 'LEAK|HYPERVISOR FAULT|crashed|^\((smp|other)\) FAIL|still referenced'
