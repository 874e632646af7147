#!/usr/bin/env bash
# Random system calls with random arguments (t_fuzz, four seeds, 50000 calls each):
# the guest kernel answers every one without faulting, and the shell still works.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

k=$XLITE_ROOT/build/guest/dom0.elf rd=$XLITE_ROOT/build/dom0-ramdisk.cpio
[[ -f $k && -f $rd ]] || fail "no $k or $rd (make guest-kernel)"
boot_build_iso kernel-fuzz -c "exit_on_shutdown loglvl=info" -m "$k dom0" -m "$rd dom0-ramdisk"
boot_iso kernel-fuzz "$BOOT_ISO"
expect '^\(d0\) xlite# ' 40
for seed in 1 2 3 4; do
    send "t_fuzz 50000 $seed"
    expect '^\(d0\) (xlite# )?t_fuzz: [0-9]+ calls, kernel still here$' 40
done
send "echo alive"
expect '^\(d0\) (xlite# )?alive$'
send "poweroff"
expect '^d0 \(dom0\): shut down: poweroff'
expect_exit 1
reject 'HYPERVISOR FAULT|KERNEL FAULT|kernel panic|killed by'
