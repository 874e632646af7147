#!/usr/bin/env bash
# Every other way a domU module is refused before anything is allocated, one line
# each naming the module and the key or image: a duplicate name, an image that is not
# a PV ELF, more memory than is free, a reserved name, too many vCPUs. The two valid
# domains (first and last module; 8 vCPUs is the limit) still run; no frame leaks.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

guests=${XLITE_GUESTS:-$XLITE_ROOT/build/tests/guests}   # domu_*.elf, test_*.elf
info=$guests/domu_info.elf
[[ -f $info ]] || fail "no $info (make guests, with tests/guests/domu.mk included)"
text=$BOOT_LOG_DIR/bootdom-refused-text.bin
mkdir -p "$BOOT_LOG_DIR"
echo "not an ELF image" > "$text"

boot_build_iso bootdom-refused -c "exit_on_shutdown dom0=none" \
    -m "$info domU name=x memory=16" \
    -m "$info domU name=x" \
    -m "$text domU name=text" \
    -m "$info domU name=big memory=16384" \
    -m "$info domU name=d0" \
    -m "$info domU name=y vcpus=9" \
    -m "$info domU name=z memory=8 vcpus=8 cmdline=last"
boot_iso bootdom-refused "$BOOT_ISO"

expect "^domU module 0: d1 'x': 16 MiB, 1 vCPU, weight 256, cmdline ''$"
expect "^domU module 1: bad value for 'name': 'x' \(d1 has that name\)$"
expect "^domU module 2: bad kernel image: elf: "
expect "^domU module 3: bad value for 'memory': '16384' \(only [0-9]+ MiB free\)$"
expect "^domU module 4: bad value for 'name': 'd0' \(reserved: reads like a domain id\)$"
expect "^domU module 5: bad value for 'vcpus': '9' \(1\.\.8\)$"
expect "^domU module 6: d7 'z': 8 MiB, 8 vCPUs, weight 256, cmdline 'last'$"
expect_exit 1
for i in 1 2 3 4 5; do one_line "domU module $i:"; done
says x "^domu-info flags 0x0 nr_pages 4096 cmdline ''$" '^DONE 1 passed, 0 failed$'
says z "^domu-info flags 0x0 nr_pages 2048 cmdline 'last'$" '^DONE 1 passed, 0 failed$'
has '^d1 \(x\): shut down: poweroff$'
has '^d7 \(z\): shut down: poweroff$'
has '^frames: [0-9]+ free, as before any domain was built$'
reject 'LEAK|HYPERVISOR FAULT|crashed|^d[2-6][: ]|^\((text|big|y|d[0-9]+)\) |^\([xz]\) FAIL'
