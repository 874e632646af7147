# shellcheck shell=bash disable=SC2034  # sourced by tests/bench/run.sh and smoke.sh
# The same guest on a hypervisor booted with `bench`: the hypervisor's own figures
# (boot-to-first-guest-entry, per-domain memory, per-hypercall profile) and the guest
# figures again, which show what the profiling counters cost.
guest=bench_primitives
boots=6
hv_opts="bench"
cmdline="rounds=201"
figures=(null-hypercall trap-bounce)
