#!/usr/bin/env bash
# Puts extra guests into the dom0 ramdisk tree (`make iso EXTRA_GUESTS="..."`):
#   scripts/ramdisk-extra.sh ROOT FILE...
# FILE.cfg goes to ROOT/etc/xlite/FILE.cfg; any other file is a guest image and goes to
# ROOT/boot/NAME (its name without .elf), stripped of debug sections when it is ELF, so
# a config says kernel = "/boot/NAME". A missing file or two files with one destination
# stop the build with one line naming them.
set -euo pipefail
root=$1; shift
declare -A seen=()
for f in "$@"; do
    [[ -f $f ]] || { echo "EXTRA_GUESTS: $f: no such file" >&2; exit 1; }
    base=$(basename "$f")
    if [[ $base == *.cfg ]]; then
        dest=etc/xlite/$base
    else
        dest=boot/${base%.elf}
    fi
    if [[ -n ${seen[$dest]:-} || -e $root/$dest ]]; then
        echo "EXTRA_GUESTS: $f: /$dest is already in the ramdisk${seen[$dest]:+ (from ${seen[$dest]})}" >&2
        exit 1
    fi
    seen[$dest]=$f
    if [[ $(head -c 4 "$f" | od -An -tx1 | tr -d ' ') == 7f454c46 ]]; then
        strip -g -o "$root/$dest" "$f"
    else
        cp "$f" "$root/$dest"
    fi
    echo "  EXTRA   /$dest"
done
