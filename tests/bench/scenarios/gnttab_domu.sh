# shellcheck shell=bash disable=SC2034  # sourced by tests/bench/run.sh and smoke.sh
# gnttab.sh with the measurer as a domU (dom0=none: measurer d1, 128 MiB; the peer d2
# grants to it), as Xen's figures are taken (xl create, domUs): the comparison is exact.
guest=bench_gnttab
boots=6
hv_opts="dom0=none"
cmdline='domU name=measurer memory=128 cmdline="rounds=201 peer=2 gref=8"'
figures=(gnttab-copy-64B gnttab-copy-4KiB gnttab-copy-64KiB memcpy-64B memcpy-4KiB memcpy-64KiB gnttab-map-unmap gnttab-map-unmap-64)
modules=("build/tests/bench/bench_gnttab.elf domU name=peer memory=16 cmdline=\"serve=1 gref=8\"")
