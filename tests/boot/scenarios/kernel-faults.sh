#!/usr/bin/env bash
# The guest kernel survives its processes: a NULL dereference kills only that process
# (reported with signal, RIP and CR2; $? is 139), as do writing to text and running
# code on the stack (W^X); bad pointers to every system call
# give EFAULT; 50 processes sleeping on staggered timers wake in order; spawning
# memory hogs until memory runs out fails cleanly and every page comes back; two
# CPU-bound processes are preempted; the shell stays usable throughout.
BOOT_TIMEOUT=${BOOT_TIMEOUT:-85}   # run.sh allows BOOT_TIMEOUT + 30
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

k=$XLITE_ROOT/build/guest/dom0.elf rd=$XLITE_ROOT/build/dom0-ramdisk.cpio
[[ -f $k && -f $rd ]] || fail "no $k or $rd (make guest-kernel)"
boot_build_iso kernel-faults -c "exit_on_shutdown loglvl=info" -m "$k dom0" -m "$rd dom0-ramdisk"
boot_iso kernel-faults "$BOOT_ISO"

out() { expect "^\\(d0\\) (xlite# )?$1" "${2:-30}"; }
expect '^\(d0\) xlite# ' 40
send "t_null"
out 'pid [0-9]+ \(t_null\): killed by SIGSEGV: page fault at RIP 0x[0-9a-f]+, CR2 0, error 0x[46]$'
send 'echo null status $?'
out 'null status 139$'
send "t_null text"
out 'pid [0-9]+ \(t_null\): killed by SIGSEGV: page fault at RIP 0x[0-9a-f]+, CR2 0x40[0-9a-f]+, error 0x7$'
send "t_null stack"
out 'pid [0-9]+ \(t_null\): killed by SIGSEGV: page fault at RIP 0x3ff[0-9a-f]+, CR2 0x3ff[0-9a-f]+, error 0x15$'
send "t_efault"
out 't_efault: ([0-9]+) ok, 0 bad$'
(( BASH_REMATCH[2] > 100 )) || fail "t_efault checked only ${BASH_REMATCH[2]} calls"
send "t_sleepers"
out 't_sleepers: 50 woke, in order$' 40
send "t_oom"
out 't_oom: spawn failed after [0-9]+ processes: (Not enough space|Cannot allocate memory|Resource temporarily unavailable)' 60
out 't_oom: recovered$'
# Two CPU-bound processes in the background: the timer preempts them, the shell and
# sleepers still run.
send "t_spin &"
out '\[([0-9]+)\]$'; s1=${BASH_REMATCH[2]}
send "t_spin &"
out '\[([0-9]+)\]$'; s2=${BASH_REMATCH[2]}
send "sleep 0.5"
send "echo responsive"
out 'responsive$'
send "ps"
out " +$s1 +[0-9]+ R +[0-9]+ +[0-9]+ t_spin$"
send "kill $s1 $s2"
send "echo still here"
out 'still here$'
send "poweroff"
expect_exit 1
reject 'HYPERVISOR FAULT|KERNEL FAULT|kernel panic|^\(d0\) FAIL'
