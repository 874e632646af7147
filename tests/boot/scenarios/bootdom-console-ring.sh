#!/usr/bin/env bash
# A boot-time domU's console ring has a real event channel (unbound, for dom0): a send
# on it drains the ring at once, and a domain writing every line both to the ring and
# through console_io (as Xen's test framework does) shows each line once
# (domu_console_ring.elf). A domain that gives its ring frame back has text it left
# there never read (domu_console_freed.elf). Every frame comes back.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

guests=${XLITE_GUESTS:-$XLITE_ROOT/build/tests/guests}
ringg=$guests/domu_console_ring.elf freed=$guests/domu_console_freed.elf
[[ -f $ringg && -f $freed ]] || fail "no $ringg or $freed (make guests)"

boot_build_iso bootdom-console-ring -c "exit_on_shutdown dom0=none" \
    -m "$ringg domU name=cons memory=8" -m "$freed domU name=freed memory=8"
boot_iso bootdom-console-ring "$BOOT_ISO"
expect_exit 1 40
says cons '^PASS console_port$' '^ring: first line$' '^PASS ring_notify$' \
    '^both ways 0$' '^both ways 1$' '^both ways 2$' '^DONE 2 passed, 0 failed$'
for i in 0 1 2; do one_line "(cons) both ways $i"; done
says freed '^PASS console_ring_freed$' '^PASS spun_past_console_polls$'
reject 'LEFT IN A FREED RING'
has '^frames: [0-9]+ free, as before any domain was built$'
reject 'HYPERVISOR FAULT|LEAK|crashed'
