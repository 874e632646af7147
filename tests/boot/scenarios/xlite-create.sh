#!/usr/bin/env bash
# The toolstack from the dom0 shell: `xlite create /etc/xlite/hello.cfg` builds the demo
# domU, `xlite list` shows it with 32 MiB, 1 vCPU and a live state, `xlite console hello`
# replays its early output (kernel banner, hello's greeting) and Ctrl-] detaches,
# `xlite destroy hello` removes it; `create -c` attaches at once; and `xlite info` shows
# the free memory of before.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"
boot_dom0_shell xlite-create
has '^\(d0\) init: started /bin/xlconsoled'
send "xlite info"
out 'free_memory +: ([0-9]+)$'; free_before=${BASH_REMATCH[2]}
send "xlite create /etc/xlite/hello.cfg"
out 'Parsing config from /etc/xlite/hello.cfg$'
expect '^\(d0\) xlite# '
send "xlite list"
out 'Name +ID +Mem +VCPUs +State +Time\(s\)$'
out 'Domain-0 +0 +[0-9]+ +1 +r----- +[0-9]+\.[0-9]$'
out 'hello +1 +3[23] +1 +[-rb]{2}---- +[0-9]+\.[0-9]$'
send "xlite console hello"
out 'Hello from xlite domain 1!$'
send_raw $'\x1d\r'
expect '^\(d0\) xlite# '
send "xlite destroy hello"
expect '^\(d0\) xlite# '
send "xlite list"
out 'Domain-0 +0 '
send "xlite domid hello"
out "xlite: no domain named 'hello'$"
send 'echo status $?'
out 'status 1$'
send "xlite create -c -q /etc/xlite/hello.cfg"
out 'Hello from xlite domain 1!$'
send "~."
send "xlite destroy hello"
send "xlite info"
out "free_memory +: $free_before\$"
send "poweroff"
expect_exit 1
reject 'HYPERVISOR FAULT|KERNEL FAULT|kernel panic'
