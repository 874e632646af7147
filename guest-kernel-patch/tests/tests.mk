# Host unit tests (Check, ASan/UBSan) of the guest kernel's portable code: the cpio
# reader, ELF validation, the store wire format and client, ring arithmetic, pvclock,
# paths and VFS lookup, the console line discipline on a ring.
# Included from guest-kernel-patch/kernel.mk; `make kernel-unit`, run by run-all.sh.
GK_UNIT_BIN  := $(BUILD)/tests/kernel/run-kernel-unit
GK_UNIT_SRCS := $(wildcard $(GK)/tests/*.c) $(GK)/kernel/cpio.c $(GK)/kernel/elf.c \
	$(GK)/kernel/path.c $(GK)/drivers/store_wire.c $(GK)/drivers/store.c \
	$(GK)/kernel/vfs.c $(GK)/drivers/console.c
$(GK_UNIT_BIN): $(GK_UNIT_SRCS) $(wildcard $(GK)/tests/*.h) $(wildcard $(GK)/include/*.h) \
		| $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
		-fno-sanitize-recover=all -I$(GK)/include -I$(GK)/tests -Ipv-abi/include \
		$(GK_UNIT_SRCS) $$(pkg-config --cflags --libs check) -o $@
.PHONY: kernel-unit
kernel-unit: $(GK_UNIT_BIN)
