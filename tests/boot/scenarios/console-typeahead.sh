#!/usr/bin/env bash
# Lines typed ahead while dom0 is busy are neither lost nor reordered: 30 lines (more
# than the hypervisor's 256-byte input ring) arrive while a user program spins; once
# it is done the shell runs every one. The hypervisor reads the UART only while the
# ring has room, so the rest waits in the UART instead of being dropped.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

boot_dom0_shell console-typeahead
send "t_spin 2"
for i in $(seq 1 30); do
    send "echo typed-ahead line $i"
done
out 't_spin: done$' 60
for i in $(seq 1 30); do
    out "typed-ahead line $i\$"
done
reject 'unknown subcommand|command not found'
send "poweroff"
expect_exit 1
