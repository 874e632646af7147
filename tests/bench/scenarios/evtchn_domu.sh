# shellcheck shell=bash disable=SC2034  # sourced by tests/bench/run.sh and smoke.sh
# evtchn.sh with the measurer as a domU (dom0=none: measurer d1, 128 MiB; peer d2), as
# Xen's figures are taken (xl create, domUs): the comparison is exact.
guest=bench_evtchn
boots=6
hv_opts="dom0=none"
cmdline='domU name=measurer memory=128 cmdline="rounds=201 peer=2 gref=8"'
figures=(evtchn-one-way evtchn-notify)
modules=("build/tests/bench/bench_evtchn.elf domU name=peer memory=16 cmdline=\"serve=1 gref=8\"")
