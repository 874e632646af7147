#!/usr/bin/env bash
# A frame outlives its domain while another domain maps it, and is freed when that
# mapping goes: dom0 (domu_mmu_holder.elf) maps a domU's page with foreigndom, the
# domU (domu_mmu_victim.elf, handshake mode) powers off, dom0 still reads its marker,
# ACK and DONE through the mapping (not freed, zeroed or reused), then unmaps it; at
# the end every frame is back ("frames: N free, as before ...", no LEAK).
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

guests=${XLITE_GUESTS:-$XLITE_ROOT/build/tests/guests}   # domu_*.elf
holder=$guests/domu_mmu_holder.elf
victim=$guests/domu_mmu_victim.elf
for f in "$holder" "$victim"; do
    [[ -f $f ]] || fail "no $f (make guests, with tests/guests/domu.mk included)"
done

boot_build_iso mmu-foreign-hold -c "exit_on_shutdown dom0_mem=32M" \
    -m "$holder victim=1" \
    -m "$victim domU name=victim memory=8 cmdline=\"handshake\""
boot_iso mmu-foreign-hold "$BOOT_ISO"

expect '^d0: privileged kernel '
expect "^domU module 1: d1 'victim': 8 MiB"
expect_exit 1 50

says d0 '^holder: victim.s marker at mfn 0x[0-9a-f]+' '^PASS map_victim_frame$' \
    '^PASS frame_survives_its_domain$' '^holder: dropped the last mapping' \
    '^DONE 2 passed, 0 failed$'
says victim '^PASS victim_acknowledged$' '^PASS victim_intact$' '^DONE 2 passed, 0 failed$'
# The victim was gone while dom0 still held its frame.
line_of '^d1 \(victim\): shut down: poweroff$'
gone=$LINE
line_of '^\(d0\) holder: dropped the last mapping'
(( gone < LINE )) || fail "the victim shut down (line $gone) after dom0 dropped its mapping"
line_of '^d0 \(dom0\): shut down: poweroff$'
reject 'HYPERVISOR FAULT|crashed|^\((d0|victim)\) FAIL'
line_of '^frames: [0-9]+ free, as before any domain was built$'
reject 'LEAK'
