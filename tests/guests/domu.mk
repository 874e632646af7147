# Boot-time domain guests: every tests/guests/domu_*.c becomes $(GUESTS_OUT)/domu_*.elf
# with the same runtime and rules as the test guests (guests.mk, which must be read
# first). They are booted as `domU ...` modules by tests/boot/scenarios/bootdom-*.sh,
# never as dom0 by tests/guests/run.sh. From the top-level Makefile, after guests.mk:
#   include tests/guests/domu.mk
DOMU_GUEST_SRCS := $(wildcard $(GUESTS_DIR)/domu_*.c)
DOMU_GUEST_ELFS := $(patsubst $(GUESTS_DIR)/%.c,$(GUESTS_OUT)/%.elf,$(DOMU_GUEST_SRCS))

guests: $(DOMU_GUEST_ELFS)
.SECONDARY: $(patsubst $(GUESTS_OUT)/%.elf,$(GUESTS_OUT)/obj/%.o,$(DOMU_GUEST_ELFS))

-include $(patsubst $(GUESTS_OUT)/%.elf,$(GUESTS_OUT)/obj/%.d,$(DOMU_GUEST_ELFS))
