#!/usr/bin/env bash
# PV MMU attacks across domains: with dom0=none, an unprivileged attacker
# (domu_mmu_attacker.elf) tries every MMU path on each frame of the other domains it
# finds in the M2P and on the victim as a whole, and the single-domain attacks
# (test_mmu_attacks.elf) run as a second unprivileged domain; every attempt is refused
# with its exact code, the victim (domu_mmu_victim.elf), which outlives both, finds its
# canaries, page tables and M2P entries untouched, nothing crashes or faults, and every
# frame comes back.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

guests=${XLITE_GUESTS:-$XLITE_ROOT/build/tests/guests}   # domu_*.elf, test_*.elf
victim=$guests/domu_mmu_victim.elf
attacker=$guests/domu_mmu_attacker.elf
attacks=$guests/test_mmu_attacks.elf
for f in "$victim" "$attacker" "$attacks"; do
    [[ -f $f ]] || fail "no $f (make guests, with tests/guests/domu.mk included)"
done

boot_build_iso mmu-cross-domain -c "exit_on_shutdown dom0=none" \
    -m "$victim domU name=victim memory=8 cmdline=\"watch_first=2 watch_last=3\"" \
    -m "$attacker domU name=attacker memory=8 cmdline=\"victim=1\"" \
    -m "$attacks domU name=attacks memory=16"
boot_iso mmu-cross-domain "$BOOT_ISO"

expect "^domU module 0: d1 'victim': 8 MiB"
expect "^domU module 1: d2 'attacker': 8 MiB"
expect "^domU module 2: d3 'attacks': 16 MiB"
expect_exit 1 50

says attacker '^attacker: [0-9]+ frames of other domains attacked' \
    '^PASS other_domains_frames_refused$' '^PASS foreigndom_of_another_domain_eperm$' \
    '^PASS remote_shutdown_eperm$' '^PASS memory_op_on_another_domain$' \
    '^DONE 4 passed, 0 failed$'
says attacks '^PASS pt_frame_rw_alias_ebusy$' '^PASS decrease_reservation_unreferenced_frame$' \
    '^mmu-attacks: still running after every attack$' '^DONE [0-9]+ passed, 0 failed$'
says victim '^victim: [0-9]+ page tables' '^PASS victim_outlived_attackers$' \
    '^PASS victim_intact$' '^DONE 2 passed, 0 failed$'

# The victim was watching the whole time: it finished after both attackers.
line_of '^\(victim\) DONE '
v=$LINE
for d in attacker attacks; do
    line_of "^\($d\) DONE "
    (( LINE < v )) || fail "($d) finished (line $LINE) after the victim (line $v)"
done
for d in victim attacker attacks; do
    line_of "^d[0-9] \($d\): shut down: poweroff$"
done
line_of '^frames: [0-9]+ free, as before any domain was built$'
reject 'LEAK|HYPERVISOR FAULT|crashed|^\((victim|attacker|attacks)\) FAIL|still referenced'
