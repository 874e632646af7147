#!/usr/bin/env bash
# Grant tables between two boot-time domains (dom0=none): the granter
# (domu_grant_granter.elf) grants pages to the peer (domu_grant_peer.elf), which maps
# one writable (host + device, each half unmapped on its own) and writes a pattern the
# granter verifies, maps a read-only one by PTE address whose write faults in the peer
# only, holds a writable mapping while the granter's PIN_L1_TABLE is refused, copies
# in both directions with odd offsets and lengths, and gets every refusal with its
# GNTST_* status; the granter cannot revoke a mapped grant, can once unmapped, and runs
# XTF's XSA-224/234 sequences on self-grants. Nothing crashes, every frame comes back.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

guests=${XLITE_GUESTS:-$XLITE_ROOT/build/tests/guests}   # domu_*.elf
granter=$guests/domu_grant_granter.elf
peer=$guests/domu_grant_peer.elf
for f in "$granter" "$peer"; do
    [[ -f $f ]] || fail "no $f (make guests)"
done

boot_build_iso grant-peers -c "exit_on_shutdown dom0=none" \
    -m "$granter domU name=granter memory=8 cmdline=\"self=1 peer=2\"" \
    -m "$peer domU name=peer memory=8 cmdline=\"peer=1\""
boot_iso grant-peers "$BOOT_ISO"

expect "^domU module 0: d1 'granter': 8 MiB"
expect "^domU module 1: d2 'peer': 8 MiB"
expect_exit 1 50

says granter '^PASS setup_and_grant$' '^granter: table ready, peer d2$' \
    '^PASS mapped_grant_is_marked_and_cannot_be_revoked$' \
    '^PASS pin_of_grant_mapped_writable_frame_einval$' '^PASS pin_after_the_peer_unmapped$' \
    '^PASS peer_copies_landed$' '^PASS revoke_after_unmap$' \
    '^PASS xsa224_host_and_device_unmapped_separately$' \
    '^PASS xsa234_unmap_and_replace_keeps_writable_ref$' '^DONE 8 passed, 0 failed$'
says peer '^PASS mailbox_by_copy$' '^PASS map_refusals_status_codes$' \
    '^PASS copy_refusals_status_codes$' '^PASS map_rw_host_and_device$' \
    '^PASS unmap_halves_separately$' '^PASS ro_grant_refuses_writes$' \
    '^PASS hold_rw_mapping_while_granter_pins$' '^PASS copy_both_directions$' \
    '^PASS map_and_copy_after_revoke_fail$' '^DONE 9 passed, 0 failed$'
has '^d1 \(granter\): shut down: poweroff$'
has '^d2 \(peer\): shut down: poweroff$'
has '^frames: [0-9]+ free, as before any domain was built$'
reject 'LEAK|HYPERVISOR FAULT|crashed|still referenced|^\((granter|peer)\) FAIL'
