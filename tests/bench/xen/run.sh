#!/usr/bin/env bash
# make bench-xen: boot the bench guests (build/tests/bench/bench_*.elf) on xlite and on
# real Xen 4.17 (Debian 12's packages, in QEMU, Linux PV dom0 + xl) and print their
# medians side by side with the ratio. Opt-in, never part of `make test`. See
# tests/bench/xen/README.md.
#
#   tests/bench/xen/run.sh [SCENARIO...]      (default: primitives gnttab evtchn)
#
# Environment:
#   BENCH_XEN_BOOTS        runs per scenario on each side [2]
#   BENCH_XEN_XLITE_DOMU   1: on xlite, boot SCENARIO_domu.sh where there is one (the
#                          measurer as a domU, as on Xen) [0: the measurer is dom0]
#   BENCH_XEN_SIDES        both, xlite or xen [both]; with one side, the other side's
#                          figures from the previous run (if any) are reused
#   BENCH_XEN_DIR          output and package cache [build/bench-xen]
#   BENCH_XEN_RUN_TIMEOUT  seconds one guest may run on Xen [120]
#   BENCH_XEN_TIMEOUT      seconds the whole Xen QEMU may run [1800]
#   BENCH_XEN_PIN          1: dom0 (one vCPU) pinned to CPU 0, the guests to CPU 1; 0:
#                          Xen places them [1]
#   BENCH_XEN_QEMU_ARGS    extra QEMU arguments for the Xen machine
#   BENCH_QEMU_ARGS        extra QEMU arguments for the xlite boots [-mem-prealloc]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
cd "$root" || exit 1
export LC_ALL=C

out=${BENCH_XEN_DIR:-$root/build/bench-xen}
nruns=${BENCH_XEN_BOOTS:-2}
sides=${BENCH_XEN_SIDES:-both}
run_timeout=${BENCH_XEN_RUN_TIMEOUT:-120}
qemu_timeout=${BENCH_XEN_TIMEOUT:-1800}
pin=${BENCH_XEN_PIN:-1}
guests=$root/build/tests/bench
export BENCH_QEMU_ARGS=${BENCH_QEMU_ARGS--mem-prealloc}

