#!/usr/bin/env bash
# A fault inside the guest kernel (command line "kcrash") is reported with vector,
# RIP and CR2 and a symbolised backtrace, and the domain shuts down with reason crash
# (the hypervisor logs "shut down: crash") instead of hanging.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

k=$XLITE_ROOT/build/guest/dom0.elf rd=$XLITE_ROOT/build/dom0-ramdisk.cpio
[[ -f $k && -f $rd ]] || fail "no $k or $rd (make guest-kernel)"
boot_build_iso kernel-crash -c "exit_on_shutdown loglvl=info" -m "$k dom0 kcrash" \
    -m "$rd dom0-ramdisk"
boot_iso kernel-crash "$BOOT_ISO"

expect '^\(d0\) KERNEL FAULT: vector 14 \(page fault\), error 0x[0-9a-f]+$' 40
expect '^\(d0\)   RIP 0x[0-9a-f]+ <kernel_crash_test[.a-z0-9]*\+0x[0-9a-f]+>, RSP 0x[0-9a-f]+, CR2 0x7ff0000000$'
expect '^\(d0\)   backtrace:$'
expect '^\(d0\)     0x[0-9a-f]+ <kernel_main\+0x[0-9a-f]+>$'
expect '^d0 \(dom0\): shut down: crash'
expect_exit 1
reject 'HYPERVISOR FAULT'
