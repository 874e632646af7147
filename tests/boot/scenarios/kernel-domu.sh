#!/usr/bin/env bash
# domu.elf (the guest kernel with its ramdisk linked in) boots as a boot-time domU
# beside the dom0 shell: its hello program greets with its domain id (1) and ticks
# once a second through console_io (boot-time domUs have no console ring yet), while
# dom0's shell stays usable; dom0's init first starts the commands of /etc/rc.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

g=$XLITE_ROOT/build/guest
rd=$XLITE_ROOT/build/dom0-ramdisk.cpio
for f in "$g/dom0.elf" "$g/domu.elf" "$rd"; do [[ -f $f ]] || fail "no $f (make guest-kernel)"; done
# dom0's ramdisk plus an /etc/rc, whose commands init starts before the shell.
root=$BOOT_LOG_DIR/kernel-domu-root
rm -rf "$root" && mkdir -p "$root" && (cd "$root" && cpio -id --quiet < "$rd")
printf '# daemons\necho started from rc\nsleep 1000\n' > "$root/etc/rc"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$root.cpio"
boot_build_iso kernel-domu -c "exit_on_shutdown loglvl=info" -m "$g/dom0.elf dom0" \
    -m "$root.cpio dom0-ramdisk" -m "$g/domu.elf domU name=hello memory=16"
boot_iso kernel-domu "$BOOT_ISO"

expect '^\(hello\) Hello from xlite domain 1!$' 40
expect '^\(hello\) tick 1$'
expect '^\(hello\) tick 2$'
send "echo dom0 alive"
expect '^\(d0\) (xlite# )?dom0 alive$'
says hello '^xlite-kernel 0\.1: unprivileged domain, 16 MiB' '^ramdisk: [0-9]+ files' \
    '^init: starting /bin/hello$'
says d0 '^init: started echo \(pid 2\)$' '^init: started sleep \(pid 3\)$'
says d0 '^started from rc$'
reject 'HYPERVISOR FAULT|KERNEL FAULT|kernel panic|crashed'
