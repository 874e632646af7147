# Debian's stock Linux kernel as a boot-time domU (tests/linux/); `make test` runs it too:
#   make linux-guest   fetch and build build/linux/{vmlinux,initrd.cpio} (scripts/linux-guest.sh)
#   make linux-test    boot tests/linux/scenarios/*.sh on the hypervisor
# The top-level Makefile includes this file:
#   include tests/linux/linux.mk
.PHONY: linux-guest linux-test
linux-guest: | $(DEPS_STAMP)
	@bash scripts/linux-guest.sh
linux-test: $(HV_ELF) | $(DEPS_STAMP)
	@bash tests/linux/run.sh
