# xlite: top-level build. Everything goes to build/ (out of tree).
#   make            build everything        make iso     build/xlite.iso
#   make run        boot the ISO in QEMU    make test    all tests, "N passed, N failed"
#   make iso EXTRA_GUESTS="g.elf g.cfg"     more guests in dom0's /boot and /etc/xlite
.DEFAULT_GOAL := all
SHELL := /bin/bash

BUILD  := build
CC     := gcc
LD     := ld
ARCH   := x86_64

# ---------------------------------------------------------------- dependencies
# Missing Debian packages are installed (as root) before anything is built.
DEPS_STAMP := $(BUILD)/.deps-ok
$(DEPS_STAMP): scripts/install-deps.sh
	@sh scripts/install-deps.sh
	@mkdir -p $(BUILD) && touch $@
.PHONY: deps
deps: $(DEPS_STAMP)

# ---------------------------------------------------------------- hypervisor
HV_DIR   := hypervisor
HV_OUT   := $(BUILD)/hypervisor
HV_ELF   := $(HV_OUT)/xlite.elf
HV_INC   := -I$(HV_DIR)/include -I$(HV_DIR)/arch/$(ARCH)/include -Ipv-abi/include
WARN     := -Wall -Wextra -Werror
# Freestanding, no red zone (interrupts push onto the current stack), no SSE in the
# hypervisor (guest FPU state is theirs), RIP-relative code (-fpie) because the image
# lives in neither the low nor the top 2 GiB, frame pointers for stack traces.
HV_CFLAGS := -std=c11 -O2 -g $(WARN) -ffreestanding -fno-stack-protector \
	-fno-stack-clash-protection -mno-red-zone -mgeneral-regs-only -fpie \
	-fno-omit-frame-pointer -fno-optimize-sibling-calls -fno-asynchronous-unwind-tables \
	-fno-strict-aliasing -fcf-protection=none -include $(HV_DIR)/include/hidden.h \
	-MMD -MP $(HV_INC)
HV_ASFLAGS := -D__ASSEMBLER__ $(HV_INC) -MMD -MP
HV_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack --no-warn-rwx-segments \
	-T $(HV_DIR)/arch/$(ARCH)/xlite.lds

