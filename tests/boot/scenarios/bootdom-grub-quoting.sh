#!/usr/bin/env bash
# The module string as GRUB really delivers it from a hand-written grub.cfg (not
# through scripts/mkiso.sh, which splits words): cmdline="hello world" arrives as
# "cmdline=hello world" (GRUB quotes a word holding spaces, keeping them), and a
# quote or apostrophe inside a word arrives backslash-escaped. Each is parsed back to
# the value written in grub.cfg.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. "$(dirname "$0")/../lib.sh"

guests=${XLITE_GUESTS:-$XLITE_ROOT/build/tests/guests}   # domu_*.elf, test_*.elf
info=$guests/domu_info.elf
[[ -f $info ]] || fail "no $info (make guests, with tests/guests/domu.mk included)"
[[ -f $XLITE_ELF ]] || fail "hypervisor not built: $XLITE_ELF (run 'make hypervisor')"

# The ISO, built like scripts/mkiso.sh does but from this grub.cfg.
stage=$BOOT_LOG_DIR/bootdom-grub-quoting.stage
rm -rf "$stage"
mkdir -p "$stage/boot/grub"
cp "$XLITE_ELF" "$stage/boot/xlite.elf"
cp "$info" "$stage/boot/t.elf"
cat > "$stage/boot/grub/grub.cfg" <<'CFG'
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
set timeout=0
set timeout_style=hidden
menuentry 'xlite' {
    multiboot2 /boot/xlite.elf exit_on_shutdown dom0=none
    module2 /boot/t.elf domU name=t memory=32 vcpus=1 weight=256 cmdline="hello world"
    module2 /boot/t.elf domU name=u "cmdline=console=hvc0   three  spaces" 'memory=16'
    module2 /boot/t.elf domU name=v 'cmdline="it'\''s quoted" x'
}
CFG
iso=$BOOT_LOG_DIR/bootdom-grub-quoting.iso
grub-mkrescue -d /usr/lib/grub/i386-pc -o "$iso" --fonts= --locales= --themes= \
    --install-modules="multiboot2 normal serial terminal" "$stage" \
    > "$stage.log" 2>&1 || fail "grub-mkrescue failed" "$(cat "$stage.log")"
rm -rf "$stage" "$stage.log"
boot_iso bootdom-grub-quoting "$iso"

expect "^module 0: .* 'domU name=t memory=32 vcpus=1 weight=256 \"cmdline=hello world\"'$"
expect "^module 1: .* 'domU name=u \"cmdline=console=hvc0   three  spaces\" memory=16'$"
expect "^module 2: .* 'domU name=v \"cmdline=\\\\\"it\\\\'s quoted\\\\\" x\"'$"
expect "^domU module 0: d1 't': 32 MiB, 1 vCPU, weight 256, cmdline 'hello world'$"
expect "^domU module 1: d2 'u': 16 MiB, 1 vCPU, weight 256, cmdline 'console=hvc0   three  spaces'$"
expect "^domU module 2: d3 'v': 32 MiB, 1 vCPU, weight 256, cmdline 'it's quoted x'$"
expect_exit 1
says t "^domu-info flags 0x0 nr_pages 8192 cmdline 'hello world'$" '^DONE 1 passed, 0 failed$'
says u "^domu-info flags 0x0 nr_pages 4096 cmdline 'console=hvc0   three  spaces'$" \
    '^DONE 1 passed, 0 failed$'
says v "^domu-info flags 0x0 nr_pages 8192 cmdline 'it's quoted x'$" '^DONE 1 passed, 0 failed$'
has '^frames: [0-9]+ free, as before any domain was built$'
reject 'LEAK|HYPERVISOR FAULT|crashed|^\([tuv]\) FAIL'
