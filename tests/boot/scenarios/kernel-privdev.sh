#!/usr/bin/env bash
# dom0's privileged devices work from a user process (t_privdev): privcmd hypercalls
# with kernel-copied buffers (and refusals), an event channel looped back through
# /dev/xlite/evtchn, a page granted and mapped back through gntdev, refused foreign
# mappings, EFAULT for bad pointers; then a clean poweroff.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"
k=$XLITE_ROOT/build/guest/dom0.elf rd=$XLITE_ROOT/build/dom0-ramdisk.cpio
[[ -f $k && -f $rd ]] || fail "no $k or $rd (make guest-kernel)"
boot_build_iso kernel-privdev -c "exit_on_shutdown loglvl=info" -m "$k dom0" -m "$rd dom0-ramdisk"
boot_iso kernel-privdev "$BOOT_ISO"
out() { expect "^\\(d0\\) (xlite# )?$1" "${2:-30}"; }
expect '^\(d0\) xlite# ' 40
send "t_privdev"
out 't_privdev: all passed$'
send "poweroff"
expect_exit 1
reject 'HYPERVISOR FAULT|KERNEL FAULT|kernel panic|^\(d0\) FAIL'
