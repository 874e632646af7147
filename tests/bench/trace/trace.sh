#!/usr/bin/env bash
# Count the instructions one pass of a hypervisor path executes, per function, with
# QEMU's gdb stub (TCG): how PERFORMANCE.md's profiles of the entry, exit, trap and
# context-switch paths were taken.
#
#   tests/bench/trace/trace.sh ISO FROM TO [gdb condition]
#
# ISO boots (build one with scripts/mkiso.sh, e.g. a bench guest with rounds=255);
# FROM and TO are symbols or hex addresses of the hypervisor (build/hypervisor/xlite.elf
# unless XLITE_ELF says otherwise), e.g. syscall_entry and the address of its SYSRETQ
# (objdump -d | grep sysretq). The trace starts at the (TRACE_SKIP+1)th pass over FROM
# that meets the condition (default skip 3000: warm-up, translated code) and ends at
# the TRACE_TO_HITS-th pass over TO (default 1). Prints instructions per function,
# most first; the whole trace is in build/tests/bench/trace.txt.
# Example, one null hypercall (xen_version is hypercall 17):
#   tests/bench/trace/trace.sh build/p.iso syscall_entry 0xffff82d04021c50d '$rax == 17'
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
iso=$1 from=$2 to=$3 cond=${4:-}
elf=${XLITE_ELF:-$root/build/hypervisor/xlite.elf}
out=$root/build/tests/bench/trace.txt
port=${TRACE_PORT:-$((20000 + RANDOM % 20000))}
command -v gdb > /dev/null || { echo "trace: needs gdb (apt-get install gdb)" >&2; exit 1; }
addr() {
    if [[ $1 =~ ^(0x)?[0-9a-fA-F]{16}$ ]]; then echo "0x${1#0x}"; return; fi
    local a
    a=$(nm "$elf" | awk -v s="$1" '$3 == s { print $1 }')
    [[ -n $a ]] || { echo "trace: no symbol $1 in $elf" >&2; exit 1; }
    echo "0x$a"
}
mkdir -p "$(dirname "$out")"
qemu-system-x86_64 -M pc -accel tcg -cpu max -m "${MEM:-512}" -display none -no-reboot \
    -nodefaults -serial null -cdrom "$iso" -boot d -gdb "tcp:127.0.0.1:$port" 2> /dev/null &
qemu=$!
trap 'kill $qemu 2> /dev/null || true' EXIT
sleep 0.3
TRACE_PORT=$port TRACE_FROM=$(addr "$from") TRACE_TO=$(addr "$to") TRACE_COND=$cond \
    TRACE_SKIP=${TRACE_SKIP:-3000} TRACE_OUT=$out \
    timeout 300 gdb -q -batch -x "$here/trace.py" "$elf" > /dev/null 2>&1 || true
[[ -s $out ]] || { echo "trace: no trace (did the guest reach $from often enough?)" >&2; exit 1; }
echo "$(($(wc -l < "$out") - 1)) instructions from $from to $to; per function:"
sed -n 's/^[^<]*<\([A-Za-z0-9_.]*\)[+>].*/\1/p' "$out" | sort | uniq -c | sort -rn
