#!/usr/bin/env bash
# The memory summary counts the usable RAM of the Multiboot2 map: 512 MiB guest.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

MEM=512M
boot_build_iso memory-512m -c "exit_on_shutdown"
boot_iso memory-512m "$BOOT_ISO"
expect_memory 512
expect_exit 1
