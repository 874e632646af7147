#!/usr/bin/env bash
# xlstored serves a toolstack-built domain's store ring: the guest kernel connects and
# reads its domid; the standard nodes exist (`xlite store ls`); dom0 reads and writes
# through the local connection; `xlite shutdown -w` asks the guest through
# control/shutdown and the guest powers itself off; its nodes go with it.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"
k=$XLITE_ROOT/build/guest/dom0.elf rd=$XLITE_ROOT/build/dom0-ramdisk.cpio
[[ -f $k && -f $rd ]] || fail "no $k or $rd (make guest-kernel)"
boot_build_iso xlite-store -c "exit_on_shutdown loglvl=info dom0_mem=96M" \
    -m "$k dom0" -m "$rd dom0-ramdisk"
boot_iso xlite-store "$BOOT_ISO"
out() { expect "^\\(d0\\) (xlite# )*$1" "${2:-30}"; }
expect '^\(d0\) init: started /bin/xlstored' 40
expect '^\(d0\) xlite# ' 40
send "xlite create /etc/xlite/hello.cfg"
send "xlite console hello"
out 'store: connected \(port [0-9]+\)$'
out 'Hello from xlite domain 1!$'
send "~."
send "xlite store ls /local/domain/1"
out 'name = "hello"$'
out 'domid = "1"$'
out ' target = "32768"$'
out ' ring-ref = "[0-9]+"$'
send "xlite store read /local/domain/1/name"
out 'hello$'
send "xlite store write /tool/demo 42"
send "xlite store read /tool/demo"
out '42$'
send "xlite store rm /tool/demo"
send "xlite store read /tool/demo"
out 'xlite: store read /tool/demo: ENOENT$'
send "xlite shutdown -w hello"
out 'xlconsoled: hello \(d1\): shut down \(poweroff\): destroy$'
has '^d1 \(hello\): shut down: poweroff$'
send "xlite store read /local/domain/1/name"
out 'xlite: store read /local/domain/1/name: ENOENT$'
send "cat /var/log/xlite/hello.log"
out 'control: shutdown requested: powering off$'
send "poweroff"
expect_exit 1
reject 'HYPERVISOR FAULT|KERNEL FAULT|kernel panic'
