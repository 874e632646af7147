# Bench guests: every tests/bench/bench_*.c, linked with the runtime in tests/bench/lib,
# becomes $(BENCH_OUT)/bench_*.elf, a Xen PV kernel. `make bench` boots them in QEMU
# (tests/bench/run.sh, scenarios in tests/bench/scenarios/); `make test` smoke-tests
# them (tests/bench/smoke.sh). Include from the top-level Makefile, or run alone:
#   make -f tests/bench/bench.mk [BENCH_OUT=dir] bench-guests   (from the repository root)
BENCH_DIR  := tests/bench
BENCH_OUT  ?= $(or $(BUILD),build)/tests/bench
BENCH_CC   ?= gcc
BENCH_LD   ?= ld
# The guests' own flags (not the test guests'): -O2 as a real kernel would be built,
# no SSE so the runtime needs no FPU state of its own.
BENCH_CFLAGS := -std=c11 -O2 -Wall -Wextra -Werror -ffreestanding -fno-stack-protector \
	-mno-red-zone -mgeneral-regs-only -fno-pic -fno-pie -mcmodel=small -nostdlib -static \
	-fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables -fcf-protection=none \
	-Ipv-abi/include -I$(BENCH_DIR)/lib -MMD -MP
BENCH_ASFLAGS := -D__ASSEMBLER__ -Ipv-abi/include -I$(BENCH_DIR)/lib -MMD -MP
BENCH_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack \
	--no-warn-rwx-segments -T $(BENCH_DIR)/lib/bench.lds

BENCH_LIB_SRCS := $(wildcard $(BENCH_DIR)/lib/*.c) $(wildcard $(BENCH_DIR)/lib/*.S)
BENCH_LIB_OBJS := $(patsubst $(BENCH_DIR)/%,$(BENCH_OUT)/obj/%.o,$(basename $(BENCH_LIB_SRCS)))
BENCH_SRCS     := $(wildcard $(BENCH_DIR)/bench_*.c)
BENCH_ELFS     := $(patsubst $(BENCH_DIR)/%.c,$(BENCH_OUT)/%.elf,$(BENCH_SRCS))

.PHONY: bench-guests bench
bench-guests: $(BENCH_ELFS)
.SECONDARY: $(BENCH_LIB_OBJS) $(patsubst $(BENCH_OUT)/%.elf,$(BENCH_OUT)/obj/%.o,$(BENCH_ELFS))

$(BENCH_OUT)/obj/%.o: $(BENCH_DIR)/%.c
	@mkdir -p $(@D)
	$(BENCH_CC) $(BENCH_CFLAGS) -c $< -o $@
$(BENCH_OUT)/obj/%.o: $(BENCH_DIR)/%.S
	@mkdir -p $(@D)
	$(BENCH_CC) $(BENCH_ASFLAGS) -c $< -o $@
$(BENCH_OUT)/%.elf: $(BENCH_OUT)/obj/%.o $(BENCH_LIB_OBJS) $(BENCH_DIR)/lib/bench.lds
	$(BENCH_LD) $(BENCH_LDFLAGS) -o $@ $< $(BENCH_LIB_OBJS)

# Boot every scenario, print the table, write $(BENCH_OUT)/../../bench.json
# (build/bench.json). Runs alone: QEMU boots one after another, never in parallel.
bench: $(HV_ELF) bench-guests
	@bash $(BENCH_DIR)/run.sh

-include $(BENCH_LIB_OBJS:.o=.d) $(patsubst $(BENCH_OUT)/%.elf,$(BENCH_OUT)/obj/%.d,$(BENCH_ELFS))
