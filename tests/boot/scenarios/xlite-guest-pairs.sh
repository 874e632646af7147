#!/usr/bin/env bash
# The multi-domain test guests through the toolstack, with the results their boot-time
# scenarios (grant-peers.sh, evtchn-pingpong.sh, grant-death.sh, mmu-cross-domain.sh)
# see, from `create -c` or each domain's console log: the grant granter (d1) and its
# peer (d2); an event-channel ping (d1 again: ids are reused) and pong (d2) over port 3
# (ports 1 and 2 of a toolstack-built domain are its console's and its store's); the
# grant death trio; the MMU victim and its attacker. Groups whose guests name each
# other's ids are built paused, then unpaused.
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
# Every domain gone, so ids start at 1 again: the grant death trio (grant-death.sh).
wait_gone() {
    local name
    for name in "$@"; do
        send "xlite destroy $name"
    done
    send "sleep 1"
    send "xlite list"
    out 'Domain-0 +0 '
    send "echo listed"
    out 'listed$'
    [[ -z $(log_lines | tail -n 30 | sed -n "/xlite list\$/,/listed\$/p" |
            grep -E '^\(d0\) (xlite# )*[a-z]+ +[1-9][0-9]* ') ]] || fail "domains left:" "$(log_lines | tail -n 12)"
}
wait_gone ping pong
# Built paused, so that they get ids 1, 2, 3 (xlite reuses the lowest free id: 'dies'
# is gone before a later create would run), then unpaused.
send "xlite create -p -q /etc/xlite/tests/domu_grant_dies.cfg"
send "xlite create -p -q /etc/xlite/tests/domu_grant_survivor.cfg"
send "xlite create -p -q /etc/xlite/tests/domu_grant_mapper_dies.cfg"
send "xlite unpause dies"
send "xlite unpause survivor"
send "xlite unpause mapper"
send "sleep 4"
send "cat /var/log/xlite/mapper.log"
out "grant-mapper: powering off with d2's REF_RW mapped"
out 'DONE 1 passed, 0 failed$'
send "cat /var/log/xlite/dies.log"
out 'grant-dies: powering off with REF_RW mapped by d2$'
out 'DONE 2 passed, 0 failed$'
send "cat /var/log/xlite/survivor.log"
out 'PASS mapper_dies_with_our_grant_mapped$'
out 'DONE 4 passed, 0 failed$'
# The MMU victim and its attacker (mmu-cross-domain.sh).
wait_gone dies survivor mapper
# Paused first too: a victim alone finds no attacker to watch and powers off at once.
send "xlite create -p -q /etc/xlite/tests/domu_mmu_victim.cfg"
send "xlite create -p -q /etc/xlite/tests/domu_mmu_attacker.cfg"
send "xlite unpause victim"
send "xlite unpause attacker"
send "xlite console attacker"
out 'PASS other_domains_frames_refused$' 60
out 'DONE 4 passed, 0 failed$' 60
send "sleep 3"
send "cat /var/log/xlite/victim.log"
out 'PASS victim_intact$'
out 'DONE 2 passed, 0 failed$'
wait_gone victim
send "poweroff"
expect_exit 1
reject 'HYPERVISOR FAULT|KERNEL FAULT|kernel panic|^\(d0\) (xlite# )*(FAIL|  .*: check failed)'
