# The toolstack programs built for dom0 (newlib, the guest kernel's libc and crt0), for
# its ramdisk: build/dom0-tools/bin/{xlite,xlconsoled}. Included from tools.mk, after
# guest-kernel-patch/kernel.mk (GK_USER_CFLAGS, GK_LIBC_OBJS, NEWLIB, GK_LIBGCC).
D0_OUT := $(BUILD)/dom0-tools
D0_INC := -I$(TOOLS_DIR)/lib/config -I$(TOOLS_DIR)/lib/ctrl -I$(TOOLS_DIR)/lib/guest \
	-I$(TOOLS_DIR)/lib/dom0 -I$(TOOLS_DIR)/xlstored -Ihypervisor/include \
	-Ihypervisor/arch/x86_64/include -I$(D0_OUT)/inc
D0_LIB_SRCS := $(wildcard $(TOOLS_DIR)/lib/dom0/*.c) $(wildcard $(TOOLS_DIR)/lib/ctrl/*.c) \
	$(TOOLS_DIR)/xlstored/wire.c
D0_BUILDER_SRCS := $(wildcard $(TOOLS_DIR)/lib/config/*.c) $(wildcard $(TOOLS_DIR)/lib/guest/*.c) \
	hypervisor/common/elf_loader.c hypervisor/arch/x86_64/pv_layout.c \
	hypervisor/common/vsnprintf.c
D0_XLITE_SRCS := $(wildcard $(TOOLS_DIR)/xlite/*.c) $(D0_LIB_SRCS) $(D0_BUILDER_SRCS)
D0_XLCONSOLED_SRCS := $(wildcard $(TOOLS_DIR)/xlconsoled/*.c) $(D0_LIB_SRCS)
D0_XLSTORED_SRCS := $(sort $(wildcard $(TOOLS_DIR)/xlstored/*.c) $(D0_LIB_SRCS))
D0_OBJ = $(patsubst %.c,$(D0_OUT)/obj/%.o,$(1))
D0_BINS := $(D0_OUT)/bin/xlite $(D0_OUT)/bin/xlconsoled $(D0_OUT)/bin/xlstored
.SECONDARY: $(call D0_OBJ,$(D0_XLITE_SRCS) $(D0_XLCONSOLED_SRCS) $(D0_XLSTORED_SRCS))

# xxhash.h alone (header-only XXH3): the system's copy, without the rest of /usr/include.
$(D0_OUT)/inc/xxhash.h: | $(DEPS_STAMP)
	@mkdir -p $(@D)
	cp /usr/include/xxhash.h $@

$(D0_OUT)/obj/%.o: %.c $(NEWLIB_LIBC) $(D0_OUT)/inc/xxhash.h $(TOOLS_DIR)/dom0.mk
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(GK_CC) $(GK_USER_CFLAGS) $(D0_INC) -c $< -o $@

define D0_LINK
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)ld -static -nostdlib -z noexecstack -z max-page-size=4096 -Ttext-segment=0x400000 \
		-o $@ $(GK_OUT)/uobj/libc/crt0.o $(filter $(D0_OUT)/obj/%,$^) \
		$(filter-out $(GK_OUT)/uobj/libc/crt0.o,$(GK_LIBC_OBJS)) \
		--start-group $(NEWLIB)/lib/libc.a $(NEWLIB)/lib/libm.a $(GK_LIBGCC) --end-group
	$(Q)strip -g $@
endef

$(D0_OUT)/bin/xlite: $(call D0_OBJ,$(D0_XLITE_SRCS)) $(GK_LIBC_OBJS)
	$(D0_LINK)
$(D0_OUT)/bin/xlconsoled: $(call D0_OBJ,$(D0_XLCONSOLED_SRCS)) $(GK_LIBC_OBJS)
	$(D0_LINK)
$(D0_OUT)/bin/xlstored: $(call D0_OBJ,$(D0_XLSTORED_SRCS)) $(GK_LIBC_OBJS)
	$(D0_LINK)

.PHONY: dom0-tools
dom0-tools: $(D0_BINS)

D0_ALL_SRCS := $(sort $(D0_XLITE_SRCS) $(D0_XLCONSOLED_SRCS) $(D0_XLSTORED_SRCS))
-include $(patsubst %.o,%.d,$(call D0_OBJ,$(D0_ALL_SRCS)))
