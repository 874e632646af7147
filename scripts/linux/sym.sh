#!/usr/bin/env bash
# Name guest addresses of Debian's kernel: scripts/linux/sym.sh [-d] ADDR... (or a log on stdin)
#
#   scripts/linux/sym.sh 0xffffffff81a48060      -> 0xffffffff81a48060 native_irq_disable+0x0/0x6
#   scripts/linux/sym.sh < build/tests/linux/linux-domu.log
#                                                 every 0xffffffff8... in the log, named
# -d also prints the source line (addr2line on vmlinux.debug) and disassembles a few
# instructions around the address. Needs build/linux/System.map, which
# `scripts/linux-guest.sh --dbg` takes from the kernel's -dbg package. Debian's PV kernel
# is not relocated (no KASLR in a PV guest), so link-time addresses are run-time ones.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${LINUX_DIR:-$root/build/linux}
map=$dir/System.map
detail=0
[[ ${1:-} != -d ]] || { detail=1; shift; }
[[ -s $map ]] || { echo "sym: no $map: run scripts/linux-guest.sh --dbg" >&2; exit 1; }

if (( $# == 0 )); then
    # Addresses from a log: kernel text lives at 0xffffffff8xxxxxxx.
    mapfile -t addrs < <(grep -oE '0xffffffff8[0-9a-f]{7}' | sort -u)
else
    addrs=("$@")
fi
(( ${#addrs[@]} )) || exit 0

# One awk pass over the map (text and data symbols, sorted by address) for all addresses.
printf '%s\n' "${addrs[@]}" | awk -v map="$map" '
    # The low 48 bits only: awk numbers are doubles (exact to 2^53), and every kernel
    # symbol has the same top 16 bits.
    function hex(s,   i, c, v) {
        s = tolower(s); sub(/^0x/, "", s); if (length(s) > 12) s = substr(s, length(s) - 11); v = 0
        for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
        return v
    }
    BEGIN {
        n = 0
        while ((getline line < map) > 0) {
            split(line, f, " ")
            if (f[2] !~ /^[tTdDbBrRwW]$/) continue
            a[n] = hex(f[1]); name[n] = f[3]; n++
        }
    }
    {
        want = hex($1); lo = 0; hi = n - 1; best = -1
        while (lo <= hi) { mid = int((lo + hi) / 2); if (a[mid] <= want) { best = mid; lo = mid + 1 } else hi = mid - 1 }
        if (best < 0) { printf "%s ?\n", $1; next }
        size = (best + 1 < n) ? sprintf("/0x%x", a[best + 1] - a[best]) : ""
        printf "%s %s+0x%x%s\n", $1, name[best], want - a[best], size
    }' | sort -u -k1,1 | while read -r addr rest; do
    echo "$addr $rest"
    if (( detail )); then
        if [[ -s $dir/vmlinux.debug ]] && command -v addr2line > /dev/null; then
            addr2line -i -f -e "$dir/vmlinux.debug" "$addr" | paste - - | sed 's/^/    at /'
        fi
        start=$(printf '0x%x' $(( addr - 16 )))
        stop=$(printf '0x%x' $(( addr + 16 )))
        objdump -d --no-show-raw-insn --start-address="$start" --stop-address="$stop" \
            "$dir/vmlinux" | grep -E '^ *ffffffff' | sed "s/^ *${addr#0x}:/ => &/; s/^/    /"
    fi
done
