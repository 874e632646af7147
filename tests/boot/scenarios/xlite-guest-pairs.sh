#!/usr/bin/env bash
# The two-domain test guests through the toolstack, with the results their boot-time
# scenarios (grant-peers.sh, evtchn-pingpong.sh) see, read from each domain's console
# log: the grant granter (d1) and its peer (d2); then an event-channel ping (d1 again:
# ids are reused) and pong (d2) over port 3 (ports 1 and 2 of a toolstack-built
# domain are its console's and its store's).
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
BOOT_TIMEOUT=${BOOT_TIMEOUT:-120}   # run.sh allows BOOT_TIMEOUT + 30
. "$(dirname "$0")/../lib.sh"
boot_dom0_shell xlite-guest-pairs
send "xlite create -q /etc/xlite/tests/domu_grant_granter.cfg"
send "xlite create -c -q /etc/xlite/tests/domu_grant_peer.cfg"
out 'DONE 9 passed, 0 failed$' 60
send "sleep 2"
send "cat /var/log/xlite/granter.log"
out 'PASS xsa234_unmap_and_replace_keeps_writable_ref$'
out 'DONE 8 passed, 0 failed$'
send "xlite create -q /etc/xlite/tests/domu_evtchn_pingpong.cfg"
send "xlite create -c -q /etc/xlite/tests/domu_evtchn_pingpong.cfg 'name=\"pong\"' 'cmdline=\"bind peer=1 port=3 rounds=1000\"'"
out 'pingpong bind: sent 1000 received 1000$' 60
out 'DONE [0-9]+ passed, 0 failed$' 60
send "sleep 2"
send "cat /var/log/xlite/ping.log"
out 'pingpong offer: sent 1000 received 1000$'
out 'DONE [0-9]+ passed, 0 failed$'
send "xlite list"
out 'Domain-0 +0 '
send "poweroff"
expect_exit 1
reject 'HYPERVISOR FAULT|KERNEL FAULT|kernel panic|^\(d0\) (xlite# )*(FAIL|  .*: check failed)'
