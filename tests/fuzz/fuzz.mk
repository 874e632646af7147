# Hypercall fuzzer (tests/fuzz/README.md). The guests are tests/guests/domu_fuzz.c and
# domu_fuzz_victim.c, built with every other domU by tests/guests/domu.mk (target
# `guests`); tests/fuzz/run.sh boots them. Include after domu.mk:
#   make fuzz SEEDS="1 2 3" ITERS=100000 [JOBS=2] [TRACE=1] [AVOID=timer,hvcs] [REPRO=1]
# ends with "K calls, F hypervisor faults, H hangs" and fails on any F or H.
FUZZ_GUESTS := $(GUESTS_OUT)/domu_fuzz.elf $(GUESTS_OUT)/domu_fuzz_victim.elf
FUZZ_VARS   := SEEDS ITERS JOBS TRACE TRACE_FROM START AVOID REPRO HANG PROGRESS RESTARTS \
	VCPUS FUZZ_ARGS

.PHONY: fuzz fuzz-guests
fuzz-guests: $(FUZZ_GUESTS)
fuzz: $(HV_ELF) fuzz-guests
	@$(foreach v,$(FUZZ_VARS),$(if $($(v)),$(v)="$($(v))")) bash tests/fuzz/run.sh
