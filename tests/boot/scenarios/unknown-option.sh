#!/usr/bin/env bash
# An unknown command-line option is reported and the options after it still
# apply: boot goes on to the exit_on_shutdown exit.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

boot_build_iso unknown-option -c "no_such_option=42 exit_on_shutdown"
boot_iso unknown-option "$BOOT_ISO"
expect "unknown option 'no_such_option=42'"
expect_exit 1