case $sides in both | xlite | xen) ;; *) echo "bench-xen: BENCH_XEN_SIDES=both|xlite|xen" >&2; exit 2 ;; esac
(( $# )) || set -- primitives gnttab evtchn
mkdir -p "$out/xlite" "$out/xen"
start=$SECONDS
log() { echo "bench-xen: $*"; }
busy=0          # most QEMU processes not ours seen when a side started
others() { local n; n=$(pgrep -c -x qemu-system-x86 || true); (( n > busy )) && busy=$n; }

# ------------------------------------------------------------------ scenarios
# The same scenario files `make bench` reads; only the first extra module (the peer
# domU) is used.
names=() s_guest=() s_hv=() s_cmdline=() s_peer=() s_peer_mib=() s_peer_cmdline=()
for s in "$@"; do
    file=$root/tests/bench/scenarios/${s%.sh}.sh
    [[ -f $file ]] || { log "no scenario $file"; exit 2; }
    # shellcheck disable=SC2034  # figures, boots: read by run.sh, not here
    guest="" boots=0 hv_opts="" cmdline="" figures=() modules=()
    # shellcheck source=/dev/null
    . "$file"
    [[ -f $guests/$guest.elf ]] || { log "no $guests/$guest.elf (make bench-guests)"; exit 2; }
    peer="" mib="" pcmd=""
    if (( ${#modules[@]} )); then
        m=${modules[0]}
        peer=${m%% *}
        [[ $m =~ memory=([0-9]+) ]] && mib=${BASH_REMATCH[1]}
        [[ $m =~ cmdline=\"([^\"]*)\" ]] && pcmd=${BASH_REMATCH[1]}
    fi
    names+=("$(basename "$file" .sh)") s_guest+=("$guest") s_hv+=("$hv_opts")
    s_cmdline+=("$cmdline") s_peer+=("$peer") s_peer_mib+=("${mib:-16}") s_peer_cmdline+=("$pcmd")
done

# Records as aggregate.awk reads them (see tests/bench/aggregate.awk), from a serial
# log. With -v scen/boot the whole log is one run (an xlite boot); without, the log
# is cut into runs at init.sh's "@@bench-xen begin/end" markers (the Xen machine).
# A run's records are kept only if it printed bench-done. Lines may carry a prefix
# ("(d0) " on xlite, console noise on Xen), so fields are found from the keyword on.
extract() {
    tr -d '\r' < "$1" | awk -v scen="${2:-}" -v boot="${3:-}" -v status="${4:-/dev/null}" '
        BEGIN { OFS = "\t"; whole = (scen != ""); inrun = whole; n = 0; done = 0 }
        function flush(rc,    i) {
            if (done) for (i = 1; i <= n; i++) print rec[i]
            printf "%s %s %s rc=%s\n", scen, boot, done ? "ok" : "FAIL", rc > status
            n = 0; done = 0
        }
        /@@bench-xen begin / {
            if (inrun) flush("none")
            for (i = 1; i <= NF; i++) if ($i == "begin") { scen = $(i + 1); boot = $(i + 2) }
            inrun = 1; n = 0; done = 0; next
        }
        /@@bench-xen end / {
            rc = $0; sub(/.*rc=/, "", rc); sub(/ .*/, "", rc)
            if (inrun) flush(rc)
            inrun = 0; next
        }
        !inrun { next }
        /bench-done/ { done = 1 }
        /bench-error/ { print scen " " boot ": " $0 > "/dev/stderr" }
        {
            for (i = 1; i <= NF; i++) {
                if ($i == "bench" && i + 3 == NF && $(i + 2) ~ /^[0-9.]+$/) {
                    rec[++n] = scen OFS boot OFS "guest" OFS $(i + 1) OFS $(i + 2) OFS $(i + 3)
                    break
                }
                if ($i == "bench-samples" && i + 2 <= NF) {
                    for (j = i + 2; j <= NF; j++)
                        if ($j ~ /^[0-9.]+$/) rec[++n] = scen OFS boot OFS "sample" OFS $(i + 1) OFS $j OFS "cycles"
                    break
                }
            }
        }
        END { if (whole) flush(0); else if (inrun) flush("none") }'
}

meta() {   # meta RECORDS: the scenario settings aggregate.awk prints
    local i
    : > "$1"
    for i in "${!names[@]}"; do
        printf '%s\t0\tmeta\t%s\t%s\n' "${names[i]}" guest "${s_guest[i]}" "${names[i]}" boots "$nruns" \
            "${names[i]}" hv_cmdline "$2${s_hv[i]:+ ${s_hv[i]}}" "${names[i]}" cmdline "${s_cmdline[i]}" >> "$1"
    done
}

aggregate() {   # aggregate SIDE: records -> SIDE.json and SIDE.txt (aggregate.awk's table)
    awk -f "$root/tests/bench/aggregate.awk" -v json="$out/$1.json" -v cpu="$cpu" -v cores="$(nproc)" \
        -v kernel="$(uname -r)" -v qemu="$qemu_version" -v accel=tcg -v qemu_cpu=max \
        -v mem="$2" -v qemu_args="$3" -v busy=0 -v git="$(git rev-parse --short HEAD 2> /dev/null)" \
        -v date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$out/$1/records.tsv" > "$out/$1.txt"
}
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
qemu_version=$(qemu-system-x86_64 --version | sed -n 's/.*version \([^ ]*\).*/\1/p;q')
failed=0

# ------------------------------------------------------------------ xlite
if [[ $sides != xen ]]; then
    others
    log "xlite: $nruns boot(s) of each of: ${names[*]}"
    meta "$out/xlite/records.tsv" exit_on_shutdown
    for ((b = 1; b <= nruns; b++)); do
        for i in "${!names[@]}"; do
            scen=${names[i]} t0=$SECONDS
            mods="" hv=${s_hv[i]} cmd=${s_cmdline[i]}
            [[ -z ${s_peer[i]} ]] ||
                mods="${s_peer[i]} domU name=peer memory=${s_peer_mib[i]} cmdline=\"${s_peer_cmdline[i]}\""
            domu=$root/tests/bench/scenarios/${scen}_domu.sh
            if [[ ${BENCH_XEN_XLITE_DOMU:-0} == 1 && -f $domu ]]; then
                # shellcheck disable=SC2034  # guest, boots, figures: not used here
                mapfile -d '' -t f < <(guest="" boots=0 hv_opts="" cmdline="" figures=() \
                    modules=(); . "$domu"; printf '%s\0%s\0%s\0' "$hv_opts" "$cmdline" \
                    "${modules[0]:-}")
                hv=${f[0]} cmd=${f[1]} mods=${f[2]}
            fi
            line=$(BOOT_LOG_DIR=$out/xlite BENCH_HV_OPTS="$hv" BENCH_CMDLINE="$cmd" \
                   BENCH_MODULES="$mods" BENCH_ISO="$out/xlite/$scen.iso" BENCH_REUSE_ISO=$((b > 1)) \
                   bash "$root/tests/bench/boot-one.sh" "$scen-$b" "$guests/${s_guest[i]}.elf" \
                   2> "$out/xlite/$scen-$b.err" | tail -n 1)
            if [[ $line == PASS* ]]; then
                log "  xlite $scen boot $b/$nruns: ok ($((SECONDS - t0)) s)"
                extract "$out/xlite/$scen-$b.log" "$scen" "$b" >> "$out/xlite/records.tsv"
            else
                log "  xlite $scen boot $b/$nruns: ${line:-FAIL (no verdict)}"
                failed=$((failed + 1))
            fi
        done
    done
    aggregate xlite "${MEM:-512}" "$BENCH_QEMU_ARGS"
fi

# ------------------------------------------------------------------ Xen
if [[ $sides != xlite ]]; then
    debs=$out/debs pkgroot=$out/root
    # Packages: the hypervisor, the toolstack and its libraries, the dom0 kernel (the
    # image the linux-image-amd64 metapackage points at) and a static busybox, fetched
    # once with apt from the machine's own sources and kept in $debs.
    if [[ ! -f $debs/.complete ]]; then
        kernel_pkg=$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
        libs=$(apt-cache depends --recurse --important xen-utils-4.17 2> /dev/null |
               grep -E '^(libxen|libyajl)' | sort -u)
        [[ -n $kernel_pkg && -n $libs ]] || { log "apt-cache knows no xen-utils-4.17 or linux-image-amd64"; exit 1; }
        log "downloading Debian packages into ${debs#"$root"/}"
        mkdir -p "$debs"
        # shellcheck disable=SC2086  # one package a word
        (cd "$debs" && apt-get download -qq xen-hypervisor-4.17-amd64 xen-utils-4.17 $libs \
            "$kernel_pkg" busybox-static 2>&1 | grep -v '^W: Download is performed unsandboxed') ||
            true
        ls "$debs"/xen-hypervisor-4.17-amd64_*.deb "$debs"/xen-utils-4.17_*.deb "$debs"/busybox-static_*.deb \
            "$debs/${kernel_pkg}"_*.deb > /dev/null || { log "download failed"; exit 1; }
        rm -f "$pkgroot/.complete"
        touch "$debs/.complete"
    fi
    if [[ ! -f $pkgroot/.complete ]]; then
        rm -rf "$pkgroot" && mkdir -p "$pkgroot"
        for d in "$debs"/*.deb; do dpkg -x "$d" "$pkgroot" || exit 1; done
        touch "$pkgroot/.complete"
    fi
    xen_gz=$(ls "$pkgroot"/boot/xen-4.17-amd64.gz)
    vmlinuz=$(ls "$pkgroot"/boot/vmlinuz-* | head -n 1)
    kver=${vmlinuz##*/vmlinuz-}
    xen_version=$(ls "$debs"/xen-hypervisor-4.17-amd64_*.deb | sed 's/.*amd64_\([^_]*\)_.*/\1/;s/%3a/:/')
    # QEMU's -kernel takes Multiboot1 images only as they are: Xen's gzip unpacked.
    gunzip -c "$xen_gz" > "$out/xen/xen.elf" || exit 1

    # The dom0 initramfs: busybox, the toolstack and what ldd says it links, libgcc_s
    # (glibc loads it for thread cancellation), the Xen driver modules, init.sh as
    # /init, the guests and the plan (one line a run, boots alternating scenarios).
    ird=$out/xen/initrd
    rm -rf "$ird" && mkdir -p "$ird"/{bin,modules,bench,lib64,usr/lib/xen-4.17/bin,etc/xen}
    : > "$ird/etc/xen/xl.conf"     # defaults; saves xl a warning per command
    cp "$pkgroot/bin/busybox" "$ird/bin/busybox"
    cp "$here/init.sh" "$ird/init" && chmod 755 "$ird/init"
    tools=(xl xenstored xenconsoled xenconsole xen-init-dom0 libxl-save-helper)
    for t in "${tools[@]}"; do cp "$pkgroot/usr/lib/xen-4.17/bin/$t" "$ird/usr/lib/xen-4.17/bin/"; done
    libdirs=$pkgroot/usr/lib/x86_64-linux-gnu:$pkgroot/lib/x86_64-linux-gnu
    # shellcheck disable=SC2016
    needed=$(for t in "${tools[@]}"; do LD_LIBRARY_PATH=$libdirs ldd "$pkgroot/usr/lib/xen-4.17/bin/$t"; done |
             awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)
    gcc_s=$(ldconfig -p | awk '/libgcc_s.so.1 .*x86-64/ { print $NF; exit }')
    for lib in $needed $gcc_s; do
        if [[ $lib == "$pkgroot"/* ]]; then dst=${lib#"$pkgroot"}; else dst=$lib; fi
        mkdir -p "$ird$(dirname "$dst")"
        cp -L "$lib" "$ird$dst" || exit 1
    done
    for m in xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc; do
        f=$(find "$pkgroot/lib/modules/$kver" -name "$m.ko" | head -n 1)
        [[ -n $f ]] || { log "no module $m.ko in $kver"; exit 1; }
        cp "$f" "$ird/modules/"
    done
    cp "$guests"/bench_*.elf "$ird/bench/"
    echo "$run_timeout" > "$ird/bench/run-timeout"
    # Pinned, the measuring guest never moves between CPUs: Xen's emulated TSC (PV
    # domUs trap rdtsc here) is kept monotonic per domain, and a vCPU moving to a CPU
    # whose clock lags would see it stand still (one batch then calibrates to the
    # iteration cap and runs for minutes).
    if [[ $pin == 1 ]]; then echo 1 > "$ird/bench/domu-cpus"; else echo all > "$ird/bench/domu-cpus"; fi
    : > "$ird/bench/plan"
    for ((b = 1; b <= nruns; b++)); do
        for i in "${!names[@]}"; do
            p="" ; [[ -z ${s_peer[i]} ]] || p=/bench/${s_peer[i]##*/}
            printf '%s|%s|/bench/%s.elf|%s|%s|%s|%s\n' "${names[i]}" "$b" "${s_guest[i]}" \
                "${s_cmdline[i]}" "$p" "${s_peer_mib[i]}" "${s_peer_cmdline[i]}" >> "$ird/bench/plan"
        done
    done
    (cd "$ird" && find . | cpio -o -H newc --quiet | gzip -1) > "$out/xen/initrd.cpio.gz" || exit 1

    xen_args="console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M loglvl=all guest_loglvl=all noreboot"
    [[ $pin != 1 ]] || xen_args+=" dom0_max_vcpus=1 dom0_vcpus_pin"
    dom0_args="console=hvc0 earlyprintk=xen quiet"
    serial=$out/xen/serial.log
    log "Xen $xen_version, dom0 Linux $kver: one QEMU, $nruns run(s) of each of: ${names[*]}"
    t0=$SECONDS
    others
    # shellcheck disable=SC2086  # word splitting wanted
    timeout "$qemu_timeout" qemu-system-x86_64 -machine pc -m 3G -smp 2 -accel tcg,thread=multi \
        -cpu max -nodefaults -no-reboot -display none -serial "file:$serial" \
        -kernel "$out/xen/xen.elf" -append "$xen_args" \
        -initrd "$vmlinuz $dom0_args,$out/xen/initrd.cpio.gz" ${BENCH_XEN_QEMU_ARGS:-} \
        < /dev/null > "$out/xen/qemu.out" 2>&1
    qrc=$?
    (( qrc != 124 )) || log "Xen machine stopped after ${qemu_timeout}s (BENCH_XEN_TIMEOUT)"
    grep -a '@@bench-xen \(fatal\|note\)' "$serial" | sed 's/^/bench-xen:   xen: /'
    grep -aq '@@bench-xen toolstack-ready' "$serial" || log "Xen dom0 toolstack never came up; see ${serial#"$root"/}"
    meta "$out/xen/records.tsv" "xen $xen_args"
    extract "$serial" "" "" "$out/xen/status" >> "$out/xen/records.tsv"
    while read -r scen b verdict rc; do
        log "  xen $scen run $b/$nruns: $verdict ($rc)"
        [[ $verdict == ok ]] || failed=$((failed + 1))
    done < "$out/xen/status"
    log "Xen machine: $((SECONDS - t0)) s (QEMU status $qrc), log ${serial#"$root"/}"
    aggregate xen 3072 "-smp 2 -accel tcg,thread=multi (dom0 + xl)"
fi

# ------------------------------------------------------------------ the table
[[ -f $out/xlite.json && -f $out/xen.json ]] || { log "no figures to compare"; exit 1; }
echo
awk -v boots="$nruns" -v xv="${xen_version:-4.17}" '
    function field(line, key,    v) {
        if (!match(line, "\"" key "\": [^,}]*")) return ""
        v = substr(line, RSTART + length(key) + 4, RLENGTH - length(key) - 4)
        gsub(/"/, "", v)
        return v
    }
    FNR == 1 { side = (FILENAME ~ /xlite\.json$/) ? "x" : "y" }
    /"guest_cmdline":/ { scen = field($0, "name"); khz[side, scen] = field($0, "tsc_khz"); next }
    /"from":/ {
        k = scen SUBSEP field($0, "name")
        if (!(k in seen)) { seen[k] = 1; order[++n] = k }
        unit[k] = field($0, "unit")
        med[side, k] = field($0, "median"); ns[side, k] = field($0, "median_ns")
    }
    function show(v) { return v == "" ? "-" : v }
    END {
        printf "xlite vs Xen %s (Debian 12), the same bench guests, QEMU TCG; medians of every batch of %s run(s) a side\n", xv, boots
        printf "xlite: guest is dom0, peer a domU; Xen: Linux PV dom0, guest and peer are xl domUs\n"
        printf "ratio = xlite / Xen on ns when both sides know their TSC rate, else on the median (< 1: xlite faster)\n"
        last = ""
        for (i = 1; i <= n; i++) {
            k = order[i]; split(k, p, SUBSEP)
            if (p[1] != last) {
                last = p[1]
                printf "\n== %s (TSC kHz: xlite %s, Xen %s)\n", p[1], show(khz["x", p[1]]), show(khz["y", p[1]])
                printf "  %-26s %-7s %12s %12s %11s %11s %9s\n", "figure", "unit", "xlite", "Xen", "xlite ns", "Xen ns", "xlite/Xen"
            }
            a = ns["x", k]; b = ns["y", k]
            if (a == "" || b == "") { a = med["x", k]; b = med["y", k] }
            r = (a != "" && b != "" && b + 0 > 0) ? sprintf("%.2f", a / b) : "-"
            printf "  %-26s %-7s %12s %12s %11s %11s %9s\n", p[2], unit[k], show(med["x", k]), show(med["y", k]), \
                show(ns["x", k]), show(ns["y", k]), r
        }
    }' "$out/xlite.json" "$out/xen.json" | tee "$out/table.txt"
echo
log "$((SECONDS - start)) s, $failed failed run(s); full tables in ${out#"$root"/}/{xlite,xen}.txt, this one in ${out#"$root"/}/table.txt"
(( busy == 0 )) || log "WARNING: up to $busy other QEMU process(es) were running; the figures are noisy"
(( failed == 0 ))
