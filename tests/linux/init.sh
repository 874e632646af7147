#!/bin/sh
# /init of the busybox initramfs that scripts/linux-guest.sh builds for Debian's kernel.
# Every line that tests/linux/scenarios/ look for starts with "XLITE-LINUX:".
# The kernel opened /dev/console (from the archive) for us; after devtmpfs is mounted
# we reopen it so that output still goes to the console.
mark() { echo "XLITE-LINUX: $*"; }

mark "init started (pid $$)"
mount -t proc proc /proc || mark "mount /proc failed"
mount -t sysfs sysfs /sys || mark "mount /sys failed"
if mount -t devtmpfs devtmpfs /dev; then
    exec < /dev/console > /dev/console 2>&1
else
    mark "no devtmpfs"
fi
mark "mounted: $(cut -d' ' -f3 /proc/mounts | tr '\n' ' ')"
mark "cmdline: $(cat /proc/cmdline)"
[ -r /sys/hypervisor/type ] && mark "hypervisor: $(cat /sys/hypervisor/type)"

mark "uname"
uname -a
mark "interrupts"
cat /proc/interrupts
mark "memory"
free
mark "cpus: $(grep -c ^processor /proc/cpuinfo)"

# xlite.hold=N on the kernel command line: wait N seconds before powering off (time to
# press debug keys, e.g. 'p' for the hypercall profile with the hypervisor's bench option).
hold=$(sed -n 's/.*xlite\.hold=\([0-9]*\).*/\1/p' /proc/cmdline)
mark "done"
[ -n "$hold" ] && { mark "holding ${hold}s"; sleep "$hold"; }
poweroff -f
sleep 5
mark "poweroff -f returned"
