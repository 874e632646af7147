# Test guests: every tests/guests/test_*.c, linked with the runtime in lib/, becomes
# $(GUESTS_OUT)/test_*.elf, a PV kernel xlite boots as dom0 (tests/guests/run.sh).
# Include this from the top-level Makefile (target `guests`), or run it alone:
#   make -f tests/guests/guests.mk [GUESTS_OUT=dir]      (from the repository root)
GUESTS_DIR  := tests/guests
GUESTS_OUT  ?= $(or $(BUILD),build)/tests/guests
GUEST_CC    ?= gcc
GUEST_LD    ?= ld
GUEST_CFLAGS := -std=c11 -O2 -Wall -Wextra -Werror -ffreestanding -fno-stack-protector \
	-mno-red-zone -mgeneral-regs-only -fno-pic -fno-pie -mcmodel=small -nostdlib -static \
	-fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables -fcf-protection=none \
	-Ipv-abi/include -I$(GUESTS_DIR)/lib -MMD -MP
GUEST_ASFLAGS := -D__ASSEMBLER__ -Ipv-abi/include -I$(GUESTS_DIR)/lib -MMD -MP
GUEST_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack \
	--no-warn-rwx-segments -T $(GUESTS_DIR)/lib/guest.lds

GUEST_LIB_SRCS := $(wildcard $(GUESTS_DIR)/lib/*.c) $(wildcard $(GUESTS_DIR)/lib/*.S)
GUEST_LIB_OBJS := $(patsubst $(GUESTS_DIR)/%,$(GUESTS_OUT)/obj/%.o,$(basename $(GUEST_LIB_SRCS)))
GUEST_SRCS     := $(wildcard $(GUESTS_DIR)/test_*.c)
GUEST_ELFS     := $(patsubst $(GUESTS_DIR)/%.c,$(GUESTS_OUT)/%.elf,$(GUEST_SRCS))

.PHONY: guests
guests: $(GUEST_ELFS)
# Keep the objects (they are intermediate files of a pattern chain).
.SECONDARY: $(GUEST_LIB_OBJS) $(patsubst $(GUESTS_OUT)/%.elf,$(GUESTS_OUT)/obj/%.o,$(GUEST_ELFS))

$(GUESTS_OUT)/obj/%.o: $(GUESTS_DIR)/%.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@
$(GUESTS_OUT)/obj/%.o: $(GUESTS_DIR)/%.S
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_ASFLAGS) -c $< -o $@
$(GUESTS_OUT)/%.elf: $(GUESTS_OUT)/obj/%.o $(GUEST_LIB_OBJS) $(GUESTS_DIR)/lib/guest.lds
	$(GUEST_LD) $(GUEST_LDFLAGS) -o $@ $< $(GUEST_LIB_OBJS)

-include $(GUEST_LIB_OBJS:.o=.d) $(patsubst $(GUESTS_OUT)/%.elf,$(GUESTS_OUT)/obj/%.d,$(GUEST_ELFS))

# test_dom0_builder.elf also links the dom0 domain builder (dom0-tools/lib/guest and
# lib/ctrl) with the hypervisor sources it compiles, built with the guests' flags.
DOM0_BUILDER_SRCS := $(wildcard dom0-tools/lib/ctrl/*.c) $(wildcard dom0-tools/lib/guest/*.c) \
	hypervisor/common/elf_loader.c hypervisor/arch/x86_64/pv_layout.c \
	hypervisor/common/vsnprintf.c
DOM0_BUILDER_OBJS := $(patsubst %.c,$(GUESTS_OUT)/obj/builder/%.o,$(DOM0_BUILDER_SRCS))
DOM0_BUILDER_INC  := -Idom0-tools/lib/ctrl -Idom0-tools/lib/guest -Ihypervisor/include \
	-Ihypervisor/arch/x86_64/include
$(GUESTS_OUT)/obj/builder/%.o: %.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(DOM0_BUILDER_INC) -c $< -o $@
# It also carries a copy of domu_info.elf, for when it is booted without a module.
$(GUESTS_OUT)/obj/test_dom0_builder.o: GUEST_CFLAGS += $(DOM0_BUILDER_INC) \
	-DDOM0_BUILDER_DOMU='"$(GUESTS_OUT)/domu_info.elf"'
$(GUESTS_OUT)/obj/test_dom0_builder.o: $(GUESTS_OUT)/domu_info.elf
$(GUESTS_OUT)/test_dom0_builder.elf: $(GUESTS_OUT)/obj/test_dom0_builder.o $(GUEST_LIB_OBJS) \
		$(DOM0_BUILDER_OBJS) $(GUESTS_DIR)/lib/guest.lds
	$(GUEST_LD) $(GUEST_LDFLAGS) -o $@ $< $(GUEST_LIB_OBJS) $(DOM0_BUILDER_OBJS)
-include $(DOM0_BUILDER_OBJS:.o=.d)
