# The xlite PV guest kernel (guest-kernel-patch/): two images from one kernel,
#   build/guest/dom0.elf  + build/dom0-ramdisk.cpio   (ramdisk as Multiboot2 module 1)
#   build/guest/domu.elf  (its small ramdisk linked in: boot-time domUs get no module)
# plus the newlib-based user programs and the host unit tests of the portable code.
# Included from the top-level Makefile (needs BUILD, NEWLIB, NEWLIB_LIBC, Q).
GK        := guest-kernel-patch
GK_OUT    := $(BUILD)/guest
GK_CC     ?= gcc
GK_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-stack-protector \
	-mno-red-zone -mgeneral-regs-only -fno-pic -fno-pie -mcmodel=small -nostdlib -static \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-optimize-sibling-calls \
	-fno-asynchronous-unwind-tables \
	-fno-tree-loop-distribute-patterns -fcf-protection=none -fno-strict-aliasing \
	-Ipv-abi/include -I$(GK)/include -I$(GK)/arch/pv -MMD -MP
GK_ASFLAGS := -D__ASSEMBLER__ -Ipv-abi/include -I$(GK)/include -I$(GK)/arch/pv -MMD -MP
GK_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack -T $(GK)/arch/pv/kernel.lds

GK_SRCS := $(wildcard $(GK)/arch/pv/*.c) $(GK)/arch/pv/head.S $(wildcard $(GK)/kernel/*.c) \
	$(wildcard $(GK)/drivers/*.c)
GK_OBJS := $(patsubst $(GK)/%,$(GK_OUT)/obj/%.o,$(basename $(GK_SRCS)))

$(GK_OUT)/obj/%.o: $(GK)/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(GK_CC) $(GK_CFLAGS) -c $< -o $@
$(GK_OUT)/obj/%.o: $(GK)/%.S | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(GK_CC) $(GK_ASFLAGS) -c $< -o $@
$(GK_OBJS): $(GK)/kernel.mk

# ------------------------------------------------------------------ user programs
GK_USER_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -nostdlib \
	-fno-stack-protector -mno-red-zone -fno-pie -mcmodel=small -march=x86-64 \
	-nostdinc -isystem $(NEWLIB)/include -isystem $(shell $(GK_CC) -print-file-name=include) \
	-I$(GK)/include -I$(GK)/libc -Ipv-abi/include -MMD -MP
GK_LIBGCC := $(shell $(GK_CC) -print-libgcc-file-name)
GK_LIBC_SRCS := $(wildcard $(GK)/libc/*.c) $(wildcard $(GK)/libc/*.S)
GK_LIBC_OBJS := $(patsubst $(GK)/%,$(GK_OUT)/uobj/%.o,$(basename $(GK_LIBC_SRCS)))
GK_PROGS := $(notdir $(basename $(wildcard $(GK)/user/*.c)))
GK_PROG_ELFS := $(patsubst %,$(GK_OUT)/bin/%,$(GK_PROGS))
# Keep the objects: they are intermediate files of pattern chains.
.SECONDARY: $(GK_LIBC_OBJS) $(patsubst %,$(GK_OUT)/uobj/user/%.o,$(GK_PROGS))

$(GK_OUT)/uobj/%.o: $(GK)/%.c $(NEWLIB_LIBC)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(GK_CC) $(GK_USER_CFLAGS) -c $< -o $@
$(GK_OUT)/uobj/%.o: $(GK)/%.S
	@mkdir -p $(@D)
	$(Q)$(GK_CC) -D__ASSEMBLER__ -c $< -o $@
$(GK_OUT)/bin/%: $(GK_OUT)/uobj/user/%.o $(GK_LIBC_OBJS)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)ld -static -nostdlib -z noexecstack -z max-page-size=4096 -Ttext-segment=0x400000 \
		-o $@ $(GK_OUT)/uobj/libc/crt0.o $< \
		$(filter-out $(GK_OUT)/uobj/libc/crt0.o,$(GK_LIBC_OBJS)) \
		--start-group $(NEWLIB)/lib/libc.a $(NEWLIB)/lib/libm.a $(GK_LIBGCC) --end-group
	$(Q)strip -g $@

# ------------------------------------------------------------------ ramdisks
GK_DOM0_PROGS := init sh ls cat head echo ps kill free uptime dmesg sleep poweroff reboot help kbench \
	$(filter t_%,$(GK_PROGS))
GK_DOMU_PROGS := init hello
# The toolstack (dom0-tools/dom0.mk builds it): its programs in /bin, its daemons started
# by /etc/rc, example configs in /etc/xlite and the guest images they name in /boot.
GK_DOM0_TOOLS := $(BUILD)/dom0-tools/bin/xlite $(BUILD)/dom0-tools/bin/xlconsoled \
	$(BUILD)/dom0-tools/bin/xlstored
GK_DOM0_ETC := dom0-tools/etc/rc dom0-tools/etc/hello.cfg
# Test guests that run alone as domUs: /boot/tests/NAME with /etc/xlite/tests/NAME.cfg,
# so `xlite create -c /etc/xlite/tests/NAME.cfg` shows the results their boot-time
# scenarios see. Needs GUESTS_OUT (the top-level Makefile sets it before this file).
GK_DOM0_TEST_GUESTS := domu_info domu_crash domu_db_crash domu_sleep domu_vcpus \
	domu_hostile_vcpu_init domu_store_flood domu_grant_granter domu_grant_peer domu_evtchn_pingpong \
	domu_grant_dies domu_grant_survivor domu_grant_mapper_dies domu_mmu_victim domu_mmu_attacker
GK_DOM0_TEST_ELFS := $(patsubst %,$(GUESTS_OUT)/%.elf,$(GK_DOM0_TEST_GUESTS))
GK_DOM0_TEST_CFGS := $(patsubst %,dom0-tools/etc/tests/%.cfg,$(GK_DOM0_TEST_GUESTS))
# Bench guests that measure alone as domUs (BENCH_OUT: set before this file too):
# /boot/bench/NAME with /etc/xlite/bench/NAME.cfg.
GK_DOM0_BENCH_GUESTS := bench_primitives
GK_DOM0_BENCH_ELFS := $(patsubst %,$(BENCH_OUT)/%.elf,$(GK_DOM0_BENCH_GUESTS))
GK_DOM0_BENCH_CFGS := $(patsubst %,dom0-tools/etc/bench/%.cfg,$(GK_DOM0_BENCH_GUESTS))
# `make iso EXTRA_GUESTS="a.elf b.cfg ..."`: *.cfg files go to /etc/xlite, anything else
# to /boot under its name without .elf. The list is kept in a file so that a change
# rebuilds the ramdisk.
EXTRA_GUESTS ?=
GK_EXTRA_LIST := $(BUILD)/extra-guests.list
$(GK_EXTRA_LIST): FORCE
	@mkdir -p $(@D)
	@echo "$(strip $(EXTRA_GUESTS))" | cmp -s - $@ || echo "$(strip $(EXTRA_GUESTS))" > $@
$(BUILD)/dom0-ramdisk.cpio: $(patsubst %,$(GK_OUT)/bin/%,$(GK_DOM0_PROGS)) $(GK)/kernel.mk \
		$(GK_DOM0_TOOLS) $(GK_DOM0_ETC) $(GK_OUT)/domu.elf $(GK_DOM0_TEST_ELFS) \
		$(GK_DOM0_TEST_CFGS) $(GK_DOM0_BENCH_ELFS) $(GK_DOM0_BENCH_CFGS) $(GK_EXTRA_LIST) \
		$(EXTRA_GUESTS) scripts/ramdisk-extra.sh
	@rm -rf $(BUILD)/ramdisk-root && mkdir -p $(BUILD)/ramdisk-root/bin \
		$(BUILD)/ramdisk-root/etc/xlite/tests $(BUILD)/ramdisk-root/boot/tests \
		$(BUILD)/ramdisk-root/etc/xlite/bench $(BUILD)/ramdisk-root/boot/bench
	cp $(filter $(GK_OUT)/bin/%,$^) $(GK_DOM0_TOOLS) $(BUILD)/ramdisk-root/bin/
	echo "xlite dom0 ramdisk" > $(BUILD)/ramdisk-root/etc/motd
	cp dom0-tools/etc/rc $(BUILD)/ramdisk-root/etc/rc
	cp dom0-tools/etc/hello.cfg $(BUILD)/ramdisk-root/etc/xlite/
	strip -g -o $(BUILD)/ramdisk-root/boot/hello $(GK_OUT)/domu.elf
	for g in $(GK_DOM0_TEST_GUESTS); do \
		strip -g -o $(BUILD)/ramdisk-root/boot/tests/$$g $(GUESTS_OUT)/$$g.elf || exit 1; done
	cp $(GK_DOM0_TEST_CFGS) $(BUILD)/ramdisk-root/etc/xlite/tests/
	for g in $(GK_DOM0_BENCH_GUESTS); do \
		strip -g -o $(BUILD)/ramdisk-root/boot/bench/$$g $(BENCH_OUT)/$$g.elf || exit 1; done
	cp $(GK_DOM0_BENCH_CFGS) $(BUILD)/ramdisk-root/etc/xlite/bench/
	bash scripts/ramdisk-extra.sh $(BUILD)/ramdisk-root $(EXTRA_GUESTS)
	cd $(BUILD)/ramdisk-root && find . | LC_ALL=C sort | cpio -o -H newc --quiet > $(abspath $@)
$(BUILD)/domu-ramdisk.cpio: $(patsubst %,$(GK_OUT)/bin/%,$(GK_DOMU_PROGS)) $(GK)/kernel.mk
	@rm -rf $(BUILD)/domu-ramdisk-root && mkdir -p $(BUILD)/domu-ramdisk-root/bin
	cp $(filter $(GK_OUT)/bin/%,$^) $(BUILD)/domu-ramdisk-root/bin/
	cd $(BUILD)/domu-ramdisk-root && find . | LC_ALL=C sort | cpio -o -H newc --quiet > $(abspath $@)

# ------------------------------------------------------------------ kernel images
# Two links each: the first gives the addresses for the symbol table of the second.
$(GK_OUT)/ksyms-empty.S: scripts/gen-ksyms.sh
	@mkdir -p $(@D)
	sh scripts/gen-ksyms.sh > $@
$(GK_OUT)/ramdisk-none.o: $(GK)/arch/pv/ramdisk.S
	@mkdir -p $(@D)
	$(GK_CC) -c $< -o $@
$(GK_OUT)/ramdisk-domu.o: $(GK)/arch/pv/ramdisk.S $(BUILD)/domu-ramdisk.cpio
	$(GK_CC) -DRAMDISK_FILE='"$(abspath $(BUILD)/domu-ramdisk.cpio)"' -c $< -o $@
$(GK_OUT)/%.ksyms.o: $(GK_OUT)/%.pass1.elf scripts/gen-ksyms.sh
	sh scripts/gen-ksyms.sh $< > $(GK_OUT)/$*.ksyms.S
	$(GK_CC) -c $(GK_OUT)/$*.ksyms.S -o $@
$(GK_OUT)/ksyms-empty.o: $(GK_OUT)/ksyms-empty.S
	$(GK_CC) -c $< -o $@

$(GK_OUT)/dom0.pass1.elf: $(GK_OBJS) $(GK_OUT)/ramdisk-none.o $(GK_OUT)/ksyms-empty.o \
		$(GK)/arch/pv/kernel.lds
	ld $(GK_LDFLAGS) -o $@ $(GK_OBJS) $(GK_OUT)/ramdisk-none.o $(GK_OUT)/ksyms-empty.o
$(GK_OUT)/dom0.elf: $(GK_OUT)/dom0.pass1.elf $(GK_OUT)/dom0.ksyms.o
	ld $(GK_LDFLAGS) -o $@ $(GK_OBJS) $(GK_OUT)/ramdisk-none.o $(GK_OUT)/dom0.ksyms.o
$(GK_OUT)/domu.pass1.elf: $(GK_OBJS) $(GK_OUT)/ramdisk-domu.o $(GK_OUT)/ksyms-empty.o \
		$(GK)/arch/pv/kernel.lds
	ld $(GK_LDFLAGS) -o $@ $(GK_OBJS) $(GK_OUT)/ramdisk-domu.o $(GK_OUT)/ksyms-empty.o
$(GK_OUT)/domu.elf: $(GK_OUT)/domu.pass1.elf $(GK_OUT)/domu.ksyms.o
	ld $(GK_LDFLAGS) -o $@ $(GK_OBJS) $(GK_OUT)/ramdisk-domu.o $(GK_OUT)/domu.ksyms.o

.PHONY: guest-kernel
guest-kernel: $(GK_OUT)/dom0.elf $(GK_OUT)/domu.elf $(BUILD)/dom0-ramdisk.cpio

-include $(GK_OBJS:.o=.d) $(GK_LIBC_OBJS:.o=.d)
-include $(patsubst $(GK_OUT)/bin/%,$(GK_OUT)/uobj/user/%.d,$(GK_PROG_ELFS))
include $(GK)/tests/tests.mk

# ------------------------------------------------------------------ bench
# `make bench` also prints the guest kernel's figures (boot to prompt, null system
# call, spawn+exit+wait); see guest-kernel-patch/bench.sh.
.PHONY: kernel-bench
kernel-bench: $(HV_ELF) $(GK_OUT)/dom0.elf $(BUILD)/dom0-ramdisk.cpio
	@bash $(GK)/bench.sh
bench: kernel-bench
