#!/usr/bin/env bash
# Boot Debian's stock Linux kernel on xlite: tests/linux/run.sh [SCENARIO...]
# Builds (or reuses) build/linux/ with scripts/linux-guest.sh, then runs
# tests/linux/scenarios/*.sh (or the named ones) through tests/boot/run.sh, one at a
# time. Logs and ISOs land in build/tests/linux/ (NAME.log is the serial output).
# Linux under TCG takes tens of seconds to reach init, so each scenario gets
# BOOT_TIMEOUT seconds (default 300) instead of the boot tests' 60.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

bash "$root/scripts/linux-guest.sh"

export BOOT_LOG_DIR=${BOOT_LOG_DIR:-$root/build/tests/linux}
export BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}
export BOOT_JOBS=${BOOT_JOBS:-1}
export BOOT_SCENARIO_DIR=$here/scenarios
exec "$root/tests/boot/run.sh" "$@"
