# Turn the records tests/bench/run.sh extracted from the serial logs into the table
# (stdout) and the JSON file (-v json=PATH). POSIX awk (Debian's mawk is enough).
#
# Input, tab-separated: scenario, boot, kind, name, value, unit[, extra]
#   meta    scenario settings (name = key, value = text)
#   guest   a "(dN) bench NAME VALUE UNIT" line          hv  a "bench NAME VALUE UNIT" line
#   sample  one batch of a guest operation: name = operation, value = cycles per op
#   hcall   name = "nr:name", value = calls, unit = cycles, extra = max
# Figures: each operation with samples (statistics over every batch of every boot),
# and every other scalar the guest or the hypervisor printed (statistics over boots).
# Operations that move data (the guest printed "<op>-bytes N B") also get MB/s at the
# median, and, when the scenario has a `memcpy-*` operation of the same size (the
# in-guest copy), their throughput as a share of it ("of memcpy"). Operations named
# *-notify get events per second (one operation = one event).
# Other -v variables: the machine description for the JSON "machine" object.
BEGIN {
    FS = "\t"
    # Scalars that describe the run rather than measure something.
    skip["iters"] = skip["rounds"] = skip["tsc-khz"] = 1
    skip["guest-entry-tsc"] = skip["hv-entry-tsc"] = 1
    nstat = split("iters median min p10 p90 max mad median-ns vs-call bytes", statname, " ")
}

function add_scenario(s) {
    if (!(s in scen_seen)) { scen_seen[s] = 1; scen_order[++nscen] = s }
}
function add_figure(s, name, unit, per, from) {
    k = s SUBSEP name
    if (!(k in fig_unit)) {
        fig_unit[k] = unit
        fig_per[k] = per
        fig_from[k] = from
        nfig[s]++
        fig_name[s, nfig[s]] = name
    }
    return k
}
function add_value(k, v) { fig_n[k]++; fig_v[k, fig_n[k]] = v + 0 }

# a[1..n] sorted ascending (insertion sort: a few hundred values at most).
function sort_values(a, n,    i, j, x) {
    for (i = 2; i <= n; i++) {
        x = a[i]
        for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]
        a[j + 1] = x
    }
}
function median_of(a, n) {
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
# Nearest rank, as the guest runtime computes it.
function pct_of(a, n, p,    r) {
    r = int((p * n + 99) / 100)
    return a[r < 1 ? 1 : r]
}
# Fill st[] with the statistics of figure k.
function stats(k, st,    n, i, a, d) {
    n = fig_n[k]
    for (i = 1; i <= n; i++) a[i] = fig_v[k, i]
    sort_values(a, n)
    st["n"] = n
    st["median"] = median_of(a, n)
    st["min"] = a[1]; st["max"] = a[n]
    st["p10"] = pct_of(a, n, 10); st["p90"] = pct_of(a, n, 90)
    for (i = 1; i <= n; i++) d[i] = a[i] > st["median"] ? a[i] - st["median"] : st["median"] - a[i]
    sort_values(d, n)
    st["mad"] = median_of(d, n)
}
# The in-guest copy of the same size as sized operation op, or "".
function memcpy_of(s, op,    j, o) {
    if (op ~ /^memcpy-/) return ""
    for (j = 1; j <= nops[s]; j++) {
        o = op_name[s, j]
        if (o ~ /^memcpy-/ && ((s, o) in op_bytes) && op_bytes[s, o] == op_bytes[s, op]) return o
    }
    return ""
}
function jstr(s) {
    gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, " ", s)
    return "\"" s "\""
}
# Tenths for small times (per-operation figures), whole numbers otherwise.
function num(v, unit) {
    return (unit == "cycles" || unit == "ns") && v < 100000 ? sprintf("%.1f", v) : sprintf("%.0f", v)
}

{
    s = $1; boot = $2; kind = $3; name = $4; value = $5; unit = $6
    add_scenario(s)
    if (kind == "meta") { meta[s, name] = value; next }
    if (kind == "sample") {
        if (!((s, name) in is_op)) { is_op[s, name] = 1; nops[s]++; op_name[s, nops[s]] = name }
        add_value(add_figure(s, name, "cycles", "batch", "guest"), value)
        if (!((s, name, boot) in op_boot)) { op_boot[s, name, boot] = 1; op_nboots[s, name]++ }
        next
    }
    if (kind == "hcall") {
        k = s SUBSEP name
        if (!(k in hc_calls)) { nhc[s]++; hc_name[s, nhc[s]] = name }
        hc_calls[k] += value; hc_cycles[k] += unit
        if ($7 + 0 > hc_max[k]) hc_max[k] = $7 + 0
        next
    }
    # guest or hv scalar, one per boot
    scalar[s, boot, name] = value
    if (name ~ /-bytes$/) op_bytes[s, substr(name, 1, length(name) - 6)] = value + 0
    if (name == "tsc-khz" && value > 0) { khz_n[s]++; khz_v[s, khz_n[s]] = value }
    if (name == "guest-entry-tsc" || name == "hv-entry-tsc") boots_with[s, boot] = 1
    if (!((s, boot) in boot_seen)) { boot_seen[s, boot] = 1; nboot[s]++; boot_id[s, nboot[s]] = boot }
    if (name in skip) next
    pending[++npending] = s SUBSEP name SUBSEP value SUBSEP unit SUBSEP (kind == "hv" ? "hypervisor" : "guest")
}

