#!/usr/bin/env bash
# dom0=none with two boot-time domains: each is built unprivileged from its `domU`
# module (name, memory, vcpus, weight, a cmdline with a space that GRUB escaped), prints
# under its name, powers off, and every frame comes back (exit status 1).
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

guests=${XLITE_GUESTS:-$XLITE_ROOT/build/tests/guests}   # domu_*.elf, test_*.elf
info=$guests/domu_info.elf
[[ -f $info ]] || fail "no $info (make guests, with tests/guests/domu.mk included)"

boot_build_iso bootdom-two -c "exit_on_shutdown dom0=none" \
    -m "$info domU name=a memory=32 cmdline=\"hello world\"" \
    -m "$info domU name=b memory=16 vcpus=2 weight=512 cmdline=\"second guest\""
boot_iso bootdom-two "$BOOT_ISO"

# GRUB hands the quotes over backslash-escaped; the parser undoes that.
expect "^module 0: .* 'domU name=a memory=32 cmdline=\\\\\"hello world\\\\\"'$"
expect '^dom0=none: no dom0, only boot-time domains$'
expect "^domU module 0: d1 'a': 32 MiB, 1 vCPU, weight 256, cmdline 'hello world'$"
expect "^domU module 1: d2 'b': 16 MiB, 2 vCPUs, weight 512, cmdline 'second guest'$"
expect_exit 1
says a "^domu-info flags 0x0 nr_pages 8192 cmdline 'hello world'$" '^PASS unprivileged$' \
    '^DONE 1 passed, 0 failed$'
says b "^domu-info flags 0x0 nr_pages 4096 cmdline 'second guest'$" '^PASS unprivileged$' \
    '^DONE 1 passed, 0 failed$'
has '^d1 \(a\): shut down: poweroff$'
has '^d2 \(b\): shut down: poweroff$'
has '^frames: [0-9]+ free, as before any domain was built$'
reject 'LEAK|HYPERVISOR FAULT|crashed|^\(d[0-9]+\) |^\([ab]\) FAIL'
