# shellcheck shell=bash disable=SC2034  # sourced by tests/bench/run.sh and smoke.sh
# primitives.sh with the measurer as a domU (dom0=none: measurer d1, 128 MiB; a peer is d2 and
# serves d1), as Xen's figures are taken (xl create, domUs): the comparison is exact.
# shellcheck source=/dev/null
. "$(dirname "${BASH_SOURCE[0]}")/primitives.sh"
hv_opts="dom0=none"
cmdline='domU name=measurer memory=128 cmdline="rounds=201"'
