#!/usr/bin/env bash
# With nothing to run and no exit_on_shutdown the hypervisor idles and answers
# debug keys typed on the serial console.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

MEM=512
boot_build_iso debug-keys
boot_iso debug-keys "$BOOT_ISO"
expect "Nothing to run: idle\. Debug keys: press 'h' for help"
send_raw h
expect '^Debug keys:'
send_raw m
expect_memory 512
boot_stop
