#!/usr/bin/env bash
# The hypervisor boots, prints its banner and, with exit_on_shutdown and
# nothing to run, leaves QEMU through isa-debug-exit with value 0.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

boot_build_iso banner -c "exit_on_shutdown"
boot_iso banner "$BOOT_ISO"
expect '^xlite [0-9]+\.[0-9]+\.[0-9]+'
expect_exit 1
reject 'HYPERVISOR FAULT'
