#!/usr/bin/env bash
# Debian 12's stock kernel without an initramfs: it boots to the point of mounting its
# root file system, finds none, and panics with "VFS: Unable to mount root fs"; its panic
# handler asks for SCHEDOP_shutdown(crash), so the domain is torn down alone with no
# leak while the hypervisor stays up and exits cleanly (a guest-requested crash shutdown
# is not a domain the hypervisor had to crash: QEMU status 1).
# Inputs: scripts/linux-guest.sh (tests/linux/run.sh runs it).
# shellcheck source-path=SCRIPTDIR source=../../boot/lib.sh
. "$(dirname "$0")/../../boot/lib.sh"

lx=$XLITE_ROOT/build/linux
[[ -f $lx/vmlinux ]] || fail "no $lx/vmlinux (run scripts/linux-guest.sh)"

boot_build_iso linux-domu-noinitrd -c "exit_on_shutdown dom0=none loglvl=all" \
    -m "$lx/vmlinux domU name=linux memory=256 cmdline=\"console=hvc0 earlyprintk=xen\""
boot_iso linux-domu-noinitrd "$BOOT_ISO"

expect "^domU module 0: d1 'linux': 256 MiB" 60
expect '^\(linux\) .*Linux version 6\.[0-9]+' 60
expect '^\(linux\) .*Booting kernel on Xen' 120
expect '^\(linux\) .*No filesystem could mount root' 240
expect '^\(linux\) .*Kernel panic - not syncing: VFS: Unable to mount root fs' 30
expect '^d1 \(linux\): shut down: crash$' 60
expect '^frames: [0-9]+ free, as before any domain was built$' 30
expect_exit 1 30
reject 'HYPERVISOR FAULT|LEAK|^d1 \(linux\): crashed'
