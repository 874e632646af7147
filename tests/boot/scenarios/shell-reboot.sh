#!/usr/bin/env bash
# The shell's reboot command shuts dom0 down with reason reboot (what the hypervisor
# does then is its own business; with exit_on_shutdown it ends QEMU cleanly).
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

k=$XLITE_ROOT/build/guest/dom0.elf rd=$XLITE_ROOT/build/dom0-ramdisk.cpio
[[ -f $k && -f $rd ]] || fail "no $k or $rd (make guest-kernel)"
boot_build_iso shell-reboot -c "exit_on_shutdown loglvl=info" -m "$k dom0" -m "$rd dom0-ramdisk"
boot_iso shell-reboot "$BOOT_ISO"
expect '^\(d0\) xlite# ' 40
send "reboot"
expect '^\(d0\) xlite-kernel: rebooting$'
expect '^d0 \(dom0\): shut down: reboot'
expect_exit 1
reject 'HYPERVISOR FAULT|KERNEL FAULT|kernel panic'
