#!/usr/bin/env bash
# Multiboot2 modules are listed in order, each with its string (spaces kept)
# and an address range as long as the module file.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

mkdir -p "$BOOT_LOG_DIR"
kernel=$BOOT_LOG_DIR/modules-kernel.bin initrd=$BOOT_LOG_DIR/modules-initrd.bin
head -c 12345 /dev/zero > "$kernel"
head -c 70000 /dev/zero > "$initrd"

boot_build_iso modules -c "exit_on_shutdown" \
    -m "$kernel guest kernel console=hvc0 root=/dev/xvda1" \
    -m "$initrd initial ramdisk"
boot_iso modules "$BOOT_ISO"

# expect_module INDEX STRING SIZE: the module's line, with STRING literally and
# END-START equal to SIZE (exclusive end) or SIZE-1 (inclusive end).
expect_module() {
    local start end
    expect "module $1: (0x)?([0-9a-fA-F]+)-(0x)?([0-9a-fA-F]+) '$2'\$"
    start=$((16#${BASH_REMATCH[2]})) end=$((16#${BASH_REMATCH[4]}))
    (( end - start == $3 || end - start == $3 - 1 )) \
        || fail "module $1 spans $((end - start)) bytes, file has $3: '$MATCH'"
}
expect_module 0 "guest kernel console=hvc0 root=/dev/xvda1" 12345
expect_module 1 "initial ramdisk" 70000
expect_exit 1
