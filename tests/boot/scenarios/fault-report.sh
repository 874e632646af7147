#!/usr/bin/env bash
# crash_test=pf makes crash_test_trigger() (called by start_xlite) touch
# 0xdead0000: the fault report names vector 14, CR2 and the call chain, the
# system halts and exit_on_shutdown leaves QEMU with value 1 (status 3).
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

boot_build_iso fault-report -c "crash_test=pf exit_on_shutdown"
boot_iso fault-report "$BOOT_ISO"
expect '\*\*\* HYPERVISOR FAULT: vector 14 \([^)]+\) error 0x[0-9a-fA-F]+ \*\*\*'
expect 'CR2: 0x0*[dD][eE][aA][dD]0000([^0-9a-fA-F]|$)'
expect '^Call trace:'
expect '\[<[0-9a-f]+>\] crash_test_trigger\+0x[0-9a-f]+/0x[0-9a-f]+'
expect '\[<[0-9a-f]+>\] start_xlite\+0x[0-9a-f]+/0x[0-9a-f]+'
expect '\*\*\* System halted \*\*\*'
expect_exit 3
