#!/usr/bin/env bash
# The memory summary counts the usable RAM of the Multiboot2 map: 1 GiB guest.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

MEM=1G
boot_build_iso memory-1g -c "exit_on_shutdown"
boot_iso memory-1g "$BOOT_ISO"
expect_memory 1024
expect_exit 1
