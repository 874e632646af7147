#!/usr/bin/env bash
# A boot-time domain that crashes (ud2 with no trap table) is torn down alone: the
# other domain runs to completion with its whole output, no frame leaks, and the crash
# makes QEMU's exit status 5.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

guests=${XLITE_GUESTS:-$XLITE_ROOT/build/tests/guests}   # domu_*.elf, test_*.elf
info=$guests/domu_info.elf
crash=$guests/domu_crash.elf
for f in "$info" "$crash"; do
    [[ -f $f ]] || fail "no $f (make guests, with tests/guests/domu.mk included)"
done

boot_build_iso bootdom-crash -c "exit_on_shutdown dom0=none" \
    -m "$crash domU name=boom" \
    -m "$info domU name=ok memory=16 cmdline=\"after the crash\""
boot_iso bootdom-crash "$BOOT_ISO"

expect "^domU module 0: d1 'boom': 32 MiB"
expect "^domU module 1: d2 'ok': 16 MiB"
expect_exit 5
says boom '^domu-crash: ud2 with no trap table$'
has '^d1 \(boom\): crashed: '
says ok "^domu-info flags 0x0 nr_pages 4096 cmdline 'after the crash'$" '^PASS unprivileged$' \
    '^DONE 1 passed, 0 failed$'
has '^d2 \(ok\): shut down: poweroff$'
has '^frames: [0-9]+ free, as before any domain was built$'
reject 'LEAK|HYPERVISOR FAULT|^\(boom\) FAIL|^\(ok\) FAIL|^d2 \(ok\): crashed'
