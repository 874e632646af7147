# make bench-xen: the bench guests on xlite and on Debian 12's Xen 4.17 (in QEMU), side
# by side. Opt-in: not part of `all` or `test`; downloads Debian packages on first use.
# See tests/bench/xen/README.md. Knobs: BENCH_XEN_SCENARIOS (default: primitives gnttab
# evtchn) and the BENCH_XEN_* variables run.sh reads from the environment.
BENCH_XEN_SCENARIOS ?=

.PHONY: bench-xen
bench-xen: bench-guests $(HV_ELF)
	@bash tests/bench/xen/run.sh $(BENCH_XEN_SCENARIOS)
