#!/usr/bin/env bash
# `xlite create` refuses, with one line each and exit status 1, and leaves no domain
# and no memory behind: a bad value in a file (FILE:LINE: KEY), a bad override
# (command line:N), a missing kernel, a kernel that is not ELF, an ELF program that is
# not a PV kernel, more memory than is
# free, a name the hypervisor refuses; an unknown subcommand and a bad flag exit 2.
# `xlite create -n` prints the config and the layout and builds nothing.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"
boot_dom0_shell xlite-bad-config
send "xlite info"
out 'free_memory +: ([0-9]+)$'; free_before=${BASH_REMATCH[2]}
send 'echo name = "bad" > /tmp/bad.cfg'
send 'echo kernel = "/boot/hello" >> /tmp/bad.cfg'
send 'echo memory = lots >> /tmp/bad.cfg'
send "xlite create /tmp/bad.cfg"
out 'xlite: /tmp/bad.cfg:3: memory: .*$'
status 1
send "xlite create /etc/xlite/hello.cfg vcpus=zero"
out 'xlite: command line:1: vcpus: .*$'
status 1
send "xlite create /etc/xlite/hello.cfg kernel=\"/boot/nope\""
out "xlite: /etc/xlite/hello.cfg: kernel '/boot/nope': No such file or directory$"
status 1
send "xlite create /etc/xlite/hello.cfg kernel=\"/etc/motd\""
out 'xlite: /etc/motd: .*ELF.*$'
status 1
send "xlite create /etc/xlite/hello.cfg kernel=\"/bin/echo\""
out 'xlite: /bin/echo: .*$'
status 1
send "xlite create /etc/xlite/hello.cfg memory=100000"
out 'xlite: hello: memory=100000 MiB, but only [0-9]+ MiB are free .*$'
status 1
send "xlite create /etc/xlite/hello.cfg name=\"dom0\""
out "xlite: dom0: name reserved for Domain-0$"
status 1
send "xlite frobnicate"
out "xlite: unknown subcommand 'frobnicate' \\(xlite help lists them\\)$"
status 2
send "xlite create -z /etc/xlite/hello.cfg"
out 'Usage: xlite create \[-c\] \[-p\] \[-n\] \[-q\] <ConfigFile> \[key=value \.\.\.\]$'
status 2
send "xlite help list"
out 'Usage: xlite list \[-l\] \[Domain \.\.\.\]$'
status 0
send "xlite create -n /etc/xlite/hello.cfg memory=64"
out 'memory = 64$'
out '#   RAM          16384 pages$'
status 0
# Nothing was built: dom0 alone, and all its memory free again.
send "xlite list"
out 'Name +ID +Mem +VCPUs +State +Time\(s\)$'
out 'Domain-0 +0 '
send "xlite domid 1"
out 'xlite: no domain with id 1$'
send "xlite info"
out "free_memory +: $free_before\$"
reject '^d[0-9]+: created by the toolstack'
send "poweroff"
expect_exit 1
reject 'HYPERVISOR FAULT|KERNEL FAULT|kernel panic'
