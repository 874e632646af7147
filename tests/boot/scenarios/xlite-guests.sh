#!/usr/bin/env bash
# Test guests through the toolstack: the boot-time domU test guests shipped in dom0's
# ramdisk (/boot/tests, /etc/xlite/tests) run under `xlite create -c` and report the
# results their boot-time scenarios report, shown by `xlite console` (dom0's "(d0)"
# lines, not the hypervisor's); so does the bench guest in /boot/bench. Beside a
# running `hello`:
#  - domu_crash (on_crash=preserve) crashes: xlconsoled reports it, it stays listed as
#    crashed ('c') until destroyed; domu_db_crash (on_crash=destroy) is gone; with
#    on_crash=restart, a guest that crashes at once is destroyed, not restarted in a loop;
#  - domu_store_flood floods its store ring and then writes garbage: xlstored cuts it
#    off and still serves dom0 and hello;
#  - a truncated ELF is refused in one line and leaves nothing behind;
#  - hello still echoes its console input at the end, and the host's free memory is
#    what it was before the first create once every domain is gone.
BOOT_TIMEOUT=${BOOT_TIMEOUT:-110}   # run.sh allows BOOT_TIMEOUT + 30
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"
boot_dom0_shell xlite-guests
send "xlite info"
out 'free_memory +: ([0-9]+)$'; free_before=${BASH_REMATCH[2]}

# Each guest alone, attached: its results come through its console ring to dom0.
send "xlite create -c -q /etc/xlite/tests/domu_info.cfg"
out "domu-info flags 0x0 nr_pages 2048 cmdline 'built-by=xlite'$"
out 'PASS unprivileged$'
out 'DONE [1-9][0-9]* passed, 0 failed$'
status 0
for g in domu_vcpus domu_hostile_vcpu_init domu_sleep; do
    send "xlite create -c -q /etc/xlite/tests/$g.cfg"
    out 'DONE [1-9][0-9]* passed, 0 failed$'
    status 0
done
reject '^\(d0\) (xlite# )*(FAIL|  .*: check failed)'
# A bench guest measures from a domU too (figures, not checked here).
send "xlite create -c -q /etc/xlite/bench/bench_primitives.cfg"
out 'bench null-hypercall-median [0-9.]+ cycles$' 60
out 'bench-done$' 60
status 0

# Crashes beside a running domain, each honouring its on_crash.
send "xlite create -q /etc/xlite/hello.cfg"
send "xlite create -q /etc/xlite/tests/domu_crash.cfg"
out 'xlconsoled: domu_crash \(d[0-9]+\): shut down \(crash\): preserve$'
send "xlite list domu_crash"
out 'domu_crash +[0-9]+ +[0-9]+ +1 +--.-c- '
send "xlite console domu_crash"
out 'domu-crash: ud2 with no trap table$'
send "~."
send "xlite destroy domu_crash"
send "xlite create -q /etc/xlite/tests/domu_db_crash.cfg"
out 'xlconsoled: domu_db_crash \(d[0-9]+\): shut down \(crash\): destroy$'
send "xlite domid domu_db_crash"
out "xlite: no domain named 'domu_db_crash'$"
# on_crash=restart of a guest that crashes at once: destroyed, not restarted for ever.
send "xlite create -q /etc/xlite/tests/domu_crash.cfg on_crash=\"restart\""
out 'xlconsoled: domu_crash \(d[0-9]+\): shut down \(crash\) [0-9]+ ms after it was built: destroy, not restart \(it would crash again\)$'
send "sleep 1"
send "xlite domid domu_crash"
out "xlite: no domain named 'domu_crash'$"

# A hostile store client: throttled, then cut off; the store still serves the others.
send "xlite create -c -q /etc/xlite/tests/domu_store_flood.cfg"
out 'PASS store_reachable$'
out 'store-flood: [0-9]+ requests, [0-9]+ replies$'
out 'PASS store_flood$'
out 'PASS store_garbage$'
out 'DONE 3 passed, 0 failed$'
has '^\(d0\) (xlite# )*xlstored: d[0-9]+: malformed store traffic, connection dropped$'
send "xlite domid hello"
out '([0-9]+)$'; hello=${BASH_REMATCH[2]}
send "xlite store read /local/domain/$hello/name"
out 'hello$'
send "xlite store write /tool/after-flood yes"
send "xlite store read /tool/after-flood"
out 'yes$'

# A truncated image: one line, nothing built.
send "head -c 4096 /boot/hello > /tmp/trunc.elf"
send "xlite create /etc/xlite/hello.cfg name=\"trunc\" kernel=\"/tmp/trunc.elf\""
out 'xlite: /tmp/trunc.elf: .*$'
status 1
send "xlite domid trunc"
out "xlite: no domain named 'trunc'$"

# hello ran through all of it and still answers.
send "xlite console hello"
out 'Hello from xlite domain [0-9]+!$'
send "still-here"
out 'still-here$'
send "~."
send "xlite destroy hello"
send "xlite list"
out 'Domain-0 +0 '
send "xlite info"
out "free_memory +: $free_before\$"
send "poweroff"
expect_exit 5       # exit_on_shutdown reports that domains crashed during the run
reject 'HYPERVISOR FAULT|KERNEL FAULT|kernel panic'
