#!/usr/bin/env bash
# 20 domains at once: `xlite create` of the demo domU twenty times under different names
# (8 MiB each), all listed and running, their consoles answering (the first, a middle
# and the last greet with their own domid), the store serving each (its name node); then
# all destroyed, and the host's free memory, dom0's store and the domain list are what
# they were before.
BOOT_TIMEOUT=${BOOT_TIMEOUT:-150}   # run.sh allows BOOT_TIMEOUT + 30
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"
boot_dom0_shell xlite-many
N=20
send "xlite info"
out 'free_memory +: ([0-9]+)$'; free_before=${BASH_REMATCH[2]}
for i in $(seq 1 $N); do
    send "xlite create -q /etc/xlite/hello.cfg name=\"h$i\" memory=8"
    send "echo created $i \$?"
    out "created $i 0\$" 60
done
send "xlite list"
out 'Name +ID +Mem +VCPUs +State +Time\(s\)$'
out 'Domain-0 +0 '
for i in $(seq 1 $N); do
    out "h$i +$i +8 +1 +[-rb]{2}---- "
done
send "xlite info"
out 'nr_domains +: 21$'
for i in 1 10 $N; do
    send "xlite console h$i"
    out "Hello from xlite domain $i!\$"
    send "~."
    send "xlite store read /local/domain/$i/name"
    out "h$i\$"
done
send "xlite store ls /local/domain"
out "$N = \"\"\$"
for i in $(seq 1 $N); do
    send "xlite destroy h$i"
done
send "echo destroyed \$?"
out 'destroyed 0$' 60
send "xlite list"
out 'Domain-0 +0 '
send "xlite store ls /local/domain"
send "echo listed \$?"
out 'listed 0$'
send "xlite info"
out "free_memory +: $free_before\$"
out 'nr_domains +: 1$'
send "poweroff"
expect_exit 1
reject 'HYPERVISOR FAULT|KERNEL FAULT|kernel panic|^\(d0\) (xlite# )*(xlite|xlconsoled|xlstored): '
# dom0's store holds nothing of the 20 any more: nothing listed between the two commands.
[[ $(log_lines | sed -n '/store ls \/local\/domain$/,/echo listed/p' | tail -n 4 |
     grep -c ' = ') == 0 ]] || fail "store nodes left under /local/domain after destroy"
