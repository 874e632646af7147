#!/usr/bin/env bash
# Bad domU module strings (memory=lots, an unknown key) each give exactly one line
# naming the module and the key, build nothing, and do not stop the valid domain
# (id 3: ids follow module order) from running; no frame leaks (exit status 1).
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

guests=${XLITE_GUESTS:-$XLITE_ROOT/build/tests/guests}   # domu_*.elf, test_*.elf
info=$guests/domu_info.elf
[[ -f $info ]] || fail "no $info (make guests, with tests/guests/domu.mk included)"

boot_build_iso bootdom-bad-config -c "exit_on_shutdown dom0=none" \
    -m "$info domU name=m memory=lots" \
    -m "$info domU name=u colour=blue" \
    -m "$info domU name=ok cmdline=\"still booted\""
boot_iso bootdom-bad-config "$BOOT_ISO"

expect "^domU module 0: bad value for 'memory': 'lots' \(MiB, 4\.\.16384\)$"
expect "^domU module 1: unknown key 'colour' \(keys: name, memory, vcpus, weight, cmdline\)$"
expect "^domU module 2: d3 'ok': 32 MiB, 1 vCPU, weight 256, cmdline 'still booted'$"
expect_exit 1
one_line 'domU module 0:'
one_line 'domU module 1:'
says ok "^domu-info flags 0x0 nr_pages 8192 cmdline 'still booted'$" '^PASS unprivileged$' \
    '^DONE 1 passed, 0 failed$'
has '^d3 \(ok\): shut down: poweroff$'
has '^frames: [0-9]+ free, as before any domain was built$'
reject 'LEAK|HYPERVISOR FAULT|crashed|^d[12][: ]|^\((m|u|d[0-9]+)\) |^\(ok\) FAIL'
