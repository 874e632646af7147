#!/usr/bin/env bash
# xlstored serves a toolstack-built domain's store ring: the guest kernel connects and
# reads its domid; the standard nodes exist (`xlite store ls`); dom0 reads and writes
# through the local connection; `xlite store watch` keeps a session whose watch fires
# for writes under its path, and leaves nothing behind; `xlite shutdown -w` asks the guest through
# control/shutdown and the guest powers itself off; its nodes go with it.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"
boot_dom0_shell xlite-store
has '^\(d0\) init: started /bin/xlstored'
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
# A watch lives in a session across requests: it fires once at once, then for each
# write under its path (by dom0 here), and the session ends with the command.
send "xlite store watch -n 3 /tool/w > /tmp/watch.out &"
send "sleep 1"
send "xlite store write /tool/w/a 1"
send "xlite store write /tool/other 2"
send "xlite store write /tool/w/b 3"
send "sleep 1"
send "cat /tmp/watch.out"
out '/tool/w$'
out '/tool/w/a$'
out '/tool/w/b$'
send "ls /run/xlite/xs"
send "echo end-of-ls"
out 'end-of-ls$'
left=$(log_lines | sed -n '/^(d0) ls \/run\/xlite\/xs$/,/[)#] end-of-ls$/p' | grep -E ' c[0-9]+\.' ) || true
[[ -z $left ]] || fail "session files left after the watch ended:" "$left"
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
