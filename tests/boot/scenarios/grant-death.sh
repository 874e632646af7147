#!/usr/bin/env bash
# Grants and domain death (dom0=none): a granter (domu_grant_dies.elf) powers off while
# the survivor (domu_grant_survivor.elf) maps its page writable; the survivor still
# reads the granter's marker and last words, writes, unmaps (then the handle is stale
# and the dead domain's grant is bad_domain). A mapper (domu_grant_mapper_dies.elf)
# powers off with the survivor's grant mapped; its teardown clears the survivor's
# GTF_reading/GTF_writing so the survivor can end access. No use-after-free, no leak:
# every frame comes back ("frames: N free, as before ...").
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

guests=${XLITE_GUESTS:-$XLITE_ROOT/build/tests/guests}   # domu_*.elf
dies=$guests/domu_grant_dies.elf
survivor=$guests/domu_grant_survivor.elf
mapper=$guests/domu_grant_mapper_dies.elf
for f in "$dies" "$survivor" "$mapper"; do
    [[ -f $f ]] || fail "no $f (make guests)"
done

boot_build_iso grant-death -c "exit_on_shutdown dom0=none" \
    -m "$dies domU name=dies memory=8 cmdline=\"peer=2\"" \
    -m "$survivor domU name=survivor memory=8 cmdline=\"granter=1 mapper=3\"" \
    -m "$mapper domU name=mapper memory=8 cmdline=\"peer=2\""
boot_iso grant-death "$BOOT_ISO"

expect "^domU module 0: d1 'dies': 8 MiB"
expect "^domU module 1: d2 'survivor': 8 MiB"
expect "^domU module 2: d3 'mapper': 8 MiB"
expect_exit 1 50

says dies '^PASS grant_to_survivor$' '^PASS dies_with_its_grant_mapped$' \
    '^grant-dies: powering off with REF_RW mapped by d2$' '^DONE 2 passed, 0 failed$'
says mapper '^PASS map_and_die_mapped$' \
    "^grant-mapper: powering off with d2's REF_RW mapped" '^DONE 1 passed, 0 failed$'
says survivor '^PASS grant_to_mapper$' '^PASS map_the_granters_page$' \
    '^PASS page_outlives_its_granter$' '^PASS mapper_dies_with_our_grant_mapped$' \
    '^DONE 4 passed, 0 failed$'
# Both peers died before the survivor finished with what they left behind.
line_of '^d1 \(dies\): shut down: poweroff$'
d1=$LINE
line_of '^d3 \(mapper\): shut down: poweroff$'
d3=$LINE
line_of '^\(survivor\) PASS page_outlives_its_granter$'
(( d1 < LINE )) || fail "the granter died (line $d1) after the survivor's checks (line $LINE)"
line_of '^\(survivor\) PASS mapper_dies_with_our_grant_mapped$'
(( d3 < LINE )) || fail "the mapper died (line $d3) after the survivor's checks (line $LINE)"
line_of '^d2 \(survivor\): shut down: poweroff$'
line_of '^frames: [0-9]+ free, as before any domain was built$'
reject 'LEAK|HYPERVISOR FAULT|crashed|still referenced|^\((dies|survivor|mapper)\) FAIL'
