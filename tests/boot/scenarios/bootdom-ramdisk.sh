#!/usr/bin/env bash
# A module whose first word is `ramdisk`, right after a `domU` module, is that domain's
# initrd (start_info mod_start/mod_len, as for dom0): the domain sees exactly its bytes.
# A domU without one has none, and a `ramdisk` module that follows no domU is ignored
# with a one-line warning. Every frame comes back.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

guests=${XLITE_GUESTS:-$XLITE_ROOT/build/tests/guests}
info=$guests/domu_info.elf
[[ -f $info ]] || fail "no $info (make guests)"
rd=$BOOT_LOG_DIR/bootdom-ramdisk.bin
mkdir -p "$BOOT_LOG_DIR"
{ printf 'XLITE-RAMDISK-MARKER-0123'; head -c 9000 /dev/zero; } > "$rd"

boot_build_iso bootdom-ramdisk -c "exit_on_shutdown dom0=none" \
    -m "$rd ramdisk stray" \
    -m "$info domU name=withrd memory=8" -m "$rd ramdisk" \
    -m "$info domU name=plain memory=8"
boot_iso bootdom-ramdisk "$BOOT_ISO"

expect "^module 0: ignored: a ramdisk must follow a domU module$"
expect "^domU module 1: d1 'withrd': 8 MiB"
expect "^domU module 1: ramdisk of 8 KiB from module 2$"
expect "^domU module 3: d2 'plain': 8 MiB"
expect_exit 1 40
says withrd "^domu-info ramdisk 9025 bytes at 0x[0-9a-f]+: 'XLITE-RAMDISK-MARKER-012'$" \
    '^DONE 1 passed, 0 failed$'
says plain '^domu-info flags 0x0' '^DONE 1 passed, 0 failed$'
reject '^\(plain\) domu-info ramdisk'
has '^frames: [0-9]+ free, as before any domain was built$'
reject 'HYPERVISOR FAULT|LEAK|crashed'
