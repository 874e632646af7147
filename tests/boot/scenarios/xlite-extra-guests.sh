#!/usr/bin/env bash
# `make iso EXTRA_GUESTS="..."` puts more guests into dom0's ramdisk through
# scripts/ramdisk-extra.sh: here a copy of the ramdisk tree gets a guest image
# (mine.elf -> /boot/mine, stripped) and its config (mine.cfg -> /etc/xlite/mine.cfg);
# a name already taken and a missing file are refused with one line. Booted with that
# ramdisk, `xlite create -c /etc/xlite/mine.cfg` runs the guest to its results.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"
root=$XLITE_ROOT/build/ramdisk-root info=$XLITE_ROOT/build/tests/guests/domu_info.elf
[[ -d $root && -f $info ]] || fail "no $root or $info (make guest-kernel guests)"
work=$BOOT_LOG_DIR/xlite-extra-guests.d
rm -rf "$work" && mkdir -p "$work/in" && cp -a "$root" "$work/root" || fail "cannot copy $root"
cp "$info" "$work/in/mine.elf"
printf 'name = "mine"\nkernel = "/boot/mine"\nmemory = 8\ncmdline = "extra"\n' > "$work/in/mine.cfg"
bash "$XLITE_ROOT/scripts/ramdisk-extra.sh" "$work/root" "$work/in/mine.elf" "$work/in/mine.cfg" \
    > "$work/extra.out" 2>&1 || fail "ramdisk-extra.sh refused good input" "$(cat "$work/extra.out")"
[[ -f $work/root/boot/mine && -f $work/root/etc/xlite/mine.cfg ]] || fail "files not placed"
[[ $(stat -c %s "$work/root/boot/mine") -lt $(stat -c %s "$info") ]] || fail "/boot/mine not stripped"
if msg=$(bash "$XLITE_ROOT/scripts/ramdisk-extra.sh" "$work/root" "$work/in/mine.elf" 2>&1); then
    fail "a second /boot/mine was accepted"
fi
[[ $msg == "EXTRA_GUESTS: $work/in/mine.elf: /boot/mine is already in the ramdisk" ]] ||
    fail "unexpected refusal: $msg"
msg=$(bash "$XLITE_ROOT/scripts/ramdisk-extra.sh" "$work/root" "$work/in/none.elf" 2>&1) &&
    fail "a missing file was accepted"
[[ $msg == "EXTRA_GUESTS: $work/in/none.elf: no such file" ]] || fail "unexpected refusal: $msg"
(cd "$work/root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet > "$work/ramdisk.cpio") ||
    fail "cannot pack the ramdisk"
boot_dom0_shell xlite-extra-guests "$work/ramdisk.cpio"
send "xlite create -c -q /etc/xlite/mine.cfg"
out "domu-info flags 0x0 nr_pages 2048 cmdline 'extra'$"
out 'DONE [1-9][0-9]* passed, 0 failed$'
send "poweroff"
expect_exit 1
reject 'HYPERVISOR FAULT|KERNEL FAULT|kernel panic'
