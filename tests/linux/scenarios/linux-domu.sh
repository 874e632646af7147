#!/usr/bin/env bash
# Debian 12's stock kernel (linux-image-amd64, ELF taken out of the bzImage) boots as a
# boot-time domU with a busybox initramfs given as a `ramdisk` module: its /init prints
# through hvc0, runs uname, cat /proc/interrupts and free, and powers off, which ends
# QEMU cleanly. Inputs: scripts/linux-guest.sh (tests/linux/run.sh runs it).
# shellcheck source-path=SCRIPTDIR source=../../boot/lib.sh
. "$(dirname "$0")/../../boot/lib.sh"

lx=$XLITE_ROOT/build/linux
for f in "$lx/vmlinux" "$lx/initrd.cpio"; do
    [[ -f $f ]] || fail "no $f (run scripts/linux-guest.sh)"
done

boot_build_iso linux-domu -c "exit_on_shutdown dom0=none loglvl=all" \
    -m "$lx/vmlinux domU name=linux memory=256 cmdline=\"console=hvc0 earlyprintk=xen\"" \
    -m "$lx/initrd.cpio ramdisk"
boot_iso linux-domu "$BOOT_ISO"

expect "^domU module 0: d1 'linux': 256 MiB" 60
expect '^\(linux\) .*Linux version 6\.[0-9]+' 60
expect '^\(linux\) .*Booting kernel on Xen' 120
expect '^\(linux\) .*(Unpacking initramfs|Trying to unpack rootfs)' 180
expect '^\(linux\) .*Run /init as init process' 120
expect '^\(linux\) XLITE-LINUX: init started' 60
expect '^\(linux\) XLITE-LINUX: uname'
expect '^\(linux\) Linux .* 6\.[0-9.]+-[0-9]+-amd64 .* x86_64'
expect '^\(linux\) XLITE-LINUX: interrupts'
expect '^\(linux\) .*xen-dyn.*(timer|hvc_console|evtchn)' 60
expect '^\(linux\) XLITE-LINUX: memory'
expect '^\(linux\) +Mem: +[0-9]+'
expect '^\(linux\) XLITE-LINUX: done' 60
expect '^d1 \(linux\): shut down: poweroff$' 60
expect_exit 1 60
has '^frames: [0-9]+ free, as before any domain was built$'
reject 'HYPERVISOR FAULT|LEAK|^d1 \(linux\): crashed|Kernel panic|BUG: |WARNING: CPU'