END {
    # Scalars: skip the per-boot summaries of operations that have samples.
    for (i = 1; i <= npending; i++) {
        split(pending[i], p, SUBSEP)
        s = p[1]; name = p[2]
        covered = 0
        for (j = 1; j <= nops[s] && !covered; j++) {
            op = op_name[s, j]
            for (t = 1; t <= nstat; t++)
                if (name == op "-" statname[t]) covered = 1
        }
        if (!covered) add_value(add_figure(s, name, p[4], "boot", p[5]), p[3])
    }
    # Boot to the guest's first instruction, from the guest's own TSC read.
    for (si = 1; si <= nscen; si++) {
        s = scen_order[si]
        for (b = 1; b <= nboot[s]; b++) {
            id = boot_id[s, b]
            if (((s, id, "guest-entry-tsc") in scalar) && ((s, id, "hv-entry-tsc") in scalar))
                add_value(add_figure(s, "boot-to-first-guest-insn", "cycles", "boot", "guest and hypervisor"),
                          scalar[s, id, "guest-entry-tsc"] - scalar[s, id, "hv-entry-tsc"])
        }
    }

    printf "{\n  \"schema\": \"xlite-bench/1\",\n" > json
    printf "  \"date\": %s,\n  \"git\": %s,\n", jstr(date), jstr(git) > json
    printf "  \"machine\": {\"cpu\": %s, \"cores\": %.0f, \"host_kernel\": %s, \"qemu\": %s, \"accel\": %s, \"qemu_cpu\": %s, \"qemu_mem_mib\": %.0f, \"qemu_args\": %s, \"other_qemu_max\": %.0f},\n", \
        jstr(cpu), cores, jstr(kernel), jstr(qemu), jstr(accel), jstr(qemu_cpu), mem, jstr(qemu_args), busy > json
    printf "  \"baseline\": \"empty-call\",\n  \"scenarios\": [" > json

    printf "xlite bench: %s (%.0f cores), QEMU %s, accel %s, -cpu %s, -m %.0f %s\n", cpu, cores, \
        qemu, accel, qemu_cpu, mem, qemu_args
    printf "figures in TSC cycles unless noted; 'x call' = median / the empty-call median\n"
    for (si = 1; si <= nscen; si++) {
        s = scen_order[si]
        khz = 0
        if (khz_n[s]) {
            for (i = 1; i <= khz_n[s]; i++) kv[i] = khz_v[s, i]
            sort_values(kv, khz_n[s]); khz = median_of(kv, khz_n[s])
        }
        base = 0; rbase = 0
        if (((s, "empty-call") in fig_unit)) { stats(s SUBSEP "empty-call", st); base = st["median"] }
        if (((s, "rdtsc") in fig_unit)) { stats(s SUBSEP "rdtsc", st); rbase = st["median"] }

        printf "\n== %s: %s, %.0f boot(s); hypervisor: '%s'; guest: '%s'; TSC %.3f MHz\n", \
            s, meta[s, "guest"], nboot[s], meta[s, "hv_cmdline"], meta[s, "cmdline"], khz / 1000
        printf "  %-34s %12s %12s %12s %10s %12s %10s %5s\n", "figure", "median", "p10", "p90", \
            "MAD", "median ns", "x call", "n"
        sep = (si > 1) ? "," : ""
        printf "%s\n    {\"name\": %s, \"guest\": %s, \"hv_cmdline\": %s, \"guest_cmdline\": %s, \"boots\": %.0f, \"boots_attempted\": %.0f, \"tsc_khz\": %.0f,\n", \
            sep, jstr(s), jstr(meta[s, "guest"]), jstr(meta[s, "hv_cmdline"]), \
            jstr(meta[s, "cmdline"]), nboot[s], meta[s, "boots"], khz > json
        printf "     \"figures\": [" > json
        for (f = 1; f <= nfig[s]; f++) {
            name = fig_name[s, f]; k = s SUBSEP name; u = fig_unit[k]
            stats(k, st)
            ns = (u == "cycles" && khz) ? st["median"] * 1000000 / khz : -1
            ratio = (u == "cycles" && base) ? st["median"] / base : -1
            rratio = (u == "cycles" && rbase) ? st["median"] / rbase : -1
            ns_s = (ns >= 0) ? num(ns, "ns") : "-"
            ratio_s = (ratio >= 0) ? num(ratio, "cycles") : "-"
            printf "  %-34s %12s %12s %12s %10s %12s %10s %5.0f\n", name " (" u ")", \
                num(st["median"], u), num(st["p10"], u), num(st["p90"], u), num(st["mad"], u), \
                ns_s, ratio_s, st["n"]
            sep = (f > 1) ? "," : ""
            printf "%s\n       {\"name\": %s, \"from\": %s, \"unit\": %s, \"samples\": %.0f, \"sampled_per\": %s, ", \
                sep, jstr(name), jstr(fig_from[k]), jstr(u), st["n"], jstr(fig_per[k]) > json
            printf "\"median\": %s, \"min\": %s, \"p10\": %s, \"p90\": %s, \"max\": %s, \"mad\": %s", \
                num(st["median"], u), num(st["min"], u), num(st["p10"], u), num(st["p90"], u), \
                num(st["max"], u), num(st["mad"], u) > json
            if (ns >= 0) printf ", \"median_ns\": %s", num(ns, "ns") > json
            if (ratio >= 0) printf ", \"ratio_to_empty_call\": %.2f", ratio > json
            if (rratio >= 0) printf ", \"ratio_to_rdtsc\": %.2f", rratio > json
            if (((s, name) in op_bytes) && khz && st["median"]) {
                mbps = op_bytes[s, name] * khz / st["median"] / 1000
                printf ", \"bytes\": %.0f, \"mb_per_s\": %.1f", op_bytes[s, name], mbps > json
                bname = memcpy_of(s, name)
                if (bname != "") {
                    stats(s SUBSEP bname, bst)
                    printf ", \"baseline\": %s, \"share_of_baseline\": %.4f", jstr(bname), \
                        bst["median"] / st["median"] > json
                }
            }
            if (name ~ /-notify$/ && khz && st["median"])
                printf ", \"per_second\": %.0f", khz * 1000 / st["median"] > json
            if (fig_per[k] == "batch") {
                n = 0
                for (b = 1; b <= nboot[s]; b++)
                    if (((s, boot_id[s, b], name "-iters") in scalar)) it[++n] = scalar[s, boot_id[s, b], name "-iters"] + 0
                if (n) { sort_values(it, n); printf ", \"iters_per_sample\": %.0f", median_of(it, n) > json }
                printf ", \"boots\": %.0f", op_nboots[s, name] > json
                # Each boot's own median, as the guest printed it: the spread between boots.
                printf ", \"boot_medians\": [" > json
                sep = ""
                for (b = 1; b <= nboot[s]; b++)
                    if (((s, boot_id[s, b], name "-median") in scalar)) {
                        printf "%s%s", sep, scalar[s, boot_id[s, b], name "-median"] > json
                        sep = ", "
                    }
                printf "]" > json
            }
            printf "}" > json
        }
        # The spread between boots, which under TCG is wider than within one boot.
        line = ""
        for (j = 1; j <= nops[s]; j++) {
            op = op_name[s, j]; n = 0
            for (b = 1; b <= nboot[s]; b++)
                if (((s, boot_id[s, b], op "-median") in scalar)) bm[++n] = scalar[s, boot_id[s, b], op "-median"] + 0
            if (n < 2) continue
            sort_values(bm, n)
            line = line sprintf("%s %s %s..%s", line == "" ? "" : ";", op, num(bm[1], "cycles"), num(bm[n], "cycles"))
        }
        if (line != "") printf "  per-boot medians, lowest..highest:%s\n", line
        # Throughput and rates at the median, where the TSC scale is known.
        for (j = 1; j <= nops[s] && khz; j++) {
            op = op_name[s, j]; stats(s SUBSEP op, st)
            if (!st["median"]) continue
            if ((s, op) in op_bytes) {
                bname = memcpy_of(s, op); share = ""
                if (bname != "") {
                    stats(s SUBSEP bname, bst)
                    share = sprintf("  %5.1f %% of %s", 100 * bst["median"] / st["median"], bname)
                }
                printf "  %-34s %12.1f MB/s%s\n", op " (throughput)", \
                    op_bytes[s, op] * khz / st["median"] / 1000, share
            }
            if (op ~ /-notify$/)
                printf "  %-34s %12.0f events/s\n", op " (rate)", khz * 1000 / st["median"]
        }
        printf "\n     ],\n     \"hypercall_profile\": [" > json
        if (nhc[s]) {
            printf "  hypercall profile (cycles inside the handler, summed over %.0f boot(s)):\n", nboot[s]
            printf "    %-26s %10s %14s %10s %10s\n", "hypercall", "calls", "cycles", "avg", "max"
        }
        for (h = 1; h <= nhc[s]; h++) {
            k = s SUBSEP hc_name[s, h]
            split(hc_name[s, h], hn, ":")
            avg = hc_calls[k] ? hc_cycles[k] / hc_calls[k] : 0
            printf "    %-26s %10.0f %14.0f %10.0f %10.0f\n", hn[2] " (" hn[1] ")", hc_calls[k], \
                hc_cycles[k], avg, hc_max[k]
            sep = (h > 1) ? "," : ""
            printf "%s\n       {\"nr\": %.0f, \"name\": %s, \"calls\": %.0f, \"cycles\": %.0f, \"avg\": %.1f, \"max\": %.0f}", \
                sep, hn[1], jstr(hn[2]), hc_calls[k], hc_cycles[k], avg, hc_max[k] > json
        }
        printf "\n     ]}" > json
    }
    printf "\n  ]\n}\n" > json
}
