#!/usr/bin/env bash
# 100 `xlite create` / `xlite destroy` cycles of the demo domU from the dom0 shell leak
# nothing: the host's free memory and free frames afterwards are what they were before
# the first, dom0's event channel ports (`xlite lsevtchn`) are the ones it had, the
# store holds no node of them, the daemons' files of them are gone, and
# a domain built after them has a working console and store, as the first had (no port, grant or
# mapping of the daemons ran out).
BOOT_TIMEOUT=${BOOT_TIMEOUT:-150}   # run.sh allows BOOT_TIMEOUT + 30
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"
boot_dom0_shell xlite-cycles
send "xlite info"
out 'free_memory +: ([0-9]+)$'; free_before=${BASH_REMATCH[2]}
out 'free_pages +: ([0-9]+)$'; pages_before=${BASH_REMATCH[2]}
# ports_listing N: dom0's event channel ports as `xlite lsevtchn` printed them (N-th time).
ports_listing() {
    log_lines | sed -n "/^(d0) xlite lsevtchn\$/,/[)#] end-of-ports-$1\$/p" |
        sed -nE 's/^\(d0\) (xlite# )*( *[0-9]+: vCPU .*)$/\2/p'
}
send "xlite lsevtchn"
send "echo end-of-ports-1"
out 'end-of-ports-1$'
ports_before=$(ports_listing 1)
[[ $ports_before == *virq* ]] || fail "xlite lsevtchn listed no VIRQ port of dom0:" "$ports_before"
for i in $(seq 1 100); do
    send "xlite create -q /etc/xlite/hello.cfg"
    send "xlite destroy hello"
    send "echo cycle $i \$?"
    out "cycle $i 0\$"
done
send "xlite list"
out 'Domain-0 +0 '
send "ls /run/xlite"
out '- +[0-9]+ xlconsoled\.pid$'
send "echo end-of-ls"
out 'end-of-ls$'
send "xlite lsevtchn"
send "echo end-of-ports-2"
out 'end-of-ports-2$'
ports_after=$(log_lines | sed -n '/end-of-ports-1$/,$p' | sed -n "/^(d0) xlite lsevtchn\$/,/[)#] end-of-ports-2\$/p" |
    sed -nE 's/^\(d0\) (xlite# )*( *[0-9]+: vCPU .*)$/\2/p')
[[ $ports_after == "$ports_before" ]] ||
    fail "dom0's event channels changed over 100 cycles" "before:
$ports_before
after:
$ports_after"
send "xlite store ls /local/domain"
send "echo end-of-store \$?"
out 'end-of-store 0$'
send "xlite info"
out "free_memory +: $free_before\$"
out "free_pages +: $pages_before\$"
# What the two listings printed: the daemons' pid and doorbell files and the store's request
# directory only, and no store node.
left=$(log_lines | sed -n '/^(d0) ls \/run\/xlite$/,/[)#] end-of-ls$/p' | grep -E '^\(d0\) (xlite# )*[-d] +[0-9]+ ' |
       grep -vE ' (xlconsoled|xlstored)\.(pid|port)$| xs/$') || true
[[ -z $left ]] || fail "files left in /run/xlite after 100 cycles:" "$left"
left=$(log_lines | sed -n '/store ls \/local\/domain$/,/[)#] end-of-store [0-9]*$/p' | grep -E ' = ') || true
[[ -z $left ]] || fail "store nodes left after 100 cycles:" "$left"
send "xlite create -c -q /etc/xlite/hello.cfg"
out 'Hello from xlite domain ([0-9]+)!$'; id=${BASH_REMATCH[2]}
send "~."
send "xlite store read /local/domain/$id/name"
out 'hello$'
send "xlite destroy hello"
send "poweroff"
expect_exit 1
reject 'HYPERVISOR FAULT|KERNEL FAULT|kernel panic|^\(d0\) (xlite# )*(xlite|xlconsoled|xlstored): '
