# dom0 toolstack: the host build of its portable core (lib/config, the xlstored
# engine) and the Check tests in tests/tools/, with ASan/UBSan like tests/unit.
#   make tools-unit    builds build/tests/tools/run-tools-unit
TOOLS_DIR  := dom0-tools
TOOLS_CORE := $(addprefix $(TOOLS_DIR)/lib/config/,config_syntax.c config_parse.c \
	config_dump.c config_hash.c) \
	$(addprefix $(TOOLS_DIR)/xlstored/,node_table.c path.c perms.c tree.c txn.c \
	watch.c outq.c domain.c engine.c wire.c domain_nodes.c)
# The domain builder (lib/guest) and the control wrappers (lib/ctrl) compile the
# hypervisor's own ELF parser, PV layout and formatter, as Xen's tools build libelf.
TOOLS_BUILDER := $(wildcard $(TOOLS_DIR)/lib/ctrl/*.c) $(wildcard $(TOOLS_DIR)/lib/guest/*.c) \
	hypervisor/common/elf_loader.c hypervisor/arch/x86_64/pv_layout.c \
	hypervisor/common/vsnprintf.c
TOOLS_BUILDER_INC := -I$(TOOLS_DIR)/lib/ctrl -I$(TOOLS_DIR)/lib/guest -Ihypervisor/include \
	-Ihypervisor/arch/x86_64/include -Ipv-abi/include
TOOLS_CORE += $(TOOLS_BUILDER)
TOOLS_TEST_SRCS := $(wildcard tests/tools/*.c) tests/unit/elf_fixtures.c
TOOLS_UNIT_BIN  := $(BUILD)/tests/tools/run-tools-unit
TOOLS_INC := -I$(TOOLS_DIR)/lib/config -I$(TOOLS_DIR)/xlstored -Ipv-abi/include \
	$(TOOLS_BUILDER_INC) -Itests/unit

$(TOOLS_UNIT_BIN): $(TOOLS_CORE) $(TOOLS_TEST_SRCS) $(wildcard tests/tools/*.h) \
		$(wildcard $(TOOLS_DIR)/lib/config/*.h) $(wildcard $(TOOLS_DIR)/xlstored/*.h) \
		$(wildcard $(TOOLS_DIR)/lib/ctrl/*.h) $(wildcard $(TOOLS_DIR)/lib/guest/*.h) \
		tests/unit/elf_fixtures.h hypervisor/include/hv/elf_loader.h \
		hypervisor/arch/x86_64/include/x86/pv_layout.h \
		$(TOOLS_DIR)/tools.mk | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) -std=c11 -g -O1 $(WARN) -fsanitize=address,undefined -fno-sanitize-recover=all \
		$(TOOLS_INC) $(TOOLS_CORE) $(TOOLS_TEST_SRCS) $$(pkg-config --cflags --libs check) \
		-o $@

.PHONY: tools-unit
tools-unit: $(TOOLS_UNIT_BIN)
include $(TOOLS_DIR)/dom0.mk
