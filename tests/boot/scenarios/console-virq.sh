#!/usr/bin/env bash
# Serial input raises VIRQ_CONSOLE in dom0: test_console_virq.elf binds it and sleeps in
# SCHEDOP_block; the line typed here wakes it, and it reads the line with console_io.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

guest=${XLITE_GUESTS:-$XLITE_ROOT/build/tests/guests}/test_console_virq.elf
[[ -f $guest ]] || fail "no $guest (make guests)"

boot_build_iso console-virq -c "exit_on_shutdown" -m "$guest wait_input"
boot_iso console-virq "$BOOT_ISO"
expect '^\(d0\) PASS bind_virq_console$'
expect '^\(d0\) console-virq: waiting for input$'
send "typed-by-the-test"
expect "^\\(d0\\) console-virq: got 'typed-by-the-test'$"
expect '^\(d0\) PASS event_on_input$'
expect_exit 1 30
reject 'HYPERVISOR FAULT'
