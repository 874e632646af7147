# shellcheck shell=bash disable=SC2034  # sourced by tests/bench/run.sh and smoke.sh
# primitives.sh with the guest as a domU (dom0=none, 128 MiB), as Xen's figures are
# taken (xl create): the comparison is exact.
guest=bench_primitives
boots=6
hv_opts="dom0=none"
cmdline='domU name=measurer memory=128 cmdline="rounds=201"'
figures=(null-hypercall trap-bounce)
