#!/usr/bin/env bash
# Guest-kernel figures for `make bench` (never a pass/fail test): wall time from QEMU
# start to the dom0 shell prompt (TCG), then kbench's null system call and
# spawn+exit+wait medians and the toolstack's `xlite create -c` (to first console byte,
# to exit) and `xlite destroy` times for a tiny guest (system time, TCG). Prints "bench <name> <unit> <value>" lines.
#   guest-kernel-patch/bench.sh [BOOTS]     (default 3 boots; the median is printed)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
boots=${1:-3}
out=build/tests/kernel-bench
mkdir -p "$out"
iso=$out/kbench.iso
bash scripts/mkiso.sh -o "$iso" -k build/hypervisor/xlite.elf -c "exit_on_shutdown loglvl=info" \
    -m "build/guest/dom0.elf dom0" -m "build/dom0-ramdisk.cpio dom0-ramdisk" || exit 1
cpu=max
major=$(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p;q')
(( ${major:-0} >= 8 )) || cpu=max,-smap

times=()
for ((b = 0; b < boots; b++)); do
    log=$out/boot$b.log
    : > "$log"
    fifo=$out/in$b
    rm -f "$fifo"; mkfifo "$fifo"
    exec {in}<> "$fifo"
    start=$(date +%s%N)
    qemu-system-x86_64 -M pc -accel tcg -cpu "$cpu" -m 512 -display none -no-reboot \
        -nodefaults -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -cdrom "$iso" -boot d <&$in > "$log" 2>&1 &
    qpid=$!
    while ! grep -q 'xlite# ' "$log"; do
        kill -0 $qpid 2> /dev/null || break
        (( ($(date +%s%N) - start) / 1000000 < 30000 )) || break
        sleep 0.01
    done
    now=$(date +%s%N)
    times+=($(( (now - start) / 1000000 )))
    if (( b == boots - 1 )); then
        printf 'kbench\r' >&$in
        for _ in $(seq 300); do grep -q 'spawn-exit-wait' "$log" && break; sleep 0.1; done
        printf 'kbench create /etc/xlite/tests/domu_info.cfg\r' >&$in
        for _ in $(seq 600); do grep -q 'bench xlite-destroy' "$log" && break; sleep 0.1; done
        sed -n 's/^(d0) \(bench .*\)$/\1/p' "$log"
    fi
    printf 'poweroff\r' >&$in
    wait $qpid 2> /dev/null
    exec {in}>&-
    rm -f "$fifo"
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "bench kernel-boot-to-prompt ms ${sorted[$((boots / 2))]} (TCG; boots: ${times[*]})"
