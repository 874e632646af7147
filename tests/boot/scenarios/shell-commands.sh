#!/usr/bin/env bash
# The guest kernel as dom0 reaches the shell prompt and every shell command works: ls,
# cat, head, echo, ps, kill, free, uptime, dmesg, sleep, help, cd/pwd with relative paths,
# an unknown command with $?,
# a pipeline, 1 MiB through a pipe (t_pipe), a redirect into /tmp, background jobs,
# line editing (backspace, Ctrl-U, history, Ctrl-C), exec; then poweroff ends the
# domain cleanly.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

k=$XLITE_ROOT/build/guest/dom0.elf rd=$XLITE_ROOT/build/dom0-ramdisk.cpio
[[ -f $k && -f $rd ]] || fail "no $k or $rd (make guest-kernel)"
boot_build_iso shell-commands -c "exit_on_shutdown loglvl=info" -m "$k dom0" -m "$rd dom0-ramdisk"
boot_iso shell-commands "$BOOT_ISO"

prompt='^\(d0\) xlite# '
# A command's output may follow a prompt on the same line (typeahead was echoed earlier).
out() { expect "^\\(d0\\) (xlite# )?$1" "${2:-30}"; }
expect "$prompt" 40
send "echo hello   world"
out 'hello world$'
expect "$prompt"
send "ls /bin"
out '- +[0-9]+ sh$'
expect "$prompt"
send "cat /etc/motd"
out 'xlite dom0 ramdisk$'
expect "$prompt"
send "nosuchcmd"
out 'sh: nosuchcmd: command not found$'
send 'echo status $?'
out 'status 127$'
send "ps"
out ' +1 +0 S .* init$'
out ' +[0-9]+ +[0-9]+ R .* ps$'
send "free"
out 'Mem: +[0-9]+ +[0-9]+ +[0-9]+$'
send "uptime"
out 'up [0-9]+:[0-9]{2}:[0-9]{2}\.[0-9]{3}, [0-9]+ processes$'
send "dmesg"
out 'xlite-kernel 0\.1: privileged domain'
send "help"
out 'xlite shell\. Commands in /bin:$'
send "sleep 0.2"
expect "$prompt"
send "echo piped words | cat"
out 'piped words$'
send "cd /bin"
send "pwd"
out '/bin$'
send "ls"
out '- +[0-9]+ sh$'
send "cat ../etc/motd"
out 'xlite dom0 ramdisk$'
send "echo 'two  blanks|and \"quotes\"' after"
out 'two  blanks\|and "quotes" after$'
send "head -n 1 /etc/xlite/hello.cfg"
out '# The demo domU: .*$'
send "head -c 5 /etc/motd > /tmp/h5"
send "cat /tmp/h5 /etc/motd"
out 'xlitexlite dom0 ramdisk$'
send "cd /nowhere"
out 'sh: cd: /nowhere: No such file or directory$'
send "cd"
send "pwd"
out '/$'
send "t_pipe"
out 't_pipe: reader got 1048576 bytes, all correct$'
out 't_pipe: ok$'
send "echo saved > /tmp/f"
expect "$prompt"
send "cat < /tmp/f"
out 'saved$'
send "sleep 30 &"
out '\[([0-9]+)\]$'; bg=${BASH_REMATCH[2]}
send "kill $bg"
out "\\[$bg\\] done, status 143$"
# Line editing in the console: backspace, Ctrl-U, up arrow (history), Ctrl-C.
send_raw $'echo abc\x7f\x7fxy\r'
out 'axy$'
send_raw $'junk words\x15echo clean\r'
out 'clean$'
send_raw $'\x1b[A\r'
out 'clean$'
send "sleep 20"
# Ctrl-C a few times: one that arrives before the shell has started sleep only clears
# an empty line; the first one after it ends sleep.
for _ in 1 2 3; do sleep 1; send_raw $'\x03'; done
out '\^C$'
send 'echo interrupted $?'
out 'interrupted 130$'
# exec replaces the shell; init notices and starts a new one.
send "exec echo replaced"
out 'replaced$'
out 'init: /bin/sh exited \(status 0\), restarting$'
expect "$prompt"
send "poweroff"
expect '^d0 \(dom0\): shut down: poweroff'
expect_exit 1
reject 'HYPERVISOR FAULT|KERNEL FAULT|kernel panic'
