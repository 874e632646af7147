#!/usr/bin/env bash
# The dom0 domain builder end to end: dom0 (test_dom0_builder.elf) builds its ramdisk
# module, domu_info.elf, as domain 1 'built' through the domctl, which prints as its own
# name through console_io, powers off and is destroyed by dom0; a second build is
# destroyed without running; dom0's refused builds
# (a truncated image, more RAM than is free) leave nothing; every frame comes back.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

guests=${XLITE_GUESTS:-$XLITE_ROOT/build/tests/guests}   # domu_*.elf, test_*.elf
dom0=$guests/test_dom0_builder.elf
domu=$guests/domu_info.elf
for f in "$dom0" "$domu"; do
    [[ -f $f ]] || fail "no $f (make guests, with tests/guests/domu.mk included)"
done

boot_build_iso domctl-build -c "exit_on_shutdown loglvl=info dom0_mem=64M" \
    -m "$dom0 dom0" -m "$domu ramdisk"
boot_iso domctl-build "$BOOT_ISO"

expect "^d1: created by the toolstack: 'built', up to 16 MiB, 1 vCPU$"
expect '^\(d0\) built d1: entry 0x[0-9a-f]+, [0-9]+ page-table frames, console port [0-9]+'
expect_exit 1 50
says built "^domu-info flags 0x0 nr_pages 4096 cmdline 'built by dom0'$" \
    '^PASS unprivileged$' '^DONE 1 passed, 0 failed$'
has '^d1 \(built\): shut down: poweroff$'
has '^d1 \(built\): destroyed by the toolstack$'
says d0 '^domU image: the ramdisk module, [0-9]+ bytes$' '^PASS build_run_destroy$' \
    '^PASS build_destroy_unrun$' \
    "^refused: domu_info.elf: elf: " '^PASS truncated_image_refused$' \
    '^refused: domu_info.elf: out of memory: ' '^PASS out_of_memory_refused$' \
    '^DONE 4 passed, 0 failed$'
has '^frames: [0-9]+ free, as before any domain was built$'
reject 'LEAK|HYPERVISOR FAULT|crashed|^\((d0|built)\) FAIL'
