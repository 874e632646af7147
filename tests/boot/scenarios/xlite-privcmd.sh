#!/usr/bin/env bash
# privcmd carries what the dom0 domain builder needs, from a user process (t_privcmd):
# domctl with nested pointers, increase_reservation, M2P updates, grant setup_table,
# read-only and read-write foreign mappings with unmap; and refuses the rest, with
# EFAULT for every bad nested pointer and no kernel fault.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"
k=$XLITE_ROOT/build/guest/dom0.elf rd=$XLITE_ROOT/build/dom0-ramdisk.cpio
[[ -f $k && -f $rd ]] || fail "no $k or $rd (make guest-kernel)"
boot_build_iso xlite-privcmd -c "exit_on_shutdown loglvl=info dom0_mem=96M" \
    -m "$k dom0" -m "$rd dom0-ramdisk"
boot_iso xlite-privcmd "$BOOT_ISO"
out() { expect "^\\(d0\\) (xlite# )*$1" "${2:-30}"; }
expect '^\(d0\) xlite# ' 40
send "t_privcmd"
out 't_privcmd: all passed$'
send "poweroff"
expect '^frames: [0-9]+ free, as before any domain was built$'
expect_exit 1
reject 'HYPERVISOR FAULT|KERNEL FAULT|kernel panic|^\(d0\) FAIL'
