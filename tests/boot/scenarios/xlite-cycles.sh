#!/usr/bin/env bash
# 20 `xlite create` / `xlite destroy` cycles of the demo domU from the dom0 shell leak
# nothing: the host's free memory afterwards is what it was before the first.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"
k=$XLITE_ROOT/build/guest/dom0.elf rd=$XLITE_ROOT/build/dom0-ramdisk.cpio
[[ -f $k && -f $rd ]] || fail "no $k or $rd (make guest-kernel)"
boot_build_iso xlite-cycles -c "exit_on_shutdown loglvl=info dom0_mem=96M" \
    -m "$k dom0" -m "$rd dom0-ramdisk"
boot_iso xlite-cycles "$BOOT_ISO"
out() { expect "^\\(d0\\) (xlite# )*$1" "${2:-30}"; }
expect '^\(d0\) xlite# ' 40
send "xlite info"
out 'free_memory +: ([0-9]+)$'; free_before=${BASH_REMATCH[2]}
out 'free_pages +: ([0-9]+)$'; pages_before=${BASH_REMATCH[2]}
for i in $(seq 1 20); do
    send "xlite create -q /etc/xlite/hello.cfg"
    send "xlite destroy hello"
    send "echo cycle $i \$?"
    out "cycle $i 0\$"
done
send "xlite list"
out 'Domain-0 +0 '
send "xlite info"
out "free_memory +: $free_before\$"
out "free_pages +: $pages_before\$"
send "poweroff"
expect_exit 1
reject 'HYPERVISOR FAULT|KERNEL FAULT|kernel panic|^\(d0\) xlite: '
