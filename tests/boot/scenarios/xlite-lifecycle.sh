#!/usr/bin/env bash
# Shutdown actions applied by xlconsoled on VIRQ_DOM_EXC: `xlite shutdown -w` of a domain
# with on_poweroff=destroy leaves no domain; `xlite reboot` (on_reboot=restart) brings
# it back as a new domain that greets again; on_poweroff=preserve keeps it, listed as
# shut down ('s'), until `xlite destroy`; pause and unpause show 'p' and clear it.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"
boot_dom0_shell xlite-lifecycle
send "xlite create -p /etc/xlite/hello.cfg"
out 'Domain hello \(id 1\) created, paused$'
send "xlite list hello"
out 'hello +1 +3[23] +1 +--p--- +0\.0$'
send "xlite unpause hello"
send "xlite pause hello"
send "xlite list hello"
out 'hello +1 +3[23] +1 +-[b-]p--- '
send "xlite unpause hello"
send "xlite shutdown -w hello"
out 'xlconsoled: hello \(d1\): shut down \(poweroff\): destroy$'
send "xlite domid hello"
out "xlite: no domain named 'hello'$"
send "xlite create /etc/xlite/hello.cfg"
send "xlite reboot hello"
out 'xlconsoled: hello \(d1\): shut down \(reboot\): restart$'
send "sleep 1"
send "xlite console hello"
out 'Hello from xlite domain [0-9]+!$'
send "~."
send "xlite list -l hello"
out 'hello +[0-9]+ +3[23] +1 '
out '    kernel: /boot/hello$'
out '    kernel_xxh3: [0-9a-f]{16}$'
out '    cmdline: console=hvc0$'
send "xlite destroy hello"
send "xlite create /etc/xlite/hello.cfg on_poweroff=\"preserve\""
send "xlite shutdown -w hello"
out 'xlconsoled: hello \(d[0-9]+\): shut down \(poweroff\): preserve$'
send "xlite list hello"
out 'hello +[0-9]+ +[0-9]+ +[01] +---s-- '
send "xlite destroy hello"
send "xlite uptime"
out 'Domain-0 +0 '
send "xlite domid hello"
out "xlite: no domain named 'hello'$"
send "poweroff"
expect_exit 1
reject 'HYPERVISOR FAULT|KERNEL FAULT|kernel panic'
