# shellcheck shell=bash disable=SC2034  # sourced by tests/bench/run.sh and smoke.sh
# Event-channel one-way latency (ping-pong / 2) and notifications into a receiver
# asleep in SCHEDOP_poll, between dom0 (measuring) and a domU running the same image
# as the peer (serve=0: it grants its control page at gref 8, see tests/bench/lib/bench.h).
guest=bench_evtchn
boots=6
hv_opts=""
cmdline="rounds=201 peer=1 gref=8"
figures=(evtchn-one-way evtchn-notify)
modules=("build/tests/bench/bench_evtchn.elf domU name=peer memory=16 cmdline=\"serve=0 gref=8\"")
