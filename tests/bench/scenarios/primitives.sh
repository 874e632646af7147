# shellcheck shell=bash disable=SC2034  # sourced by tests/bench/run.sh and smoke.sh
# Null hypercall and trap bounce against the in-guest baselines, on a hypervisor
# booted without the `bench` option (no counters in the hypercall path).
guest=bench_primitives
boots=6
hv_opts=""
cmdline="rounds=201"
figures=(null-hypercall trap-bounce)