HV_SRCS := $(wildcard $(HV_DIR)/common/*.c) $(wildcard $(HV_DIR)/arch/$(ARCH)/*.c) \
	$(wildcard $(HV_DIR)/arch/$(ARCH)/*.S)
HV_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(HV_SRCS)))

# V=1 shows full commands.
Q := $(if $(V),,@)
$(BUILD)/$(HV_DIR)/%.o: $(HV_DIR)/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(HV_CFLAGS) -c $< -o $@
$(BUILD)/$(HV_DIR)/%.o: $(HV_DIR)/%.S | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(HV_ASFLAGS) -c $< -o $@

# Flags live here: a changed Makefile rebuilds the hypervisor (a few seconds).
$(HV_OBJS): Makefile

# Two links: the first gives the addresses for the symbol table the second embeds.
# .ksyms sits after everything it describes, so the check below must find the text
# symbols unchanged.
$(HV_OUT)/ksyms-empty.S: scripts/gen-ksyms.sh
	@mkdir -p $(@D)
	sh scripts/gen-ksyms.sh > $@
$(HV_OUT)/%.o: $(HV_OUT)/%.S
	$(CC) -c $< -o $@
$(HV_OUT)/xlite.pass1.elf: $(HV_OBJS) $(HV_OUT)/ksyms-empty.o $(HV_DIR)/arch/$(ARCH)/xlite.lds
	$(LD) $(HV_LDFLAGS) -o $@ $(HV_OBJS) $(HV_OUT)/ksyms-empty.o
$(HV_OUT)/ksyms.S: $(HV_OUT)/xlite.pass1.elf scripts/gen-ksyms.sh
	sh scripts/gen-ksyms.sh $< > $@
$(HV_ELF): $(HV_OUT)/xlite.pass1.elf $(HV_OUT)/ksyms.o
	$(LD) $(HV_LDFLAGS) -o $@ $(HV_OBJS) $(HV_OUT)/ksyms.o
	@cmp -s <(nm -n $< | grep -i ' t ') <(nm -n $@ | grep -i ' t ') || \
		{ echo "xlite.elf: text moved between links; symbol table is wrong" >&2; rm -f $@; exit 1; }
	@grub-file --is-x86-multiboot2 $@ || { echo "$@: not Multiboot2" >&2; rm -f $@; exit 1; }

.PHONY: hypervisor
hypervisor: $(HV_ELF)

# ---------------------------------------------------------------- newlib (guest libc)
# Built once from Debian's newlib-source and cached (the script checks its own stamp,
# so calling it every time costs ~30 ms). `make clean` keeps it; `make distclean` not.
NEWLIB_DIR  := $(BUILD)/newlib
NEWLIB      := $(NEWLIB_DIR)/install/x86_64-elf
NEWLIB_LIBC := $(NEWLIB)/lib/libc.a
.PHONY: newlib FORCE
FORCE:
newlib: $(NEWLIB_LIBC)
$(NEWLIB_LIBC): FORCE | $(DEPS_STAMP)
	@bash scripts/build-newlib.sh $(NEWLIB_DIR)

# ---------------------------------------------------------------- ISO
# dom0 is the guest kernel (guest-kernel-patch/kernel.mk) with its ramdisk as module 1;
# the ramdisk carries test guests (below) in /boot/tests.
GUESTS_OUT := $(BUILD)/tests/guests
BENCH_OUT  := $(BUILD)/tests/bench
include guest-kernel-patch/kernel.mk
DOM0_KERNEL  := $(BUILD)/guest/dom0.elf
DOM0_RAMDISK := $(BUILD)/dom0-ramdisk.cpio
HV_CMDLINE   ?= console=com1 loglvl=info
$(BUILD)/xlite.iso: $(HV_ELF) $(DOM0_KERNEL) $(DOM0_RAMDISK) scripts/mkiso.sh
	bash scripts/mkiso.sh -o $@ -k $(HV_ELF) -c "$(HV_CMDLINE)" \
		-m "$(DOM0_KERNEL) dom0" -m "$(DOM0_RAMDISK) dom0-ramdisk"
.PHONY: iso
iso: $(BUILD)/xlite.iso

# ---------------------------------------------------------------- run
# TCG by default (this machine's /dev/kvm cannot run ring-0 code); QEMU < 8 needs SMAP off.
QEMU     := qemu-system-x86_64
QEMU_CPU  = $(shell $(QEMU) --version 2>/dev/null | \
	awk '/version/ { split($$4, v, "."); print (v[1] < 8 ? "max,-smap" : "max"); exit }')
QEMU_MEM ?= 1G
.PHONY: run
run: $(BUILD)/xlite.iso
	@echo "xlite: booting in QEMU; quit with Ctrl-A then X"
	$(QEMU) -M pc -cpu $(QEMU_CPU) -accel tcg -m $(QEMU_MEM) -display none \
		-serial mon:stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-cdrom $< -boot d

# ---------------------------------------------------------------- host unit tests
# Host-testable hypervisor code (no hardware access), with ASan/UBSan, named by path:
# where a file lives says whether it is x86-specific, not whether it can be tested.
HV_COMMON := $(HV_DIR)/common
HV_ARCH   := $(HV_DIR)/arch/$(ARCH)
UNIT_HV_SRCS := $(addprefix $(HV_COMMON)/,multiboot2.c cmdline.c memmap.c frame.c \
	vsnprintf.c timescale.c symbols.c elf_loader.c console_input.c timer_queue.c \
	domu_config.c evtchn_ports.c grant_core.c grant_check.c) \
	$(addprefix $(HV_ARCH)/,pv_layout.c x86_insn.c page_type.c page_type_check.c \
	ptwr_insn.c)
UNIT_SRCS := $(wildcard tests/unit/*.c) $(UNIT_HV_SRCS)
UNIT_BIN  := $(BUILD)/tests/unit/run-unit
$(UNIT_BIN): $(UNIT_SRCS) $(wildcard tests/unit/*.h) $(wildcard $(HV_DIR)/include/*/*.h) \
		$(HV_COMMON)/string.c \
		$(wildcard $(HV_ARCH)/include/*/*.h) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) -std=c11 -g -O1 $(WARN) -DXLITE_HOST_TEST -fsanitize=address,undefined \
		-fno-sanitize-recover=all $(HV_INC) \
		$(UNIT_SRCS) $$(pkg-config --cflags --libs check) -o $@
.PHONY: unit
unit: $(UNIT_BIN)

# ---------------------------------------------------------------- test guests
# Small PV kernels, one per behaviour, booted as dom0 by tests/guests/run.sh
# (GUESTS_OUT is set above, before the ramdisk's rule).
include tests/guests/guests.mk
include tests/guests/domu.mk
include tests/fuzz/fuzz.mk

# ---------------------------------------------------------------- benchmarks
# Bench guests (tests/bench/): `make bench` boots them for figures, `make test` only
# smoke-tests them (figures never decide pass or fail).
include tests/bench/bench.mk
include dom0-tools/tools.mk
include tests/linux/linux.mk

# ---------------------------------------------------------------- tests
.PHONY: all test
all: $(HV_ELF) $(UNIT_BIN) $(NEWLIB_LIBC) $(BUILD)/xlite.iso guests bench-guests tools-unit \
	guest-kernel kernel-unit

test: all
	@bash tests/run-all.sh

.PHONY: clean distclean
clean:
	@if [ -d $(BUILD) ]; then \
		find $(BUILD) -mindepth 1 -maxdepth 1 ! -name newlib ! -name .deps-ok -exec rm -rf {} +; \
	fi
distclean:
	rm -rf $(BUILD)

-include $(HV_OBJS:.o=.d)
include tests/bench/xen/xen.mk
