#!/usr/bin/env bash
# dom0 and a boot-time domain: module 0 is dom0's kernel, module 1 (a domU) is not
# taken as its ramdisk (dom0's boot-contract test checks mod_len 0), a module that is
# neither is ignored with a warning; dom0 prints as "(d0)", the domU (id 1) under its
# name and unprivileged, both power off, no frame leaks (exit status 1).
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

guests=${XLITE_GUESTS:-$XLITE_ROOT/build/tests/guests}   # domu_*.elf, test_*.elf
dom0=$guests/test_boot_contract.elf
info=$guests/domu_info.elf
for f in "$dom0" "$info"; do
    [[ -f $f ]] || fail "no $f (make guests, with tests/guests/domu.mk included)"
done
stray=$BOOT_LOG_DIR/bootdom-with-dom0-stray.bin
mkdir -p "$BOOT_LOG_DIR"
head -c 5000 /dev/zero > "$stray"

# dom0's command line and memory are what test_boot_contract.c expects.
boot_build_iso bootdom-with-dom0 -c "exit_on_shutdown dom0_mem=64M" \
    -m "$dom0 boot-contract-cmdline pages=16384 key=value" \
    -m "$info domU name=guest cmdline=\"with dom0\"" \
    -m "$stray not a domain"
boot_iso bootdom-with-dom0 "$BOOT_ISO"

expect '^d0: privileged kernel '
expect "^module 2: ignored: not dom0's and not a domU"
expect_exit 1
has "^domU module 1: d1 'guest': 32 MiB, 1 vCPU, weight 256, cmdline 'with dom0'$"
says d0 '^PASS start_info_no_module$' '^DONE [0-9]+ passed, 0 failed$'
says guest "^domu-info flags 0x0 nr_pages 8192 cmdline 'with dom0'$" '^PASS unprivileged$' \
    '^DONE 1 passed, 0 failed$'
has '^d0 \(dom0\): shut down: poweroff$'
has '^d1 \(guest\): shut down: poweroff$'
has '^frames: [0-9]+ free, as before any domain was built$'
reject 'LEAK|HYPERVISOR FAULT|crashed|^\((d0|guest)\) FAIL|^\(d1\) |dom0=none'
