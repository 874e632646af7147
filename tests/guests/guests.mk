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
