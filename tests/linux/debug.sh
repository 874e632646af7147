#!/usr/bin/env bash
# Look inside a Linux domU boot on xlite with QEMU's gdb stub (TCG): where it stops and why.
#
#   tests/linux/debug.sh hypercalls [SECONDS]   every hypercall Linux makes: counts per
#                                               (number, first argument), the last 40 with
#                                               their callers, and each failing (number,
#                                               first argument, error) with how often and
#                                               its first caller. Timer-driven counts are
#                                               inflated: time runs on while gdb stops
#                                               the guest (`bench` gives true counts)
#   tests/linux/debug.sh traps [SECONDS]        what the hypervisor emulates or bounces:
#                                               #GP emulations, forced-CPUID #UDs and every
#                                               exception, counted per guest RIP (named)
#   tests/linux/debug.sh hits SYMBOL|ADDR [SECONDS]
#                                               how often Linux reaches SYMBOL, per %ecx,
#                                               %rdi and the three callers above it
#   tests/linux/debug.sh break SYMBOL|ADDR [SECONDS]
#                                               registers and backtrace at the first time
#                                               Linux reaches SYMBOL (a kernel symbol)
#
# SECONDS (default 120) is how long the guest runs under gdb before the report; gdb
# stops slow TCG further (a few hundred breakpoint hits a second). The boot is the one of
# tests/linux/scenarios/linux-domu.sh (256 MiB, console=hvc0 earlyprintk=xen, initrd);
# NOINITRD=1 leaves the initrd out, KCMD adds to Linux's command line, HV_CMD replaces
# the hypervisor's. XLITE_ELF picks the hypervisor (default build/hypervisor/xlite.elf).
# Needs `scripts/linux-guest.sh --dbg` (System.map and vmlinux.debug) and gdb.
# Output: build/tests/linux/debug-MODE.txt (report) and debug-MODE.log (serial).
set -euo pipefail

mode=${1:-}
case $mode in
    hypercalls|traps) run=${2:-120} arg="" ;;
    break|hits) arg=${2:?"usage: $0 $mode SYMBOL|ADDR [SECONDS]"}; run=${3:-120} ;;
    *) sed -n '2,27p' "$0" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lx=$root/build/linux
out=${BOOT_LOG_DIR:-$root/build/tests/linux}
hv=${XLITE_ELF:-$root/build/hypervisor/xlite.elf}
command -v gdb > /dev/null || { echo "debug: needs gdb (apt-get install gdb)" >&2; exit 1; }
bash "$root/scripts/linux-guest.sh" --dbg
[[ -f $hv ]] || { echo "debug: no hypervisor $hv (make hypervisor)" >&2; exit 1; }
mkdir -p "$out"

# Addresses the gdb script needs, from the symbol tables.
ksym() { awk -v s="$1" '$3 == s { print "0x" $1; exit }' "$lx/System.map"; }
hvsym() { nm "$hv" | awk -v s="$1" '$3 == s && !n++ { print "0x" $1 }'; }
# The `syscall` in xen_hypercall_pv is where every hypercall of a PV Linux goes.
hc_fn=$(ksym xen_hypercall_pv)
[[ -n $hc_fn ]] || { echo "debug: no xen_hypercall_pv in System.map" >&2; exit 1; }
hc_syscall=0x$(objdump -d --start-address="$hc_fn" --stop-address="$(printf '%#x' $((hc_fn + 32)))" "$lx/vmlinux" \
    | awk '$0 ~ /\tsyscall/ { sub(":", "", $1); print $1; exit }')
# struct cpu_regs offsets (the guest frame the hypervisor's trap handlers get in %rdi).
# shellcheck disable=SC2016  # $1 in the sed script is gdb's value history, not ours
off() { gdb -q -batch -ex "print/d (unsigned long)&((struct cpu_regs *)0)->$1" "$hv" 2> /dev/null | sed -n 's/^\$1 = //p'; }
export XL_MODE=$mode XL_ARG=$arg XL_RUN=$run XL_HC_SYSCALL=$hc_syscall
XL_EMUL=$(hvsym pv_emulate_privileged) XL_CPUID=$(hvsym pv_emulate_forced_cpuid)
XL_EXC=$(hvsym pv_do_exception) XL_OFF_RIP=$(off rip) XL_OFF_VEC=$(off vector)
export XL_EMUL XL_CPUID XL_EXC XL_OFF_RIP XL_OFF_VEC
if [[ $mode == traps && ( -z $XL_EMUL || -z $XL_EXC || -z $XL_OFF_RIP ) ]]; then
    echo "debug: $hv lacks pv_emulate_privileged/pv_do_exception or struct cpu_regs debug info" >&2
    exit 1
fi
port=$((20000 + RANDOM % 20000))
export XL_PORT=$port

# The boot, in the background: the scenario's ISO, QEMU with a gdb stub.
dbg_name=debug-$mode
(
    export SCENARIO=$dbg_name BOOT_LOG_DIR=$out BOOT_TIMEOUT=$((run + 120))
    # shellcheck source-path=SCRIPTDIR source=../boot/lib.sh
    . "$root/tests/boot/lib.sh"
    mods=(-m "$lx/vmlinux domU name=linux memory=256 cmdline=\"console=hvc0 earlyprintk=xen${KCMD:+ $KCMD}\"")
    [[ -n ${NOINITRD:-} ]] || mods+=(-m "$lx/initrd.cpio ramdisk")
    boot_build_iso "$dbg_name" -c "${HV_CMD:-exit_on_shutdown dom0=none loglvl=all}" "${mods[@]}"
    boot_iso "$dbg_name" "$BOOT_ISO" -gdb "tcp:127.0.0.1:$port"
    while qemu_running && (( SECONDS < _boot_deadline - 5 )); do _boot_sleep 1; done
) > "$out/$dbg_name.harness" 2>&1 &
harness=$!
sleep 2
echo "debug: $mode for ${run}s; serial log $out/$dbg_name.log" >&2
timeout $((run + 60)) gdb -q -batch -x "$here/debug.py" "$lx/vmlinux.debug" > "$out/$dbg_name.txt" 2>&1 || true
kill "$harness" 2> /dev/null || true
wait "$harness" 2> /dev/null || true
# Name the RIPs the report printed as numbers.
if grep -q '^rip 0x' "$out/$dbg_name.txt"; then
    sed -n 's/^rip \(0x[0-9a-f]*\) .*/\1/p' "$out/$dbg_name.txt" | sort -u \
        | xargs "$root/scripts/linux/sym.sh" > "$out/$dbg_name.syms"
    awk 'NR == FNR { s[$1] = $2; next } /^rip 0x/ { $0 = $0 "  " s[$2] } { print }' \
        "$out/$dbg_name.syms" "$out/$dbg_name.txt" > "$out/$dbg_name.txt.new"
    mv "$out/$dbg_name.txt.new" "$out/$dbg_name.txt"
    rm -f "$out/$dbg_name.syms"
fi
grep -v '^\(\[\|Breakpoint\|[0-9]*\t\|.*No such file\)' "$out/$dbg_name.txt" | tail -n 80
echo "debug: report $out/$dbg_name.txt" >&2
