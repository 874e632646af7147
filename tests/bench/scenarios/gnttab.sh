# shellcheck shell=bash disable=SC2034  # sourced by tests/bench/run.sh and smoke.sh
# Grant copy (64 B, 4 KiB, 64 KiB in one hypercall) next to an in-guest copy of the same
# sizes, and grant map + unmap (one page; per page in batches of 64), from dom0 on the
# pages a domU running the same image as the peer (serve=0) grants at gref 9..72.
guest=bench_gnttab
boots=6
hv_opts=""
cmdline="rounds=201 peer=1 gref=8"
figures=(gnttab-copy-64B gnttab-copy-4KiB gnttab-copy-64KiB memcpy-64B memcpy-4KiB memcpy-64KiB gnttab-map-unmap gnttab-map-unmap-64)
modules=("build/tests/bench/bench_gnttab.elf domU name=peer memory=16 cmdline=\"serve=0 gref=8\"")
