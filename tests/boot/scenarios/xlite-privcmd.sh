#!/usr/bin/env bash
# privcmd carries what the dom0 domain builder needs, from a user process (t_privcmd):
# domctl with nested pointers, increase_reservation, M2P updates, grant setup_table,
# read-only and read-write foreign mappings with unmap; and refuses the rest, with
# EFAULT for every bad nested pointer and no kernel fault.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"
boot_dom0_shell xlite-privcmd
send "t_privcmd"
out 't_privcmd: all passed$'
send "poweroff"
expect '^frames: [0-9]+ free, as before any domain was built$'
expect_exit 1
reject 'HYPERVISOR FAULT|KERNEL FAULT|kernel panic|^\(d0\) FAIL'
